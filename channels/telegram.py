"""Telegram channel that survives an unreachable Bot API and checks the secret token.

Rasa's ``TelegramInput`` sets the webhook synchronously while building its
blueprint, so Rasa refuses to start when Telegram cannot be reached, and it has
no way to use another Bot API server or Telegram's webhook secret. This subclass:

* ``api_base_url`` (credential, default https://api.telegram.org): the Bot API
  server, e.g. a self-hosted ``telegram-bot-api`` or a local fake one in tests.
* ``secret_token`` (credential, optional): sent with ``setWebhook`` and required
  in the ``X-Telegram-Bot-Api-Secret-Token`` header of every update; updates
  without it are rejected before anything is processed.
* sets the webhook in the background once the server runs, logging failures and
  retrying with back-off, instead of crashing at start-up.
* answers callback queries (button presses) so Telegram stops the spinner.
* maps Telegram's ``/start`` command to the greeting intent (``start_intent``).

* conversation ids prefixed with ``telegram:`` (``telegram:123456``), so that no
  other channel can address a Telegram chat's conversation (the REST and web chat
  channels refuse such ids; chat ids are not secret). Replies go to the chat id.
* an update that cannot be processed (malformed, unexpected types) is answered
  with HTTP 200, so Telegram does not redeliver it; its body is never logged.

Buttons already become inline keyboards in Rasa's ``TelegramOutput``.
"""

import asyncio
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from aiogram.bot.api import Methods, TelegramAPIServer
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request

from channels import acknowledge_malformed

logger = logging.getLogger(__name__)

DEFAULT_TELEGRAM_API_BASE_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CONVERSATION_PREFIX = "telegram:"


def chat_id(recipient_id: Text) -> Text:
    """The Telegram chat id inside a conversation id (``telegram:123`` -> ``123``)."""
    recipient_id = str(recipient_id)
    if recipient_id.startswith(CONVERSATION_PREFIX):
        return recipient_id[len(CONVERSATION_PREFIX):]
    return recipient_id


# Telegram refuses a message over 4,096 characters (counted in UTF-16 units), on every retry: a
# long doctor's summary got "something went wrong". Parts stay under this, split between lines.
MAX_MESSAGE_UNITS = 4000


def _units(text: Text) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(text: Text, most: int = MAX_MESSAGE_UNITS) -> List[Text]:
    """`text` in parts of at most `most` UTF-16 units, split at line ends (the card's HTML tags
    never span a line), a line longer than that at its last space that fits."""
    parts: List[Text] = []
    current = ""
    for line in text.split("\n"):
        while _units(line) > most:
            cut = most
            while _units(line[:cut]) > most:
                cut -= 1
            space = line.rfind(" ", 0, cut)
            cut = space if space > most // 2 else cut
            parts, current = _flush(parts, current), ""
            parts.append(line[:cut])
            line = line[cut:].lstrip(" ")
        joined = f"{current}\n{line}" if current else line
        if current and _units(joined) > most:
            parts, current = _flush(parts, current), line
        else:
            current = joined
    return _flush(parts, current) or [text]


def _flush(parts: List[Text], current: Text) -> List[Text]:
    return parts + [current] if current.strip() else parts


class ConfigurableTelegramOutput(TelegramOutput):
    """Rasa's Telegram output bound to a chosen Bot API server."""

    def __init__(
        self,
        access_token: Optional[Text],
        api_base_url: Text = DEFAULT_TELEGRAM_API_BASE_URL,
        secret_token: Optional[Text] = None,
    ) -> None:
        super().__init__(access_token)
        # TelegramOutput cannot pass aiogram's `server` through; set it after.
        self.server = TelegramAPIServer.from_base(api_base_url.rstrip("/"))
        self.secret_token = secret_token

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        await super().send_response(chat_id(recipient_id), message)

    async def send_message(self, chat: Any, text: Text, *args: Any, **kwargs: Any) -> Any:
        """Every text Rasa sends to Telegram, in parts that Telegram accepts; buttons go with the
        last part."""
        *first, last = split_message(text)
        earlier = {key: value for key, value in kwargs.items() if key != "reply_markup"}
        for part in first:
            await super().send_message(chat, part, *args, **earlier)
        return await super().send_message(chat, last, *args, **kwargs)

    async def set_webhook(self, url: Text, *args: Any, **kwargs: Any) -> bool:
        # aiogram 2.15 predates `secret_token` (Bot API 6.1), so call the method
        # directly. Also used by Rasa's GET /webhooks/telegram/set_webhook route.
        payload: Dict[Text, Any] = {"url": url}
        if self.secret_token:
            payload["secret_token"] = self.secret_token
        return await self.request(Methods.SET_WEBHOOK, payload)


class ResilientTelegramInput(TelegramInput):
    """Telegram input channel; see the module docstring for what it adds."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            # Rasa's default (True) re-raises bot errors as HTTP 500, which makes
            # Telegram redeliver the update and the person gets answered twice.
            debug_mode=bool(credentials.get("debug_mode", False)),
            api_base_url=credentials.get("api_base_url")
            or DEFAULT_TELEGRAM_API_BASE_URL,
            secret_token=credentials.get("secret_token") or None,
            webhook_retry_seconds=float(credentials.get("webhook_retry_seconds", 5)),
            start_intent=credentials.get("start_intent", "/greet"),
        )

    def __init__(
        self,
        access_token: Optional[Text],
        verify: Optional[Text],
        webhook_url: Optional[Text],
        debug_mode: bool = False,
        api_base_url: Text = DEFAULT_TELEGRAM_API_BASE_URL,
        secret_token: Optional[Text] = None,
        webhook_retry_seconds: float = 5.0,
        start_intent: Optional[Text] = "/greet",
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.api_base_url = api_base_url
        self.secret_token = secret_token
        self.webhook_retry_seconds = max(webhook_retry_seconds, 0.05)
        self.start_intent = start_intent
        self._out: Optional[ConfigurableTelegramOutput] = None
        self._webhook_task: Optional[asyncio.Task] = None

    def get_output_channel(self) -> TelegramOutput:
        # No network here (Rasa's version calls setWebhook with asyncio.run and
        # raises when Telegram is down). One shared Bot = one HTTP session.
        if self._out is None:
            self._out = ConfigurableTelegramOutput(
                self.access_token, self.api_base_url, self.secret_token
            )
        return self._out

    async def _keep_setting_webhook(self) -> None:
        delay = self.webhook_retry_seconds
        while True:
            try:
                await self.get_output_channel().set_webhook(self.webhook_url)
                logger.info("Telegram webhook set to %s", self.webhook_url)
                return
            except asyncio.CancelledError:
                raise
            except Exception as e:  # network down, bad token, ...: keep Rasa up
                logger.error(
                    "Could not set the Telegram webhook via %s (%s: %s); "
                    "retrying in %.0f s.",
                    self.api_base_url, type(e).__name__, e, delay,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 300.0)

    def _secret_ok(self, request: Request) -> bool:
        if not self.secret_token:
            return True
        given = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(given.encode(), self.secret_token.encode())

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        async def handle(message: UserMessage) -> None:
            # Telegram sends "/start" when a chat begins (and Rasa's channel sends
            # it after /restart); without this it would be an unknown intent.
            if self.start_intent and (message.text or "").strip() == "/start":
                message.text = self.start_intent
            if message.sender_id and not message.sender_id.startswith(CONVERSATION_PREFIX):
                message.sender_id = CONVERSATION_PREFIX + message.sender_id
            await on_new_message(message)

        bp = super().blueprint(handle)

        # Blueprint middleware only runs for this blueprint's routes.
        @bp.middleware("request")
        async def check_secret_and_answer_buttons(request: Request) -> Any:
            if request.method != "POST" or not request.path.rstrip("/").endswith(
                "/webhook"
            ):
                return None
            if not self._secret_ok(request):
                logger.warning("Rejected a Telegram update with a wrong secret token.")
                return response.text("forbidden", status=403)
            update = request.json if isinstance(request.json, dict) else {}
            query = update.get("callback_query")
            if isinstance(query, dict) and query.get("id"):
                try:  # stops the button's loading spinner in the Telegram app
                    await self.get_output_channel().answer_callback_query(query["id"])
                except Exception as e:
                    logger.warning("answerCallbackQuery failed: %s", e)
            return None

        acknowledge_malformed(bp, "Telegram", lambda: response.text("success"))

        @bp.listener("after_server_start")
        async def start_setting_webhook(app: Sanic, *_: Any) -> None:
            if self.webhook_url:
                self._webhook_task = asyncio.ensure_future(self._keep_setting_webhook())

        @bp.listener("before_server_stop")
        async def stop_setting_webhook(app: Sanic, *_: Any) -> None:
            if self._webhook_task is not None:
                self._webhook_task.cancel()
            if self._out is not None:
                # the HTTP session only; aiogram's Bot.close() is deprecated
                # because it will mean the Bot API's `close` method in aiogram 3
                await self._out.session.close()

        return bp
