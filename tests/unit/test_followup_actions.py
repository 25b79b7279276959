"""The Rasa actions after a result (issue 20), on hand-built trackers: a question is answered, the
buttons stay under every reply, and a misread "correction" or "emergency" is still a follow-up."""
import asyncio
from concurrent.futures import ThreadPoolExecutor

from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (ActionApplyCorrection, ActionAssess, ActionCheckEmergency, ActionDoctorSummary,
                             ActionFollowUp, ActionReply, ActionRestart)
from tests.unit.test_actions import DOMAIN, after_result, user

BUTTONS = ["Why?", "What can I do now?", "Summary for my doctor", "New check", "Delete my conversation"]
EMERGENCY_BUTTONS = ["What do I do while I wait?", "Summary for my doctor", "Delete my conversation"]
STROKE = {"bulbar": "my speech is slurred"}


def messages(action, tracker):
    """What the person is sent: each message's text and button titles; and the events."""
    dispatcher = CollectingDispatcher()
    with ThreadPoolExecutor(1) as worker:  # the browser tests may hold this thread's event loop
        events = worker.submit(asyncio.run, action.run(dispatcher, tracker, DOMAIN)).result()
    shown = [(m.get("text") or "", [b["title"] for b in m.get("buttons") or []]) for m in dispatcher.messages]
    return shown, events


def test_a_follow_up_question_is_answered_with_the_buttons_under_it():
    shown, _ = messages(ActionFollowUp(), after_result("self_care", user("can I wait and see?", "ask_what_to_do")))
    assert len(shown) == 1 and shown[0][0].startswith("Yes") and shown[0][1] == BUTTONS


def test_the_buttons_stay_after_thanks_and_after_the_summary():
    shown, _ = messages(ActionReply(), after_result("self_care", user("ok thanks", "thank")))
    assert shown[-1][1] == BUTTONS
    shown, _ = messages(ActionDoctorSummary(), after_result("self_care", user("summary for my doctor", "ask_summary")))
    assert "summary for my doctor" in shown[0][0].lower() and shown[-1][1] == BUTTONS


def test_in_an_emergency_the_while_i_wait_button_gets_the_while_you_wait_advice():
    tracker = after_result("emergency", user("what do I do while I wait?", "ask_what_to_do"), slots=STROKE)
    shown, _ = messages(ActionFollowUp(), tracker)
    said = "\n".join(text for text, _ in shown)
    assert "While you wait" in said and "can't tell you to wait" not in said and shown[-1][1] == EMERGENCY_BUTTONS


def test_ive_rung_999_read_as_an_emergency_is_still_a_follow_up():
    tracker = after_result("emergency", user("I've rung 999, they're coming, what do I do?", "emergency"), slots=STROKE)
    shown, _ = messages(ActionCheckEmergency(), tracker)
    said = "\n".join(text for text, _ in shown)
    assert said.startswith("You've done the right thing") and "can't tell you to wait" not in said
    assert "EMERGENCY: Get emergency help now" not in said, "not the whole card again"


def test_waiting_in_an_emergency_is_still_the_kind_restatement():
    tracker = after_result("emergency", user("can we wait and see?", "ask_what_to_do"), slots=STROKE)
    said = "\n".join(text for text, _ in messages(ActionFollowUp(), tracker)[0])
    assert "can't tell you to wait" in said and "999" in said


def test_a_question_misread_as_a_correction_is_answered_and_the_card_not_repeated():
    tracker = after_result("see_doctor", user("sorry, should I stop the tramadol?", "correct"),
                           slots={"medications": "tramadol"})
    shown, events = messages(ActionApplyCorrection(), tracker)
    assert "don't stop the tramadol" in shown[0][0] and shown[-1][1] == BUTTONS
    tracker.events.extend(events)  # the rule runs the assessment next: nothing changed, so nothing said
    assert messages(ActionAssess(), tracker)[0] == []


def test_a_real_correction_after_the_result_still_gives_the_updated_card():
    tracker = after_result("self_care", user("actually it's been 3 weeks", "correct"))
    shown, events = messages(ActionApplyCorrection(), tracker)
    assert "updated" in shown[0][0]
    tracker.events.extend(events)
    tracker.slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    assert messages(ActionAssess(), tracker)[0][0][0].startswith("🟡 SEE A DOCTOR")


def test_something_new_asked_as_a_question_raises_the_level_and_says_what_changed():
    tracker = after_result("see_doctor", user("my pee is quite brown today, is that serious?", "ask_about_cause"),
                           slots={"medications": "a statin", "symptom_type": "cramps"})
    shown, events = messages(ActionFollowUp(), tracker)
    assert "from 🟡 SEE A DOCTOR to 🔴 EMERGENCY" in shown[0][0] and "pee is quite brown" in shown[0][0]
    assert shown[1][0].startswith("🔴 EMERGENCY")
    assert {"event": "slot", "name": "triage_level", "value": "emergency"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]


def test_a_question_naming_another_place_is_not_a_new_check():
    tracker = after_result("self_care", user("should I rub my leg tonight?", "ask_what_to_do"))
    shown, events = messages(ActionFollowUp(), tracker)
    assert not any(e.get("event") == "followup" for e in events) and "new check" not in shown[0][0]


def test_denying_warning_signs_after_the_result_is_not_a_new_check():
    tracker = after_result("self_care", user("ok ta, no slurring or droopy face or anything like that btw, just the "
                                             "eye being annoying", "emergency"))
    shown, events = messages(ActionCheckEmergency(), tracker)
    assert not any(e.get("event") == "followup" for e in events) and "new check" not in shown[0][0]
    assert {"event": "slot", "name": "triage_level", "value": None} not in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]


def test_a_question_misread_as_start_over_after_the_result_does_not_wipe_the_conversation():
    tracker = after_result("urgent", user("what if my lips start tingling too?", "restart"),
                           slots={"numbness": "yes, my fingers tingle"})
    shown, events = messages(ActionRestart(), tracker)
    assert not any(e.get("event") == "restart" for e in events) and "start afresh" not in shown[0][0]
    shown, events = messages(ActionRestart(), after_result("urgent", user("new check", "restart")))
    assert any(e.get("event") == "restart" for e in events)
