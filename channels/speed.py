"""Costs Rasa 3.6 pays for nothing, per turn and at start-up, removed by ``install()`` (``channels.server``).

* Every reply of the action server is checked against Rasa's response schema with
  ``jsonschema.validate``, which first checks the schema itself against the JSON Schema
  meta-schema: about 30 ms of CPU per action call on 2 cores, more than half of Rasa's time per
  turn. The schema never changes, so its validator is built once; a reply is checked exactly as
  before (the same errors, raised the same way). Each event of a reply is then checked against
  the schema of its own type only (``_surely_valid``): jsonschema tried all 23 event types for
  each (about 5 ms of CPU per call); a reply that does not pass that way is checked the full way.
* Which events of a conversation apply (``DialogueStateTracker.applied_events``: the form's turns,
  rewinds and restarts taken into account) was worked out again from the first event several
  times a turn, so every turn cost more than the one before (policies, the processor; README,
  "Speed"). A tracker now keeps what it found and carries on from there with its new events, by
  Rasa's own steps; anything but appended events, or a form not seen before, starts from scratch.
* Loading a TensorFlow model (DIET, TED) first trains it for one step on one example, only so
  that its weights exist before the trained ones are read in; Keras traces the whole training
  graph for that step, most of Rasa's start-up. The step is run eagerly instead (no graph), then
  the trained weights are read in as before and prediction runs in a compiled graph as before:
  the same weights, the same predictions, a shorter cold start.
* The embedded SQLite tracker store (one instance, ``var/conversations.db``) keeps its connection
  open (SQLAlchemy 1.4 opened and closed one for every read and every write of a turn) and is in
  WAL mode with ``synchronous=NORMAL``: a turn's commit no longer waits for the disk to flush (it
  blocked Rasa's event loop, so every other conversation waited too). A committed turn survives
  any crash or restart of Rasa; only a power cut or an OS crash can lose the last moments'
  turns, and the database is never corrupted. PostgreSQL (``endpoints.scale.yml``) is untouched.
* Reading a stored conversation looks up each event's class by walking every subclass of
  ``Event`` again, for every event; the class found for a name is remembered.
* Every action call opened a new HTTP session and connection to the action server and closed it
  again. The session is kept, and its connections are reused while idle
  for under 2 s: the action server (Sanic) closes idle connections after 5 s, so a connection is
  never reused just as the server closes it.
"""
from functools import lru_cache
from typing import Any, Dict, Optional, Text


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate does on every call
    return cls(schema)


@lru_cache(maxsize=1)
def _event_validators() -> Any:
    """The reply schema without its `oneOf` over the 23 event types, and one validator per type.

    Each branch of that `oneOf` requires its own constant `event` name, so an event with a known
    name can match only its own branch: it satisfies the `oneOf` exactly when it satisfies that one.
    jsonschema instead tries all 23 for every event (about 5 ms of CPU per action call)."""
    import copy

    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    items = schema["properties"]["events"]["items"]
    branches = items.pop("oneOf")
    cls = validator_for(schema)
    by_name = {b["properties"]["event"]["const"]: cls(b) for b in branches}
    return cls(schema), by_name if len(by_name) == len(branches) else None


def _surely_valid(result: Any) -> bool:
    """True only when the reply satisfies Rasa's schema; False means: check it the full way."""
    outer, by_name = _event_validators()
    if by_name is None or not outer.is_valid(result):
        return False
    for event in result.get("events") or []:
        branch = by_name.get(event.get("event"))
        if branch is None or not branch.is_valid(event):
            return False
    return True


def _patch_action_response_validation() -> None:
    from jsonschema.exceptions import ValidationError, best_match
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
        if _surely_valid(result):
            return True
        error = best_match(_response_validator().iter_errors(result))
        if error is None:
            return True
        assert isinstance(error, ValidationError)
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result


def _patch_model_loading() -> None:
    from rasa.utils.tensorflow.models import RasaModel

    original_load = RasaModel.load.__func__
    original_compile = RasaModel.compile
    original_load_weights = RasaModel.load_weights

    def eager_compile(self: Any, *args: Any, **kwargs: Any) -> Any:
        return original_compile(self, *args, **{**kwargs, "run_eagerly": True})

    def load_weights_then_graph(self: Any, *args: Any, **kwargs: Any) -> Any:
        status = original_load_weights(self, *args, **kwargs)
        self.run_eagerly = False  # predictions, from the warm-up on, run as a compiled graph
        return status

    def load(cls: Any, *args: Any, **kwargs: Any) -> Any:
        if (kwargs.get("config") or {}).get("run_eagerly") or kwargs.get("finetune_mode"):
            return original_load(cls, *args, **kwargs)
        # Rasa's load: compile, fit one example, read the weights in, predict once.
        cls.compile, cls.load_weights = eager_compile, load_weights_then_graph
        try:
            return original_load(cls, *args, **kwargs)
        finally:
            del cls.compile, cls.load_weights

    RasaModel.load = classmethod(load)


def _sqlite_without_waiting_for_the_disk() -> None:
    import sqlite3

    import rasa.core.tracker_store as tracker_store
    from sqlalchemy import event
    from sqlalchemy.engine import Engine, make_url
    from sqlalchemy.pool import SingletonThreadPool

    original_kwargs = tracker_store.create_engine_kwargs

    def create_engine_kwargs(url: Any) -> Dict[Text, Any]:
        kwargs = original_kwargs(url)
        parsed = make_url(url) if isinstance(url, str) else url
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            # One connection per thread, kept open (Rasa uses it from its event loop only).
            kwargs.setdefault("poolclass", SingletonThreadPool)
        return kwargs

    tracker_store.create_engine_kwargs = create_engine_kwargs

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


def _remember_event_classes() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: Dict[Text, Any] = {}

    def resolve_by_type(type_name: Text, default: Any = None) -> Any:
        if type_name not in found:
            cls = original(type_name, None if type_name == "topic" else object)
            if cls is None or cls is object:  # unknown: answered (or raised) as before, not kept
                return original(type_name, default)
            found[type_name] = cls
        return found[type_name]

    Event.resolve_by_type = staticmethod(resolve_by_type)


class _Applied:
    """What ``applied_events`` found for a tracker's first `count` events, ending with `last`."""
    __slots__ = ("count", "last", "loops", "events")

    def __init__(self, count: int, last: Any, loops: frozenset, events: list) -> None:
        self.count, self.last, self.loops, self.events = count, last, loops, events


def _incremental_applied_events() -> None:
    import itertools

    from rasa.shared.core.events import ActiveLoop
    from rasa.shared.core.trackers import DialogueStateTracker

    original = DialogueStateTracker.applied_events

    def loop_names(events: Any) -> frozenset:
        return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)

    def continued(self: Any, start: list, new_events: list, loops: frozenset) -> list:
        """Rasa's fold over `new_events` from where it stopped (loop names of the whole conversation)."""
        folded, names = list(start), list(loops)
        for event in new_events:
            folded = _fold_one(self, folded, event, names)
        return folded

    def applied_events(self: Any) -> list:
        events = self.events
        count = len(events)
        kept: Optional[_Applied] = getattr(self, "_applied", None)
        if kept is not None and kept.count <= count and (kept.count == 0 or events[kept.count - 1] is kept.last):
            new_events = list(itertools.islice(events, kept.count, None))
            loops = kept.loops | loop_names(new_events)
            if loops == kept.loops:
                result = continued(self, kept.events, new_events, loops) if new_events else kept.events
                self._applied = _Applied(count, events[-1] if count else None, loops, result)
                return list(result)
        result = original(self)
        self._applied = _Applied(count, events[-1] if count else None, loop_names(events), result)
        return list(result)

    original_copy = DialogueStateTracker.copy

    def copy(self: Any) -> Any:
        copied = original_copy(self)  # the same events, replayed: what was found for them holds
        kept = getattr(self, "_applied", None)
        if kept is not None:
            copied._applied = kept
        return copied

    DialogueStateTracker.applied_events = applied_events
    DialogueStateTracker.copy = copy


def _fold_one(tracker: Any, applied: list, event: Any, loop_names: list) -> list:
    """One step of Rasa 3.6's ``DialogueStateTracker.applied_events`` (the same branches, in order)."""
    from rasa.shared.core.events import (ActionExecuted, ActionReverted, Restarted, SessionStarted,
                                         UserUttered, UserUtteranceReverted)

    if isinstance(event, (Restarted, SessionStarted)):
        return []
    if isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (isinstance(event, ActionExecuted) and event.action_name in loop_names
          and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)
    return applied


KEEP_IDLE_CONNECTIONS_SECONDS = 2.0


class _KeptSession:
    """``async with`` gives the kept session and leaves it open."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *_: Any) -> None:
        return None


def _keep_action_server_connections() -> None:
    import asyncio

    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    def session(self: Any) -> Any:
        kept = getattr(self, "_kept_session", None)
        if kept is None or kept.closed or kept._loop is not asyncio.get_running_loop():
            # as Rasa's session (headers, basic auth, timeout), with connections kept
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) \
                if self.basic_auth else None
            kept = aiohttp.ClientSession(
                headers=self.headers, auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_IDLE_CONNECTIONS_SECONDS))
            self._kept_session = kept
        return _KeptSession(kept)

    EndpointConfig.session = session


def install() -> None:
    _patch_action_response_validation()
    _patch_model_loading()
    _sqlite_without_waiting_for_the_disk()
    _remember_event_classes()
    _incremental_applied_events()
    _keep_action_server_connections()
