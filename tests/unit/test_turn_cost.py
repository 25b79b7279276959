"""The benchmark's CPU split (channels/turn_cost.py): a part inside another is charged to the inner
one only, the learned layer is charged wherever it is imported, and the file holds no message."""
import json
import os
import signal
import sys
import time

from channels import turn_cost


def busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_nested_parts_are_charged_to_the_inner_part_only():
    ledger = turn_cost.LEDGER
    ledger.reset()
    inner = turn_cost.charged("NLU", lambda: busy(0.05))
    outer = turn_cost.charged("processor", lambda: (busy(0.02), inner()))
    began = ledger.enter("lock store")
    outer()
    ledger.turn(1, began, ledger.leave())
    parts = ledger.snapshot()["parts"]
    assert 0.045 < parts["NLU"] < 0.08
    assert 0.015 < parts["processor"] < 0.045
    assert abs(sum(parts.values()) - ledger.turns[1]) < 0.005


def test_the_learned_layer_is_charged_and_the_file_holds_no_message(tmp_path, monkeypatch):
    target = tmp_path / "cost.json"
    monkeypatch.setenv(turn_cost.ENV, str(target))
    monkeypatch.setattr(turn_cost, "_started", False)
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setitem(turn_cost.LEARNED_LAYER, "tests.unit.learned_layer_stand_in", ("suspected",))
    previous = signal.getsignal(signal.SIGUSR1)
    try:
        assert turn_cost.start()
        from tests.unit import learned_layer_stand_in  # imported after start(), as Rasa imports it

        turn_cost.LEDGER.reset()
        assert learned_layer_stand_in.suspected("my legs feel like jelly") == {"weakness"}
        os.kill(os.getpid(), signal.SIGUSR1)
        written = target.read_text()
    finally:
        signal.signal(signal.SIGUSR1, previous)
        gc_callbacks = __import__("gc").callbacks
        gc_callbacks[:] = [c for c in gc_callbacks if "collecting" not in getattr(c, "__qualname__", "")]
    assert json.loads(written)["parts"]["learned layer"] > 0.01
    assert "jelly" not in written
