"""Issue 21 against the running bot (`bot` fixture), over REST: hidden characters and other
languages reach the emergency advice, request bodies are bounded before anything is stored, and a
turn the database cannot take is told, kept and never lowered, across a restart."""
import json
import re
import time

import yaml

from channels.safety_net import EMERGENCY_ADVICE, NOT_SAVED
from tests.conversation.test_resilience import http, new_sender, texts
from tests.eval.conversations import _call, say, slots
from tests.servers import ROOT
from tests.unit.test_storage_faults import HeldLock

SOFT_HYPHEN = "\u00ad"


def _spanish_line():
    spec = yaml.safe_load((ROOT / "actions/knowledge/languages.yml").read_text())["languages"]["es"]
    return " ".join(spec["line"].split())


def _stored_events(bot, sender):
    return _call(bot, "GET", f"/conversations/{sender}/tracker")["events"]


def _database(bot):
    return re.search(r'db: "([^"]+)"', (bot.log_dir / "endpoints.yml").read_text()).group(1)


# ---- one normaliser, other languages ---------------------------------------------------------

def test_soft_hyphens_inside_warning_signs_end_in_an_emergency(bot):
    sender = new_sender()
    say(bot, sender, f"my face is droo{SOFT_HYPHEN}ping and I can't swal{SOFT_HYPHEN}low")
    assert slots(bot, sender)["triage_level"] == "emergency"


def test_an_emergency_in_spanish_gets_spanish_first_and_is_never_an_answer(bot):
    sender = new_sender()
    say(bot, sender, "my calf keeps twitching")
    asked = slots(bot, sender)["requested_slot"]
    replies = texts(say(bot, sender, "no puedo respirar"))
    assert replies[:2] == [_spanish_line(), EMERGENCY_ADVICE]
    state = slots(bot, sender)
    assert state[asked] is None, "not taken as a 'no'"
    # the emergency ends the interview and stands (tests/conversation/test_ownership_and_forget.py)
    assert state["triage_level"] == "emergency" and state["requested_slot"] is None


def test_short_english_answers_are_answers(bot):
    sender = new_sender()
    say(bot, sender, "my calf keeps twitching")
    for answer in ("nah", "ok", "yes 2 days"):
        assert _spanish_line() not in texts(say(bot, sender, answer))


# ---- bounded bodies --------------------------------------------------------------------------

def _post(bot, body):
    return http(bot, "POST", "/webhooks/rest/webhook", raw=json.dumps(body).encode())


def test_20_mb_of_metadata_gets_413_at_once_and_nothing_is_stored(bot):
    sender = new_sender()
    started = time.perf_counter()
    status, _, reply = _post(bot, {"sender": sender, "message": "hi", "metadata": {"x": "a" * 20_000_000}})
    assert status == 413 and b"bytes" in reply
    assert time.perf_counter() - started < 5
    assert _stored_events(bot, sender) == [] or all(e["event"] != "user" for e in _stored_events(bot, sender))


def test_too_many_fields_or_metadata_fields_get_413(bot):
    sender = new_sender()
    assert _post(bot, {"sender": sender, "message": "hi", **{f"f{i}": 1 for i in range(20)}})[0] == 413
    assert _post(bot, {"sender": sender, "message": "hi", "metadata": {f"k{i}": 1 for i in range(50)}})[0] == 413
    assert _post(bot, {"sender": sender, "message": "hi", "metadata": {"x": "a" * 3000}})[0] == 413
    assert _stored_events(bot, sender) == [] or all(e["event"] != "user" for e in _stored_events(bot, sender))
    status, _, reply = _post(bot, {"sender": sender, "message": "my calf twitches", "metadata": {"page": "home"}})
    assert status == 200 and json.loads(reply), "ordinary metadata is fine"


# ---- storage faults --------------------------------------------------------------------------

def test_health_check_says_the_database_is_fine(bot):
    status, _, body = http(bot, "GET", "/webhooks/rest/")
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_a_held_lock_is_told_and_the_emergency_stands_after_a_restart(bot):
    sender = new_sender()
    say(bot, sender, "my calf keeps twitching")
    lock = HeldLock(_database(bot))
    try:
        replies = texts(say(bot, sender, "I can't swallow and my speech is slurred"))
        assert NOT_SAVED in replies, "the person is told the turn was not saved"
        assert slots(bot, sender)["triage_level"] == "emergency"
        status, _, _ = http(bot, "GET", "/webhooks/rest/")
        assert status == 503, "the health check fails while turns wait to be written"
        say(bot, sender, "no")
    finally:
        lock.release()
    say(bot, sender, "no")  # written now, with the backlog
    assert http(bot, "GET", "/webhooks/rest/")[0] == 200
    bot.rasa.restart()
    assert slots(bot, sender)["triage_level"] == "emergency", "no later answer lowered it"
    said = [e.get("text") for e in _stored_events(bot, sender) if e.get("event") == "user"]
    assert "I can't swallow and my speech is slurred" in said
