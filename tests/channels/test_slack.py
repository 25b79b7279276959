"""Slack channel wiring against a local fake Slack Web API (127.0.0.1 only).

The channel's own blueprint runs on a real Sanic server on a random port; its
on_new_message callback is a stub "bot" that answers through the channel's output
channel, so a reply only reaches the fake Slack if the whole path works.
"""

import asyncio
import hashlib
import hmac
import json
import socket
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from sanic import Sanic

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # repo root

from channels.slack import ConfigurableSlackInput  # noqa: E402

# Lets several Sanic servers start in one process (what sanic-testing does too);
# without it Sanic's start-up "touchup" fails on the second server.
Sanic.test_mode = True

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
BOT_USER = "UBOT"
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


class FakeSlack:
    """Speaks the bits of the Slack Web API that the channel calls."""

    def __init__(self) -> None:
        self.calls = []  # (method, body dict, authorization header)
        self.runner = None
        self.base_url = ""

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            body = await request.json()
        else:
            body = dict(await request.post())
        self.calls.append((method, body, request.headers.get("Authorization")))
        if method == "chat.postMessage":
            return web.json_response(
                {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"}
            )
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": BOT_USER})
        return web.json_response({"ok": False, "error": "unknown_method"})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}/api/"

    async def stop(self) -> None:
        await self.runner.cleanup()

    def posted(self):
        return [body for method, body, _ in self.calls if method == "chat.postMessage"]


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def dm_event(text: str, event_id: str = None) -> dict:
    return {
        "token": "ignored",
        "team_id": "T1",
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}",
        "authorizations": [{"user_id": BOT_USER}],
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": "D123",
            "user": "U42",
            "text": text,
            "ts": "1700000000.000100",
        },
    }


class Harness:
    """Fake Slack + the channel blueprint on a real Sanic server."""

    def __init__(self, bot_reply):
        self.bot_reply = bot_reply  # function(text) -> Rasa-style response dict
        self.received = []  # UserMessages handed to the "bot"
        self.slack = FakeSlack()

    async def __aenter__(self):
        await self.slack.start()
        channel = ConfigurableSlackInput.from_credentials(
            {
                "slack_token": BOT_TOKEN,
                "slack_signing_secret": SIGNING_SECRET,
                "api_base_url": self.slack.base_url,
            }
        )

        async def on_new_message(message):
            self.received.append(message)
            await message.output_channel.send_response(
                message.sender_id, self.bot_reply(message.text)
            )

        app = Sanic(f"slack_test_{uuid.uuid4().hex}")
        app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/slack")
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/slack/webhook"
        self.server = await app.create_server(
            sock=sock, return_asyncio_server=True, access_log=False
        )
        await self.server.startup()
        await self.server.after_start()
        self.http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc):
        await self.http.close()
        await self.server.before_stop()
        await self.server.close()
        await self.slack.stop()

    async def post_event(self, event, timestamp=None, secret=SIGNING_SECRET, headers=None):
        body = json.dumps(event).encode()
        ts = int(time.time()) if timestamp is None else timestamp
        all_headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(body, ts, secret),
            **(headers or {}),
        }
        async with self.http.post(self.url, data=body, headers=all_headers) as resp:
            return resp.status, await resp.text()

    async def post_button_click(self, value: str):
        payload = {
            "type": "block_actions",
            "user": {"id": "U42"},
            "channel": {"id": "D123"},
            "message": {"ts": "1700000000.000200"},
            "actions": [{"type": "button", "value": value, "action_id": "a1"}],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        ts = int(time.time())
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(body, ts),
        }
        async with self.http.post(self.url, data=body, headers=headers) as resp:
            return resp.status

    async def wait_for_posts(self, count: int, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        while len(self.slack.posted()) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.slack.posted()


def echo(text):
    return {"text": f"You said: {text}"}


def run(coro):
    return asyncio.run(coro)


def test_signed_direct_message_gets_reply_posted_to_slack():
    async def scenario():
        async with Harness(echo) as h:
            status, _ = await h.post_event(dm_event("my eyelid keeps twitching"))
            assert status == 200
            posts = await h.wait_for_posts(1)
            assert [p["text"] for p in posts] == ["You said: my eyelid keeps twitching"]
            assert posts[0]["channel"] == "D123"
            # the reply went out with the bot token, to the configured API server
            assert h.slack.calls[0][2] == f"Bearer {BOT_TOKEN}"
            assert h.received[0].sender_id == "slack:U42"  # keyed to Slack only

    run(scenario())


def test_mention_in_channel_is_answered_without_the_mention():
    async def scenario():
        async with Harness(echo) as h:
            event = dm_event(f"<@{BOT_USER}> my calf cramps at night")
            event["event"].update(
                {"type": "app_mention", "channel": "C777", "channel_type": "channel"}
            )
            status, _ = await h.post_event(event)
            assert status == 200
            posts = await h.wait_for_posts(1)
            assert [(p["channel"], p["text"]) for p in posts] == [
                ("C777", "You said: my calf cramps at night")
            ]

    run(scenario())


@pytest.mark.parametrize(
    "kind", ["wrong_secret", "stale_timestamp", "tampered_body", "no_signature"]
)
def test_bad_signature_is_rejected_and_nothing_is_processed(kind):
    async def scenario():
        async with Harness(echo) as h:
            event = dm_event("please answer me")
            now = int(time.time())
            body = json.dumps(event).encode()
            headers = {
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": str(now),
                "X-Slack-Signature": sign(body, now),
            }
            if kind == "wrong_secret":
                headers["X-Slack-Signature"] = sign(body, now, "not-the-secret")
            elif kind == "stale_timestamp":  # correctly signed, but 10 minutes old
                old = now - 600
                headers["X-Slack-Request-Timestamp"] = str(old)
                headers["X-Slack-Signature"] = sign(body, old)
            elif kind == "tampered_body":
                body = body.replace(b"please answer me", b"please answer you")
            else:
                del headers["X-Slack-Signature"]
            async with h.http.post(h.url, data=body, headers=headers) as resp:
                assert resp.status in (400, 401)
            # a correctly signed event afterwards is answered, so the silence
            # above is the rejection, not a slow or broken bot
            await h.post_event(dm_event("control message"))
            await h.wait_for_posts(1)
            await asyncio.sleep(0.2)
            assert [p["text"] for p in h.slack.posted()] == ["You said: control message"]
            assert [m.text for m in h.received] == ["control message"]

    run(scenario())


@pytest.mark.parametrize("reason", ["http_timeout", "http_error", None])
def test_retry_of_same_event_is_not_answered_twice(reason):
    async def scenario():
        async with Harness(echo) as h:
            event = dm_event("my thumb twitches", event_id="Ev0RETRY1")
            assert (await h.post_event(event))[0] == 200
            await h.wait_for_posts(1)
            retry_headers = {"X-Slack-Retry-Num": "1"}
            if reason:
                retry_headers["X-Slack-Retry-Reason"] = reason
            status, _ = await h.post_event(event, headers=retry_headers)
            assert status in (200, 201)
            await asyncio.sleep(0.5)
            assert [p["text"] for p in h.slack.posted()] == ["You said: my thumb twitches"]
            # a *different* event is still answered
            await h.post_event(dm_event("and my eyelid", event_id="Ev0OTHER"))
            posts = await h.wait_for_posts(2)
            assert [p["text"] for p in posts][-1] == "You said: and my eyelid"

    run(scenario())


def test_buttons_become_slack_blocks_and_a_click_reaches_the_bot():
    def bot(text):
        if text == "/affirm":
            return {"text": "Thanks, noted: yes."}
        return {"text": "Do you feel weakness in that muscle?", "buttons": YES_NO}

    async def scenario():
        async with Harness(bot) as h:
            await h.post_event(dm_event("my arm twitches"))
            posts = await h.wait_for_posts(1)
            blocks = posts[0]["blocks"]
            assert blocks[0]["type"] == "section"
            assert blocks[0]["text"]["text"] == "Do you feel weakness in that muscle?"
            buttons = [b for b in blocks if b["type"] == "actions"][0]["elements"]
            assert [(b["type"], b["text"]["text"], b["value"]) for b in buttons] == [
                ("button", "Yes", "/affirm"),
                ("button", "No", "/deny"),
            ]
            # the person clicks "Yes": Slack posts a signed interactive payload
            assert await h.post_button_click(buttons[0]["value"]) == 200
            posts = await h.wait_for_posts(2)
            assert posts[1]["text"] == "Thanks, noted: yes."
            assert h.received[1].text == "/affirm"

    run(scenario())


def test_default_api_base_url_is_slack():
    channel = ConfigurableSlackInput.from_credentials(
        {"slack_token": BOT_TOKEN, "slack_signing_secret": SIGNING_SECRET}
    )
    assert channel.get_output_channel("D1").client.base_url == "https://slack.com/api/"
    other = ConfigurableSlackInput.from_credentials(
        {
            "slack_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "api_base_url": "http://127.0.0.1:9/api",
        }
    )
    assert other.get_output_channel("D1").client.base_url == "http://127.0.0.1:9/api/"
