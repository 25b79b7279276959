"""PostgreSQL stopped mid-conversation (issue 21): the person is told the turn could not be saved,
the level never falls, and once PostgreSQL is back the conversation goes on with nothing lost. The
store is channels/trackers.py on a PostgreSQL of its own, so the other scale tests' cluster is
left alone."""
import contextlib

import pytest

from channels.trackers import RememberingSQLTrackerStore
from tests.databases import postgres_stopped, running_postgres
from tests.unit.test_forget import run
from tests.unit.test_storage_faults import DOMAIN, assert_all_written, told_kept_and_written_later


@pytest.fixture(scope="module")
def postgres():
    with running_postgres() as database:
        yield database


def _store(database):
    return RememberingSQLTrackerStore(
        DOMAIN, dialect="postgresql", host=database.host, port=database.port, db="twitch_faults",
        username="postgres", password="unused-trust-auth", login_db="postgres")


def test_postgres_stopped_mid_conversation_is_told_never_lowers_the_level_and_goes_on(postgres):
    down = contextlib.ExitStack()
    try:
        told_kept_and_written_later(_store(postgres), "gus",
                                    lambda: down.enter_context(postgres_stopped(postgres)), down.close)
    finally:
        down.close()
    assert_all_written(run(_store(postgres).retrieve("gus")))
