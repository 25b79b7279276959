"""The result as a person sees it (actions/result.py): short, safe to act on, in their words."""
import re

import pytest

from actions import result as shown
from actions.interview import is_new_complaint, progress, question_text
from actions.medical.assessment import assess, quote
from actions.medical.knowledge import WARNING_TOPICS
from tests.vignettes.people import all_answers, load_vignettes


def everything(card: shown.Card) -> str:
    """All a person can read of a result in a text channel: the card and every section opened."""
    return "\n".join([shown.card_text(card), shown.section_text(card, *(s.title for s in card.sections))])


CALM = {topic: "no" for topic in WARNING_TOPICS}
VIGNETTES = load_vignettes()


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v["id"])
def test_the_card_is_short_and_opens_with_what_to_do(vignette):
    card = shown.card(assess(all_answers(vignette), [vignette["opening"]]))
    seen = shown.card_text(card)
    assert seen.startswith(card.badge) and card.now in seen and "not a diagnosis" in seen
    # the unplaced-symptom line and worry notes are on the card too; still short
    assert words(seen) <= 150 + 40 * len(card.also)


def test_an_emergency_card_has_call_buttons_and_what_to_do_while_waiting(monkeypatch):
    card = shown.card(assess({**CALM, "bulbar": "yes, my speech is slurred"}, ["my face is drooping"]))
    assert [c["number"] for c in card.call] == ["999", "112", "911"]
    assert any("drive" in line for line in card.while_waiting) and "While you wait" in shown.card_text(card)
    monkeypatch.setenv("TWITCH_EMERGENCY_NUMBERS", "911")
    card = shown.card(assess({**CALM, "bulbar": "yes, my speech is slurred"}, []))
    assert card.call == [{"label": "Call 911", "number": "911"}] and "Call 911 now" in card.now
    assert not shown.card(assess(CALM, ["eyelid twitch for 3 days"])).call


def test_no_salt_advice_with_high_blood_pressure_or_a_water_tablet():
    said = {**CALM, "exercise": "long run in the heat, sweating loads", "caffeine": "1 coffee"}
    plain = everything(shown.card(assess(said, ["my calves cramp after running"])))
    assert "salty snack" in plain
    for risky in ({"medications": "bendroflumethiazide"}, {"conditions": "high blood pressure"}):
        text = everything(shown.card(assess({**said, **risky}, ["my calves cramp after running"])))
        assert "salty snack" not in text and "sports drink" in text and "ask your doctor or pharmacist" in text


def test_an_everyday_medicine_does_not_raise_the_level():
    said = {**CALM, "duration": "4 days", "medications": "just the pill, and sometimes ibuprofen"}
    assert assess(said, ["my eyelid keeps twitching"]).level == "self_care"
    assert assess({**said, "medications": "a statin"}, ["my eyelid keeps twitching"]).level != "self_care"


def test_quotes_are_the_words_for_that_cause_cut_at_a_word():
    long = ("no stress really, but I live on energy drinks because the baby wakes up constantly through the night "
            "and I have to be up at five for work every single day")
    found = assess({**CALM, "caffeine": long}, ["eyelid"]).evidence
    said = quote(found, ["high_caffeine"]).strip(' ()"')
    assert "no stress" not in said and "energy drinks" in said
    kept = said.rstrip("…").split()
    assert said.endswith("…") and kept == long.split(", but ")[1].split()[:len(kept)]


def test_a_cause_is_never_backed_by_an_answer_that_denies_it():
    result = assess({**CALM, "stress": "no, not stressed at all", "caffeine": "8 coffees"}, ["eyelid twitching"])
    assert "You mentioned stress" not in everything(shown.card(result))


def test_the_summary_keeps_their_words_answers_and_result_dated():
    answers = {**CALM, "duration": "about 5 days", "caffeine": "5 coffees"}
    card = shown.card(assess(answers, ["my eyelid keeps twitching"]))
    summary = shown.doctor_summary(card, ["my eyelid keeps twitching", "about 5 days"], answers)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", summary["date"]) and summary["level"] == card.level
    text = shown.summary_text(summary)
    assert "“my eyelid keeps twitching”" in text and "How long: about 5 days" in text and card.badge in text
    assert summary["sources"] and "not a diagnosis" in text


def test_each_channel_gets_its_own_form_of_the_card():
    card = shown.card(assess({**CALM, "caffeine": "6 coffees"}, ["eyelid twitching <b>badly</b>"]))
    slack = shown.slack_message(card)
    assert slack["blocks"][0]["type"] == "header" and card.badge in slack["text"]
    telegram = shown.telegram_message(card)
    assert telegram["parse_mode"] == "HTML" and telegram["text"].startswith("<b>") and "<b>badly" not in telegram["text"]


def test_questions_fit_the_place_and_what_was_said():
    assert "closing your eye" in question_text("weakness", ["my left eyelid keeps flickering"])
    assert "gripping" in question_text("weakness", ["my thumb twitches"])
    assert "walking" in question_text("weakness", ["my thigh"])
    assert question_text("multiple_areas", ["both calves cramp at night"]).startswith("Apart from your calves")
    assert "non-alcoholic" in question_text("hydration", [])
    assert "alcohol" in question_text("alcohol", []).lower()


def test_progress_counts_up_and_the_total_is_an_estimate():
    first = progress({}, ["my eyelid twitches"], [])
    later = progress({"duration": "3 days", "weakness": "no"}, ["my eyelid twitches"], ["duration", "weakness"])
    assert first[0] == 1 and later[0] == 3 and first[1] >= 5 and later[1] >= 3


@pytest.mark.parametrize("message,new", [
    ("hi again, now my thumb keeps twitching", True),
    ("my calf has started cramping too", True),
    ("my eyelid is still twitching", False),
    ("wait why do I need a doctor? it's just the pill", False),
    ("ok thanks", False),
])
def test_a_new_complaint_is_told_from_a_follow_up(message, new):
    assert is_new_complaint(message, ["my left eyelid keeps twitching", "about 5 days"]) is new


def test_the_summary_keeps_only_what_describes_the_problem():
    answers = {**CALM, "duration": "about 5 days"}
    card = shown.card(assess(answers, ["my eyelid keeps twitching"]))
    said = ["my eyelid keeps twitching", "no", "Not sure", "why?", "What can I do now?",
            "Summary for my doctor", "about 5 days, worse after coffee", "my eyelid keeps twitching"]
    summary = shown.doctor_summary(card, said, answers)
    assert summary["said"] == ["my eyelid keeps twitching", "about 5 days, worse after coffee"]
    assert summary["title"] == "Summary for my doctor"


def test_routine_results_say_where_to_turn_out_of_hours():
    for answers in ({**CALM, "caffeine": "5 coffees"}, {**CALM, "duration": "3 months"}):
        card = shown.card(assess(answers, ["my eyelid keeps twitching"]))
        sooner = card.section(shown.SOONER)
        assert card.level in ("self_care", "see_doctor")
        assert sooner and any("111" in line and "out-of-hours" in line for line in sooner.lines)
    emergency = shown.card(assess(CALM, ["my face is drooping and my speech is slurred"]))
    assert not any("111" in line for s in emergency.sections for line in s.lines if s.title == shown.SOONER)


@pytest.mark.parametrize("opening,kind", [
    ("my face is drooping", "These can be signs of a stroke."),
    ("my lips and tongue are swelling up", "This can be a severe allergic reaction."),
    ("I have a rash that doesn't fade when I press a glass on it", "These can be signs of meningitis."),
])
def test_the_emergency_card_names_the_kind_of_emergency_under_the_level(opening, kind):
    card = shown.card(assess(CALM, [opening]))
    assert card.level == "emergency" and card.kind == kind
    first_block = shown.card_text(card).split("\n\n")[0].split("\n")
    assert first_block[0] == f"{card.badge}: {card.title}" and first_block[1] == kind


def test_an_emergency_without_a_named_kind_and_a_routine_card_name_none():
    assert shown.card(assess(CALM, ["I can't breathe properly"])).kind == ""
    card = shown.card(assess({**CALM, "caffeine": "5 coffees"}, ["my eyelid keeps twitching"]))
    assert card.kind == "" and "signs of" not in shown.card_text(card)


def test_get_help_sooner_names_the_red_flags_of_this_complaint():
    cramp = shown.card(assess({**CALM, "duration": "2 days"}, ["my calf cramps at night"]))
    lines = cramp.section(shown.SOONER).lines
    assert cramp.level in shown.ROUTINE
    assert "Get medical advice the same day (your doctor or 111) if your calf or leg becomes swollen, red, warm or tender." in lines
    assert lines[-1] == shown.OUT_OF_HOURS  # the out-of-hours line closes the section
    eyelid = shown.card(assess({**CALM, "caffeine": "5 coffees"}, ["my eyelid keeps twitching"]))
    assert not any("calf" in line for line in eyelid.section(shown.SOONER).lines)


def test_a_red_flag_says_how_soon_by_the_level_it_would_bring():
    back = shown.card(assess({**CALM, "duration": "3 days"}, ["my lower back hurts and my leg twitches"]))
    lines = back.section(shown.SOONER).lines
    assert "Call 999 or go to A&E if you lose control of your bladder or bowels, or cannot pee." in lines
    assert any(line.startswith("Call 999") and "around your bottom" in line for line in lines)


def test_the_summary_has_place_duration_frequency_rows_and_the_safety_net():
    said = ["my calves cramp every night for about 3 weeks", "no"]
    summary = shown.doctor_summary(shown.card(assess(CALM, said)), said, CALM)
    rows = {row["question"]: row["answer"] for row in summary["answers"]}
    assert rows["Where"] == "calf" and rows["How long"] == "for about 3 weeks" and rows["How often"] == "every night"
    assert [row["question"] for row in summary["answers"]][:3] == ["Where", "How long", "How often"]
    text = shown.summary_text(summary)
    assert f"{shown.SOONER}:" in text and "swollen, red, warm or tender" in text and "111" in text


def test_the_summary_prefers_the_answer_to_the_persons_words():
    said = ["my left eyelid has been twitching since Monday, a few times a day"]
    answers = {**CALM, "frequency": "all day long", "location": "left upper eyelid"}
    rows = {r["question"]: r["answer"] for r in shown.doctor_summary(shown.card(assess(answers, said)), said, answers)["answers"]}
    assert rows["Where"] == "left upper eyelid" and rows["How often"] == "all day long" and rows["How long"] == "since Monday"
