"""CPU per turn, split by where it goes: `make benchmark` only (README, "Speed").

Installed by ``channels.server`` and ``channels.action_server`` only when ``TWITCH_TURN_COST`` names
a file (`make benchmark`); otherwise it does nothing. Each part below charges the process's CPU time
(``time.process_time``: every thread, so the tracker store's database thread and TensorFlow's
threads count) to itself, a part inside another to the inner one only. The benchmark measures it
with one conversation at a time: with several at once, one turn's CPU would be charged to another
turn's part that is waiting.

Rasa: the lock store (and what wraps the processor), NLU (the graph's parse, without the learned
layer), the learned layer, the policies, the actions (running them: the calls to the action
server, slot extraction, the tracker copy before each), the tracker store, and the processor's
own work. The action server: the actions, the learned layer, and the request around them.
Each whole turn is also summed by its number in the conversation (the person's first message is
1; on the action server, every call of the turn), so that a turn late in a long interview can be
compared with an early one.

SIGUSR1 writes the sums so far to the file as JSON, then starts again from zero. Nothing about a
message is written: parts, turn numbers and seconds only.
"""
import gc
import importlib.abc
import inspect
import json
import os
import signal
import sys
import time
from collections import defaultdict
from functools import wraps
from pathlib import Path
from typing import Any, Callable, Dict, List, Text

ENV = "TWITCH_TURN_COST"
# The learned layer (nlp/suspicion.py), wherever it runs: charged when it is called at all.
LEARNED_LAYER = {"nlp.suspicion": ("suspected",)}


class Ledger:
    """CPU seconds by part and by turn number, self time only (nested parts are not counted twice)."""

    def __init__(self) -> None:
        self._stack: List[Text] = []
        self._mark = time.process_time()
        self.reset()

    def reset(self) -> None:
        self.parts: Dict[Text, float] = defaultdict(float)
        self.calls: Dict[Text, int] = defaultdict(int)
        self.turns: Dict[int, float] = defaultdict(float)
        self.by_turn: Dict[int, Dict[Text, float]] = defaultdict(lambda: defaultdict(float))
        self._senders: Dict[Text, int] = defaultdict(int)
        self.current = 0   # the number of the turn being handled (0: none)

    def _charge(self) -> float:
        now = time.process_time()
        if self._stack:
            self.parts[self._stack[-1]] += now - self._mark
            if self.current:
                self.by_turn[self.current][self._stack[-1]] += now - self._mark
        self._mark = now
        return now

    def enter(self, part: Text) -> float:
        now = self._charge()
        self._stack.append(part)
        self.calls[part] += 1
        return now

    def leave(self) -> float:
        now = self._charge()
        self._stack.pop()
        return now

    def turn(self, number: int, began: float, ended: float) -> None:
        self.turns[number] += ended - began

    def next_turn(self, sender_id: Text) -> int:
        self._senders[sender_id] += 1
        return self._senders[sender_id]

    def snapshot(self) -> Dict[Text, Any]:
        return {"parts": dict(self.parts), "calls": dict(self.calls),
                "turns": {str(n): s for n, s in sorted(self.turns.items())},
                "by_turn": {str(n): dict(p) for n, p in sorted(self.by_turn.items())}}


LEDGER = Ledger()


def charged(part: Text, function: Callable) -> Callable:
    """`function` (plain or async) with its CPU charged to `part`."""
    if inspect.iscoroutinefunction(function):
        @wraps(function)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            LEDGER.enter(part)
            try:
                return await function(*args, **kwargs)
            finally:
                LEDGER.leave()
        return run_async

    @wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        LEDGER.enter(part)
        try:
            return function(*args, **kwargs)
        finally:
            LEDGER.leave()
    return run


def _charge_methods(cls: Any, part: Text, names: List[Text]) -> None:
    for name in names:
        setattr(cls, name, charged(part, getattr(cls, name)))


class _ChargeOnImport(importlib.abc.MetaPathFinder):
    """Wraps the learned layer's functions as its module is imported, before anyone binds them."""

    def find_spec(self, name: Text, path: Any, target: Any = None) -> Any:
        if name not in LEARNED_LAYER:
            return None
        spec = next((s for s in (f.find_spec(name, path, target) for f in sys.meta_path
                                 if f is not self and hasattr(f, "find_spec")) if s), None)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            execute(module)
            for function in LEARNED_LAYER[name]:
                if hasattr(module, function):
                    setattr(module, function, charged("learned layer", getattr(module, function)))

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _write_on_signal(path: Path) -> None:
    def write(*_: Any) -> None:
        snapshot = LEDGER.snapshot()
        LEDGER.reset()
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(snapshot))
        temporary.replace(path)  # the benchmark never reads half a file

    signal.signal(signal.SIGUSR1, write)


def _charge_garbage_collection() -> None:
    """Python's collector runs whenever allocations cross a threshold, inside whichever part made
    them, and takes longer the more objects live: charged to itself, not to that part."""
    def collecting(phase: Text, _info: Dict[Text, Any]) -> None:
        if phase == "start":
            LEDGER.enter("garbage collection")
        elif LEDGER._stack and LEDGER._stack[-1] == "garbage collection":
            LEDGER.leave()

    gc.callbacks.append(collecting)


def start() -> bool:
    """Whether costs are measured in this process; the first call sets up the learned layer's
    wrapping (before anything imports it) and the signal."""
    global _started
    target = os.environ.get(ENV)
    if target and not _started:
        sys.meta_path.insert(0, _ChargeOnImport())
        _write_on_signal(Path(target))
        _charge_garbage_collection()
        _started = True
    return bool(target)


_started = False


def install_rasa() -> None:
    """Rasa's parts (channels.server, after the guard and speed patches, so they are inside)."""
    if not start():
        return
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import FailSafeTrackerStore

    handle = Agent.handle_message

    @wraps(handle)
    async def handle_message(self: Any, message: Any) -> Any:
        LEDGER.current = number = LEDGER.next_turn(message.sender_id)
        began = LEDGER.enter("lock store")
        try:
            return await handle(self, message)
        finally:
            LEDGER.turn(number, began, LEDGER.leave())
            LEDGER.current = 0

    Agent.handle_message = handle_message
    _charge_methods(MessageProcessor, "processor", ["handle_message"])
    _charge_methods(MessageProcessor, "NLU", ["_parse_message_with_graph"])
    _charge_methods(MessageProcessor, "policies", ["_predict_next_with_tracker"])
    _charge_methods(MessageProcessor, "actions", ["_run_action", "run_action_extract_slots"])
    _charge_methods(FailSafeTrackerStore, "tracker store", ["retrieve", "retrieve_full_tracker", "save"])


def install_action_server(app: Any) -> None:
    """The action server's parts, on its Sanic app (channels.action_server)."""
    if not start():
        return
    from rasa_sdk.executor import ActionExecutor

    _charge_methods(ActionExecutor, "actions", ["run"])

    @app.middleware("request")
    async def began(request: Any) -> None:
        if request.path.rstrip("/").endswith("webhook"):
            request.ctx.turn_cost_began = LEDGER.enter("request")
            events = ((request.json or {}).get("tracker") or {}).get("events") or []
            LEDGER.current = sum(1 for e in events if e.get("event") == "user")

    @app.middleware("response")
    async def ended(request: Any, _response: Any) -> None:
        started = getattr(request.ctx, "turn_cost_began", None)
        if started is not None:
            LEDGER.turn(LEDGER.current, started, LEDGER.leave())
            LEDGER.current = 0
