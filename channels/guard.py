"""What Rasa does around every message, whatever the channel (docs/reliability.md, "Reliability and privacy").

``install()`` wraps a few Rasa 3.6 functions in the Rasa process. It is called by
``python -m channels.server`` (what ``make serve``, ``make chat`` and the tests run)
and, as a safety net, when Rasa loads this project's REST channel. It is idempotent.

* A message longer than ``TWITCH_MAX_MESSAGE_CHARS`` (2,000) gets a kind reply and
  is never parsed or stored; a warning sign in it still gets the emergency advice.
  ``parse_message`` (the HTTP API's path to the NLU) never sees more than that either.
* The action server gets ``TWITCH_ACTION_TIMEOUT`` seconds (8) per call instead of
  Rasa's 300. If it is down, slow or fails, the turn stops at the first failure:
  the person gets a kind message (and the emergency advice if the message names a
  warning sign), their message is kept in the conversation and the conversation
  stays where it was, so it resumes when the action server is back.
* Every message is made plain first (actions/medical/characters.py), so the length check, the
  NLU, the stored event and the engine read the same characters. A message in another language
  gets one line in it (channels/language.py) and is kept, never read as an answer.
* A turn the tracker store could not save is told to the person (channels/trackers.py keeps it).
* An empty message gets a short reply and is not parsed; a turn in which the bot
  would say nothing gets a short "I didn't catch that" instead.
* Any other failure while handling a message also gets a kind reply, never silence.
* A person whose conversation was last active before this Rasa process started
  (a restart, a deployment) is greeted back before the reply.
* Every assessment ends with a "Delete my conversation" button (it sends those words: typed text
  starting with "/" is never an intent, nlp/components.py).
* After ``action_forget_me`` the conversation is deleted from the tracker store, and
  conversations older than ``TWITCH_RETENTION_DAYS`` (30) are deleted every hour. What that
  action says ("Done: ...") is held back until the deletion has succeeded; a failed deletion
  gets only the "could not delete" reply, on every channel. A channel whose output has
  ``conversation_deleted`` (the web chat) is then told, so the browser clears its copy.
* An emergency word in another language makes the conversation an emergency (``triage_level``),
  which no later answer lowers.
* The HTTP API token is also accepted in the ``X-Rasa-Token`` header or as
  ``Authorization: Token <token>`` (Rasa only reads ``?token=``).
* Telemetry is off and message text is kept out of the logs (``channels.logs``).
"""

import asyncio
import contextvars
import hmac
import logging
import os
import time
from functools import wraps
from inspect import isawaitable
from typing import Any, Dict, List, Optional, Text

from actions.medical.characters import plain
from channels import logs, safety_net
from channels.language import other_language_reply

logger = logging.getLogger(__name__)

PROCESS_START = time.time()
FORGET_ACTION = "action_forget_me"
RETENTION_INTERVAL = 60 * 60
RESERVED_PREFIXES = ("slack:", "telegram:", "web:")  # conversations only their own channel can reach

_TURN: contextvars.ContextVar = contextvars.ContextVar("twitch_check_turn", default=None)
_installed = False


class ActionServerUnavailable(Exception):
    """The action server could not run an action; the turn is abandoned."""


def max_message_chars() -> int:
    return int(os.environ.get("TWITCH_MAX_MESSAGE_CHARS", safety_net.MAX_MESSAGE_CHARS))


def action_timeout() -> float:
    return float(os.environ.get("TWITCH_ACTION_TIMEOUT", "8"))


async def _say(output_channel: Any, recipient: Text, texts: List[Text]) -> None:
    for text in texts:
        try:
            await output_channel.send_response(recipient, {"text": text})
        except Exception as e:  # the channel itself is broken: nothing more we can do
            logger.error("Could not send a reply (%s).", type(e).__name__)


def _collected(message: Any) -> Optional[List[Dict[Text, Any]]]:
    from rasa.core.channels.channel import CollectingOutputChannel

    if isinstance(message.output_channel, CollectingOutputChannel):
        return message.output_channel.messages
    return None


def _last_active_before(tracker: Any, started: float) -> Optional[float]:
    times = [e.timestamp for e in tracker.events if e.timestamp is not None and e.timestamp < started]
    return max(times) if times else None


def _had_a_conversation(tracker: Any, started: float) -> bool:
    from rasa.shared.core.events import UserUttered

    return any(isinstance(e, UserUttered) and e.timestamp < started for e in tracker.events)


def _rewound(tracker: Any, count: int) -> Any:
    """A new tracker with the first `count` events of `tracker` (events are only ever appended)."""
    rewound = tracker.init_copy()
    for event in list(tracker.events)[:count]:
        rewound.update(event)
    return rewound


async def _reply_and_keep(self: Any, message: Any, tracker: Any, replies: List[Text]) -> None:
    """Ends the turn with `replies` and no action: the conversation stays where it was (the
    interview question still open), with the message and the replies saved."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, BotUttered

    for reply in replies:
        tracker.update(BotUttered(reply))
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    await _say(message.output_channel, message.sender_id, replies)
    await _save(self, message, tracker)


async def _save(self: Any, message: Any, tracker: Any) -> None:
    """Saves the turn; if the store could not (channels/trackers.py keeps it in memory, to write
    with the next turn), the person is told plainly."""
    from rasa.shared.core.events import BotUttered
    from channels.forget import base_store

    try:
        await self.save_tracker(tracker)
    except Exception as save_error:
        logger.error("Could not save the conversation (%s).", type(save_error).__name__)
    not_saved = getattr(base_store(self.tracker_store), "take_not_saved", None)
    if not_saved is not None and not_saved(tracker.sender_id):
        tracker.update(BotUttered(safety_net.NOT_SAVED))  # part of the backlog the store keeps
        await _say(message.output_channel, message.sender_id, [safety_net.NOT_SAVED])


async def _forget(self: Any, message: Any, sender_id: Text, held: List[Dict[Text, Any]]) -> None:
    """Deletes the conversation the person asked to delete. Only then does what the forget action
    said (`held`: "Done: I've deleted ...") go out; a failed deletion gets the failure instead."""
    from channels.forget import delete_conversation

    try:
        deleted = await asyncio.get_running_loop().run_in_executor(
            None, delete_conversation, self.tracker_store, sender_id)
    except Exception as e:
        logger.error("Could not delete a conversation on request (%s); the person was told.",
                     type(e).__name__)
        await _say(message.output_channel, message.sender_id, [safety_net.DELETE_FAILED])
        return
    logger.info("Deleted a conversation on request (%d stored events).", deleted)
    for held_message in held:
        reply = {key: value for key, value in held_message.items() if key != "recipient_id"}
        await message.output_channel.send_response(message.sender_id, reply)
    told = getattr(message.output_channel, "conversation_deleted", None)
    if told is not None:
        await told(message.sender_id)


def _emergency_in_another_language(tracker: Any) -> None:
    """The conversation is an emergency from now on, as if the engine had found the sign: the
    interview ends, and every later message restates the emergency advice."""
    from rasa.shared.core.events import ActiveLoop, SlotSet

    if tracker.active_loop_name:
        tracker.update(ActiveLoop(None))
    for name, value in (("requested_slot", None), ("triage_level", "emergency"), ("result_given", True)):
        if name in tracker.slots:
            tracker.update(SlotSet(name, value))


async def handle_message(self: Any, message: Any) -> Optional[List[Dict[Text, Any]]]:
    """MessageProcessor.handle_message with the limits and fallbacks above."""
    from rasa.shared.core.events import ActionExecuted, BotUttered

    text = message.text
    if text is not None and not isinstance(text, str):
        await _say(message.output_channel, message.sender_id, [safety_net.NOT_TEXT])
        return _collected(message)
    if text:
        logs.remember(text)
        # Everything after this (the length check, the NLU, the stored event, the engine on the
        # action server) reads the same plain characters: no hidden soft hyphen splits a word.
        text = message.text = plain(text)
    limit = max_message_chars()
    if text and len(text) > limit:
        logger.info("A message of %d characters was not read (limit %d).", len(text), limit)
        await _say(message.output_channel, message.sender_id, safety_net.too_long_reply(text, limit))
        return _collected(message)
    if text is not None and not text.strip() and not getattr(message, "parse_data", None):
        await _say(message.output_channel, message.sender_id, [safety_net.EMPTY])
        return _collected(message)
    logs.remember(text)
    other_language = other_language_reply(text, safety_net.EMERGENCY_ADVICE)

    turn: Dict[Text, Any] = {"failed": None}
    token = _TURN.set(turn)
    before = None
    try:
        started = time.time()
        tracker = await self.log_message(message, should_save_tracker=False)
        last = _last_active_before(tracker, started)
        if last is not None and last < PROCESS_START and _had_a_conversation(tracker, started):
            tracker.update(BotUttered(safety_net.WELCOME_BACK))
            await _say(message.output_channel, message.sender_id, [safety_net.WELCOME_BACK])
        if other_language:
            # kept in the conversation, never read as an answer ("no puedo..." is not a "no")
            if safety_net.EMERGENCY_ADVICE in other_language:
                _emergency_in_another_language(tracker)
            await _reply_and_keep(self, message, tracker, other_language)
            return _collected(message)
        # If an action fails, the conversation up to here is saved: rebuilt only then (a copy on
        # every turn replayed every event of the conversation).
        before, count_before = tracker, len(tracker.events)

        tracker = await self.run_action_extract_slots(message.output_channel, tracker)
        await self._run_prediction_loop(message.output_channel, tracker)
        new_events = list(tracker.events)[count_before:]
        if not any(isinstance(e, BotUttered) for e in new_events):
            # never silence, whatever the model predicted (e.g. a typed "/session_start")
            tracker.update(BotUttered(safety_net.NOTHING_TO_SAY))
            await _say(message.output_channel, message.sender_id, [safety_net.NOTHING_TO_SAY])
        await self.run_anonymization_pipeline(tracker)
        await _save(self, message, tracker)
        if any(isinstance(e, ActionExecuted) and e.action_name == FORGET_ACTION for e in new_events):
            await _forget(self, message, tracker.sender_id, turn.get("held", []))
    except ActionServerUnavailable as e:
        replies = safety_net.action_server_down_reply(text)
        logger.warning("The action server failed during '%s'; the person was told and the "
                       "conversation kept where it was.", e)
        if before is not None:
            await _reply_and_keep(self, message, _rewound(before, count_before), replies)
        else:
            await _say(message.output_channel, message.sender_id, replies)
    except Exception as e:
        logger.error("Handling a message failed (%s); the person got a kind reply.",
                     type(e).__name__, exc_info=True)
        await _say(message.output_channel, message.sender_id, safety_net.action_server_down_reply(text))
    finally:
        _TURN.reset(token)
    return _collected(message)


def _patch_processor() -> None:
    from rasa.core.processor import MessageProcessor

    original_run_action = MessageProcessor._run_action
    original_parse = MessageProcessor.parse_message

    @wraps(original_run_action)
    async def _run_action(self: Any, action: Any, tracker: Any, output_channel: Any,
                          *args: Any, **kwargs: Any) -> bool:
        turn = _TURN.get()
        if turn is not None and action.name() == FORGET_ACTION:
            # "Done: I've deleted ..." waits until the deletion has succeeded (_forget)
            from rasa.core.channels.channel import CollectingOutputChannel

            held = CollectingOutputChannel()
            turn["held"] = held.messages
            output_channel = held
        result = await original_run_action(self, action, tracker, output_channel, *args, **kwargs)
        if turn is not None and turn["failed"]:
            raise ActionServerUnavailable(turn["failed"])
        return result

    @wraps(original_parse)
    async def parse_message(self: Any, message: Any, *args: Any, **kwargs: Any) -> Dict[Text, Any]:
        limit = max_message_chars()
        if isinstance(message.text, str):
            # the HTTP API's /model/parse reads what a conversation would: plain, and no more
            message.text = plain(message.text[:limit * 2])[:limit]
        return await original_parse(self, message, *args, **kwargs)

    MessageProcessor.handle_message = handle_message
    MessageProcessor._run_action = _run_action
    MessageProcessor.parse_message = parse_message


def _patch_remote_actions() -> None:
    import rasa.core.actions.action as action_module
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

    action_module.DEFAULT_REQUEST_TIMEOUT = action_timeout()
    original_run = RemoteAction.run

    @wraps(original_run)
    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original_run(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise
        except Exception as e:
            turn = _TURN.get()
            if turn is not None:
                turn["failed"] = self.name()
            logger.error("The action server could not run '%s' (%s).", self.name(), type(e).__name__)
            raise ActionServerUnavailable(self.name()) from None

    RemoteAction.run = run


def _header_token(request: Any) -> Optional[Text]:
    given = request.headers.get("X-Rasa-Token")
    if given:
        return given.strip()
    authorization = request.headers.get("Authorization", "")
    if authorization[:6].lower() == "token ":
        return authorization[6:].strip()
    return None


def _patch_auth() -> None:
    import rasa.server

    original = rasa.server.requires_auth

    def requires_auth(app: Any, token: Optional[Text] = None) -> Any:
        checked_by_rasa = original(app, token)

        def decorator(f: Any) -> Any:
            checked = checked_by_rasa(f)

            @wraps(f)
            async def decorated(request: Any, *args: Any, **kwargs: Any) -> Any:
                given = _header_token(request)
                if token and given and hmac.compare_digest(given.encode(), token.encode()):
                    result = f(request, *args, **kwargs)
                    return await result if isawaitable(result) else result
                return await checked(request, *args, **kwargs)

            return decorated

        return decorator

    rasa.server.requires_auth = requires_auth


async def _keep_purging(agent: Any, days: float) -> None:
    from channels.forget import purge_older_than

    while True:
        try:
            deleted = purge_older_than(agent.tracker_store, days)
            if deleted:
                logger.info("Retention: deleted %d conversations older than %g days.", deleted, days)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            logger.error("Retention could not delete old conversations (%s).", type(e).__name__)
        await asyncio.sleep(RETENTION_INTERVAL)


def _patch_start_up() -> None:
    import rasa.core.run
    from channels.forget import retention_days

    original = rasa.core.run.load_agent_on_start
    original_close = rasa.core.run.close_resources
    tasks: List[asyncio.Future] = []

    @wraps(original)
    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        agent = await original(*args, **kwargs)
        logs.install_filter()  # Rasa and Sanic have configured their handlers by now
        days = retention_days(os.environ)
        if days is not None and agent is not None:
            tasks.append(asyncio.ensure_future(_keep_purging(agent, days)))
        return agent

    @wraps(original_close)
    async def close_resources(*args: Any, **kwargs: Any) -> None:
        while tasks:
            tasks.pop().cancel()
        await original_close(*args, **kwargs)

    rasa.core.run.load_agent_on_start = load_agent_on_start
    rasa.core.run.close_resources = close_resources


def install() -> None:
    """Applies everything above to this process (once)."""
    global _installed
    if _installed:
        return
    _installed = True
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    _patch_processor()
    _patch_remote_actions()
    _patch_auth()
    _patch_start_up()
    logs.install_filter()
