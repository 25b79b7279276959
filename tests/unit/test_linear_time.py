"""Every regex in the engine runs in linear time: 10 KB of one kind of character, each under 100 ms.

A pattern that backtracks (nested or adjacent quantifiers over the same characters) takes
seconds or minutes on such runs; one that is linear takes a few milliseconds. The runs are
single-character classes, the usual worst case, and each call gets its own deadline.
"""
import multiprocessing
import time

import pytest

from actions.interview import topics_answered_by
from actions.medical.assessment import assess

SIZE = 10_000
LIMIT_SECONDS = 0.1
RUNS = {
    "digits": "7" * SIZE,
    "digits and spaces": "1 " * (SIZE // 2),
    "spaces": " " * SIZE,
    "letters": "a" * SIZE,
    "words": "coffee " * (SIZE // 7),
    "punctuation": "." * SIZE,
    "mixed punctuation": "-,.;:!?'" * (SIZE // 8),
    "digits with separators": "5.5-6/7," * (SIZE // 8),
}


HARD_TIMEOUT = 1.0  # a backtracking pattern could run for hours: the child process is killed


def _timed(name, text, pipe):
    call = ENGINE_CALLS[name]
    call(text[:100])  # warm up (caches, lazy loading)
    best = float("inf")
    for variant in (text, text + " ", text + "  "):  # fresh texts, past the reading cache; the
        started = time.perf_counter()               # fastest of three, as the machine is shared
        call(variant)
        best = min(best, time.perf_counter() - started)
    pipe.send(best)


def _seconds(name, text):
    """Seconds one call takes, measured in a forked child that is killed after HARD_TIMEOUT.
    The parent loads the engine first, so the child times the reading, not the loading."""
    ENGINE_CALLS[name]("warm up")
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_timed, args=(name, text, sender), daemon=True)
    child.start()
    try:
        if receiver.poll(HARD_TIMEOUT):
            return receiver.recv()
        return float("inf")
    finally:
        child.kill()
        child.join()


ENGINE_CALLS = {
    "assess": lambda text: assess({}, [text]),
    "topics_answered_by": topics_answered_by,
}


@pytest.mark.parametrize("call", ENGINE_CALLS)
@pytest.mark.parametrize("kind", RUNS)
def test_engine_reads_10kb_of_one_character_class_in_under_100_ms(call, kind):
    seconds = _seconds(call, RUNS[kind])
    assert seconds < LIMIT_SECONDS, (
        f"{call} took {seconds * 1000:.0f} ms on 10 KB of {kind}" if seconds != float("inf")
        else f"{call} did not finish within {HARD_TIMEOUT:.0f} s on 10 KB of {kind}")
