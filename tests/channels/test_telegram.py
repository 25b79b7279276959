"""Telegram channel wiring against a local fake Bot API server (127.0.0.1 only).

The channel's blueprint runs on a real Sanic server on a random port; a stub
"bot" answers through the channel's output channel, so a reply only reaches the
fake Bot API if the whole path (secret check, parsing, output channel) works.
"""

import asyncio
import json
import logging
import socket
import sys
import time
import uuid
from pathlib import Path

import aiohttp
from aiohttp import web
from sanic import Sanic

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # repo root

import rasa.core.run  # noqa: E402
from channels.telegram import ResilientTelegramInput  # noqa: E402

# Lets several Sanic servers start in one process (what sanic-testing does too).
Sanic.test_mode = True

TOKEN = "123456:TEST-token_abc"
BOT_USERNAME = "twitch_check_bot"
SECRET = "s3cret-Token_for-webhook"
WEBHOOK_URL = "https://bot.example.org/webhooks/telegram/webhook"
CHAT_ID = 4242
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeBotApi:
    """Speaks getMe, setWebhook, sendMessage and answerCallbackQuery."""

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self.calls = []  # (method, params)
        self.runner = None

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"},
                status=401,
            )
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        self.calls.append((method, params))
        if method == "getMe":
            result = {"id": 99, "is_bot": True, "first_name": "Twitch Check",
                      "username": BOT_USERNAME}
        elif method == "sendMessage":
            result = {"message_id": len(self.calls), "date": int(time.time()),
                      "chat": {"id": int(params["chat_id"]), "type": "private"},
                      "text": params.get("text", "")}
        elif method in ("setWebhook", "answerCallbackQuery"):
            result = True
        else:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"},
                status=404,
            )
        return web.json_response({"ok": True, "result": result})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        await self.runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def called(self, method):
        return [params for m, params in self.calls if m == method]


def message_update(text: str, update_id: int = 1) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 10 + update_id,
            "date": int(time.time()),
            "chat": {"id": CHAT_ID, "type": "private"},
            "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Sam"},
            "text": text,
        },
    }


def button_update(data: str, query_id: str = "cbq-77") -> dict:
    return {
        "update_id": 50,
        "callback_query": {
            "id": query_id,
            "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Sam"},
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": 60,
                "date": int(time.time()),
                "chat": {"id": CHAT_ID, "type": "private"},
                "text": "Any weakness in that muscle?",
            },
        },
    }


def build_app(channel, received, bot_reply):
    """What rasa.core.channels.channel.register does, with a stub bot."""

    async def on_new_message(message):
        received.append(message)
        await message.output_channel.send_response(
            message.sender_id, bot_reply(message.text)
        )

    app = Sanic(f"telegram_test_{uuid.uuid4().hex}")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/telegram")
    return app


async def start_server(app):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/telegram"
    server = await app.create_server(sock=sock, return_asyncio_server=True,
                                     access_log=False)
    await server.startup()
    await server.after_start()
    return server, base


async def stop_server(server):
    await server.before_stop()
    await server.close()


async def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return predicate()


class Harness:
    def __init__(self, bot_reply, secret=SECRET):
        self.bot_reply = bot_reply
        self.secret = secret
        self.received = []
        self.api = FakeBotApi()

    async def __aenter__(self):
        await self.api.start()
        channel = ResilientTelegramInput.from_credentials({
            "access_token": TOKEN,
            "verify": BOT_USERNAME,
            "webhook_url": WEBHOOK_URL,
            "api_base_url": self.api.base_url,
            "secret_token": self.secret,
        })
        self.server, self.base = await start_server(
            build_app(channel, self.received, self.bot_reply))
        self.http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc):
        await self.http.close()
        await stop_server(self.server)
        await self.api.stop()

    async def post_update(self, update, secret="__default__"):
        headers = {"Content-Type": "application/json"}
        secret = self.secret if secret == "__default__" else secret
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with self.http.post(f"{self.base}/webhook", data=json.dumps(update),
                                  headers=headers) as resp:
            return resp.status


def echo(text):
    return {"text": f"You said: {text}"}


def test_update_with_right_secret_gets_reply_via_send_message():
    async def scenario():
        async with Harness(echo) as h:
            # the webhook is registered in the background, with the secret
            assert await wait_until(lambda: h.api.called("setWebhook"))
            assert h.api.called("setWebhook")[0] == {"url": WEBHOOK_URL,
                                                      "secret_token": SECRET}
            assert await h.post_update(message_update("my calf keeps cramping")) == 200
            assert await wait_until(lambda: h.api.called("sendMessage"))
            sent = h.api.called("sendMessage")
            assert [(int(s["chat_id"]), s["text"]) for s in sent] == [
                (CHAT_ID, "You said: my calf keeps cramping")]

    asyncio.run(scenario())


def test_wrong_or_missing_secret_is_rejected_and_nothing_is_processed():
    async def scenario():
        async with Harness(echo) as h:
            assert await h.post_update(message_update("forged", 2), secret="nope") == 403
            assert await h.post_update(message_update("forged", 3), secret=None) == 403
            assert await h.post_update(button_update("/affirm"), secret="nope") == 403
            # a genuine update afterwards is answered: the silence was the rejection
            assert await h.post_update(message_update("genuine", 4)) == 200
            assert await wait_until(lambda: h.api.called("sendMessage"))
            await asyncio.sleep(0.2)
            assert [s["text"] for s in h.api.called("sendMessage")] == [
                "You said: genuine"]
            assert [m.text for m in h.received] == ["genuine"]
            assert h.api.called("answerCallbackQuery") == []

    asyncio.run(scenario())


def test_buttons_become_an_inline_keyboard_and_a_press_is_answered():
    def bot(text):
        if text == "/affirm":
            return {"text": "Noted: yes."}
        return {"text": "Any weakness in that muscle?", "buttons": YES_NO}

    async def scenario():
        async with Harness(bot) as h:
            assert await h.post_update(message_update("my arm twitches")) == 200
            assert await wait_until(lambda: h.api.called("sendMessage"))
            first = h.api.called("sendMessage")[0]
            assert first["text"] == "Any weakness in that muscle?"
            keyboard = json.loads(first["reply_markup"])["inline_keyboard"]
            assert [(b["text"], b["callback_data"]) for row in keyboard for b in row] == [
                ("Yes", "/affirm"), ("No", "/deny")]
            # the person taps "Yes"
            assert await h.post_update(button_update("/affirm", "cbq-77")) == 200
            assert await wait_until(lambda: len(h.api.called("sendMessage")) == 2)
            assert [q["callback_query_id"] for q in h.api.called("answerCallbackQuery")
                    ] == ["cbq-77"]
            assert h.received[-1].text == "/affirm"
            assert h.received[-1].sender_id == f"telegram:{CHAT_ID}"  # one conversation per chat, Telegram only
            assert h.api.called("sendMessage")[1]["text"] == "Noted: yes."

    asyncio.run(scenario())


def test_start_command_becomes_the_greeting():
    async def scenario():
        async with Harness(echo) as h:
            assert await h.post_update(message_update("/start")) == 200
            assert await wait_until(lambda: h.api.called("sendMessage"))
            assert h.api.called("sendMessage")[0]["text"] == "You said: /greet"

    asyncio.run(scenario())


def test_startup_with_unreachable_bot_api_does_not_raise_and_keeps_retrying(
    tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.ERROR, logger="channels.telegram")
    port = free_port()  # nothing listens here yet
    monkeypatch.setenv("TEST_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("TEST_TELEGRAM_API", f"http://127.0.0.1:{port}")
    creds = tmp_path / "credentials.yml"
    creds.write_text(
        "channels.telegram.ResilientTelegramInput:\n"
        "  access_token: ${TEST_TELEGRAM_TOKEN}\n"
        f"  verify: {BOT_USERNAME}\n"
        f"  webhook_url: {WEBHOOK_URL}\n"
        "  api_base_url: ${TEST_TELEGRAM_API}\n"
        f"  secret_token: {SECRET}\n"
        "  webhook_retry_seconds: 0.1\n"
    )
    # Exactly Rasa's start-up path: load from credentials, build the blueprint
    # outside any event loop (Rasa's own channel calls setWebhook right here).
    [channel] = rasa.core.run.create_http_input_channels(None, str(creds))
    assert isinstance(channel, ResilientTelegramInput)
    received = []
    app = build_app(channel, received, echo)

    async def scenario():
        server, base = await start_server(app)
        api = FakeBotApi(port)
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{base}/") as resp:  # Rasa is up and serving
                    assert resp.status == 200
            assert await wait_until(lambda: "Could not set the Telegram webhook"
                                    in caplog.text)
            await api.start()  # Telegram comes back
            assert await wait_until(lambda: api.called("setWebhook"), timeout=10)
            assert api.called("setWebhook")[0]["secret_token"] == SECRET
        finally:
            await stop_server(server)
            if api.runner:
                await api.stop()

    asyncio.run(scenario())


def test_active_credentials_start_only_configured_channels(tmp_path, monkeypatch):
    """credentials.channels.yml through channels.active_credentials, loaded by Rasa."""
    import channels

    repo = Path(__file__).resolve().parents[2]
    for var in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_BASE_URL",
                "SLACK_CHANNEL", "TELEGRAM_API_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BOT_USERNAME": BOT_USERNAME,
           "TELEGRAM_WEBHOOK_URL": WEBHOOK_URL, "TELEGRAM_SECRET_TOKEN": SECRET}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    active = tmp_path / "credentials.active.yml"
    active.write_text(channels.active_credentials(str(repo / "credentials.channels.yml")))
    loaded = rasa.core.run.create_http_input_channels(None, str(active))
    assert sorted(type(c).__name__ for c in loaded) == [
        "GuardedRestInput", "GuardedSocketIOInput", "ResilientTelegramInput"]
    [telegram] = [c for c in loaded if isinstance(c, ResilientTelegramInput)]
    assert telegram.secret_token == SECRET
    assert telegram.api_base_url == "https://api.telegram.org"
    socketio = [c for c in loaded if type(c).__name__ == "GuardedSocketIOInput"][0]
    assert socketio.session_persistence is True
