"""The SQL tracker store that keeps conversations in memory between turns (channels/trackers.py):
whatever it keeps, a conversation reads back exactly as the database holds it."""
import time

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.trackers import RememberingSQLTrackerStore
from tests.unit.test_forget import run

DOMAIN = Domain.from_dict({"slots": {"caffeine": {"type": "text", "mappings": [{"type": "custom"}]}}})


def _stores(tmp_path, kept=500):
    """Two instances on one database file, as two Rasa processes would be."""
    db = str(tmp_path / "c.db")
    return (RememberingSQLTrackerStore(DOMAIN, dialect="sqlite", db=db, kept=kept),
            RememberingSQLTrackerStore(DOMAIN, dialect="sqlite", db=db, kept=kept))


def _turn(store, sender, text, caffeine=None):
    """One turn as Rasa plays it: read (or start) the conversation, add to it, save."""
    tracker = run(store.get_or_create_tracker(sender))
    tracker.update(UserUttered(text))
    if caffeine is not None:
        tracker.update(SlotSet("caffeine", caffeine))
    tracker.update(ActionExecuted("action_listen"))
    run(store.save(tracker))
    return tracker


def _from_database(tmp_path, sender):
    return run(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "c.db")).retrieve(sender))


def _said(tracker):
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_a_conversation_reads_back_as_stored(tmp_path):
    store, _ = _stores(tmp_path)
    _turn(store, "ann", "my eyelid twitches", caffeine="5 cups")
    _turn(store, "ann", "every day")
    tracker = run(store.retrieve("ann"))
    stored = _from_database(tmp_path, "ann")
    assert _said(tracker) == _said(stored) == ["my eyelid twitches", "every day"]
    assert tracker.get_slot("caffeine") == stored.get_slot("caffeine") == "5 cups"
    assert len(tracker.events) == len(stored.events)


def test_a_turn_handled_by_another_instance_is_not_lost(tmp_path):
    first, second = _stores(tmp_path)
    _turn(first, "ben", "my calf cramps")
    _turn(second, "ben", "about 3 coffees", caffeine="3 cups")  # the next message went elsewhere
    tracker = _turn(first, "ben", "every night")
    assert _said(tracker) == ["my calf cramps", "about 3 coffees", "every night"]
    assert tracker.get_slot("caffeine") == "3 cups"


def test_a_tracker_changed_after_saving_is_not_handed_back(tmp_path):
    store, _ = _stores(tmp_path)
    saved = _turn(store, "cat", "my thumb twitches")
    saved.update(UserUttered("never saved"))
    assert _said(run(store.retrieve("cat"))) == ["my thumb twitches"]


def test_two_readers_never_share_one_tracker(tmp_path):
    store, _ = _stores(tmp_path)
    _turn(store, "dan", "my eyelid twitches")
    one, two = run(store.retrieve("dan")), run(store.retrieve("dan"))
    assert one is not two
    one.update(UserUttered("only in one"))
    assert _said(two) == ["my eyelid twitches"]


def test_a_new_session_reads_back_as_the_latest_session_only(tmp_path):
    store, _ = _stores(tmp_path)
    _turn(store, "eve", "yesterday's twitch")
    tracker = run(store.retrieve("eve"))
    later = time.time() + 1
    tracker.update(ActionExecuted("action_session_start", timestamp=later))
    tracker.update(SessionStarted(timestamp=later))
    tracker.update(UserUttered("a new day", timestamp=later + 1))
    run(store.save(tracker))
    assert _said(run(store.retrieve("eve"))) == _said(_from_database(tmp_path, "eve")) == ["a new day"]


def test_more_conversations_than_it_keeps(tmp_path):
    store, _ = _stores(tmp_path, kept=2)
    for sender in ("f1", "f2", "f3"):
        _turn(store, sender, f"hello from {sender}")
        assert len(store._kept) <= 2, "memory is bounded"
    for sender in ("f1", "f2", "f3"):
        assert _said(_turn(store, sender, "again")) == [f"hello from {sender}", "again"]
    assert run(store.exists("f1")) and not run(store.exists("nobody"))
