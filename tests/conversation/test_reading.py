"""Reading the conversation over REST (issues 16, 18, 19): the emergency screen first, a suspected
sign asked about in the person's words, replies read against their question, and questions that
fit who the patient is."""
import uuid

from tests.eval.conversations import say, slots


def new_sender() -> str:
    return f"reading-{uuid.uuid4().hex[:10]}"


def text_of(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def answer_until_done(bot, sender, answers, default="no", turns=25):
    for _ in range(turns):
        state = slots(bot, sender)
        if state.get("triage_level") or not state.get("requested_slot"):
            return state
        say(bot, sender, answers.get(state["requested_slot"], default))
    return slots(bot, sender)


def test_the_emergency_screen_comes_first_and_a_yes_is_an_emergency(bot):
    sender = new_sender()
    first = text_of(say(bot, sender, "my eyelid keeps twitching"))
    assert "one safety question" in first and slots(bot, sender)["requested_slot"] == "emergency_signs"
    say(bot, sender, "yes")
    assert slots(bot, sender)["triage_level"] == "emergency"


def test_a_sign_in_lay_words_is_asked_about_in_those_words(bot):
    sender = new_sender()
    replies = text_of(say(bot, sender, "my pee looks like strong tea and my thighs ache"))
    assert "“my pee looks like strong tea" in replies and slots(bot, sender)["requested_slot"] == "confirm"
    say(bot, sender, "yes, dark brown")
    state = answer_until_done(bot, sender, {})
    assert state["triage_level"] in ("urgent", "emergency")


def test_a_denied_suspicion_changes_nothing_and_is_not_asked_again(bot):
    sender = new_sender()
    say(bot, sender, "my pee looks like strong tea and my thighs ache")
    say(bot, sender, "no, it's normal")
    state = slots(bot, sender)
    assert state["requested_slot"] != "confirm" and not state.get("triage_level")


def test_questions_about_someone_else_are_in_the_third_person(bot):
    sender = new_sender()
    say(bot, sender, "my husband keeps twitching in his calf")
    say(bot, sender, "no")
    asked = []
    for _ in range(6):
        state = slots(bot, sender)
        if not state.get("requested_slot") or state.get("triage_level"):
            break
        asked.append(text_of(say(bot, sender, "no")))
    assert any(" he " in f" {q.lower()} " or "his " in q.lower() for q in asked), asked


def test_no_pregnancy_question_or_cause_for_a_man(bot):
    sender = new_sender()
    say(bot, sender, "I'm a 45 year old man and my calves cramp every night")
    state = answer_until_done(bot, sender, {"location": "both calves", "duration": "2 weeks"}, default="no")
    assert "pregnancy" not in (state.get("asked_topics") or [])
    assert "pregnancy" not in (state.get("likely_causes") or [])[:3]


def test_a_no_that_repeats_the_topic_is_a_no(bot):
    sender = new_sender()
    say(bot, sender, "my calf keeps twitching")
    state = answer_until_done(bot, sender, {"weakness": "no, weakness no", "location": "left calf", "duration": "4 days"})
    assert state["triage_level"] in ("self_care", "see_doctor")
    assert "als" not in (state.get("likely_causes") or [])[:3]
