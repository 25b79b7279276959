"""After the result, as people written blind say it (tests/vignettes/after_result.yml, by an author
who never saw the code): emergency mode, a warning sign said in passing, a new complaint starting
a new check, follow-ups answered without changing anything. Each person first talks to the end
of the interview (answers from their facts, as in `make eval`), then says their `after` messages.
"""
from pathlib import Path

import pytest
import yaml

from actions.medical.knowledge import LEVELS
from tests.eval.conversations import say, slots
from tests.eval.followups import to_the_result as talk_to_the_result

SCENARIOS = yaml.safe_load((Path(__file__).resolve().parents[1] / "vignettes" / "after_result.yml").read_text())


def to_the_result(bot, person: dict) -> str:
    sender = f"after-{person['id']}"
    talk_to_the_result(bot, person, sender)
    assert slots(bot, sender).get("triage_level"), "the interview reached a result"
    return sender


@pytest.mark.parametrize("person", SCENARIOS, ids=lambda p: p["id"])
def test_after_the_result(bot, person):
    sender = to_the_result(bot, person)
    for step in person["after"]:
        said, expect = step["say"], step["expect"]
        reply = "\n".join(r.get("text") or "" for r in say(bot, sender, said)).lower()
        state = slots(bot, sender)
        started_again = not state.get("triage_level") and bool(state.get("requested_slot"))
        assert started_again is bool(expect["new_check"]), (said, reply)
        level = state.get("triage_level")
        if "level_at_least" in expect and not started_again:
            assert level and LEVELS.index(level) <= LEVELS.index(expect["level_at_least"]), (said, level)
        if "level_exactly" in expect:
            assert level == expect["level_exactly"], (said, level)
        if expect.get("reply_has_any"):
            assert any(w.lower() in reply for w in expect["reply_has_any"]), (said, reply)
        for word in expect.get("reply_has_none") or []:
            assert word.lower() not in reply, (said, word, reply)
        if started_again:
            return  # a new check is its own conversation from here
