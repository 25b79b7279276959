"""Rasa's SQL tracker store, keeping each conversation's tracker in memory between turns.

Rasa rebuilds a conversation on every message: it reads every event of the conversation from
the database, decodes it and replays it into a new tracker, then writes the turn's new events.
A Twitch Check interview has a few hundred events by its end, so the rebuild grew with every
turn and was about a quarter of Rasa's CPU per turn (README, "Speed").

This store writes exactly as Rasa's does (the database stays the only record), and remembers the
tracker it has just saved. The next message of that conversation gets the remembered tracker
back only when the database still holds exactly what was saved, checked with one indexed query:
the conversation's number of events and its newest event id. Another instance writing to the
same database (PostgreSQL with several instances), a deletion ("forget me", retention) or a
tracker changed in memory after it was saved all fail the check, and the tracker is read from
the database as before. A remembered tracker is handed to one caller only (taken out on
retrieval, put back on saving), so two callers never share one tracker object. A tracker whose
conversation started a new session since it was read is not kept: Rasa reads only the latest
session back, and so must this store.

endpoints.yml: ``tracker_store: type: channels.trackers.RememberingSQLTrackerStore`` with the
same settings as ``type: SQL``, plus ``kept`` (how many conversations to keep in memory,
default 500; 0 keeps none).
"""

import itertools
import logging
from collections import OrderedDict
from typing import Any, Dict, Iterator, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

# (events stored for the conversation, newest event id, events in the tracker)
Stamp = Tuple[int, Optional[int], int]


class RememberingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that hands back the tracker it saved last when the database agrees."""

    def __init__(self, *args: Any, kept: int = 500, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.capacity = max(0, int(kept))
        self._kept: "OrderedDict[Text, Tuple[Stamp, DialogueStateTracker]]" = OrderedDict()
        # conversation -> (the tracker handed back, its number of events then, all stored)
        self._handed_out: Dict[Text, Tuple[int, int]] = {}

    def _stored(self, sender_id: Text) -> Tuple[int, Optional[int]]:
        """How many events the database holds for the conversation, and the newest one's id."""
        event = self.SQLEvent
        with self.session_scope() as session:
            count, newest = (session.query(sa.func.count(event.id), sa.func.max(event.id))
                             .filter(event.sender_id == sender_id).one())
        return int(count), newest

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self._handed_out.pop(sender_id, None)
        kept = self._kept.pop(sender_id, None)
        if kept is not None:
            stamp, tracker = kept
            if stamp == (*self._stored(sender_id), len(tracker.events)):
                self._handed_out[sender_id] = (id(tracker), stamp[2])
                return tracker
            logger.debug("A kept conversation changed since it was saved; read from the database.")
        return await super().retrieve(sender_id)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The events to write: for a tracker handed back from memory, those after the ones it had
        when saved (Rasa counts the stored events of the session with a query instead)."""
        out = self._handed_out.pop(tracker.sender_id, None)
        if out is not None and out[0] == id(tracker):
            return itertools.islice(tracker.events, out[1], None)
        return super()._additional_events(session, tracker)

    async def exists(self, conversation_id: Text) -> bool:
        return conversation_id in self._kept or self._stored(conversation_id)[0] > 0

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._kept.pop(tracker.sender_id, None)
        await super().save(tracker)
        if self.capacity and not _started_again(tracker):
            stamp = (*self._stored(tracker.sender_id), len(tracker.events))
            self._kept[tracker.sender_id] = (stamp, tracker)
            while len(self._kept) > self.capacity:
                self._kept.popitem(last=False)  # the conversation idle the longest

    def forget(self, sender_id: Optional[Text] = None) -> None:
        """Drops one kept conversation (all of them without an id), after a deletion."""
        if sender_id is None:
            self._kept.clear()
            self._handed_out.clear()
        else:
            self._kept.pop(sender_id, None)
            self._handed_out.pop(sender_id, None)


def _started_again(tracker: DialogueStateTracker) -> bool:
    """True when a session started after the tracker's first event (the database read would drop
    the events before it)."""
    return any(isinstance(e, SessionStarted) for e in itertools.islice(tracker.events, 1, None))
