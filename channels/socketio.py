"""Rasa's socket.io channel for the web chat, checked (``channels.socketio.GuardedSocketIOInput``).

* A conversation belongs to the browser that started it (``channels.sessions``): the session
  id the browser holds is ``<id>.<signature>``, checked on every event; the conversation is
  ``web:<id>``, a name no other channel can use (REST refuses it). A socket sending anything
  else (someone else's conversation id, a guess, ``slack:U42``) gets a new session of its own
  and nothing of anyone else's: a socket only ever hears its own session's room.
* After "forget me" (``conversation_deleted``) the page is told to clear its stored copy, every
  socket leaves the room, and the old session id opens nothing again: the next one is new.
* A message must be a string; anything else gets a short reply.
* ``TWITCH_WEB_ORIGINS`` (comma-separated, e.g. ``http://localhost:8080``), if
  set, is also checked on the socket's ``Origin`` header: CORS does not cover
  websockets.
* Text goes out as plain text (``markdown_as_text``): the widget renders Markdown, and the
  assistant quotes the person's words, so typed images or ``javascript:`` links would be live.
  Only the assistant's own links (the URLs in its knowledge files) stay links.
* Custom messages (``json_message`` in an action) reach the browser as one
  ``bot_uttered`` event whose data is that dict (``GuardedSocketIOOutput``); Rasa's
  own ``SocketIOOutput`` spreads the dict into ``emit``'s keyword arguments, so
  the result card (``{"twitch_card": ...}``) and the doctor's summary
  (``{"twitch_summary": ...}``) would never arrive. The page renders them
  (webchat/card.js).
"""

import logging
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels import guard, limits, safety_net, sessions

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
FORGOTTEN_EVENT = "twitch_forgotten"
URL = re.compile(r"https?://[^\s\"'<>()\[\]]+")
# What Markdown (and the widget's autolinking) reads as markup; written as character references,
# which the renderer turns back into these very characters, as text.
MARKUP = set("\\`*_{}[]()#+-.!|<>~:&=")

guard.install()


@lru_cache(maxsize=1)
def _own_links() -> Optional["re.Pattern"]:
    """The URLs the assistant itself may show (its knowledge files and responses)."""
    files = [*sorted((ROOT / "actions" / "knowledge").glob("*.yml")), ROOT / "domain.yml"]
    urls = {url.rstrip(".,;") for f in files if f.exists() for url in URL.findall(f.read_text())}
    if not urls:
        return None
    return re.compile("|".join(re.escape(u) for u in sorted(urls, key=len, reverse=True)))


def _as_text(part: Text) -> Text:
    return "".join(f"&#{ord(c)};" if c in MARKUP else c for c in part)


def markdown_as_text(text: Text) -> Text:
    """`text` as the widget's Markdown renderer will show it: character for character, with no
    markup, image or link in it except the assistant's own URLs."""
    links = _own_links()
    if links is None:
        return _as_text(text)
    out, at = [], 0
    for match in links.finditer(text):
        out += [_as_text(text[at:match.start()]), match.group(0)]
        at = match.end()
    return "".join(out) + _as_text(text[at:])


def allowed_origins() -> Optional[set]:
    value = os.environ.get("TWITCH_WEB_ORIGINS", "").strip()
    if not value or value == "*":
        return None
    return {origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()}


class GuardedSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output: plain text, custom JSON sent as the message itself, and the
    page told when its conversation was deleted."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, markdown_as_text(text), **kwargs)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await super().send_text_with_buttons(recipient_id, markdown_as_text(text), buttons, **kwargs)

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        # Always to this conversation's room: a "room" key in the data does not redirect it.
        data = {key: value for key, value in dict(json_message).items() if key != "room"}
        await self._send_message(recipient_id, data)

    async def conversation_deleted(self, recipient_id: Text) -> None:
        """The page clears what it stored (webchat/app.js); no socket hears this room again, and
        its session id opens nothing any more."""
        sessions.forgotten(recipient_id)
        await self.sio.emit(FORGOTTEN_EVENT, {}, room=recipient_id)
        await self.sio.close_room(recipient_id)


class GuardedSocketIOInput(SocketIOInput):
    """socket.io input channel with session and type checks; see the module docstring."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def get_output_channel(self) -> Optional[OutputChannel]:
        """The output channel Rasa uses outside a message (e.g. reminders, /trigger_intent)."""
        if self.sio is None:
            return super().get_output_channel()
        return GuardedSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = super().blueprint(on_new_message)
        sio = self.sio
        # one socket.io packet at most this big (engine.io's default is 1 MB)
        sio.eio.max_http_buffer_size = limits.MAX_BODY_BYTES

        async def join(sid: Text, conversation: Text) -> None:
            """This socket hears `conversation` and nothing else."""
            for room in sio.rooms(sid, namespace=self.namespace):
                if room not in (sid, conversation):
                    sio.leave_room(sid, room, namespace=self.namespace)
            sio.enter_room(sid, conversation, namespace=self.namespace)

        async def new_session(sid: Text) -> None:
            token = sessions.new_token()
            await join(sid, sessions.conversation_of(token))
            await sio.emit("session_confirm", token, room=sid)

        async def conversation(sid: Text, data: Any) -> Optional[Text]:
            """The conversation this event may act in: its session's, if the token is good."""
            if not self.session_persistence:
                return sessions.PREFIX + sid
            token = data.get("session_id") if isinstance(data, dict) else None
            found = sessions.conversation_of(token)
            if found is not None:
                await join(sid, found)
            return found

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            origins = allowed_origins()
            origin = (environ or {}).get("HTTP_ORIGIN")
            if origins is not None and origin and origin.rstrip("/") not in origins:
                logger.warning("Refused a web chat connection from another origin.")
                return False
            if not self.session_persistence:
                sio.enter_room(sid, sessions.PREFIX + sid, namespace=self.namespace)
            return True

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            if await conversation(sid, data) is None:
                await new_session(sid)
            else:
                await sio.emit("session_confirm", data["session_id"], room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            output = GuardedSocketIOOutput(sio, self.bot_message_evt)
            if not isinstance(data, dict):
                return
            sender_id = await conversation(sid, data)
            if sender_id is None:
                # not this browser's session: nothing is read, and it gets one of its own
                await new_session(sid)
                return
            text = data.get("message", "")
            if not isinstance(text, str):
                await output.send_text_message(sender_id, safety_net.NOT_TEXT)
                return
            metadata = data.get(self.metadata_key)
            if len(data) > limits.MAX_FIELDS or limits.metadata_problem(metadata):
                await output.send_text_message(sender_id, safety_net.TOO_MUCH_DATA)
                return
            await on_new_message(UserMessage(
                text, output, sender_id, input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else None))

        return bp
