"""A turn is saved, or the person is told and nothing is lost (channels/trackers.py), with the
faults made for real: another process holding SQLite's exclusive lock, a full small filesystem,
the database file deleted, the store restarted after each."""
import asyncio
import os
import subprocess
import sys
import time

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

from channels.trackers import RememberingSQLTrackerStore
from tests.unit.test_forget import run

DOMAIN = Domain.from_dict({"slots": {"triage_level": {"type": "text", "mappings": [{"type": "custom"}]}}})
HOLD_SECONDS = 6


def _store(db, **settings):
    return RememberingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), busy_timeout_ms=300, **settings)


async def _turn(store, sender, text, level=None):
    tracker = await store.get_or_create_tracker(sender)
    tracker.update(UserUttered(text))
    if level:
        tracker.update(SlotSet("triage_level", level))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    return tracker


WARNING_SIGN = "I can't swallow and my speech is slurred"


def told_kept_and_written_later(store, sender, fault, repair):
    """A turn, then the fault; a warning sign and a "no" under it; the repair and a last "no".
    Returns (told the sign was not saved, the level after the "no", told after the repair)."""

    async def scenario():
        await _turn(store, sender, "my calf twitches")
        fault()
        await _turn(store, sender, WARNING_SIGN, level="emergency")
        told = store.take_not_saved(sender)
        later = await _turn(store, sender, "no")  # the next answer, the fault still there
        store.take_not_saved(sender)
        repair()
        await _turn(store, sender, "no")  # the backlog is written with this turn
        return told, later.get_slot("triage_level"), store.take_not_saved(sender)

    told, kept_level, told_after = run(scenario())
    assert told, "the person is told the turn could not be saved"
    assert kept_level == "emergency", "a later answer cannot lower the level"
    assert not told_after, "once the fault is gone the turn is saved"


def assert_all_written(restarted):
    said = [e.text for e in restarted.events if isinstance(e, UserUttered)]
    assert said == ["my calf twitches", WARNING_SIGN, "no", "no"]
    assert restarted.get_slot("triage_level") == "emergency", "after a restart too"


class HeldLock:
    """Another process holding BEGIN EXCLUSIVE on the database, as the red team did."""

    def __init__(self, db):
        self.process = subprocess.Popen([sys.executable, "-c", (
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE'); print('held', flush=True)\n"
            f"time.sleep({HOLD_SECONDS})\n")], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "held"

    def release(self):
        self.process.kill()
        self.process.wait()


def test_a_turn_not_saved_under_a_held_lock_is_told_kept_and_written_later(tmp_path):
    db = tmp_path / "c.db"
    locks = []
    try:
        told_kept_and_written_later(_store(db), "ann", lambda: locks.append(HeldLock(db)),
                                    lambda: locks.pop().release())
    finally:
        for lock in locks:
            lock.release()
    assert_all_written(run(_store(db).retrieve("ann")))


def test_a_held_lock_never_blocks_the_event_loop(tmp_path):
    db = tmp_path / "c.db"
    store = _store(db)

    async def scenario():
        await _turn(store, "ben", "my eyelid twitches")
        lock = HeldLock(db)
        try:
            ticks, stop = [], asyncio.Event()

            async def ticking():
                while not stop.is_set():
                    ticks.append(time.perf_counter())
                    await asyncio.sleep(0.02)

            ticker = asyncio.ensure_future(ticking())
            started = time.perf_counter()
            await _turn(store, "ben", "every day")
            waited = time.perf_counter() - started
            stop.set()
            await ticker
        finally:
            lock.release()
        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        return waited, max(gaps)

    waited, longest_gap = run(scenario())
    assert waited < 4, f"the person waits {waited:.1f} s at most, not the lock's {HOLD_SECONDS} s"
    assert longest_gap < 0.25, f"other conversations were stopped for {longest_gap:.2f} s"


def test_a_deleted_database_is_an_error_and_a_health_failure_never_a_silent_loss(tmp_path, caplog):
    db = tmp_path / "c.db"
    store = _store(db)
    run(_turn(store, "cat", "my thumb twitches"))
    assert store.health() is None
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{db}{suffix}"):
            os.remove(f"{db}{suffix}")
    run(_turn(store, "cat", "my arm suddenly went weak", level="emergency"))
    assert store.take_not_saved("cat"), "the person is told"
    assert "missing" in store.health()
    assert any(r.levelname == "ERROR" for r in caplog.records)
    assert run(store.retrieve("cat")).get_slot("triage_level") == "emergency", "kept in memory"


def test_a_new_database_is_said_in_the_log(tmp_path, caplog):
    _store(tmp_path / "new.db")
    assert any("no conversation database" in r.getMessage() for r in caplog.records)


def test_a_deleted_conversation_leaves_no_trace_in_the_database_files(tmp_path):
    """WAL mode (as Rasa runs it, channels/speed.py) kept deleted text in the write-ahead log, and
    freed pages kept it in the database file, until later writes overwrote them."""
    from channels import speed
    from channels.forget import delete_conversation

    speed._sqlite_without_waiting_for_the_disk()  # WAL, the connection kept open: as Rasa runs
    db = tmp_path / "c.db"
    store = _store(db)
    secret = "zebra marmalade 7f3a"
    run(_turn(store, "dee", f"my calf twitches, {secret}"))
    run(_turn(store, "eli", "someone else's conversation stays"))
    assert delete_conversation(store, "dee") > 0
    on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("c.db"))
    assert secret.encode() not in on_disk
    assert run(_store(db).retrieve("eli")) is not None


class SmallDisk:
    """A 2 MB tmpfs mounted for the test, that `fill` leaves with no free byte and `free` empties."""

    def __init__(self, directory):
        self.directory = directory
        self.filler = directory / "filler"
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(directory)],
                                 capture_output=True, text=True)
        if mounted.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs for the full-disk fault: {mounted.stderr.strip()}")

    def fill(self):
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:  # ENOSPC: the disk is full
            pass
        finally:
            os.close(fd)

    def free(self):
        self.filler.unlink()

    def unmount(self):
        subprocess.run(["umount", "-l", str(self.directory)], check=False)


def test_a_turn_not_saved_on_a_full_disk_is_told_kept_and_written_once_there_is_space(tmp_path):
    (tmp_path / "disk").mkdir()
    disk = SmallDisk(tmp_path / "disk")
    try:
        db = disk.directory / "c.db"
        told_kept_and_written_later(_store(db), "fay", disk.fill, disk.free)
        assert_all_written(run(_store(db).retrieve("fay")))
    finally:
        disk.unmount()


def test_a_failed_save_never_logs_what_the_person_wrote(caplog):
    """SQLAlchemy's error text carries the statement's values; only the driver's error is logged."""
    import logging
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy.exc import OperationalError
    words = "my secret words about my swallowing"
    error = OperationalError("INSERT INTO events VALUES (?)", (words,), Exception("database or disk is full"))
    tracker = DialogueStateTracker.from_events("s1", [UserUttered(words)])
    store = RememberingSQLTrackerStore.__new__(RememberingSQLTrackerStore)
    store.tries, store._unsaved, store._not_saved = 3, {}, set()
    with caplog.at_level(logging.ERROR):
        store._keep_unsaved(tracker, None, error)
    assert "disk is full" in caplog.text and words not in caplog.text
