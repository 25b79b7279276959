"""The Rasa actions on hand-built trackers: what the person sees and which slots are set."""
import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (ActionAnswerFaq, ActionAssess, ActionCheckEmergency, ActionDoctorSummary,
                             ActionExplainWhy, ActionFollowUp, ActionNotUnderstood, ActionReply, ActionStartCheck,
                             ValidateTwitchForm, ask)
from actions.interview import topics_answered_by
from actions.medical.knowledge import TOPICS, load

DOMAIN = {"forms": {"twitch_form": {"required_slots": list(TOPICS)}}}


def user(text: str, intent: str = "inform", confidence: float = 0.99) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": confidence},
                                                          "entities": []}}


def make_tracker(messages: List[dict], slots: Optional[Dict] = None, requested: Optional[str] = None,
                 fill_requested: bool = True) -> Tracker:
    """A tracker as Rasa sends it while the form runs: the latest text mapped into the open question.
    The emergency screen is answered "no" unless a test says otherwise (its own tests do)."""
    slots = {**{t: None for t in TOPICS}, "emergency_signs": "no", "asked_topics": [], "unclear_topic": None, **(slots or {}),
             "requested_slot": requested}
    events = list(messages)
    latest = messages[-1]
    if requested and fill_requested:
        events.append({"event": "slot", "name": requested, "value": latest["text"]})
        slots[requested] = latest["text"]
    return Tracker("test", slots, {"text": latest["text"], **latest["parse_data"]}, events, False, None,
                   {"name": "twitch_form"} if requested else {}, "action_listen")


def run_events(action, tracker):
    dispatcher = CollectingDispatcher()
    # In a thread of its own: other tests (the browser's) may hold this thread's event loop.
    with ThreadPoolExecutor(1) as worker:
        events = worker.submit(asyncio.run, action.run(dispatcher, tracker, DOMAIN)).result()
    return events, [m.get("text") or m.get("response") for m in dispatcher.messages]


def run(action, tracker):
    events, said = run_events(action, tracker)
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, said


OPENING = user("my eyelid keeps twitching since monday, living on coffee", "describe_symptom")
FROM_OPENING = topics_answered_by(OPENING["text"])


def test_first_question_skips_what_the_opening_said():
    slots, said = run(ValidateTwitchForm(), make_tracker([OPENING]))
    assert slots["caffeine"] and slots["location"] and slots["duration"]
    assert slots["requested_slot"] == "weakness"
    assert "a few short questions" in said[0]


def test_a_warning_sign_in_the_opening_ends_the_interview():
    slots, said = run(ValidateTwitchForm(), make_tracker([user("my face twitches and my speech is slurred", "describe_symptom")]))
    assert slots["requested_slot"] is None
    assert not said, "no promise of questions before the emergency advice"


def test_an_answer_is_kept_and_the_next_question_follows():
    tracker = make_tracker([OPENING, user("no")], FROM_OPENING, requested="weakness")
    slots, _ = run(ValidateTwitchForm(), tracker)
    assert slots["weakness"] == "no" and slots["asked_topics"] == ["weakness"]
    assert slots["requested_slot"] == "numbness"


def test_an_urgent_sign_mid_interview_leaves_only_the_warning_questions():
    tracker = make_tracker([OPENING, user("yes, my hand has gone numb too")], requested="numbness")
    slots, _ = run(ValidateTwitchForm(), tracker)
    assert slots["requested_slot"] in ("weakness", "bulbar", "wasting")


def test_an_emergency_sign_mid_interview_ends_it():
    tracker = make_tracker([OPENING, user("yes, and my speech went slurred an hour ago")], requested="numbness")
    slots, _ = run(ValidateTwitchForm(), tracker)
    assert slots["requested_slot"] is None


def test_a_question_mid_interview_is_answered_then_the_question_repeated():
    tracker = make_tracker([OPENING, user("wait, is this ALS??", "faq_is_it_als", 0.97)], FROM_OPENING,
                           requested="weakness")
    slots, said = run(ValidateTwitchForm(), tracker)
    assert slots["weakness"] is None and slots["requested_slot"] == "weakness"
    assert any("ALS" in text for text in said) and any("not a diagnosis" in text for text in said)


def test_a_question_the_nlu_was_unsure_about_is_still_not_an_answer():
    # FallbackClassifier: two intents too close to call; the person asked, they did not answer.
    unsure = user("do you think this could be the start of MS like my mum?", "nlu_fallback", 0.3)
    unsure["parse_data"]["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.3},
                                              {"name": "faq_is_it_als", "confidence": 0.35},
                                              {"name": "ask_about_cause", "confidence": 0.29}]
    slots, said = run(ValidateTwitchForm(), make_tracker([OPENING, unsure], FROM_OPENING, requested="weakness"))
    assert slots["weakness"] is None and slots["requested_slot"] == "weakness"
    unsure_answer = user("not really", "nlu_fallback", 0.3)
    unsure_answer["parse_data"]["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.3},
                                                     {"name": "deny", "confidence": 0.25}]
    slots, _ = run(ValidateTwitchForm(), make_tracker([OPENING, unsure_answer], FROM_OPENING, requested="weakness"))
    assert slots["weakness"] == "not really"


def test_the_same_words_twice_are_taken_as_the_answer():
    repeat = user("better than before actually", "correct", 0.95)
    tracker = make_tracker([OPENING, repeat, repeat], requested="sleep")
    slots, _ = run(ValidateTwitchForm(), tracker)
    assert slots["sleep"] == "better than before actually"


def test_why_do_you_ask_explains_the_open_question():
    tracker = make_tracker([OPENING, user("why do you need to know that", "ask_why")],
                           {**FROM_OPENING, "weakness": "no", "numbness": "no"}, requested="bulbar")
    slots, said = run(ValidateTwitchForm(), tracker)
    assert slots["requested_slot"] == "bulbar" and "breathing" in said[0]


def test_a_correction_changes_the_earlier_answer():
    tracker = make_tracker([OPENING, user("actually it's been 3 weeks", "correct")], FROM_OPENING,
                           requested="weakness")
    slots, said = run(ValidateTwitchForm(), tracker)
    assert slots["duration"] == "actually it's been 3 weeks" and "duration" in said[0]


def test_an_unclear_answer_is_asked_once_more_then_kept():
    first = make_tracker([OPENING, user("🤷")], requested="location")
    slots, said = run(ValidateTwitchForm(), first)
    assert slots["location"] is None and slots["unclear_topic"] == "location" and said
    second = make_tracker([OPENING, user("🤷"), user("ugh 🤷‍♀️")], {"unclear_topic": "location"}, requested="location")
    slots, _ = run(ValidateTwitchForm(), second)
    assert slots["location"] == "ugh 🤷‍♀️"


def test_don_t_know_is_recorded_as_unknown_not_no():
    tracker = make_tracker([OPENING, user("idk", "dont_know")], requested="wasting")
    slots, _ = run(ValidateTwitchForm(), tracker)
    assert slots["wasting"] == "idk"


def test_assessment_sets_the_slots_integrations_read():
    answers = {"location": "eyelid", "duration": "4 days", "weakness": "no", "numbness": "no", "bulbar": "no",
               "wasting": "no", "caffeine": "6 coffees a day", "sleep": "5 hours"}
    slots, said = run(ActionAssess(), make_tracker([OPENING], answers))
    assert slots["triage_level"] == "self_care"
    assert slots["likely_causes"][0] in ("caffeine", "sleep_deprivation")
    assert said[0].startswith("🟢 SELF-CARE") and "not a diagnosis" in said[0]


def test_follow_up_explains_a_cause_with_the_persons_words():
    answers = {"location": "eyelid", "caffeine": "6 coffees a day", "triage_level": "self_care",
               **{t: "no" for t in ("weakness", "numbness", "wasting", "bulbar")}}
    tracker = make_tracker([OPENING, user("why caffeine?", "ask_about_cause")], answers)
    _, said = run(ActionFollowUp(), tracker)
    assert "caffeine" in said[0].lower() and "6 coffees a day" in said[0]


def test_a_plain_answer_to_how_long_counts_but_a_remark_does_not():
    calm = {"weakness": "no", "numbness": "no", "bulbar": "no", "wasting": "no", "location": "calf"}
    answered = make_tracker([user("my calf twitches", "describe_symptom"), user("like a month")],
                            {**calm, "duration": "like a month", "asked_topics": ["duration"]})
    assert run(ActionAssess(), answered)[0]["triage_level"] == "see_doctor"
    remark = make_tracker([user("30 weeks pregnant and my calf twitches", "describe_symptom")],
                          {**calm, "duration": "2 days", "asked_topics": ["duration"], "confirmations": {"tummy_pain": "no"}})
    assert run(ActionAssess(), remark)[0]["triage_level"] == "self_care"


def test_a_short_answer_misread_as_thanks_is_kept_as_the_answer():
    tracker = make_tracker([OPENING, user("drank ok", "thank", 0.8)], FROM_OPENING, requested="hydration")
    slots, _ = run(ValidateTwitchForm(), tracker)
    assert slots["hydration"] == "drank ok"


def test_an_emergency_statement_gets_emergency_advice_at_once():
    slots, said = run(ActionCheckEmergency(), make_tracker([user("i cant breathe", "emergency", 0.99)]))
    assert slots["triage_level"] == "emergency" and said[0].startswith("🔴 EMERGENCY")


def test_an_unclear_alarm_starts_the_interview_with_warning_signs_first():
    tracker = make_tracker([user("something is really wrong with my leg", "emergency", 0.55)])
    events, said = run_events(ActionCheckEmergency(), tracker)
    assert events[-1] == {"event": "followup", "name": "twitch_form", "timestamp": None} and not said


def test_an_answer_misread_as_start_over_is_kept_not_obeyed():
    from actions.actions import ActionRestart, ActionStopInterview
    misread = make_tracker([OPENING, user("new job, manager is a nightmare", "restart")], FROM_OPENING,
                           requested="stress", fill_requested=False)
    events, said = run_events(ActionRestart(), misread)
    assert {"event": "slot", "name": "stress", "value": "new job, manager is a nightmare", "timestamp": None} in events
    assert not any(e["event"] == "restart" for e in events) and not said
    meant = make_tracker([OPENING, user("can we start over", "restart")], FROM_OPENING, requested="stress",
                         fill_requested=False)
    events, said = run_events(ActionRestart(), meant)
    assert events[-1]["event"] == "restart" and "start afresh" in said[0]
    stop = make_tracker([OPENING, user("stop, just tell me", "stop")], FROM_OPENING, requested="stress",
                        fill_requested=False)
    events, said = run_events(ActionStopInterview(), stop)
    assert {"event": "active_loop", "name": None, "timestamp": None} in events and said


def test_a_plain_no_to_numbness_is_not_read_as_no_feeling():
    tracker = make_tracker([OPENING, user("no, feeling in my feet is normal the nurse checked")],
                           {**FROM_OPENING, "weakness": "no"}, requested="numbness")
    slots, _ = run(ValidateTwitchForm(), tracker)
    assert slots["requested_slot"] == "bulbar", "the interview goes on: no warning sign was heard"


# --- invariants that hold whatever the NLU made of a message ---

def test_a_warning_sign_after_a_plain_no_to_another_question_ends_the_interview():
    tracker = make_tracker([OPENING, user("no tingling, my speech is slurred though")], FROM_OPENING,
                           requested="numbness")
    slots, _ = run(ValidateTwitchForm(), tracker)
    assert slots["requested_slot"] is None, "slurred speech ends the interview"
    assessed, said = run(ActionAssess(), make_tracker([OPENING, user("no tingling, my speech is slurred though")],
                                                       {**FROM_OPENING, "numbness": "no tingling, my speech is slurred though"}))
    assert assessed["triage_level"] == "emergency" and said[0].startswith("🔴 EMERGENCY")


def test_typed_text_starting_with_a_slash_is_read_as_words():
    tracker = make_tracker([OPENING, user("/ my face is drooping")], FROM_OPENING, requested="weakness")
    slots, _ = run(ValidateTwitchForm(), tracker)
    assert slots["requested_slot"] is None
    _, said = run(ActionAssess(), make_tracker([OPENING, user("/ my face is drooping")], FROM_OPENING))
    assert said[0].startswith("🔴 EMERGENCY")


def test_no_assessment_below_urgent_before_the_warning_sign_questions():
    """An opening the NLU misread as a correction goes to the interview, not to an assessment."""
    misread = make_tracker([user("GP thinks it's anxiety, it's not going away though", "correct", 0.9)])
    events, said = run_events(ActionAssess(), misread)
    assert events[-1] == {"event": "followup", "name": "twitch_form", "timestamp": None} and not said


def test_stop_still_asks_the_warning_sign_questions_first():
    from actions.actions import ActionStopInterview
    stop = make_tracker([OPENING, user("stop, just tell me", "stop")], {**FROM_OPENING, "weakness": "no"},
                        requested="numbness", fill_requested=False)
    events, said = run_events(ActionStopInterview(), stop)
    assert {"event": "slot", "name": "stopping", "value": True, "timestamp": None} in events
    assert "3 quick safety question" in said[0]
    slots, _ = run(ValidateTwitchForm(), make_tracker([OPENING, user("no")], {**FROM_OPENING, "weakness": "no",
                                                                              "stopping": True}, requested="numbness"))
    assert slots["requested_slot"] == "bulbar", "only warning-sign questions are left"


def test_a_correction_the_nlu_read_as_an_answer_still_corrects():
    answers = {**FROM_OPENING, "duration": "3 weeks", "weakness": "no"}
    tracker = make_tracker([OPENING, user("sorry, 3 DAYS not weeks", "inform", 0.9)], answers, requested="numbness")
    slots, said = run(ValidateTwitchForm(), tracker)
    assert slots["duration"] == "sorry, 3 DAYS not weeks" and slots["numbness"] is None
    assert "duration" in said[0] and slots["requested_slot"] == "numbness"


def test_each_message_is_read_once_and_its_findings_kept_in_the_conversation():
    from actions.medical import reader
    slots, _ = run(ValidateTwitchForm(), make_tracker([OPENING]))
    [kept] = slots["readings"]
    assert kept["text"] == OPENING["text"] and ["high_caffeine"] == [m[0] for m in kept["mentions"] if m[0] == "high_caffeine"]
    # The engine uses what the conversation kept rather than reading the words again...
    said = "my thumb moves by itself"
    claim = {**reader.as_record(reader.read(said)), "mentions": [["breathing_trouble", "x", "symptom", [], False]]}
    events, replies = run_events(ActionAssess(), make_tracker([user(said)], {"readings": [claim]}))
    assert replies[0].startswith("🔴 EMERGENCY")
    # ...unless it was read with another version of the lexicon.
    other = "my little toe moves by itself"
    stale = {**reader.as_record(reader.read(other)), "lexicon": "older", "mentions": [["breathing_trouble", "x", "symptom", [], False]]}
    _, replies = run_events(ActionAssess(), make_tracker([user(other)], {**{t: "no" for t in ("weakness", "numbness", "wasting", "bulbar")},
                                                                         "readings": [stale]}))
    assert not replies or not replies[0].startswith("🔴")


def test_a_warning_sign_after_the_assessment_changes_the_advice_whatever_the_intent():
    answers = {"location": "calf", "duration": "3 days", "weakness": "yes she is weak", "numbness": "no", "bulbar": "no",
               "wasting": "no", "medications": "atorvastatin", "triage_level": "urgent"}
    later = user("sorry, her wee is dark brown, like flat cola. is that related??", "ask_about_cause", 0.9)
    slots, said = run(ActionFollowUp(), make_tracker([OPENING, later], answers))
    assert slots["triage_level"] == "emergency" and "changes my advice" in said[0] and said[1].startswith("🔴 EMERGENCY")
    calm = make_tracker([OPENING, user("why caffeine?", "ask_about_cause")], {**answers, "triage_level": "urgent"})
    _, said = run(ActionFollowUp(), calm)
    assert "changes my advice" not in " ".join(said)


# --- after the result (issue 10) ---

DONE = {"location": "my left eyelid", "duration": "about 5 days", "caffeine": "5 coffees", "weakness": "no",
        "numbness": "no", "wasting": "no", "bulbar": "no", "medications": "just the pill"}


def after_result(level: str, *messages: dict, slots: Optional[Dict] = None) -> Tracker:
    opening = user("my left eyelid keeps twitching", "describe_symptom")
    return make_tracker([opening, *messages], {**DONE, "asked_topics": list(DONE), "triage_level": level, "result_given": True,
                                               "likely_causes": ["caffeine"], **(slots or {})})


def socketio(message: dict) -> dict:
    return {**message, "input_channel": "socketio"}


def test_after_an_emergency_every_follow_up_restates_the_emergency_advice():
    for text, intent in [("should I wait and see if it passes?", "ask_what_to_do"), ("ok thanks", "thank"),
                         ("why?", "ask_why"), ("hmm", "nlu_fallback")]:
        action = {"ask_what_to_do": ActionFollowUp, "thank": ActionReply, "ask_why": ActionExplainWhy,
                  "nlu_fallback": ActionNotUnderstood}[intent]()
        _, said = run(action, after_result("emergency", user(text, intent), slots={"bulbar": "my speech is slurred"}))
        reply = "\n".join(s for s in said if s)
        assert "999" in reply and "While you wait" in reply, text
        assert "two weeks" not in reply and "settles" not in reply, text


def test_thanks_after_a_routine_result_is_a_kind_goodbye_not_the_advice_again():
    _, said = run(ActionReply(), after_result("self_care", user("ok thanks", "thank")))
    assert said == [load().conversation["after_result"]["welcome"]]


def test_a_new_complaint_after_the_result_starts_a_new_check():
    events, said = run_events(ActionStartCheck(), after_result("self_care", user("hi again, now my thumb keeps twitching",
                                                                                   "describe_symptom")))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert "new check" in said[0] and slots["triage_level"] is None and slots["location"] is None
    assert slots["check_started"] == 1 and events[-1]["event"] == "followup" and events[-1]["name"] == "twitch_form"


def test_a_question_after_the_result_is_answered_and_never_stored_as_an_answer():
    events, said = run_events(ActionStartCheck(), after_result(
        "see_doctor", user("wait why do I need a doctor? it's just the pill", "inform")))
    assert not [e for e in events if e.get("event") == "slot" and e["name"] in TOPICS]
    assert "Why I say this" in said[0] and "doctor" in said[0]


def test_the_card_goes_to_the_web_chat_as_one_custom_message():
    tracker = make_tracker([socketio(user("my eyelid twitches, 6 coffees a day", "describe_symptom"))], DONE)
    dispatcher = CollectingDispatcher()
    with ThreadPoolExecutor(1) as worker:
        worker.submit(asyncio.run, ActionAssess().run(dispatcher, tracker, DOMAIN)).result()
    card = dispatcher.messages[0]["custom"]["twitch_card"]
    assert card["level"] == "self_care" and card["sections"][0]["title"] == "Why I say this"
    assert [b["title"] for b in dispatcher.messages[1]["buttons"]][:2] == ["Why?", "What can I do now?"]


def test_summary_for_my_doctor_in_the_terminal_and_on_the_web():
    _, said = run(ActionDoctorSummary(), after_result("self_care", user("summary for my doctor", "ask_summary")))
    assert "“my left eyelid keeps twitching”" in said[0] and "How long: about 5 days" in said[0]
    assert "summary for my doctor" not in said[0], "the request is not the person's account"
    dispatcher = CollectingDispatcher()
    tracker = after_result("self_care", socketio(user("summary for my doctor", "ask_summary")))
    with ThreadPoolExecutor(1) as worker:
        worker.submit(asyncio.run, ActionDoctorSummary().run(dispatcher, tracker, DOMAIN)).result()
    summary = dispatcher.messages[0]["custom"]["twitch_summary"]
    assert summary["said"] == ["my left eyelid keeps twitching"] and summary["level"] == "self_care"


def test_each_question_says_how_far_the_interview_has_got():
    tracker = make_tracker([user("my thumb keeps twitching", "describe_symptom")],
                           {"location": "my thumb", "duration": "3 days", "asked_topics": ["duration"]})
    dispatcher = CollectingDispatcher()
    ask(dispatcher, tracker, "weakness")
    said = dispatcher.messages[0]["text"]
    assert said.startswith("Question 2 of about ") and "gripping" in said


def test_the_form_asks_its_next_question_after_what_it_says_itself():
    slots, said = run(ValidateTwitchForm(), make_tracker([OPENING]))
    assert "a few short questions" in said[0]
    assert said[-1].startswith("Question 1 of about ") and len(said) == 2
    assert slots["requested_slot"] == "weakness"


def test_the_form_asks_nothing_when_a_warning_sign_ends_the_interview():
    slots, said = run(ValidateTwitchForm(), make_tracker(
        [user("my face twitches and my speech is slurred", "describe_symptom")]))
    assert slots["requested_slot"] is None and not any(s and s.startswith("Question") for s in said)


def test_a_new_place_after_a_result_is_a_new_check_even_when_it_would_raise_the_level():
    events, said = run_events(ActionStartCheck(), after_result(
        "self_care", user("also my calves started cramping at night", "describe_symptom")))
    assert "new check" in said[0] and events[-1]["name"] == "twitch_form"


def test_a_new_place_with_a_warning_sign_is_advised_on_first():
    slots, said = run(ActionStartCheck(), after_result(
        "self_care", user("now my hand is twitching and my speech has gone slurred", "describe_symptom")))
    assert slots["triage_level"] == "emergency" and "new check" not in " ".join(filter(None, said))


def test_a_question_the_nlu_could_not_place_after_a_result_is_answered_in_context():
    _, said = run(ActionNotUnderstood(), after_result(
        "see_doctor", user("why do i need a doctor? its just the statin isnt it", "nlu_fallback")))
    assert "Why I say this" in said[0] and "didn't quite follow" not in said[0]


def test_after_an_urgent_result_a_new_complaint_is_still_a_new_check_and_an_emergency_stays_one():
    events, said = run_events(ActionStartCheck(), after_result(
        "urgent", user("now my thumb keeps twitching too", "describe_symptom"), slots={"numbness": "yes, tingling"}))
    assert "new check" in said[0]
    _, said = run(ActionStartCheck(), after_result(
        "emergency", user("now my thumb keeps twitching too", "describe_symptom"), slots={"bulbar": "my speech is slurred"}))
    assert "new check" not in " ".join(filter(None, said)) and "While you wait" in " ".join(filter(None, said))


def test_a_general_answer_after_a_result_ends_with_the_persons_own_advice():
    # "can't I just stop taking it?" read as "how do I stop the twitching": the general answer must
    # not stand in for what this person was told to do.
    _, said = run(ActionAnswerFaq(), after_result(
        "see_doctor", user("why do i need a doctor? cant i just stop taking it?", "faq_how_to_stop")))
    assert len(said) == 2 and said[-1].startswith("For you") and "doctor within the next two weeks" in said[-1]
    _, before = run(ActionAnswerFaq(), make_tracker([user("how do i stop my eyelid twitching", "faq_how_to_stop")]))
    assert not any(s.startswith("For you") for s in before if s)


def test_a_reply_to_a_safety_question_is_its_answer_even_with_correction_words():
    """A reply with "actually" in it was taken for a correction of an earlier answer, and the
    safety question came back for ever (blind set 4, first reading)."""
    said = "I've actually stopped coffee because my heart races"
    tracker = make_tracker([OPENING, user(said)], {**FROM_OPENING, "caffeine": said, "confirming": "palpitations"},
                           requested="confirm")
    slots, _ = run(ValidateTwitchForm(), tracker)
    assert slots["confirmations"] == {"palpitations": said} and slots["confirm"] is None


def test_the_same_words_twice_are_the_answer():
    said = "sorry, actually 3 weeks"
    tracker = make_tracker([OPENING, user(said), user(said)], {**FROM_OPENING, "duration": "3 weeks"}, requested="weakness")
    slots, _ = run(ValidateTwitchForm(), tracker)
    assert slots["weakness"] == said
