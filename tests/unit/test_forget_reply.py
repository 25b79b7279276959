"""What the person hears after "yes, delete it" (channels/guard.py): "Done" only once the
conversation is really gone, the failure otherwise, whatever the channel (the web chat's
messages go out as they come, so "Done" used to be shown before a deletion that then failed)."""
import asyncio
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.events import UserUttered

from actions.privacy import DELETED
from channels import guard, safety_net


def run_apart(coroutine):
    """Runs a coroutine in its own thread: after the browser tests an event loop may already be
    running in this one, and asyncio.run() refuses to nest."""
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


class LiveChannel:
    """An output channel that sends at once (as socket.io does), and hears of the deletion."""

    def __init__(self):
        self.sent, self.deleted = [], []

    async def send_response(self, recipient_id, message):
        self.sent.append(message.get("text"))

    async def conversation_deleted(self, recipient_id):
        self.deleted.append(recipient_id)


class BrokenStore(InMemoryTrackerStore):
    """A store whose deletion fails (a full disk, a lost database)."""

    @property
    def store(self):
        raise OSError("disk full")

    @store.setter
    def store(self, value):
        pass


def forget(store, channel, sender="web:" + "a" * 32):
    processor = SimpleNamespace(tracker_store=store)
    message = SimpleNamespace(output_channel=channel, sender_id=sender)
    run_apart(guard._forget(processor, message, sender, [{"recipient_id": sender, "text": DELETED}]))


def test_a_failed_deletion_is_said_and_never_done():
    channel = LiveChannel()
    forget(BrokenStore(Domain.empty()), channel)
    assert channel.sent == [safety_net.DELETE_FAILED]
    assert channel.deleted == [], "the browser keeps its copy: nothing was deleted"


def test_done_goes_out_after_the_deletion_and_the_browser_is_told():
    store = InMemoryTrackerStore(Domain.empty())
    sender = "web:" + "b" * 32
    run_apart(store.save(DialogueStateTracker.from_events(sender, [UserUttered("my calf twitches")])))
    channel = LiveChannel()
    forget(store, channel, sender)
    assert sender not in store.store
    assert channel.sent == [DELETED] and channel.deleted == [sender]
