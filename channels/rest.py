"""Rasa's REST channel, checked (``channels.rest.GuardedRestInput``, path /webhooks/rest/webhook).

* The body must be a JSON object with a non-empty string ``sender`` (at most 128
  characters), a string ``message`` and, if any, an object ``metadata``; anything
  else gets HTTP 400 with a short
  reason, never a server error.
* A ``sender`` starting with ``slack:``, ``telegram:`` or ``web:`` gets HTTP 403: those
  conversations belong to the Slack, Telegram and web chat channels (whose ids are not
  secrets), so the REST channel must not reach them. A web chat session id, with or
  without its signature, names a REST conversation of its own, never the web chat's.
* Nothing the person wrote is logged (Rasa's version logs the text on failures).
* Loading this channel also installs ``channels.guard`` (limits, fallbacks), so
  ``rasa run --credentials credentials.yml`` is guarded even without
  ``python -m channels.server``.
"""

import json
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from channels import guard, limits

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128

guard.install()


def _bad(reason: Text, status: int = 400) -> Any:
    return response.json({"error": reason}, status=status)


def check_sender(sender: Any) -> Optional[Text]:
    """Why this sender id is refused, or None if it is fine."""
    if not isinstance(sender, str) or not sender.strip():
        return "'sender' must be a non-empty string"
    if len(sender) > MAX_SENDER_CHARS:
        return f"'sender' must be at most {MAX_SENDER_CHARS} characters"
    if sender.lower().startswith(guard.RESERVED_PREFIXES):
        return "this conversation belongs to another channel"
    return None


async def _read_at_most(request: Request, most: int) -> Optional[bytes]:
    """The request's body, or None as soon as it is longer than `most` bytes (it is never read
    whole into memory: the route streams)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > most:
        return None
    body = bytearray()
    while True:
        chunk = await request.stream.read()
        if chunk is None:
            return bytes(body)
        body += chunk
        if len(body) > most:
            return None


async def storage_problem(request: Request) -> Optional[Text]:
    """Why conversations cannot be stored now (a missing or unreadable database, turns waiting to
    be written), or None; asked in a thread, as a read may wait for a lock."""
    import asyncio

    from channels.forget import base_store

    agent = getattr(request.app.ctx, "agent", None)
    health = getattr(base_store(agent.tracker_store), "health", None) if agent else None
    if health is None:
        return None
    return await asyncio.get_running_loop().run_in_executor(None, health)


class GuardedRestInput(RestInput):
    """REST input channel with request checks; see the module docstring."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GuardedRestInput":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> Any:
            problem = await storage_problem(request)
            if problem:
                return response.json({"status": "error", "problem": problem}, status=503)
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> Any:
            raw = await _read_at_most(request, limits.MAX_BODY_BYTES)
            if raw is None:
                return _bad(f"the body may be at most {limits.MAX_BODY_BYTES:,} bytes", 413)
            try:
                body = json.loads(raw)
            except Exception:
                return _bad("the body must be JSON")
            if not isinstance(body, dict):
                return _bad("the body must be a JSON object")
            too_big = limits.body_problem(body)
            if too_big:
                return _bad(too_big, 413)
            sender, text = body.get("sender"), body.get("message", "")
            problem = check_sender(sender)
            if problem:
                return _bad(problem, 403 if "another channel" in problem else 400)
            if text is None:
                text = ""
            if not isinstance(text, str):
                return _bad("'message' must be a string")
            metadata = body.get("metadata")
            if metadata is not None and not isinstance(metadata, dict):
                return _bad("'metadata' must be an object")
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(
                    text, collector, sender, input_channel=self.name(),
                    metadata=metadata))
            except CancelledError:
                logger.warning("A REST request was cancelled before the reply was ready.")
            except Exception as e:
                logger.error("A REST message could not be handled (%s).", type(e).__name__)
            return response.json(collector.messages)

        return webhook
