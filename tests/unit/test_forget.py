"""Deleting conversations from Rasa's SQL tracker store (SQLite file): forget me and retention."""
import asyncio
from concurrent.futures import ThreadPoolExecutor
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.forget import delete_conversation, purge_older_than, retention_days
from channels.trackers import RememberingSQLTrackerStore

DAY = 24 * 3600


def run(coroutine):
    """Runs a coroutine in a thread of its own: the browser tests may hold this thread's event loop."""
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


# Rasa's own SQL store, and ours that also keeps conversations in memory: a deleted conversation
# must be gone from both.
STORES = [SQLTrackerStore, RememberingSQLTrackerStore]


def _store(tmp_path, kind=SQLTrackerStore):
    return kind(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))


def _save(store, sender, when):
    tracker = DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen", timestamp=when),
        UserUttered("my eyelid twitches", timestamp=when + 1)])
    run(store.save(tracker))


@pytest.mark.parametrize("kind", STORES)
def test_forget_me_deletes_only_that_conversation(tmp_path, kind):
    store = _store(tmp_path, kind)
    _save(store, "alice", time.time())
    _save(store, "bob", time.time())
    assert delete_conversation(store, "alice") == 2
    assert run(store.retrieve("alice")) is None
    assert run(store.retrieve("bob")) is not None


@pytest.mark.parametrize("kind", STORES)
def test_retention_deletes_conversations_idle_longer_than_the_setting(tmp_path, kind):
    store = _store(tmp_path, kind)
    now = time.time()
    _save(store, "old", now - 40 * DAY)
    _save(store, "recent", now - 2 * DAY)
    assert purge_older_than(store, 30, now=now) == 1
    assert sorted(run(store.keys())) == ["recent"]
    assert run(store.retrieve("old")) is None


def test_retention_setting():
    assert retention_days({}) == 30
    assert retention_days({"TWITCH_RETENTION_DAYS": "7"}) == 7
    assert retention_days({"TWITCH_RETENTION_DAYS": "0"}) is None
    assert retention_days({"TWITCH_RETENTION_DAYS": "off"}) is None
