"""Rasa's socket.io channel for the web chat, checked (``channels.socketio.GuardedSocketIOInput``).

* Session ids are Rasa's random ``uuid4().hex`` (122 random bits). A session id
  sent by the browser is only accepted if it has that form, so nobody can pick a
  guessable id or one that belongs to another channel (``slack:U42``); a message
  with any other id gets a new session instead of being processed.
* A message must be a string; anything else gets a short reply.
* ``TWITCH_WEB_ORIGINS`` (comma-separated, e.g. ``http://localhost:8080``), if
  set, is also checked on the socket's ``Origin`` header: CORS does not cover
  websockets.
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
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels import guard, limits, safety_net

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"[0-9a-f]{32}")

guard.install()


def valid_session_id(value: Any) -> bool:
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


def allowed_origins() -> Optional[set]:
    value = os.environ.get("TWITCH_WEB_ORIGINS", "").strip()
    if not value or value == "*":
        return None
    return {origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()}


class GuardedSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, with custom JSON sent as the message itself."""

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        # Always to this conversation's room: a "room" key in the data does not redirect it.
        data = {key: value for key, value in dict(json_message).items() if key != "room"}
        await self._send_message(recipient_id, data)


class GuardedSocketIOInput(SocketIOInput):
    """socket.io input channel with session-id and type checks; see the module docstring."""

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

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            origins = allowed_origins()
            origin = (environ or {}).get("HTTP_ORIGIN")
            if origins is not None and origin and origin.rstrip("/") not in origins:
                logger.warning("Refused a web chat connection from another origin.")
                return False
            return True

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            wanted = data.get("session_id") if isinstance(data, dict) else None
            session_id = wanted if valid_session_id(wanted) else uuid.uuid4().hex
            if self.session_persistence:
                sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            output = GuardedSocketIOOutput(sio, self.bot_message_evt)
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                sender_id = data.get("session_id")
                if not valid_session_id(sender_id):
                    await sio.emit("session_confirm", uuid.uuid4().hex, room=sid)
                    return
            else:
                sender_id = sid
            text = data.get("message", "")
            if not isinstance(text, str):
                await output.send_text_message(sender_id if self.session_persistence else sid,
                                               safety_net.NOT_TEXT)
                return
            metadata = data.get(self.metadata_key)
            if len(data) > limits.MAX_FIELDS or limits.metadata_problem(metadata):
                await output.send_text_message(sender_id, safety_net.TOO_MUCH_DATA)
                return
            await on_new_message(UserMessage(
                text, output, sender_id, input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else None))

        return bp
