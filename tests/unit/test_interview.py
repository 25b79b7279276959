"""The interview asks only what it still needs, warning signs early, and stops at a warning sign."""
import pytest

from actions.interview import MAX_QUESTIONS, empty_answers, next_topic, plan, topics_answered_by, understood

OPENING = "my eyelid keeps twitching since monday and I've been living on coffee for a deadline"


def test_what_the_opening_said_is_not_asked_again():
    answered = topics_answered_by(OPENING)
    assert {"location", "duration", "caffeine", "stress", "symptom_type"} <= set(answered)
    answers = {**empty_answers(), **answered}
    assert not {"location", "duration", "caffeine", "stress"} & set(
        t for t in plan(answers, [OPENING]) if not answers.get(t))


def test_warning_signs_are_asked_before_lifestyle():
    remaining = [t for t in plan(empty_answers(), ["my calf twitches"])]
    assert remaining.index("weakness") < remaining.index("caffeine")
    assert remaining.index("bulbar") < remaining.index("sleep")


def test_a_warning_sign_ends_the_interview():
    answers = {**empty_answers(), "location": "hand", "weakness": "yes I can't grip"}
    assert plan(answers, []) == [] and next_topic(answers, []) is None


def test_a_warning_sign_in_the_opening_ends_it_before_any_question():
    assert next_topic(empty_answers(), ["my face is twitching and my speech is slurred"]) is None


def test_never_more_than_twelve_questions():
    answers, asked = empty_answers(), []
    while (topic := next_topic(answers, ["calf cramps after the gym"], asked)) is not None:
        answers[topic] = "not sure" if topic not in ("weakness", "numbness", "wasting", "bulbar") else "no"
        asked.append(topic)
    assert 0 < len(asked) <= MAX_QUESTIONS


def test_cramps_bring_questions_about_fluids_and_how_often():
    opening = "calf cramps after football in the heat"
    topics = plan({**empty_answers(), **topics_answered_by(opening)}, [opening])
    assert "hydration" in topics and "frequency" in topics
    assert "hydration" not in plan(empty_answers(), ["eyelid twitch"])


@pytest.mark.parametrize("topic, said, ok", [
    ("caffeine", "about 4 cups a day", True), ("caffeine", "banana", False), ("duration", "asdfgh", False),
    ("duration", "since last tuesday", True), ("location", "🙂🙂", False), ("location", "left calf", True),
    ("weakness", "not sure", True), ("sleep", "", False), ("sleep", "maybe 5 hrs", True),
])
def test_unclear_answers_are_noticed(topic, said, ok):
    assert understood(topic, said) is ok


def test_corrections_find_the_topic_they_correct():
    assert set(topics_answered_by("actually it's been 3 weeks", loose=True)) == {"duration"}
    assert set(topics_answered_by("sorry I meant 2 coffees a day", loose=True)) == {"caffeine"}
    assert set(topics_answered_by("oops, more like 7 hours of sleep", loose=True)) == {"sleep"}
