"""Slack channel with a configurable Web API base URL.

Rasa's ``SlackInput`` always talks to https://slack.com/api/, so nothing but the
real Slack could ever receive the bot's replies. This subclass only adds:

* ``api_base_url`` (credential): where the output channel's slack_sdk
  ``AsyncWebClient`` sends ``chat.postMessage``. Tests point it at a local fake
  server; production leaves the default.
* de-duplication of Slack retries by ``event_id``: Rasa ignores a retry only when
  Slack's retry reason is ``http_timeout``; any other retry of the same event
  (e.g. ``http_error``) would be answered a second time.

* conversation ids prefixed with ``slack:`` (``slack:U42``), so that no other
  channel can address a Slack user's conversation (the REST and web chat channels
  refuse such ids; Slack user ids are not secret).
* a validly signed request that cannot be processed (malformed event, unknown
  payload) is acknowledged with HTTP 200 and ``X-Slack-No-Retry`` instead of a
  500 that Slack would keep retrying; its body is never logged.

Everything else (signature check, DMs, mentions, buttons as blocks) is Rasa's own.
"""

from collections import OrderedDict
from http import HTTPStatus
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from slack_sdk.web.async_client import AsyncWebClient

from channels import acknowledge_malformed

logger = logging.getLogger(__name__)

DEFAULT_SLACK_API_BASE_URL = "https://slack.com/api/"
CONVERSATION_PREFIX = "slack:"
# Slack retries an event at most 3 times within about an hour; a few thousand
# remembered ids cover that comfortably for one Rasa process.
MAX_REMEMBERED_EVENTS = 5000


def _normalise_base_url(url: Optional[Text]) -> Text:
    url = (url or DEFAULT_SLACK_API_BASE_URL).strip()
    # slack_sdk joins base_url + method name, so the slash is required.
    return url if url.endswith("/") else url + "/"


def escape_mrkdwn(text: Text) -> Text:
    """Slack's escaping of &, < and >: the person's words quoted in a reply can never become a
    mention (<!channel>, <@U123>) or a link. The assistant's own replies use no <...> markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_blocks(value: Any) -> Any:
    """A Slack message (text, blocks, elements) with every mrkdwn text escaped; plain_text is
    never parsed by Slack, so it is left as it is."""
    if isinstance(value, list):
        return [escape_blocks(item) for item in value]
    if not isinstance(value, dict):
        return value
    escaped = {key: escape_blocks(item) for key, item in value.items()}
    if isinstance(value.get("text"), str) and value.get("type", "mrkdwn") == "mrkdwn":
        escaped["text"] = escape_mrkdwn(value["text"])
    return escaped


class ConfigurableSlackBot(SlackBot):
    """Rasa's Slack output channel, talking to a configurable Web API URL, every text escaped."""

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        """Every message Rasa sends to Slack goes through here: text, buttons, custom blocks."""
        await super()._post_message(channel, **escape_blocks(kwargs))

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_base_url: Text = DEFAULT_SLACK_API_BASE_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        # SlackBot hard-codes the client's base URL; replace the client only.
        self.client = AsyncWebClient(
            token, proxy=proxy, base_url=_normalise_base_url(api_base_url)
        )


class ConfigurableSlackInput(SlackInput):
    """Rasa's Slack input channel plus ``api_base_url`` and retry de-duplication."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> SlackInput:
        channel = super().from_credentials(credentials)
        channel.api_base_url = _normalise_base_url(
            (credentials or {}).get("api_base_url")
        )
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        api_base_url = kwargs.pop("api_base_url", None)
        super().__init__(*args, **kwargs)
        self.api_base_url = _normalise_base_url(api_base_url)
        self._seen_event_ids: "OrderedDict[Text, None]" = OrderedDict()

    def _already_seen(self, request: Request) -> bool:
        """True if this Slack event was already handed to the bot (remembers it)."""
        if request.headers.get("content-type") != "application/json":
            return False  # interactive (button) payloads carry no event_id
        body = request.json if isinstance(request.json, dict) else {}
        event_id = body.get("event_id")
        if not event_id:
            return False
        if event_id in self._seen_event_ids:
            return True
        self._seen_event_ids[event_id] = None
        while len(self._seen_event_ids) > MAX_REMEMBERED_EVENTS:
            self._seen_event_ids.popitem(last=False)
        return False

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Text,
        sender_id: Optional[Text],
        metadata: Optional[Dict],
    ) -> Any:
        # Only reached after Rasa's signature check, so a forged retry can't
        # poison the memory of seen events.
        if self._already_seen(request):
            logger.info(
                "Ignoring Slack retry #%s (%s) of an event already being answered.",
                request.headers.get(self.retry_num_header),
                request.headers.get(self.retry_reason_header),
            )
            # 200 + X-Slack-No-Retry: tell Slack to stop redelivering it.
            return response.text(
                "", status=HTTPStatus.OK, headers={"X-Slack-No-Retry": "1"}
            )
        if sender_id and not sender_id.startswith(CONVERSATION_PREFIX):
            sender_id = CONVERSATION_PREFIX + sender_id
        return await super().process_message(
            request, on_new_message, text, sender_id, metadata
        )

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        bp = super().blueprint(on_new_message)

        def acknowledged() -> Any:
            return response.text(
                "", status=HTTPStatus.OK, headers={"X-Slack-No-Retry": "1"}
            )

        acknowledge_malformed(bp, "Slack", acknowledged)

        @bp.middleware("response")
        async def no_server_errors(request: Request, resp: Any) -> Any:
            if resp is not None and resp.status >= 500:
                logger.warning("Could not process a Slack request; acknowledged instead of %s.",
                               resp.status)
                return acknowledged()
            return None

        return bp

    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> OutputChannel:
        channel = channel or self.slack_channel
        return ConfigurableSlackBot(
            self.slack_token, channel, thread_id, self.proxy, self.api_base_url
        )
