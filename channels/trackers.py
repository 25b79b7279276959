"""Rasa's SQL tracker store, keeping each conversation's tracker in memory between turns.

Rasa rebuilds a conversation on every message: it reads every event of the conversation from
the database, decodes it and replays it into a new tracker, then writes the turn's new events.
A Twitch Check interview has a few hundred events by its end, so the rebuild grew with every
turn and was about a quarter of Rasa's CPU per turn (docs/speed.md, "Speed").

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

A turn is saved, or the person is told and nothing is lost (docs/reliability.md, "Reliability"). Every read
and write runs in a small thread pool, never on Rasa's event loop, and SQLite waits at most
``busy_timeout_ms`` for a lock (Python's default wait of 5 s ran on the event loop, so everyone
waited). A write that fails is tried again ``tries`` times with a short backoff; if it still
fails, the tracker is kept in memory as it is (every event, so the highest level reached and
every warning sign stay) and handed back on the next message, whose successful write stores the
whole backlog; ``take_not_saved`` tells channels/guard.py to say so. Rasa's own fail-safe store
logged the error and went on with a tracker that a later read would lose. A database file that
disappeared or was replaced under the running store fails every write (SQLite would go on
writing to the deleted file, lost at the next restart) and the health check.

endpoints.yml: ``tracker_store: type: channels.trackers.RememberingSQLTrackerStore`` with the
same settings as ``type: SQL``, plus ``kept`` (how many conversations to keep in memory,
default 500; 0 keeps none), ``tries`` (3) and ``busy_timeout_ms`` (1000).
"""

import asyncio
import itertools
import json
import logging
import os
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Callable, Dict, Optional, Set, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

# (events stored for the conversation, newest event id, events in the tracker)
Stamp = Tuple[int, Optional[int], int]


# Waits between the tries of a failed write: short, as the person is waiting for the reply.
BACKOFF_SECONDS = (0.2, 0.6, 1.2)


class StorageUnavailable(Exception):
    """The database file is missing or was replaced: nothing written now would be kept."""


class RememberingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that hands back the tracker it saved last when the database agrees, reads
    and writes off the event loop, and keeps a turn it could not write; see the module."""

    def __init__(self, *args: Any, kept: int = 500, tries: int = 3, busy_timeout_ms: int = 1000,
                 **kwargs: Any) -> None:
        # Rasa passes the endpoint's settings by name
        self.path = _sqlite_file(kwargs.get("dialect", "sqlite"), kwargs.get("db", "rasa.db"))
        existed = self.path is None or os.path.exists(self.path)
        super().__init__(*args, **kwargs)
        if not existed:
            logger.warning("There was no conversation database at %s; a new, empty one was made.",
                           self.path)
        self._file = _identity(self.path)
        if self.path is not None:
            _wait_at_most(self.engine, int(busy_timeout_ms))
        self.capacity = max(0, int(kept))
        self.tries = max(1, int(tries))
        self._threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tracker-store")
        self._kept: "OrderedDict[Text, Tuple[Stamp, DialogueStateTracker]]" = OrderedDict()
        # conversation -> (the tracker handed back, how many of its events are stored)
        self._handed_out: Dict[Text, Tuple[int, Optional[int]]] = {}
        # conversation -> (a tracker whose last turn could not be written, its events stored)
        self._unsaved: Dict[Text, Tuple[DialogueStateTracker, Optional[int]]] = {}
        self._not_saved: Set[Text] = set()

    async def _in_thread(self, function: Callable, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._threads, partial(function, *args))

    def _check_file(self) -> None:
        """Refuses to touch a database file that is gone: SQLite would make a new, empty one."""
        if _identity(self.path) != self._file:
            raise StorageUnavailable("the database file is missing or was replaced")

    def _stored(self, sender_id: Text) -> Tuple[int, Optional[int]]:
        """How many events the database holds for the conversation, and the newest one's id."""
        self._check_file()
        event = self.SQLEvent
        with self.session_scope() as session:
            count, newest = (session.query(sa.func.count(event.id), sa.func.max(event.id))
                             .filter(event.sender_id == sender_id).one())
        return int(count), newest

    def _read(self, sender_id: Text, all_sessions: bool = False) -> Optional[DialogueStateTracker]:
        """As Rasa's SQLTrackerStore reads a conversation (in a thread here)."""
        self._check_file()
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=all_sessions).all()
            events = [json.loads(row.data) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def _write(self, tracker: DialogueStateTracker, stored: Optional[int]) -> Stamp:
        """Writes the events after the first `stored` (Rasa's count query when not known) as Rasa
        does, in one transaction; returns the conversation's new stamp."""
        self._check_file()
        with self.session_scope() as session:
            if stored is None:
                events = SQLTrackerStore._additional_events(self, session, tracker)
            else:
                events = itertools.islice(tracker.events, stored, None)
            for event in events:
                data = event.as_dict()
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data)))
            session.commit()
        return (*self._stored(tracker.sender_id), len(tracker.events))

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self._handed_out.pop(sender_id, None)
        unsaved = self._unsaved.get(sender_id)
        if unsaved is not None:  # the newest state is only here until it is written
            self._handed_out[sender_id] = (id(unsaved[0]), unsaved[1])
            return unsaved[0]
        kept = self._kept.pop(sender_id, None)
        if kept is not None:
            stamp, tracker = kept
            if await self._still_stored(stamp, tracker):
                self._handed_out[sender_id] = (id(tracker), stamp[2])
                return tracker
            logger.debug("A kept conversation changed since it was saved; read from the database.")
        return await self._in_thread(self._read, sender_id)

    async def _still_stored(self, stamp: Stamp, tracker: DialogueStateTracker) -> bool:
        """Whether the database holds what was saved; if it cannot be read, the kept tracker (the
        last one saved) is the best there is."""
        try:
            stored = await self._in_thread(self._stored, tracker.sender_id)
        except Exception as e:
            logger.error("Could not read the conversation database (%s); using the copy in memory.",
                         type(e).__name__)
            return True
        return stamp == (*stored, len(tracker.events))

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        unsaved = self._unsaved.get(conversation_id)
        if unsaved is not None:
            return unsaved[0]
        return await self._in_thread(self._read, conversation_id, True)

    async def exists(self, conversation_id: Text) -> bool:
        if conversation_id in self._kept or conversation_id in self._unsaved:
            return True
        return (await self._in_thread(self._stored, conversation_id))[0] > 0

    def _already_stored(self, tracker: DialogueStateTracker) -> Optional[int]:
        """How many of the tracker's events are stored, when this store handed it out (else None:
        Rasa's count query decides)."""
        out = self._handed_out.pop(tracker.sender_id, None)
        return out[1] if out is not None and out[0] == id(tracker) else None

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender = tracker.sender_id
        self._kept.pop(sender, None)
        stored = self._already_stored(tracker)
        for attempt in range(self.tries):
            try:
                stamp = await self._in_thread(self._write, tracker, stored)
                break
            except Exception as e:
                error = e
                if attempt + 1 < self.tries:
                    await asyncio.sleep(BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)])
        else:
            self._keep_unsaved(tracker, stored, error)
            return
        self._unsaved.pop(sender, None)
        if self.capacity and not _started_again(tracker):
            self._kept[sender] = (stamp, tracker)
            while len(self._kept) > self.capacity:
                self._kept.popitem(last=False)  # the conversation idle the longest

    def _keep_unsaved(self, tracker: DialogueStateTracker, stored: Optional[int], error: Exception) -> None:
        # The driver's own error only: SQLAlchemy's text holds the statement and its values, and so
        # could hold what the person wrote ("no message text in logs").
        logger.error("Could not save a conversation after %d tries (%s: %s); it is kept in memory "
                     "and written with its next turn.", self.tries, type(error).__name__,
                     str(getattr(error, "orig", None) or type(error).__name__)[:200])
        self._unsaved[tracker.sender_id] = (tracker, stored)
        self._not_saved.add(tracker.sender_id)

    def take_not_saved(self, sender_id: Text) -> bool:
        """Whether the conversation's last save failed (asked once per turn, by the guard)."""
        if sender_id in self._not_saved:
            self._not_saved.discard(sender_id)
            return True
        return False

    def health(self) -> Optional[Text]:
        """Why the database cannot be used, or None when it can (read in the calling thread)."""
        try:
            self._check_file()
            with self.session_scope() as session:
                session.execute(sa.text("SELECT count(*) FROM events WHERE id = -1"))
        except StorageUnavailable as e:
            return str(e)
        except Exception as e:
            return f"the conversation database cannot be read ({type(e).__name__})"
        if self._unsaved:
            return f"{len(self._unsaved)} conversations are waiting to be written"
        return None

    def forget(self, sender_id: Optional[Text] = None) -> None:
        """Drops one kept conversation (all of them without an id), after a deletion."""
        if sender_id is None:
            self._kept.clear()
            self._handed_out.clear()
            self._unsaved.clear()
        else:
            self._kept.pop(sender_id, None)
            self._handed_out.pop(sender_id, None)
            self._unsaved.pop(sender_id, None)


def _sqlite_file(dialect: Text, db: Text) -> Optional[Text]:
    if dialect != "sqlite" or not db or db == ":memory:":
        return None
    return os.path.abspath(db)


def _identity(path: Optional[Text]) -> Optional[Tuple[int, int]]:
    """Which file is at `path` (device and inode), None if nothing is."""
    if path is None:
        return (0, 0)
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _wait_at_most(engine: Any, milliseconds: int) -> None:
    """SQLite waits at most this long for another connection's lock, on every connection (the
    ones open already are closed, so that each new one gets the setting)."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={milliseconds}")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted text is overwritten, not left in free pages
        cursor.close()

    engine.dispose()


def _started_again(tracker: DialogueStateTracker) -> bool:
    """True when a session started after the tracker's first event (the database read would drop
    the events before it)."""
    return any(isinstance(e, SessionStarted) for e in itertools.islice(tracker.events, 1, None))
