"""Questions after a result (actions/followup.py, knowledge/followups.yml), family by family and
level by level: what the person reads in answer, and what they must never read."""
import copy
import dataclasses

import pytest

from actions import followup
from actions.followup import Situation, answer, asks_about_the_result, what_changed
from actions.medical.assessment import assess
from actions.medical.knowledge import TOPICS, WARNING_TOPICS, KnowledgeError, check, load
from actions.result import SHORT_REMINDER

CALM = {topic: "no" for topic in WARNING_TOPICS}

# People who have had their result: what they said first, and their answers.
PEOPLE = {
    "self_care": ("my eyelid keeps twitching, drinking like 6 coffees a day",
                  {"duration": "4 days", "sleep": "7 hours", "stress": "no"}),
    "statin": ("my legs keep cramping since I started a statin", {"duration": "3 weeks"}),
    "statin_pain": ("my legs keep cramping since I started a statin", {"duration": "3 weeks", "pain": "yes, they ache"}),
    "water_tablet": ("I get cramps in my legs at night, I take a water tablet for high blood pressure",
                     {"duration": "a month"}),
    "dialysis": ("my calves cramp during dialysis", {"duration": "a month"}),
    "pregnant_calf": ("I'm 30 weeks pregnant and my calf is swollen and painful, it cramps at night", {}),
    "thyroid": ("my hands are tingling and cramping since my thyroid operation last week", {}),
    "metoclopramide": ("started metoclopramide yesterday and now my neck keeps twisting to one side", {}),
    "tramadol": ("my legs have been twitching since I started tramadol", {"duration": "a week"}),
    "inhaler": ("my hands twitch after I use my inhaler", {"duration": "a week"}),
    "stroke": ("my face is drooping on one side and my speech is slurred", {}),
    "serotonin": ("started sertraline last week and my legs keep jerking, I have a fever and my heart is racing", {}),
    "son": ("my son is 9 and his eyelid keeps twitching", {"duration": "3 days"}),
    "daughter_numb": ("my daughter's hand keeps twitching and her fingers have gone numb", {}),
}


def ask(person: str, question: str):
    """The reply to a question after this person's result (None: left to the actions as before)."""
    opening, said = PEOPLE[person]
    answers = {**{t: None for t in TOPICS}, **CALM, **said}
    level = assess(answers, [opening]).level
    notes = [opening, question]
    return answer(Situation(question, level, assess(answers, notes), answers, notes, notes))


def text_of(person: str, question: str) -> str:
    reply = ask(person, question)
    assert reply is not None, question
    return reply.text


def test_the_people_have_the_levels_the_tests_need():
    levels = {p: assess({**CALM, **PEOPLE[p][1]}, [PEOPLE[p][0]]).level for p in PEOPLE}
    assert levels["self_care"] == "self_care" and levels["son"] == "self_care"
    assert levels["statin"] == levels["water_tablet"] == levels["tramadol"] == levels["inhaler"] == "see_doctor"
    assert levels["pregnant_calf"] == levels["metoclopramide"] == levels["daughter_numb"] == "urgent"
    assert levels["thyroid"] == "emergency"  # symptomatic low calcium after neck surgery (issue 17)
    assert levels["statin_pain"] == "see_doctor"
    assert levels["stroke"] == levels["serotonin"] == "emergency"


EVERY_FAMILY = [
    ("self_care", "can I wait and see?"), ("statin", "should I stop the cholesterol tablet?"),
    ("pregnant_calf", "should I rub it tonight like you said?"), ("pregnant_calf", "should I call my midwife?"),
    ("self_care", "is this serious?"), ("self_care", "could it be ALS?"), ("statin", "which blood tests should I ask for?"),
    ("stroke", "I'm scared"), ("son", "can he go to school tomorrow?"), ("stroke", "can I drive myself?"),
    ("stroke", "I've rung 999, what do I do while I wait?"), ("self_care", "how long will it last?"),
    ("self_care", "what's the capital of France?"),
]


@pytest.mark.parametrize("person,question", EVERY_FAMILY)
def test_every_answer_says_it_is_information_and_where_it_comes_from(person, question):
    said = text_of(person, question)
    assert said.endswith(SHORT_REMINDER) and "\nSource: " in said


@pytest.mark.parametrize("person,question", EVERY_FAMILY)
def test_an_answer_is_short_and_never_the_whole_card(person, question):
    said = text_of(person, question)
    assert "Main reason:" not in said and "Likely causes:" not in said and "Why I say this" not in said
    assert len(said.split()) < 130


# --- waiting ---

def test_waiting_till_monday_with_a_possible_clot_is_not_safe_and_says_who_today():
    said = text_of("pregnant_calf", "can I wait till Monday, it's Saturday?")
    assert "until Monday" in said and "today" in said and "midwife" in said and "111" in said
    assert not said.startswith("Yes") and "two weeks" not in said


def test_waiting_for_a_routine_appointment_is_fine():
    said = text_of("statin", "can I leave it a few days?")
    assert said.startswith("Yes") and "two weeks" in said and "same day if you notice weakness" in said


def test_waiting_and_seeing_at_home_is_fine_for_self_care():
    said = text_of("self_care", "can I wait and see?")
    assert said.startswith("Yes") and "two weeks" in said


def test_waiting_in_an_emergency_is_left_to_the_kind_restatement():
    assert ask("stroke", "can we wait and see if it wears off?") is None
    assert ask("stroke", "he doesnt want a fuss, can we wait?") is None


# --- a medicine ---

def test_a_statin_is_not_stopped_for_cramps_alone_and_the_medicine_is_named():
    said = text_of("statin", "should I stop the cholesterol tablet?")
    assert "don't stop the cholesterol tablet" in said and "pharmacist" in said and "statin" in said.lower()


def test_a_statin_with_unexplained_muscle_pain_is_stopped_for_now():
    said = text_of("statin_pain", "should I stop the statin?")
    assert "stop taking it for now" in said


def test_the_next_anti_sickness_tablet_is_not_taken_with_neck_spasms():
    said = text_of("metoclopramide", "should I take the next anti-sickness tablet tonight?")
    assert said.startswith("Don't take the next dose") and "111" in said and "999" in said


def test_tramadol_is_named_and_not_stopped_suddenly():
    said = text_of("tramadol", "should I stop the tramadol?")
    assert "don't stop the tramadol" in said and "withdrawal" in said


def test_is_it_the_inhaler_says_it_can_be_and_to_keep_using_it():
    said = text_of("inhaler", "is it the inhaler?")
    assert "inhaler" in said and "twitchy muscles" in said and "don't stop" in said


def test_it_means_the_medicine_they_told_me_about():
    said = text_of("water_tablet", "should I stop taking it?")
    assert "the water tablet" in said and "don't stop" in said


def test_a_medicine_the_knowledge_base_does_not_know_is_not_stopped_or_guessed_about():
    said = text_of("self_care", "should I stop the pill?")
    assert "don't stop" in said and "pharmacist" in said
    said = text_of("thyroid", "should I take calcium tablets?")  # an emergency since issue 17
    assert "calcium tablets" in said and "999" in said


def test_ibuprofen_in_pregnancy():
    said = text_of("pregnant_calf", "can I take ibuprofen for the pain?")
    assert "paracetamol" in said and "don't take ibuprofen" in said


def test_in_a_serotonin_reaction_no_more_doses():
    said = text_of("serotonin", "should I take my sertraline tonight?")
    assert said.startswith("Don't take or give") and "999" in said


# --- what to do tonight, and what not to do ---

def test_no_rubbing_a_calf_that_may_hold_a_clot():
    said = text_of("pregnant_calf", "should I rub it tonight like you said?")
    assert said.startswith("No.") and "clot" in said and "today" in said
    assert "stretch and massage" not in said and "rub it gently" not in said


def test_no_salt_or_tonic_water_with_a_water_tablet_and_high_blood_pressure():
    said = text_of("water_tablet", "should I take more salt or drink tonic water?")
    assert said.startswith("No.") and "salt" in said and "tonic water" in said
    assert "salty snack" not in said


def test_no_sports_drinks_on_dialysis():
    said = text_of("dialysis", "should I have a sports drink tonight?")
    assert said.startswith("No.") and "sports drinks" in said


def test_tonight_in_an_emergency_is_getting_help_and_while_you_wait():
    said = text_of("stroke", "what should I do tonight?")
    assert "999" in said and "While you wait" in said and "Don't drive yourself" in said
    assert "stretch" not in said


def test_tonight_for_self_care_is_the_persons_own_advice():
    said = text_of("self_care", "what should I do tonight?")
    assert "coffee" in said and "today" not in said


def test_carrying_on_as_normal():
    assert text_of("self_care", "can I still go to work?").startswith("Yes")


# --- who to contact ---

def test_a_pregnant_woman_is_told_yes_call_the_midwife_today():
    said = text_of("pregnant_calf", "Should I call my midwife?")
    assert said.startswith("Yes") and "midwife or maternity unit" in said and "today" in said and "111" in said


def test_a_e_or_out_of_hours():
    said = text_of("pregnant_calf", "do I need A&E or the out-of-hours doctor?")
    assert "don't need A&E" in said and "out-of-hours" in said


def test_after_an_operation_999_first_and_tell_them_about_it():
    said = text_of("thyroid", "who should I call?")  # low calcium after neck surgery is an emergency
    assert "999" in said and "operation" in said


def test_in_an_emergency_999_first_then_the_ward():
    said = text_of("stroke", "should I ring the ward that did my operation instead?")
    assert said.startswith("Call 999 first") and "operation" in said


def test_a_routine_appointment_is_not_111_or_a_e():
    said = text_of("statin", "do I need to see someone today?")
    assert "GP" in said and "two weeks" in said and "doesn't need to be today" in said


def test_self_care_needs_no_one_urgently_but_a_pharmacist_can_help():
    said = text_of("self_care", "should I see a pharmacist?")
    assert "no need for A&E, 111 or an urgent appointment" in said and "pharmacist" in said


# --- is this serious? ---

@pytest.mark.parametrize("person,said_first", [
    ("stroke", "Please treat it as serious"), ("pregnant_calf", "It needs checking today"), ("statin", "It isn't an emergency"),
    ("self_care", "From what you told me, it doesn't sound serious")])
def test_is_this_serious_at_each_level(person, said_first):
    assert text_of(person, "is this serious?").startswith(said_first)


def test_something_new_that_does_not_raise_the_level_is_still_heard():
    said = text_of("pregnant_calf", "I've also got a sore throat, is that serious?")
    assert said.startswith("Thanks for telling me about") and "sore throat" in said and "doctor" in said


def test_what_changed_when_something_new_raises_the_level():
    opening, said = PEOPLE["statin"]
    answers = {**CALM, **said}
    now = assess(answers, [opening, "my pee is quite brown today, is that serious?"])
    changed = what_changed("see_doctor", now, "my pee is quite brown today, is that serious?")
    assert now.level == "emergency" and "SEE A DOCTOR" in changed and "EMERGENCY" in changed
    assert "pee is quite brown" in changed


def test_my_water_being_dark_on_a_statin_is_heard():
    opening, said = PEOPLE["statin"]
    now = assess({**CALM, **said}, [opening, "Sorry, you haven't said about my water being dark. It's quite brown "
                                             "today. Is that serious?"])
    assert now.level == "emergency"


# --- could it be X? ---

def test_could_it_be_als_is_answered_calmly_with_their_own_answers():
    said = text_of("self_care", "could it be ALS?")
    assert "unlikely" in said and "you said no to" in said and "rare" in said


def test_is_it_the_coffee_uses_their_words():
    said = text_of("self_care", "is it the coffee?")
    assert "fits" in said and "6 coffees a day" in said


def test_could_it_be_stress_after_saying_no_to_stress():
    said = text_of("self_care", "could it be stress?")
    assert "unlikely" in said and "you said no to stress" in said and "could it be stress" not in said


def test_growing_pains_and_leukaemia():
    assert "children" in text_of("son", "could it be growing pains?")
    said = text_of("self_care", "could it be leukaemia?")
    assert "not a sign of leukaemia" in said and "GP" in said


def test_a_condition_it_does_not_know():
    said = text_of("self_care", "could it be lupus?")
    assert "can't say whether it's lupus" in said and "GP" in said


def test_a_clot_when_the_calf_is_swollen():
    said = text_of("pregnant_calf", "could it be a clot?")
    assert said.startswith("It could be") and "today" in said


def test_in_an_emergency_a_stroke_sign_is_named_and_999():
    said = text_of("stroke", "is it a stroke?")
    assert "warning sign of a stroke" in said and "999" in said


# --- tests a doctor may do ---

def test_blood_tests_for_a_statin_and_for_salts():
    assert "(CK)" in text_of("statin", "which blood tests should I ask for?")
    assert "calcium" in text_of("thyroid", "what tests will they do?")


def test_no_test_for_caffeine():
    assert "no test" in text_of("self_care", "what tests will the GP do?")


def test_tests_in_an_emergency_come_after_getting_there():
    said = text_of("stroke", "what will they do at the hospital?")
    assert "scan" in said and "999" in said


def test_tests_for_a_child_are_about_the_child():
    assert "examining him" in text_of("son", "what tests might they do?")


# --- "I'm scared" ---

@pytest.mark.parametrize("person,words", [
    ("stroke", ["understandable", "999", "While you wait"]), ("pregnant_calf", ["frightened", "today"]),
    ("statin", ["natural to worry", "two weeks"]), ("self_care", ["natural to worry", "warning sign"])])
def test_im_scared_gets_kind_words_then_what_to_do(person, words):
    said = text_of(person, "I'm scared")
    assert all(w in said for w in words), said


def test_fear_said_with_another_question_opens_kindly():
    said = text_of("self_care", "I'm terrified, should I see a doctor?")
    assert said.startswith("I'm sorry you're frightened") and "pharmacist" in said


# --- the person they write about ---

def test_a_child_can_go_to_school():
    assert text_of("son", "can he go to school tomorrow?").startswith("Yes, he can")


def test_at_his_age_sends_to_a_gp():
    said = text_of("son", "is it normal at his age?")
    assert "adults" in said and "GP" in said and "your son" in said


def test_an_urgent_child_stays_home():
    said = text_of("daughter_numb", "can she go to school?")
    assert said.startswith("Keep her at home") and "today" in said


def test_in_an_emergency_putting_him_to_bed_is_left_to_the_restatement():
    assert ask("stroke", "can I just put him to bed?") is None


# --- emergency mode ---

def test_someone_who_has_called_999_gets_the_while_you_wait_advice():
    said = text_of("stroke", "I've rung 999, they're coming, what do I do?")
    assert "right thing" in said and "While you wait" in said and "can't tell you to wait" not in said
    assert "aspirin" in said, "the advice for this sign"


def test_the_while_i_wait_button():
    said = text_of("stroke", "what do I do while I wait?")
    assert "While you wait" in said and "can't tell you to wait" not in said


def test_no_driving_yourself_in_an_emergency_and_why():
    said = text_of("stroke", "A&E is ten minutes away, can I drive myself?")
    assert said.startswith("No") and "don't drive" in said and "999" in said


def test_driving_someone_else_in():
    said = text_of("stroke", "can I drive him to hospital?")
    assert "999" in said and "him" in said


@pytest.mark.parametrize("person,said_first", [("pregnant_calf", "Better not"), ("self_care", "Yes")])
def test_driving_below_an_emergency(person, said_first):
    assert text_of(person, "can I drive to work?").startswith(said_first)


# --- how long ---

def test_how_long_by_level():
    assert "two weeks" in text_of("self_care", "how long will it last?")
    assert "today" in text_of("pregnant_calf", "will it go away on its own?")
    assert ask("stroke", "will it go away?") is None


# --- what it cannot answer ---

def test_what_it_cannot_answer_it_says_so_and_who_can():
    said = text_of("self_care", "what's the capital of France?")
    assert "can't answer" in said and "pharmacist" in said and "GP" in said and "111" in said
    assert "Take care" not in said


def test_not_a_question_or_its_own_buttons_are_left_to_the_actions():
    assert ask("self_care", "ok thanks") is None
    assert ask("self_care", "why?") is None and ask("self_care", "what can I do now?") is None
    assert ask("self_care", "why do I need a doctor?") is None  # the reasons: the Why? answer
    assert ask("stroke", "what's the capital of France?") is None  # in an emergency, the restatement


def test_a_question_about_the_result_is_not_a_new_complaint():
    assert asks_about_the_result("should I rub my leg tonight?")
    assert not asks_about_the_result("now my thumb keeps twitching too")


# --- the knowledge file is checked at load ---

def test_every_family_has_an_answer():
    assert {f["id"] for f in load().followups["families"]} == set(followup.ANSWERS)


@pytest.mark.parametrize("break_it,named", [
    (lambda d: d["families"][0]["sources"].append("no_such_source"), "no_such_source"),
    (lambda d: d["tests"].update({"no_such_cause": "x"}), "no_such_cause"),
    (lambda d: d["medicines"]["statin"]["stop_now"]["findings"].append("no_such_finding"), "no_such_finding"),
    (lambda d: d["while_waiting_for_sign"].update({"no_such_rule": ["x"]}), "no_such_rule"),
])
def test_an_unknown_id_in_the_follow_ups_fails_at_load(break_it, named):
    kb = load()
    broken = copy.deepcopy(kb.followups)
    break_it(broken)
    with pytest.raises(KnowledgeError, match=named):
        check(dataclasses.replace(kb, followups=broken))


def test_a_fear_read_online_is_answered_about_that_fear_kindly():
    said = text_of("self_care", "i read online that twitching is the first sign of ALS and now i cant stop thinking "
                                "about it. am i dying??")
    assert said.startswith("I'm sorry you're frightened") and "ALS" in said and "unlikely" in said


def test_a_frequent_question_misread_by_the_nlu_is_not_answered_with_its_blurb():
    opening, said = PEOPLE["self_care"]
    answers = {**{t: None for t in TOPICS}, **CALM, **said}
    notes = [opening, "does this mean my blood pressure is bad?"]
    misread = Situation(notes[-1], "self_care", assess(answers, notes), answers, notes, notes, "faq_magnesium")
    assert "can't answer" in answer(misread).text
    notes = [opening, "is magnesium any good?"]
    read_right = Situation(notes[-1], "self_care", assess(answers, notes), answers, notes, notes, "faq_magnesium")
    assert answer(read_right) is None, "the magnesium answer is given by the FAQ action"


# --- what to tell them, what if it gets worse, can't reach them ---

def test_what_to_tell_the_crew_in_an_emergency():
    said = text_of("stroke", "what should I tell them when they arrive?")
    assert said.startswith("Tell the call handler") and "when it started" in said and "medicines" in said


def test_what_if_it_gets_worse_gives_this_signs_999_line():
    said = text_of("daughter_numb", "what if her lips start tingling too?")
    assert "emergency help straight away" in said and "trouble breathing" in said


def test_what_if_it_gets_worse_below_urgent_gives_the_cards_sooner_lines():
    assert "two weeks" in text_of("self_care", "what if it gets worse?")


def test_when_the_gp_is_shut_111():
    said = text_of("pregnant_calf", "the GP is shut, what now?")
    assert said.startswith("Then call NHS 111") and "today" in said


def test_ringing_family_in_an_emergency_comes_after_999():
    said = text_of("stroke", "should I call my daughter?")
    assert said.startswith("Call 999 first") and "your daughter" in said


def test_the_baby_in_pregnancy():
    said = text_of("pregnant_calf", "is the baby ok?")
    assert "midwife or maternity unit" in said and "moving less than usual" in said


def test_when_is_not_answered_yes():
    assert not text_of("statin", "when should I get the appointment?").startswith("Yes")
    assert text_of("self_care", "should I see a pharmacist?").startswith("Yes")


def test_supplements_taken_or_stopped():
    assert "blood test" in text_of("self_care", "can I take magnesium?")
    assert "fine to stop" in text_of("self_care", "should I stop my vitamins?")
