"""The table of simulated people (tests/vignettes/vignettes.yml), without the Rasa servers.

Two ways: the engine given every fact at once, and the interview plan asking question by
question as the conversation does. Both must reach the expected level exactly and put a
sensible cause in the top three.
"""
from collections import Counter

import pytest

from actions.interview import MAX_ASKED, next_confirmation, empty_answers, next_topic, topics_answered_by
from actions.medical.assessment import assess
from actions.medical.knowledge import CONFIRMED
from tests.vignettes.people import all_answers, answer, load_vignettes

VIGNETTES = load_vignettes()


def test_the_table_is_large_and_balanced():
    levels = Counter(v["expect"]["triage"] for v in VIGNETTES)
    assert set(levels) == {"emergency", "urgent", "see_doctor", "self_care"}
    assert len(VIGNETTES) >= 40 and min(levels.values()) >= 10


def check(vignette, result):
    assert result.level == vignette["expect"]["triage"], [r.id for r in result.triage.reasons]
    wanted = vignette["expect"]["causes_any"]
    assert not wanted or set(wanted) & set(result.cause_ids[:3]), result.cause_ids[:3]


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v["id"])
def test_engine_with_all_facts(vignette):
    check(vignette, assess(all_answers(vignette), [vignette["opening"]]))


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v["id"])
def test_interview_question_by_question(vignette):
    answers = empty_answers()
    answers.update(topics_answered_by(vignette["opening"]))
    asked = []
    while (topic := next_topic(answers, [vignette["opening"]], asked)) is not None:
        if topic == "confirm":  # a suspected sign: asked once per sign, answered from its topic's fact
            concept, _ = next_confirmation(answers, [vignette["opening"]])
            answers[CONFIRMED + concept] = answer(vignette, topic, concept)
            asked.append(f"confirm {concept}")
            continue
        assert topic not in asked, "a question is never asked twice"
        answers[topic] = answer(vignette, topic)
        asked.append(topic)
    assert len([t for t in asked if not t.startswith("confirm")]) <= MAX_ASKED
    check(vignette, assess(answers, [vignette["opening"]]))
