"""Fuzz suite: 1,000+ bad inputs over REST against the running bot (`bot` fixture).

Empty, huge, emoji, control and zero-width characters, invalid JSON and wrong types,
markup and injection strings, typed intent payloads. Expected: no server error, no
crash, a reply to every well-formed request, no message text in the logs.

Messages that reach the engine are kept under SHORT characters in the main test. Long
runs just under the length limit get a test of their own, which needs an engine whose
regexes run in linear time (tests/unit/test_linear_time.py): on one that does not, a
1,999-digit message keeps the action server busy for many minutes.
"""
import concurrent.futures
import json
import multiprocessing
import random
import time
import urllib.error
import urllib.request
import uuid

import pytest

from channels.safety_net import ACTION_SERVER_DOWN, MAX_MESSAGE_CHARS
from tests.eval.conversations import _call

SEED = 9
WELL_FORMED = 700
MALFORMED = 350
SHORT = 200

PIECES = [
    "", " ", "\t\n", "\u200b\u200b", "\u202etwitch\u202c", "\ufeff", "\x00", "\x07\x1b[31m", "😩", "🫠🫠🫠",
    "👨‍👩‍👧", "é", "ñ", "Ω≈ç√", "日本語", "مرحبا", "<script>alert(1)</script>", "<b>", "</div>",
    "{{7*7}}", "${jndi:ldap://x}", "'; DROP TABLE events; --", "\" OR 1=1 --", "../../etc/passwd",
    "%s%s%n", "{}", "[]", "null", "NaN", "-1e309", "9" * 50, "0x41", "\\u0000", "\r\n\r\n",
    "my eyelid twitches", "no", "yes", "not sure", "3 weeks", "6 coffees", "why?", "stop",
    "start over", "is it ALS?", "twitch", "cramp", "🙂 no", "NO!!!", "?", "...", "-", "_",
]
TYPED = [
    "/greet", "/affirm", "/deny", "/restart", "/stop", "/nonexistent_intent", "/", "//", "/greet{",
    '/inform{"location": 5}', '/inform{"body_location": "calf"}', '/greet{"a": [1, {"b": null}]}',
    "/describe_symptom", "/emergency", "/faq_is_it_als", "/keep_conversation", "/dont_know",
    "/session_start", "/action_listen", "/greet" + "{" * 50, "/" + "a" * 300,
]


def texts(rng):
    for i in range(WELL_FORMED):
        kind = i % 7
        if kind == 0:
            yield rng.choice(TYPED)
        elif kind == 1:
            yield "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))
        elif kind == 2:
            yield "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 40)))
        elif kind == 3:
            yield (rng.choice(PIECES) * rng.randint(1, 30))[:SHORT]
        elif kind == 4:  # over the limit: answered without the model or the engine
            yield rng.choice(["a", "7", " ", ".", "é", "😩", "\u200b"]) * rng.choice([2001, 5000, 120_000])
        elif kind == 5:
            yield json.dumps({"message": rng.choice(PIECES)})
        else:
            yield rng.choice(PIECES[35:]) + " " + rng.choice(PIECES[:35])


def malformed(rng):
    shapes = [
        lambda: b"{not json", lambda: b"", lambda: b"\xff\xfe\x00", lambda: b"[" * 5000,
        lambda: json.dumps([rng.random()]).encode(), lambda: json.dumps("text").encode(),
        lambda: json.dumps(None).encode(), lambda: json.dumps(rng.randint(0, 9)).encode(),
        lambda: json.dumps({"message": "hi"}).encode(),
        lambda: json.dumps({"sender": None, "message": "hi"}).encode(),
        lambda: json.dumps({"sender": rng.randint(0, 99), "message": "hi"}).encode(),
        lambda: json.dumps({"sender": {"id": 1}, "message": "hi"}).encode(),
        lambda: json.dumps({"sender": "s" * 500, "message": "hi"}).encode(),
        lambda: json.dumps({"sender": "fuzz", "message": rng.choice([1, 2.5, True, [], {}, ["a"]])}).encode(),
        lambda: json.dumps({"sender": rng.choice(["slack:U1", "telegram:1", "SLACK:U1"]), "message": "hi"}).encode(),
        lambda: json.dumps({"sender": "fuzz", "message": "hi", "metadata": "not a dict"}).encode(),
    ]
    for i in range(MALFORMED):
        yield shapes[i % len(shapes)]()


def post(bot, raw, content_type="application/json"):
    request = urllib.request.Request(f"{bot.url}/webhooks/rest/webhook", data=raw, method="POST",
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_thousand_bad_inputs_get_no_server_error_and_every_well_formed_one_a_reply(bot):
    rng = random.Random(SEED)
    senders = [f"fuzz-{uuid.uuid4().hex[:8]}" for _ in range(40)]
    requests = [(json.dumps({"sender": rng.choice(senders), "message": text}).encode(), True)
                for text in texts(rng)]
    requests += [(raw, False) for raw in malformed(rng)]
    requests += [(b"sender=a&message=b", False)] * 10  # form-encoded, not JSON
    rng.shuffle(requests)
    assert len(requests) >= 1000
    rasa_log = bot.log_dir / "rasa.log"
    log_start = rasa_log.stat().st_size

    def send(item):
        raw, good = item
        content_type = "application/x-www-form-urlencoded" if raw.startswith(b"sender=") else "application/json"
        return good, raw, post(bot, raw, content_type)

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        results = list(pool.map(send, requests))

    server_errors = [(raw[:80], status) for _, raw, (status, _) in results if status >= 500]
    assert server_errors == []
    silent = [raw[:80] for good, raw, (status, body) in results
              if good and (status != 200 or not json.loads(body))]
    assert silent == [], f"{len(silent)} well-formed requests got no reply"
    refused = [raw[:80] for good, raw, (status, _) in results if not good and status not in (400, 403)]
    assert refused == []
    assert bot.rasa.process.poll() is None and bot.actions.process.poll() is None, "no crash"
    assert _call(bot, "GET", "/status")  # still answering
    new_log = rasa_log.read_text(errors="replace")[log_start:]
    assert "Traceback" not in new_log
    for secret in ["DROP TABLE events", "<script>", "jndi:ldap", "etc/passwd"]:
        assert secret not in new_log, "message text in the log"


def _engine_probe(pipe):
    from actions.medical.assessment import assess

    started = time.perf_counter()
    assess({}, ["7" * MAX_MESSAGE_CHARS])
    pipe.send(time.perf_counter() - started)


def engine_is_linear(timeout=2.0):
    """Whether the engine reads 2,000 digits in under `timeout` s (in a child that is killed after)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_engine_probe, args=(sender,), daemon=True)
    child.start()
    try:
        return receiver.poll(timeout)
    finally:
        child.kill()
        child.join()


def test_runs_just_under_the_length_limit_are_answered_in_seconds(bot):
    if not engine_is_linear():
        pytest.xfail("the engine's regexes are not linear yet: 2,000 digits take minutes "
                     "(tests/unit/test_linear_time.py)")
    for char in ["7", "1 ", "a", ".", "-,", " "]:
        text = (char * MAX_MESSAGE_CHARS)[:MAX_MESSAGE_CHARS - 1]
        started = time.perf_counter()
        replies = say_raw(bot, f"near-limit-{uuid.uuid4().hex[:8]}", text)
        assert replies and ACTION_SERVER_DOWN not in [r.get("text") for r in replies], repr(char)
        assert time.perf_counter() - started < 5, repr(char)


def say_raw(bot, sender, text):
    status, body = post(bot, json.dumps({"sender": sender, "message": text}).encode())
    assert status == 200
    return json.loads(body)
