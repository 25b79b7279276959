"""After the result, the question the person asked (issue 20), over REST through the real NLU and
dialogue: each case plays a finished conversation, then one follow-up, and checks what the reply
must say and must never say, for every family of questions at every level."""
from typing import Dict, List, NamedTuple, Sequence, Tuple

import pytest

from tests.conversation.test_rest import joined, run_interview
from tests.eval.conversations import say, slots

# Finished conversations: (what they said first, their answers; unlisted questions get "no").
PEOPLE: Dict[str, Tuple[str, Dict[str, str]]] = {
    "eyelid": ("my eyelid keeps twitching, drinking like 6 coffees a day",
               {"duration": "4 days", "sleep": "7 hours", "stress": "no"}),
    "son": ("my son is 9 and his eyelid keeps twitching", {"duration": "3 days", "sleep": "9 hours", "stress": "no"}),
    "statin": ("my legs keep cramping since I started a statin", {"duration": "3 weeks", "medications": "atorvastatin"}),
    "water_tablet": ("I get cramps in my legs at night, I take a water tablet for high blood pressure",
                     {"duration": "a month", "medications": "bendroflumethiazide"}),
    "tramadol": ("my legs have been twitching since I started tramadol", {"duration": "a week", "medications": "tramadol"}),
    "pregnant_calf": ("I'm 30 weeks pregnant and my calf is swollen and painful, it cramps at night", {}),
    "thyroid": ("my hands are tingling and cramping since my thyroid operation last week", {}),
    "metoclopramide": ("started metoclopramide yesterday and now my neck keeps twisting to one side", {}),
    "daughter": ("my daughter's hand keeps twitching and her fingers have gone numb", {}),
    "stroke": ("my husband's face is drooping on one side and his speech is slurred", {}),
}
LEVELS = {"eyelid": "self_care", "son": "self_care", "statin": "see_doctor", "water_tablet": "see_doctor",
          "tramadol": "see_doctor", "pregnant_calf": "urgent", "thyroid": "emergency", "metoclopramide": "urgent",
          "daughter": "urgent", "stroke": "emergency"}
# Never in any answer to a question: the whole card again, a goodbye, an unrelated blurb.
NEVER = ["Why I say this", "Take care of yourself", "There is no single off switch", "Magnesium only helps"]
CARD = "Main reason:"
REMINDER = "not a diagnosis"


class Case(NamedTuple):
    person: str
    ask: str
    must: Sequence[str] = ()        # every one of these (case-insensitive)
    must_not: Sequence[str] = ()    # none of these
    any_of: Sequence[str] = ()      # at least one of these
    card: bool = False              # a (new) card is right here: a changed result, or the emergency restated


CASES: List[Case] = [
    # waiting or delaying
    Case("eyelid", "can I wait and see how it goes?", ["two weeks"], ["today"]),
    Case("statin", "can I leave it a few days?", ["two weeks"], ["A&E"]),
    Case("pregnant_calf", "can I wait till Monday, it's Saturday?", ["Monday", "today", "111", "midwife"],
         ["two weeks", "massage"]),
    Case("stroke", "can we wait and see if it wears off? he doesn't want a fuss", ["999"], ["two weeks", "settles"],
         card=True),
    # a medicine
    Case("statin", "should I stop the cholesterol tablet?", ["cholesterol tablet", "don't stop", "pharmacist"]),
    Case("water_tablet", "is it the water tablet?", ["water tablet", "don't stop", "salts"]),
    Case("tramadol", "should I stop the tramadol?", ["tramadol", "don't stop", "withdrawal"]),
    Case("metoclopramide", "should I take the next anti-sickness tablet tonight?", ["don't take the next dose", "111"]),
    Case("eyelid", "should I stop the pill?", ["don't stop", "pharmacist"]),
    Case("stroke", "should I give him an aspirin?", ["999"], ["keep taking"]),
    # what to do tonight, and what not to do
    Case("pregnant_calf", "should I rub it tonight like you said?", ["no.", "clot", "today"],
         ["stretch and massage", "rub it gently"]),
    Case("water_tablet", "should I take more salt or drink tonic water?", ["no.", "salt", "tonic"],
         ["salty snack", "Take care"]),
    Case("eyelid", "what should I do tonight?", ["coffee"], ["today"]),
    Case("stroke", "can he have a drink of water?", ["999", "don't eat, drink"]),
    # who to contact, and how soon
    Case("pregnant_calf", "Should I call my midwife?", ["yes", "midwife or maternity unit", "today"]),
    Case("pregnant_calf", "do I need A&E or the out-of-hours doctor?", ["don't need A&E", "out-of-hours", "today"]),
    Case("thyroid", "who should I call?", ["999", "operation"]),  # low calcium after neck surgery: an emergency
    Case("statin", "who should I see about it?", ["GP", "two weeks"], ["111 (any time"]),
    Case("eyelid", "should I see a pharmacist?", ["pharmacist", "no need for A&E"]),
    Case("stroke", "should I ring the ward that did my operation instead?", ["call 999 first", "operation"],
         ["can't tell you to wait"]),
    # is this serious? (something new is read as a finding and re-triaged)
    Case("eyelid", "is this serious?", ["doesn't sound serious"], ["today"]),
    Case("statin", "is it serious?", ["isn't an emergency", "two weeks"]),
    Case("pregnant_calf", "is this serious?", ["today", "clot"], ["two weeks"]),
    Case("stroke", "is this serious?", ["treat it as serious", "999"]),
    Case("statin", "my pee is quite brown today, is that serious?", ["changes my advice", "EMERGENCY", "brown"],
         card=True),
    Case("statin", "Sorry, you haven't said about my water being dark. It's quite brown today. Is that serious?",
         ["changes my advice", "EMERGENCY", "999"], card=True),
    # could it be X?
    Case("eyelid", "could it be ALS?", ["unlikely", "you said no to"], ["likely explanation is ALS"]),
    Case("eyelid", "could it be leukaemia?", ["not a sign of leukaemia", "GP"]),
    Case("son", "could it be growing pains?", ["children"]),
    Case("eyelid", "is it the coffee?", ["6 coffees"]),
    Case("pregnant_calf", "could it be a clot?", ["could be", "today"]),
    Case("stroke", "is it a stroke?", ["999"], ["unlikely"]),
    # what tests a doctor may do
    Case("statin", "which blood tests should I ask for?", ["CK"]),
    Case("thyroid", "what tests will they do?", ["calcium"]),
    Case("eyelid", "what tests will the GP do?", ["no test"]),
    Case("stroke", "what will they do at the hospital?", ["scan", "999"]),
    # "I'm scared"
    Case("eyelid", "I'm scared", ["natural to worry", "warning sign"]),
    Case("statin", "I'm really worried", ["two weeks"]),
    Case("pregnant_calf", "I'm scared", ["frightened", "today"], ["two weeks"]),
    Case("stroke", "I'm scared", ["understandable", "999", "while you wait"], ["can't tell you to wait"]),
    # the person they write about
    Case("son", "can he go to school tomorrow?", ["yes, he can"]),
    Case("son", "is it normal at his age?", ["adults", "GP"]),
    Case("daughter", "can she go to school tomorrow?", ["keep her at home", "today"]),
    Case("stroke", "can I just put him to bed?", ["999"], ["two weeks"], card=True),
    # emergency mode: someone who has called for help, driving, the ward
    Case("stroke", "I've rung 999, they're coming, what do I do?", ["right thing", "while you wait"],
         ["can't tell you to wait"]),
    Case("stroke", "what do I do while I wait?", ["while you wait"], ["can't tell you to wait"]),
    Case("stroke", "A&E is ten minutes away, can I drive myself?", ["no", "don't drive", "999"],
         ["can't tell you to wait"]),
    Case("stroke", "can I drive him to A&E? it's quicker", ["999", "him"], ["can't tell you to wait"]),
    Case("pregnant_calf", "can I drive myself to the hospital?", ["better not"]),
    Case("eyelid", "can I drive to work?", ["yes"]),
    # how long
    Case("eyelid", "how long will it last?", ["two weeks"], ["Magnesium"]),
    Case("pregnant_calf", "will it go away on its own?", ["today"]),
    # what to tell them, what if it gets worse, can't reach them, someone to ring, the baby
    Case("stroke", "what should I tell them when they arrive?", ["when it started", "medicines"]),
    Case("eyelid", "what if it gets worse?", ["two weeks"]),
    Case("pregnant_calf", "the GP is shut, what now?", ["111"], ["yes,"]),
    Case("stroke", "should I call my daughter?", ["999 first", "daughter"]),
    Case("pregnant_calf", "is the baby ok?", ["midwife or maternity unit", "moving less"]),
    Case("eyelid", "should I cut out coffee completely?", ["coffee"], ["can't answer"]),
    Case("eyelid", "can I take magnesium?", ["blood test"]),
    # what it cannot answer: it says so, and who can
    Case("eyelid", "is it safe to dye my hair?", ["can't answer", "pharmacist", "GP", "111"]),
]


def case_id(case: Case) -> str:
    return f"{case.person}: {case.ask}"


def finished(bot, person: str) -> str:
    opening, answers = PEOPLE[person]
    sender, state = run_interview(bot, opening, answers)
    assert state["triage_level"] == LEVELS[person], (person, state["triage_level"])
    return sender


def check(reply: str, case: Case) -> None:
    text = reply.lower()
    # what the answer says, not the names of its sources ("Medical News Today", "NHS (999, A&E ...)")
    said = "\n".join(line for line in text.splitlines() if not line.startswith("source: "))
    for word in case.must:
        assert word.lower() in text, (case.ask, word, reply)
    for word in [*case.must_not, *NEVER, *([] if case.card else [CARD])]:
        assert word.lower() not in said, (case.ask, word, reply)
    assert not case.any_of or any(w.lower() in text for w in case.any_of), (case.ask, reply)
    assert REMINDER in text, (case.ask, reply)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_follow_up_is_answered_within_the_result(bot, case):
    sender = finished(bot, case.person)
    replies = say(bot, sender, case.ask)
    check(joined(replies), case)
    assert replies[-1].get("buttons"), "the follow-up buttons stay under the reply"


def test_the_buttons_stay_under_every_reply_after_a_result(bot):
    sender = finished(bot, "eyelid")
    for said in ("is this serious?", "ok thanks", "what can I do now?", "could it be ALS?", "summary for my doctor"):
        replies = say(bot, sender, said)
        assert [b["title"] for b in replies[-1].get("buttons") or []] == [
            "Why?", "What can I do now?", "Summary for my doctor", "New check", "Delete my conversation"], said


def test_after_calling_999_the_advice_is_what_to_do_while_waiting_every_time(bot):
    sender = finished(bot, "stroke")
    for said in ("I've called an ambulance", "what do I do while I wait?", "I'm scared", "can I drive myself?"):
        reply = joined(say(bot, sender, said))
        assert "can't tell you to wait" not in reply and "999" in reply, said
    assert slots(bot, sender)["triage_level"] == "emergency"
