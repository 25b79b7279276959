"""A web chat conversation belongs to the browser that started it (channels/sessions.py,
channels/socketio.py), and the web chat shows text as text.

The socket.io channel runs on a real Sanic server with a stub bot that answers every message;
two real socket.io clients play the person and someone who has learnt their session id.
"""
import asyncio
import html
import socket
import uuid

import pytest
import socketio
from sanic import Sanic

from channels import sessions
from channels.socketio import FORGOTTEN_EVENT, GuardedSocketIOInput, GuardedSocketIOOutput, markdown_as_text

Sanic.test_mode = True
WAIT = 5


class SocketHarness:
    """The web chat channel with a stub bot: each message gets "reply to <text>"."""

    def __init__(self):
        self.received = []

    async def __aenter__(self):
        async def on_new_message(message):
            self.received.append((message.sender_id, message.text))
            await message.output_channel.send_text_message(message.sender_id, f"reply to {message.text}")

        self.channel = GuardedSocketIOInput.from_credentials({"session_persistence": True})
        app = Sanic(f"socketio_test_{uuid.uuid4().hex}")
        app.blueprint(self.channel.blueprint(on_new_message), url_prefix="/webhooks/socketio")
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
        await self.server.startup()
        await self.server.after_start()
        self.clients = []
        return self

    async def __aexit__(self, *exc):
        for client in self.clients:
            await client.disconnect()
        await self.server.before_stop()
        await self.server.close()

    async def client(self):
        client = Browser()
        await client.connect(self.url)
        self.clients.append(client)
        return client


class Browser:
    """A socket.io client that speaks like rasa-webchat: session_request, then user_uttered."""

    def __init__(self):
        self.sio = socketio.AsyncClient(reconnection=False)
        self.heard, self.sessions, self.forgotten = [], asyncio.Queue(), []
        # as the widget shows it: character references are the characters
        self.sio.on("bot_uttered", lambda data: self.heard.append(html.unescape(data.get("text") or "")))
        self.sio.on("session_confirm", self.sessions.put_nowait)
        self.sio.on(FORGOTTEN_EVENT, lambda data: self.forgotten.append(data))

    async def connect(self, url):
        await self.sio.connect(url, transports=["websocket"], socketio_path="/socket.io")

    async def disconnect(self):
        await self.sio.disconnect()

    async def session(self, wanted=None):
        await self.sio.emit("session_request", {"session_id": wanted})
        return await asyncio.wait_for(self.sessions.get(), WAIT)

    async def say(self, text, session_id):
        await self.sio.emit("user_uttered", {"message": text, "session_id": session_id})

    async def hears(self, text):
        for _ in range(WAIT * 20):
            if text in self.heard:
                return True
            await asyncio.sleep(0.05)
        return False


def stolen_forms(token):
    """What someone may have learnt of a session: its conversation id in any form, a forged
    signature, the token with its case changed."""
    session = token.split(".")[0]
    return [session, sessions.PREFIX + session, f"{session}.{'0' * 32}", token.upper(), f"{session}."]


def test_a_second_socket_with_another_persons_session_id_hears_nothing_and_cannot_act():
    async def scenario():
        async with SocketHarness() as h:
            person = await h.client()
            token = await person.session()
            conversation = sessions.conversation_of(token)
            await person.say("my eyelid twitches", token)
            assert await person.hears("reply to my eyelid twitches")

            for stolen in stolen_forms(token):
                intruder = await h.client()
                given = await intruder.session(stolen)
                assert sessions.conversation_of(given) not in (None, conversation), stolen
                await intruder.say("yes, delete my conversation", stolen)
                # refused: a new session of its own instead, nothing read
                assert sessions.conversation_of(await asyncio.wait_for(intruder.sessions.get(), WAIT)) != conversation
                await person.say(f"still me {stolen}", token)
                assert await person.hears(f"reply to still me {stolen}")
                assert not any("my eyelid" in t or "still me" in t for t in intruder.heard), stolen
            assert [sender for sender, _ in h.received] == [conversation] * (1 + len(stolen_forms(token)))
            assert all("delete" not in text for _, text in h.received)

    asyncio.run(scenario())


def test_the_same_browser_comes_back_to_its_own_conversation():
    async def scenario():
        async with SocketHarness() as h:
            first = await h.client()
            token = await first.session()
            await first.disconnect()
            h.clients.remove(first)
            again = await h.client()  # a reload: the token from localStorage
            assert await again.session(token) == token
            await again.say("my calf cramps", token)
            assert await again.hears("reply to my calf cramps")
            assert h.received == [(sessions.conversation_of(token), "my calf cramps")]

    asyncio.run(scenario())


def test_after_forget_me_the_page_is_told_and_the_old_session_opens_nothing():
    async def scenario():
        async with SocketHarness() as h:
            person = await h.client()
            token = await person.session()
            conversation = sessions.conversation_of(token)
            output = GuardedSocketIOOutput(h.channel.sio, "bot_uttered")
            await output.conversation_deleted(conversation)
            for _ in range(WAIT * 20):
                if person.forgotten:
                    break
                await asyncio.sleep(0.05)
            assert person.forgotten, "the page was told to clear its copy"
            await output.send_text_message(conversation, "nobody hears this")
            await asyncio.sleep(0.3)
            assert "nobody hears this" not in person.heard
            rotated = await person.session(token)
            assert rotated != token and sessions.conversation_of(rotated) != conversation
            await person.say("hello again", token)
            assert await asyncio.wait_for(person.sessions.get(), WAIT) != token
            assert h.received == []

    asyncio.run(scenario())


def test_a_token_signed_with_another_secret_is_refused(monkeypatch):
    token = sessions.new_token()
    assert sessions.conversation_of(token) == sessions.PREFIX + token.split(".")[0]
    monkeypatch.setattr(sessions, "_secret", b"another server's secret" * 2)
    assert sessions.conversation_of(token) is None


def test_the_secret_is_generated_once_and_kept_private(tmp_path):
    path = tmp_path / "var" / "session_secret"
    first = sessions._read_or_create_secret(path)
    assert sessions._read_or_create_secret(path) == first and len(first) >= 32
    assert path.stat().st_mode & 0o077 == 0


TYPED = ["![x](http://127.0.0.1:9/x.png)", "[click me](javascript:alert(1))", "<https://evil.example>",
         "**bold** _it_ `code`", "# heading", "1. one", "> quote", "https://evil.example/page",
         "&lt;b&gt;", "a | b\n--- | ---"]


@pytest.mark.parametrize("typed", TYPED)
def test_the_persons_words_quoted_by_the_assistant_are_plain_text(typed):
    text = f'You said ("{typed}").'
    shown = markdown_as_text(text)
    assert html.unescape(shown) == text  # character for character what the widget shows
    for markup in ["![", "](", "<", "**", "`", "http:", "https:", "javascript:", "\n---", "\n1.", "# "]:
        assert markup not in shown, markup


def test_the_assistants_own_links_stay_links():
    own = "https://www.nhs.uk/conditions/stroke/symptoms/"
    assert own in markdown_as_text(f"More: {own}. And [x](javascript:1)")
    assert "javascript:" not in markdown_as_text(f"More: {own}. And [x](javascript:1)")
