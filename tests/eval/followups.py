"""Follow-up questions after the result, written blind (tests/vignettes/followups.yml): each person
talks to the end of the interview, then asks their questions; each answer is checked against what it
must and must not say. `python -m tests.eval.followups` prints every question's verdict and the
pass rate; tests/conversation/test_followups_blind.py asserts the same checks.
"""
import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List

import yaml

from actions.medical.knowledge import LEVELS
from tests.eval.conversations import say, slots
from tests.servers import running_bot
from tests.vignettes.people import answer

FOLLOWUPS = Path(__file__).resolve().parents[1] / "vignettes" / "followups.yml"
MAX_TURNS = 30


def to_the_result(bot, person: dict, sender: str) -> None:
    say(bot, sender, person["opening"])
    for _ in range(MAX_TURNS):
        state = slots(bot, sender)
        if state.get("triage_level") or not state.get("requested_slot"):
            return
        say(bot, sender, answer(person, state["requested_slot"], state.get("confirming")))


def problems(expect: dict, reply: str, level, started_again: bool) -> List[str]:
    """What is wrong with one answer; empty when it holds every must and must-not."""
    found = []
    if "new_check" in expect and started_again is not bool(expect["new_check"]):
        found.append(f"new check {started_again}, expected {expect['new_check']}")
    if "level_at_least" in expect and not started_again:
        if not level or LEVELS.index(level) > LEVELS.index(expect["level_at_least"]):
            found.append(f"level {level}, expected at least {expect['level_at_least']}")
    if expect.get("reply_has_any") and not any(w.lower() in reply for w in expect["reply_has_any"]):
        found.append(f"none of {expect['reply_has_any']}")
    found += [f"says {w!r}" for w in expect.get("reply_has_none") or [] if w.lower() in reply]
    return found


def play(bot, person: dict) -> List[dict]:
    sender = f"followup-{person['id']}"
    to_the_result(bot, person, sender)
    results = []
    for step in person["after"]:
        reply = "\n".join(r.get("text") or "" for r in say(bot, sender, step["say"])).lower()
        state = slots(bot, sender)
        started_again = not state.get("triage_level") and bool(state.get("requested_slot"))
        results.append({"id": person["id"], "say": step["say"], "reply": reply,
                        "problems": problems(step["expect"], reply, state.get("triage_level"), started_again)})
        if started_again:
            break
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    people = yaml.safe_load(FOLLOWUPS.read_text())
    with running_bot() as bot, ThreadPoolExecutor(args.workers) as pool:
        results = [r for rs in pool.map(lambda p: play(bot, p), people) for r in rs]
    for r in results:
        print(f"{r['id']} {'ok ' if not r['problems'] else 'BAD'} {r['say'][:70]!r} {'; '.join(r['problems'])}")
    good = sum(not r["problems"] for r in results)
    print(f"\n{good} of {len(results)} follow-up answers hold every must and must-not ({good / len(results):.0%})")
    return 0 if good == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
