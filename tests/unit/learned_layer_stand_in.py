"""Stands in for nlp/suspicion.py in tests/unit/test_turn_cost.py: a learned layer's entry point."""
import time


def suspected(text: str) -> set:
    end = time.process_time() + 0.02
    while time.process_time() < end:
        pass
    return {"weakness"} if "jelly" in text else set()
