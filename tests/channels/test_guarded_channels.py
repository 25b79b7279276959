"""Identity and bad requests on the REST, Slack and Telegram channels, without a model
(the web chat's sessions: tests/channels/test_web_sessions.py).

The channels run on real Sanic servers with a stub bot, as in test_slack/test_telegram.
"""
import asyncio
import json
import socket
import time
import uuid

import aiohttp
import pytest
from sanic import Sanic

from channels.rest import GuardedRestInput
from tests.channels import test_slack, test_telegram

Sanic.test_mode = True


class RestHarness:
    def __init__(self):
        self.received = []

    async def __aenter__(self):
        async def on_new_message(message):
            self.received.append(message)
            await message.output_channel.send_response(message.sender_id, {"text": "hello"})

        app = Sanic(f"rest_test_{uuid.uuid4().hex}")
        app.blueprint(GuardedRestInput().blueprint(on_new_message), url_prefix="/webhooks/rest")
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/rest/webhook"
        self.server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
        await self.server.startup()
        await self.server.after_start()
        self.http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc):
        await self.http.close()
        await self.server.before_stop()
        await self.server.close()

    async def post(self, body):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        async with self.http.post(self.url, data=data,
                                  headers={"Content-Type": "application/json"}) as resp:
            return resp.status, await resp.text()


@pytest.mark.parametrize("sender", ["slack:U42", "telegram:4242", "Slack:U42", "TELEGRAM:1",
                                    "web:" + "a" * 32, "WEB:" + "b" * 32])
def test_rest_cannot_reach_slack_telegram_or_web_chat_conversations(sender):
    async def scenario():
        async with RestHarness() as h:
            status, _ = await h.post({"sender": sender, "message": "hi"})
            assert status == 403 and h.received == []
            assert (await h.post({"sender": "web-user-1", "message": "hi"}))[0] == 200
            assert [m.sender_id for m in h.received] == ["web-user-1"]

    asyncio.run(scenario())


BAD_BODIES = {
    "not json": b"{not json",
    "json list": [1, 2],
    "json string": "\"hello\"",
    "no sender": {"message": "hi"},
    "empty sender": {"sender": "", "message": "hi"},
    "number sender": {"sender": 42, "message": "hi"},
    "list sender": {"sender": ["a"], "message": "hi"},
    "huge sender": {"sender": "x" * 10_000, "message": "hi"},
    "number message": {"sender": "s", "message": 5},
    "object message": {"sender": "s", "message": {"text": "hi"}},
    "string metadata": {"sender": "s", "message": "hi", "metadata": "x"},
}


def test_malformed_rest_requests_get_400_not_a_server_error():
    async def scenario():
        async with RestHarness() as h:
            for kind, body in BAD_BODIES.items():
                status, text = await h.post(body)
                assert status == 400, (kind, status, text)
                assert "error" in json.loads(text), kind
            assert h.received == []

    asyncio.run(scenario())


def test_signed_but_malformed_slack_requests_are_acknowledged_not_retried():
    malformed = [
        {"type": "event_callback", "event": "not an object"},
        {"type": "event_callback", "event": {"type": "message", "channel_type": "im", "user": 5,
                                             "text": ["x"], "channel": "D1"}},
        [1, 2, 3],
    ]

    async def scenario():
        async with test_slack.Harness(test_slack.echo) as h:
            for body in malformed:
                status, _ = await h.post_event(body)
                assert status < 500, body
            # and a good request still works afterwards
            assert (await h.post_event(test_slack.dm_event("hello")))[0] == 200
            assert await h.wait_for_posts(1)

    asyncio.run(scenario())


def test_signed_but_malformed_slack_form_payload_is_acknowledged():
    async def scenario():
        async with test_slack.Harness(test_slack.echo) as h:
            from urllib.parse import urlencode

            body = urlencode({"payload": json.dumps({"type": "view_submission"})}).encode()
            ts = int(time.time())
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Slack-Request-Timestamp": str(ts),
                       "X-Slack-Signature": test_slack.sign(body, ts)}
            async with h.http.post(h.url, data=body, headers=headers) as resp:
                assert resp.status == 200 and resp.headers.get("X-Slack-No-Retry") == "1"

    asyncio.run(scenario())


def test_malformed_telegram_updates_get_200_so_telegram_does_not_redeliver():
    async def scenario():
        async with test_telegram.Harness(test_telegram.echo) as h:
            for update in [{"update_id": "x", "message": "nope"}, [1], {"message": {"chat": 5}},
                           {"update_id": 1, "callback_query": {"id": "q", "message": 3}}]:
                assert await h.post_update(update) == 200, update
            assert await h.post_update(test_telegram.message_update("still there", 9)) == 200
            assert await test_telegram.wait_until(lambda: h.api.called("sendMessage"))
            assert [m.sender_id for m in h.received] == [f"telegram:{test_telegram.CHAT_ID}"]

    asyncio.run(scenario())
