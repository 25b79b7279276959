"""The interview asks only what it still needs, warning signs early, and stops at a warning sign."""
import pytest

from actions.interview import MAX_ASKED, empty_answers, next_topic, plan, topics_answered_by, understood

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


def test_an_urgent_sign_leaves_only_the_warning_questions_and_an_emergency_ends_it():
    answers = {**empty_answers(), "location": "hand", "weakness": "yes I can't grip"}
    # urgent: only what could make it an emergency is still asked (a slurred word after a weak hand)
    assert set(plan(answers, [])) <= {"emergency_signs", "weakness", "numbness", "wasting", "bulbar"}
    assert next_topic(answers, []) == "emergency_signs"
    answers["bulbar"] = "yes my speech went slurred an hour ago"
    assert plan(answers, []) == [] and next_topic(answers, []) is None


def test_a_warning_sign_in_the_opening_ends_it_before_any_question():
    assert next_topic(empty_answers(), ["my face is twitching and my speech is slurred"]) is None


def test_never_more_than_twelve_questions_after_the_emergency_screen():
    answers, asked = empty_answers(), []
    while (topic := next_topic(answers, ["calf cramps after the gym"], asked)) is not None:
        answers[topic] = "not sure" if topic not in ("weakness", "numbness", "wasting", "bulbar") else "no"
        asked.append(topic)
    # Safety questions that fit the complaint come on top: they are never dropped for the budget.
    assert 0 < len([t for t in asked if t != "confirm"]) <= MAX_ASKED


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


# --- what a message in the middle of the interview is ---

from actions.interview import corrected_topics, is_correction, is_digression, pending_warning_topics  # noqa: E402


@pytest.mark.parametrize("said", ["actually it's more like 5 weeks, not 3 days", "sorry, 3 DAYS not weeks",
                                  "oops I meant 2 coffees a day", "wait no, make that 6 hours of sleep"])
def test_corrections_are_recognised_by_their_words(said):
    assert is_correction(said) and corrected_topics(said, requested="weakness")


@pytest.mark.parametrize("said, days", [("actually it's more like 5 weeks, not 3 days", 35), ("sorry, 3 DAYS not weeks", 3),
                                        ("my mistake, it's been 3 days, not 5 weeks", 3)])
def test_a_correction_keeps_the_new_value_not_the_one_it_replaces(said, days):
    from actions.medical.text import duration_days
    assert duration_days(corrected_topics(said, requested=None)["duration"]) == days


def test_small_talk_words_are_checked_against_the_intent():
    assert not is_digression("thank", 0.8, "drank ok", "hydration"), "no thanks words: an answer"
    assert is_digression("thank", 0.9, "thanks!", "caffeine")
    assert not is_digression("greet", 0.9, "hi, about 4 coffees", "caffeine"), "has the shape of the answer"
    assert is_digression("faq_is_it_als", 0.4, "is it als", "weakness"), "a question, however unsure the NLU"
    assert not is_digression("faq_is_it_als", 0.9, "is it als", "weakness", previous="is it als"), "said twice"


def test_warning_sign_questions_left_until_each_is_answered():
    answers = {**empty_answers(), "location": "calf", "weakness": "no"}
    assert pending_warning_topics(answers, ["calf twitch"]) == ["emergency_signs", "numbness", "bulbar", "wasting"]
    answers.update(emergency_signs="no", numbness="no", bulbar="not sure", wasting="nope")
    assert pending_warning_topics(answers, ["calf twitch"]) == []


@pytest.mark.parametrize("text,intent,digression", [
    ("but does magnesium actually help though? my friend swears by it", "faq_magnesium", True),
    ("could stress do this?", "ask_about_cause", True),
    ("no?", "faq_is_it_als", False),
    ("about 3 days?", "ask_why", False),
])
def test_a_question_is_an_aside_even_when_the_nlu_is_unsure(text, intent, digression):
    assert is_digression(intent, 0.4, text, "duration") is digression
