"""What a person notices when things go wrong, against the running bot (`bot` fixture).

Long messages, the action server down, hung or failing, Rasa killed and restarted, the
HTTP API token and CORS, channel identity, "forget me", and message text kept out of
the logs on all of those paths. The fault tests stop and restart the fixture's own
servers and always leave them running.
"""
import concurrent.futures
import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from channels.safety_net import ACTION_SERVER_DOWN, EMERGENCY_ADVICE, WELCOME_BACK
from tests.eval.conversations import _call, say, slots

ACTION_TIMEOUT = 8  # channels.guard default


def new_sender(kind="r"):
    return f"{kind}-{uuid.uuid4().hex[:12]}"


def marker():
    """Words no log line would contain unless it logged what the person wrote."""
    return f"zebra marmalade {uuid.uuid4().hex[:8]}"


def http(bot, method, path, body=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(f"{bot.url}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def texts(replies):
    return [r.get("text") or "" for r in replies]


def events(bot, sender):
    return _call(bot, "GET", f"/conversations/{sender}/tracker")["events"]


def user_texts(bot, sender):
    return [e.get("text") for e in events(bot, sender) if e.get("event") == "user"]


def assert_not_logged(bot, *secrets):
    for name in ("rasa.log", "actions.log"):
        log = (bot.log_dir / name).read_text(errors="replace")
        for secret in secrets:
            assert secret not in log, f"message text found in {name}"


# ---- input limits -------------------------------------------------------------------------

def test_a_100_kb_message_gets_a_kind_reply_in_milliseconds_and_is_not_stored(bot):
    sender, secret = new_sender(), marker()
    say(bot, sender, "my calf keeps twitching")
    asked = slots(bot, sender)["requested_slot"]
    started = time.perf_counter()
    replies = say(bot, sender, (secret + " ") * (100_000 // (len(secret) + 1)))
    seconds = time.perf_counter() - started
    assert seconds < 1.0, f"{seconds:.2f} s"
    assert "too long" in texts(replies)[0]
    assert slots(bot, sender)["requested_slot"] == asked, "the interview is where it was"
    assert not any(secret in (t or "") for t in user_texts(bot, sender)), "never stored"
    assert_not_logged(bot, secret)


def test_a_million_characters_do_not_slow_down_anyone_else(bot):
    huge = "7" * 1_000_000
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        floods = [pool.submit(say, bot, new_sender(), huge) for _ in range(3)]
        started = time.perf_counter()
        normal = say(bot, new_sender(), "my eyelid keeps twitching")
        seconds = time.perf_counter() - started
        assert all("too long" in texts(f.result())[0] for f in floods)
    assert normal and seconds < 5, f"an ordinary message took {seconds:.1f} s"


def test_a_too_long_message_with_a_warning_sign_still_gets_the_emergency_advice(bot):
    replies = say(bot, new_sender(), "I can't breathe properly. " + "my muscles twitch everywhere " * 100)
    assert texts(replies)[0] == EMERGENCY_ADVICE and "too long" in texts(replies)[1]


# ---- the action server down, hung or failing ---------------------------------------------

class FakeActionServer:
    """Listens on the action server's port and hangs or fails every call."""

    def __init__(self, port, mode):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if mode == "hang":
                    time.sleep(40)
                    return
                self.send_response(500)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"error": "boom"}')

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.daemon_threads = True
        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def action_server(bot, state):
    """The fixture's action server stopped ("down") or replaced ("hang", "failing"); restarted after."""
    bot.actions.stop()
    try:
        if state == "down":
            yield
        else:
            with FakeActionServer(bot.action_port, "hang" if state == "hang" else "500"):
                yield
    finally:
        for _ in range(20):  # the port may take a moment to be free again
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", bot.action_port)) != 0:
                    break
            time.sleep(0.25)
        bot.actions.start().wait()


@pytest.mark.parametrize("state", ["down", "hang", "failing"])
def test_action_server_trouble_mid_interview_gets_a_kind_reply_and_the_interview_resumes(bot, state):
    sender, secret = new_sender(), marker()
    say(bot, sender, "my eyelid keeps twitching")
    asked = slots(bot, sender)["requested_slot"]
    with action_server(bot, state):
        started = time.perf_counter()
        replies = say(bot, sender, f"no, {secret}")
        seconds = time.perf_counter() - started
        assert texts(replies) == [ACTION_SERVER_DOWN], "a kind message, never silence"
        assert seconds < ACTION_TIMEOUT + 6, f"{seconds:.1f} s"
        replies = say(bot, sender, "I suddenly can't breathe and my face is drooping")
        assert texts(replies) == [EMERGENCY_ADVICE, ACTION_SERVER_DOWN]
    assert f"no, {secret}" in user_texts(bot, sender), "the message is kept"
    assert slots(bot, sender)["requested_slot"] == asked, "the interview is where it was"
    replies = say(bot, sender, "no")
    state_after = slots(bot, sender)
    assert state_after[asked] == "no" and state_after["requested_slot"] != asked, "and it goes on"
    assert replies and ACTION_SERVER_DOWN not in texts(replies)
    assert_not_logged(bot, secret)


# ---- Rasa killed and restarted -------------------------------------------------------------

def test_rasa_killed_mid_interview_loses_nothing_and_greets_the_person_back(bot):
    sender = new_sender()
    say(bot, sender, "my eyelid keeps twitching")
    first = slots(bot, sender)["requested_slot"]
    say(bot, sender, "no")
    asked = slots(bot, sender)["requested_slot"]
    before = events(bot, sender)
    bot.rasa.kill()
    bot.rasa.start().wait()
    assert events(bot, sender) == before, "every event is still there"
    replies = say(bot, sender, "no")
    assert texts(replies)[0] == WELCOME_BACK
    state = slots(bot, sender)
    assert state[first] == "no" and state[asked] == "no" and state["requested_slot"] not in (first, asked)
    assert "Tell me about the twitch" not in " ".join(texts(replies))
    # the next message is an ordinary turn again
    assert WELCOME_BACK not in texts(say(bot, sender, "no"))


# ---- HTTP API token, CORS, identity -------------------------------------------------------

def test_the_api_token_is_accepted_as_a_header(bot):
    assert http(bot, "GET", "/status")[0] == 401
    assert http(bot, "GET", "/status", headers={"X-Rasa-Token": bot.token})[0] == 200
    assert http(bot, "GET", "/status", headers={"Authorization": f"Token {bot.token}"})[0] == 200
    assert http(bot, "GET", "/status", headers={"X-Rasa-Token": "wrong"})[0] == 401


def test_cors_allows_only_the_web_page_origin(bot):
    page = f"http://127.0.0.1:{bot.web_port}"
    _, headers, _ = http(bot, "OPTIONS", "/webhooks/rest/webhook",
                         headers={"Origin": page, "Access-Control-Request-Method": "POST"})
    assert headers.get("Access-Control-Allow-Origin") == page
    for evil in ["http://evil.example", "null"]:
        _, headers, _ = http(bot, "OPTIONS", "/webhooks/rest/webhook",
                             headers={"Origin": evil, "Access-Control-Request-Method": "POST"})
        assert "Access-Control-Allow-Origin" not in headers, evil
        _, headers, _ = http(bot, "GET", f"/status?token={bot.token}", headers={"Origin": evil})
        assert "Access-Control-Allow-Origin" not in headers, evil


def test_rest_cannot_address_slack_or_telegram_conversations(bot):
    for sender in ["slack:U42", "telegram:4242"]:
        status, _, _ = http(bot, "POST", "/webhooks/rest/webhook", {"sender": sender, "message": "hi"})
        assert status == 403
        assert not user_texts(bot, sender), "nothing reached that conversation"


# ---- forget me --------------------------------------------------------------------------

def run_to_assessment(bot, sender):
    replies = say(bot, sender, "my eyelid keeps twitching, drinking like 6 coffees a day")
    for _ in range(25):
        state = slots(bot, sender)
        if state.get("triage_level") or not state.get("requested_slot"):
            break
        replies = say(bot, sender, {"duration": "4 days", "sleep": "7 hours"}.get(state["requested_slot"], "no"))
    return replies


def test_forget_me_after_the_assessment_deletes_the_conversation(bot):
    sender = new_sender()
    replies = run_to_assessment(bot, sender)
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert {"title": "Delete my conversation", "payload": "delete my conversation"} in buttons
    replies = say(bot, sender, "delete my conversation")
    assert [b["payload"] for r in replies for b in r.get("buttons", [])] == [
        "yes, delete my conversation", "no, keep my conversation"]
    assert user_texts(bot, sender), "nothing deleted before the confirmation"
    replies = say(bot, sender, "yes, delete my conversation")
    assert "deleted" in " ".join(texts(replies))
    assert user_texts(bot, sender) == [] and not slots(bot, sender).get("triage_level")


def test_saying_delete_my_conversation_asks_first_and_no_keeps_it(bot):
    sender = new_sender()
    say(bot, sender, "my thumb twitches")
    replies = say(bot, sender, "please delete my conversation")
    assert "delete this conversation" in " ".join(texts(replies))
    say(bot, sender, "no, keep my conversation")
    assert "my thumb twitches" in user_texts(bot, sender)
