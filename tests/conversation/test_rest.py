"""Whole conversations with the running bot over REST, as any channel would hold them."""
import uuid

import pytest

from tests.eval.conversations import say, slots, _call

BAD_INPUTS = {
    "empty": "",
    "spaces": "   ",
    "long": "my eyelid twitches " * 100,   # 1,900 characters: just under the limit
    "emoji": "😩😩😩",
    "other language": "me duele la pierna y tiembla el párpado",
    "nonsense": "asdkjh qwpoe zzz",
    "markup": "<script>alert('hi')</script><b>help</b>",
}


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def user_texts(bot, sender):
    events = _call(bot, "GET", f"/conversations/{sender}/tracker")["events"]
    return [e.get("text") for e in events if e.get("event") == "user"]


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_bad_input_at_the_start_gets_a_kind_reply_and_is_kept(bot, kind):
    sender, text = new_sender(), BAD_INPUTS[kind]
    replies = say(bot, sender, text)
    assert replies and all(r.get("text") for r in replies), kind
    if text.strip():
        assert text.strip() in user_texts(bot, sender), "what the person said is kept"
    # The conversation still works afterwards.
    assert say(bot, sender, "my eyelid keeps twitching")


@pytest.mark.parametrize("kind", ["emoji", "nonsense", "markup", "other language"])
def test_bad_input_mid_interview_is_asked_again_kindly(bot, kind):
    sender = new_sender()
    say(bot, sender, "my calf keeps twitching")
    asked = slots(bot, sender)["requested_slot"]
    replies = say(bot, sender, BAD_INPUTS[kind])
    assert replies, "never silence"
    state = slots(bot, sender)
    assert state["requested_slot"] == asked or state[asked], "the question is repeated or the words kept"
    assert BAD_INPUTS[kind] in user_texts(bot, sender)


def converse(bot, *messages):
    """A new conversation with these messages; returns the sender id and the last replies."""
    sender, replies = new_sender(), []
    for text in messages:
        replies = say(bot, sender, text)
    return sender, replies


def run_interview(bot, opening, answers):
    """Answers each question from `answers` (topic -> words); unlisted topics get "no"."""
    sender = new_sender()
    say(bot, sender, opening)
    for _ in range(20):
        state = slots(bot, sender)
        if state.get("triage_level") or not state.get("requested_slot"):
            break
        say(bot, sender, answers.get(state["requested_slot"], "no"))
    return sender, slots(bot, sender)


def test_an_urgent_sign_mid_interview_asks_only_the_warning_questions_then_urgent_advice(bot):
    sender, replies = converse(bot, "my hand keeps twitching", "since last week",
                               "actually my fingers have gone numb and tingly")
    asked = []
    while not slots(bot, sender).get("triage_level") and len(asked) < 6:
        asked.append(slots(bot, sender)["requested_slot"])
        replies = say(bot, sender, "no")
    assert set(asked) <= {"emergency_signs", "confirm", "weakness", "numbness", "bulbar", "wasting"}, asked
    assert slots(bot, sender)["triage_level"] == "urgent"
    assert any("URGENT" in (r.get("text") or "") for r in replies)


def test_emergency_statement_gets_emergency_advice_at_once(bot):
    replies = say(bot, new_sender(), "help my face is drooping on one side and my arm is twitching")
    assert replies[0]["text"].startswith("🔴 EMERGENCY")


def test_question_in_the_middle_is_answered_and_the_interview_resumes(bot):
    sender = new_sender()
    say(bot, sender, "my eyelid keeps twitching")
    asked = slots(bot, sender)["requested_slot"]
    replies = say(bot, sender, "what's the difference between a twitch and a cramp?")
    text = " ".join(r.get("text") or "" for r in replies)
    assert "cramp" in text.lower() and slots(bot, sender)["requested_slot"] == asked


def test_follow_up_after_the_assessment(bot):
    sender, state = run_interview(bot, "my eyelid keeps twitching, drinking like 6 coffees a day",
                                  {"duration": "4 days", "sleep": "7 hours", "stress": "no"})
    assert state["triage_level"] == "self_care" and "caffeine" in state["likely_causes"][:3]
    replies = say(bot, sender, "why caffeine?")
    assert "6 coffees a day" in " ".join(r.get("text") or "" for r in replies)


def test_correction_after_the_assessment_raises_the_level(bot):
    sender, state = run_interview(bot, "my eyelid keeps twitching", {"duration": "3 days"})
    assert state["triage_level"] in ("self_care", "see_doctor")
    say(bot, sender, "actually it's been 3 weeks, not 3 days")
    assert slots(bot, sender)["triage_level"] == "see_doctor"


def test_buttons_are_offered_for_yes_no_questions(bot):
    _, replies = converse(bot, "my thumb twitches", "no", "2 days")  # "no": the emergency screen
    buttons = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert buttons == ["Yes", "No", "Not sure"]


def test_restart_forgets_the_answers(bot):
    sender, replies = converse(bot, "my thumb twitches", "2 days", "start over please")
    assert replies and not slots(bot, sender)["duration"]


def test_stop_mid_interview_asks_only_the_safety_questions_then_assesses(bot):
    sender, replies = converse(bot, "my thumb twitches", "no", "2 days", "stop, I don't want to answer more questions")
    assert any("safety question" in (r.get("text") or "") for r in replies)
    asked = []
    while not slots(bot, sender).get("triage_level") and len(asked) < 6:
        asked.append(slots(bot, sender)["requested_slot"])
        say(bot, sender, "no")
    assert set(asked) <= {"weakness", "numbness", "bulbar", "wasting"} and len(asked) == 4
    assert slots(bot, sender)["triage_level"] == "self_care"


# --- after the result (issue 10): the person's own words through the real NLU and dialogue ---

def joined(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_after_an_emergency_result_follow_ups_keep_the_emergency_advice(bot):
    sender, replies = converse(bot, "my face is drooping on one side and my speech is slurred")
    assert slots(bot, sender)["triage_level"] == "emergency" and "While you wait" in joined(replies)
    for follow_up in ("should I wait and see if it passes?", "ok thanks", "can I just sleep on it"):
        reply = joined(say(bot, sender, follow_up))
        assert "999" in reply and "While you wait" in reply, follow_up
        assert "two weeks" not in reply and "settles" not in reply, follow_up


def test_the_result_is_one_short_card_then_the_next_steps(bot):
    sender, state = run_interview(bot, "my eyelid keeps twitching, drinking like 6 coffees a day",
                                  {"duration": "4 days", "sleep": "7 hours", "stress": "no"})
    events = _call(bot, "GET", f"/conversations/{sender}/tracker")["events"]
    said = [e for e in events[max(i for i, e in enumerate(events) if e.get("event") == "user"):]
            if e.get("event") == "bot"]
    at = next(i for i, e in enumerate(said) if (e.get("text") or "").startswith("🟢 SELF-CARE"))
    card, steps = said[at], said[at + 1]
    assert len(card["text"].split()) < 150, [e.get("text") for e in said]
    assert [b["title"] for b in steps["data"]["buttons"]] == [
        "Why?", "What can I do now?", "Summary for my doctor", "New check", "Delete my conversation"]
    assert "6 coffees a day" in joined(say(bot, sender, "why?"))
    assert "not a diagnosis" in joined(say(bot, sender, "what can I do now?"))


def test_a_new_complaint_after_the_result_starts_a_new_check(bot):
    sender, state = run_interview(bot, "my eyelid keeps twitching", {"duration": "3 days"})
    assert state["triage_level"]
    reply = joined(say(bot, sender, "hi again, now my thumb keeps twitching"))
    state = slots(bot, sender)
    assert "new check" in reply and state["triage_level"] is None and state["requested_slot"]
    assert "thumb" in (state["location"] or "")


def test_a_question_after_the_result_is_not_taken_as_an_answer(bot):
    sender, state = run_interview(bot, "my eyelid keeps twitching", {"duration": "3 days", "medications": "no"})
    say(bot, sender, "wait why do I need a doctor? it's just the pill")
    assert slots(bot, sender)["medications"] == "no"


def test_summary_for_my_doctor_and_a_new_check(bot):
    sender, state = run_interview(bot, "my calf keeps cramping at night", {"duration": "2 weeks"})
    summary = joined(say(bot, sender, "summary for my doctor"))
    assert "“my calf keeps cramping at night”" in summary and "How long: 2 weeks" in summary
    say(bot, sender, "new check")
    assert not slots(bot, sender)["triage_level"]


def test_a_warning_sign_said_with_small_talk_after_the_result_changes_the_advice(bot):
    sender, state = run_interview(bot, "my eyelid keeps twitching", {"duration": "3 days"})
    assert state["triage_level"] in ("self_care", "see_doctor")
    reply = joined(say(bot, sender, "ok thanks. oh and my speech has gone slurred this evening"))
    assert slots(bot, sender)["triage_level"] == "emergency" and "999" in reply
