"""Deleting conversations from Rasa's tracker store: "forget me" and retention.

Works on the stores Twitch Check uses: the SQL store (SQLite by default,
PostgreSQL in production) and the in-memory store (tests, ``rasa shell`` without
endpoints). Rasa 3.6 has no delete in its TrackerStore API, so this goes one level
down, to the store's own table or dict.
"""

import logging
import time
from typing import Any, Optional, Text

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore

logger = logging.getLogger(__name__)

DAY = 24 * 60 * 60


def base_store(store: TrackerStore) -> TrackerStore:
    """The real store inside Rasa's wrappers (FailSafe, Awaitable)."""
    seen = 0
    while hasattr(store, "_tracker_store") and seen < 10:
        store, seen = store._tracker_store, seen + 1  # type: ignore[attr-defined]
    return store


def delete_conversation(store: TrackerStore, sender_id: Text) -> int:
    """Deletes every stored event of one conversation; returns how many were deleted."""
    store = base_store(store)
    if isinstance(store, SQLTrackerStore):
        with store.session_scope() as session:
            count = (
                session.query(store.SQLEvent)
                .filter(store.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        _forget_kept(store, sender_id)
        _erase_from_the_log(store)
        return int(count)
    if isinstance(store, InMemoryTrackerStore):
        return 1 if store.store.pop(sender_id, None) is not None else 0
    redis = getattr(store, "red", None)
    if redis is not None:  # RedisTrackerStore
        return int(redis.delete(getattr(store, "key_prefix", "") + sender_id))
    raise NotImplementedError(f"Cannot delete from a {type(store).__name__}")


CHECKPOINT_TRIES = 5


def _erase_from_the_log(store: SQLTrackerStore) -> None:
    """SQLite in WAL mode keeps the deleted rows' pages in its write-ahead log until later writes
    overwrite it; a checkpoint copies the log into the database (where secure_delete has zeroed
    them, channels/trackers.py) and empties it. A reader in the way makes it fail: tried again,
    and an error if the deleted text is still on disk after that."""
    if store.engine.url.get_backend_name() != "sqlite":
        return
    for attempt in range(CHECKPOINT_TRIES):
        with store.engine.connect() as connection:
            busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()[0]
        if not busy:
            return
        time.sleep(0.05 * (attempt + 1))
    raise RuntimeError("the write-ahead log could not be emptied after a deletion")


def _forget_kept(store: TrackerStore, sender_id: Text) -> None:
    """A store that keeps trackers in memory (channels/trackers.py) drops its copy too."""
    forget = getattr(store, "forget", None)
    if forget is not None:
        forget(sender_id)


def purge_older_than(store: TrackerStore, days: float, now: Optional[float] = None) -> int:
    """Deletes conversations whose latest event is older than `days`; returns how many."""
    store = base_store(store)
    cutoff = (now if now is not None else time.time()) - days * DAY
    if isinstance(store, SQLTrackerStore):
        import sqlalchemy as sa

        event = store.SQLEvent
        with store.session_scope() as session:
            old = [
                sender
                for (sender,) in session.query(event.sender_id)
                .group_by(event.sender_id)
                .having(sa.func.max(event.timestamp) < cutoff)
                .all()
            ]
            for start in range(0, len(old), 500):
                session.query(event).filter(event.sender_id.in_(old[start:start + 500])).delete(
                    synchronize_session=False
                )
            session.commit()
        for sender in old:
            _forget_kept(store, sender)
        if old:
            _erase_from_the_log(store)
        return len(old)
    if isinstance(store, InMemoryTrackerStore):
        old = []
        for sender in list(store.store):
            tracker = store.deserialise_tracker(sender, store.store[sender])
            if tracker is None or not tracker.events or tracker.events[-1].timestamp < cutoff:
                old.append(sender)
        for sender in old:
            store.store.pop(sender, None)
        return len(old)
    logger.warning("Retention is not supported for a %s; nothing deleted.", type(store).__name__)
    return 0


def retention_days(environ: Any) -> Optional[float]:
    """`TWITCH_RETENTION_DAYS` (default 30); 0 or "off" keeps conversations forever."""
    value = str(environ.get("TWITCH_RETENTION_DAYS", "30")).strip().lower()
    if value in ("", "0", "off", "none", "never"):
        return None
    days = float(value)
    if days <= 0:
        return None
    return days
