"""Shared fixtures. `bot` starts the action server and Rasa once for every test that needs them."""
import pytest

from tests.servers import ROOT, running_bot


@pytest.fixture(scope="session")
def bot():
    with running_bot(log_dir=ROOT / "test-results" / "server-logs") as running:
        yield running
