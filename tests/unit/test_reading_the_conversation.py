"""Reading each reply against its question, who the patient is, and time tied to the symptom
(issue 16), and the discriminators and passed signs the triage reads (issues 17 and 19).
Families, not single sentences: each family is played across topics, people and wordings."""
import pytest

from actions.interview import for_person, is_digression, only_asks, plan, question_text
from actions.medical.assessment import assess
from actions.medical.detect import detect
from actions.medical.knowledge import WARNING_TOPICS, load
from actions.medical.patient import read_patient
from actions.medical import text as parse

CALM = {topic: "no" for topic in WARNING_TOPICS}
TOPIC_WORDS = {"weakness": "weakness", "numbness": "numbness", "wasting": "wasting", "bulbar": "breathing"}
OWN_FINDINGS = {t: {f.id for f in load().findings.values() if f.topic == t} for t in TOPIC_WORDS}

DENIALS = ["nah", "no, {w} no", "not that I've noticed", "I don't think so, they look the same as always",
           "wait, what about the {w} one? I never answered that. no {w}", "nope no {w}", "no {w} at all",
           "{w}? no", "no, none of that", "not really, no"]


@pytest.mark.parametrize("topic", sorted(TOPIC_WORDS))
@pytest.mark.parametrize("reply", DENIALS)
def test_a_denial_in_any_form_is_a_no_to_its_own_question(topic, reply):
    said = reply.format(w=TOPIC_WORDS[topic])
    found = detect({**CALM, topic: said}, ["my calf twitches"])
    assert not OWN_FINDINGS[topic] & set(found), (said, sorted(found))
    assert assess({**CALM, topic: said}, ["my calf twitches"]).level == "self_care", said


@pytest.mark.parametrize("reply", [
    "Well... now you mention it the stairs have been harder and I push up with my arms to get out of a chair",
    "come to think of it I keep dropping my mug",
    "no, but my grip is weaker than it was",
    "ya a bit, jars are hard now",
])
def test_a_restatement_is_a_yes(reply):
    assert "weakness" in detect({**CALM, "weakness": reply}, ["my thighs twitch"]), reply


@pytest.mark.parametrize("reply", [
    "no, the muscle between my thumb and finger looks dented",
    "nope, my speech has gone slurred though",
])
def test_a_sign_described_after_a_no_still_counts(reply):
    assert assess({**CALM, "wasting": reply}, ["hand twitching"]).level in ("urgent", "emergency"), reply


@pytest.mark.parametrize("text", [
    "should I stop using the new inhaler then?", "is it serious?", "what do you mean by weakness?",
    "could this be MS", "why does that matter?", "can I still go to the gym?",
])
@pytest.mark.parametrize("requested", ["numbness", "weakness", "stress", "duration"])
def test_a_question_instead_of_an_answer_is_never_taken_as_the_answer(text, requested):
    assert only_asks(text)
    assert is_digression("inform", 0.9, text, requested)


@pytest.mark.parametrize("text", ["no?", "about 3 days?", "not sure", "yes, a bit"])
def test_an_answer_with_a_question_mark_is_still_an_answer(text):
    assert not is_digression("inform", 0.9, text, "duration" if "days" in text else "weakness")


@pytest.mark.parametrize("texts,about_other,sex,age", [
    (["my husband is shaking and sweating, what do i do"], True, "male", None),
    (["my 9 year old son keeps twitching his eye"], True, "male", 9),
    (["I'm 68 and my calves cramp at night"], False, None, 68),
    (["my dad had ALS and now my calf twitches"], False, None, None),
    (["my eyelid twitches", "I'm a man!"], False, "male", None),
    (["our baby keeps jerking, she's 5 months old"], True, "female", 5 / 12),
    (["my mum is 81 and her legs cramp"], True, "female", 81),
    (["hi, my arm twitches. my mum has MS"], False, None, None),
    (["as a 45 year old man my calf twitches"], False, "male", 45),
])
def test_who_the_patient_is(texts, about_other, sex, age):
    patient = read_patient(texts)
    assert (patient.about_other, patient.sex) == (about_other, sex)
    assert (patient.age is None and age is None) or abs(patient.age - age) < 0.01


@pytest.mark.parametrize("opening", [
    "my calves cramp every night", "my 45 year old husband gets calf cramps at night",
    "my 7 year old has leg cramps at night",
])
def test_no_pregnancy_question_for_someone_it_cannot_apply_to(opening):
    asked = plan({}, [opening, "I'm a man"] if "husband" not in opening and "7" not in opening else [opening])
    assert "pregnancy" not in asked


def test_pregnancy_is_asked_only_when_it_could_apply():
    assert "pregnancy" in plan({}, ["my calves cramp every night"])


@pytest.mark.parametrize("answer", ["I'm a man!", "no, I'm male", "doesn't apply, I'm a bloke", "n/a"])
def test_a_man_is_never_given_pregnancy_as_a_cause(answer):
    result = assess({**CALM, "pregnancy": answer}, ["calf cramps at night"])
    assert "pregnancy" not in result.cause_ids and "pregnant" not in result.evidence


def test_no_caffeine_or_alcohol_questions_about_a_young_child():
    asked = plan({}, ["my 4 year old son has leg cramps at night"])
    assert "caffeine" not in asked and "alcohol" not in asked and "pregnancy" not in asked


@pytest.mark.parametrize("opening,pronoun", [
    ("my husband keeps twitching in his calf", "he"), ("my wife's calf keeps cramping", "she"),
    ("my partner's eyelid twitches", "they"),
])
def test_questions_about_someone_else_are_in_the_third_person(opening, pronoun):
    for topic in ("weakness", "stress", "medications", "sleep", "pregnancy", "conditions", "exercise"):
        question = question_text(topic, [opening])
        assert " you " not in f" {question.split('Please')[0]} ".replace("?", " ").replace(",", " "), question
    assert f"{pronoun}" in question_text("stress", [opening]).lower().split()[1:3]


def test_the_writer_is_still_asked_in_the_second_person():
    assert question_text("stress", ["my calf twitches"]).startswith("Have you")
    assert for_person("Have you noticed?", read_patient(["my calf twitches"])) == "Have you noticed?"


@pytest.mark.parametrize("opening", [
    "I'm 16 weeks pregnant and my calves cramp at night",
    "did legs at the gym for the first time in like a year and my thighs twitch",
    "been on dialysis for 3 years and my legs cramp",
    "on sertraline for two years, eyelid twitching since monday",
    "had diabetes for 20 years, feet cramping",
])
def test_time_that_is_not_the_symptoms_own_is_not_its_duration(opening):
    assert "long_duration" not in detect({}, [opening]), opening


@pytest.mark.parametrize("opening", [
    "my calf has been twitching for 3 weeks", "eyelid twitching for about a month now",
    "16 weeks pregnant and the cramps have gone on for 3 weeks",
])
def test_the_symptoms_own_time_still_counts(opening):
    assert "long_duration" in detect({}, [opening]), opening


@pytest.mark.parametrize("said", [
    "my arm went weak for a few minutes and went back to normal",
    "his face drooped on one side for ten minutes, then it went back to normal",
    "her speech went slurred for 5 minutes and then it was fine",
    "my left side went numb and weak for 10 mins, its gone now",
])
def test_stroke_signs_that_pass_are_still_an_emergency(said):
    assert assess(CALM, [said]).level == "emergency", said


@pytest.mark.parametrize("said", ["I had a fit as a kid", "my legs ache after the run but fine now",
                                  "years ago my face drooped with bells palsy"])
def test_long_ago_or_harmless_passing_is_not_an_emergency(said):
    assert assess(CALM, [said]).level != "emergency", said


@pytest.mark.parametrize("said,celsius", [
    ("temp 39.4", 39.4), ("his temperature is 38.2 C", 38.2), ("102F", 38.9), ("fever of 101 degrees", 38.3),
    ("thermometer says 37.1", 37.1), ("temperature is thirty nine", 39.0),
])
def test_temperatures_in_either_unit(said, celsius):
    assert abs(parse.temperature_celsius(said) - celsius) < 0.1


@pytest.mark.parametrize("said,present", [("temp 39.4", True), ("102F", True), ("temp 37.2", False),
                                          ("I ran 38 miles", False)])
def test_a_temperature_of_38_or_more_is_a_fever(said, present):
    assert ("high_temperature" in detect({}, [f"calf cramps, {said}"])) is present


@pytest.mark.parametrize("said,present", [("pulse is 130", True), ("heart rate 140 bpm", True), ("pulse 72", False)])
def test_a_fast_heart_rate_given_as_a_number(said, present):
    assert ("fast_heart_rate" in detect({}, [f"legs twitching, {said}"])) is present


@pytest.mark.parametrize("said,present", [("my sugar is 2.8", True), ("bm 3.1", True), ("glucose 54 mg/dl", True),
                                          ("sugar 6.5", False)])
def test_a_low_blood_sugar_given_as_a_number(said, present):
    assert ("low_blood_sugar" in detect({"conditions": "type 1 diabetes"}, [f"shaky, {said}"])) is present


@pytest.mark.parametrize("reply,level", [
    ("yes", "emergency"), ("yeah his face has gone droopy", "emergency"), ("no", "self_care"),
    ("nope none of those", "self_care"),
])
def test_the_emergency_screen(reply, level):
    answers = {**CALM, "emergency_signs": reply, "duration": "3 days"}
    assert assess(answers, ["my eyelid twitches"]).level == level


def test_the_screen_is_the_first_question_and_the_third_person_reads_right():
    assert plan({}, ["my eyelid twitches"])[0] == "emergency_signs"
    assert question_text("emergency_signs", ["my husband is shaking"]).startswith("First, one safety question")


def test_the_screen_is_never_skipped_by_a_stop():
    from actions.interview import pending_warning_topics
    assert "emergency_signs" in pending_warning_topics({"location": "calf"}, ["calf twitch"])


@pytest.mark.parametrize("opening,concepts", [
    ("my calf keeps cramping at night", ["swollen_calf"]),
    ("my back has hurt since I lifted a wardrobe and my leg keeps twitching", ["saddle_numbness", "bladder_bowel"]),
    ("I'm 10 weeks pregnant and my legs cramp", ["swollen_calf", "tummy_pain"]),
    ("started a statin last month and my thighs ache", ["dark_urine"]),
])
def test_safety_questions_that_fit_the_complaint_are_asked_after_the_screen(opening, concepts):
    from actions.interview import next_confirmation
    answers = {"emergency_signs": "no"}
    asked = []
    for _ in concepts:
        topics = plan(answers, [opening])
        assert topics[:2] == ["emergency_signs", "confirm"], topics
        concept, quote = next_confirmation(answers, [opening])
        assert quote is None
        asked.append(concept)
        answers[f"confirm:{concept}"] = "no"
    assert asked == concepts
    assert "confirm" not in plan(answers, [opening])


def test_a_yes_to_a_safety_question_decides():
    opening = "my back has hurt since I lifted a wardrobe and my leg keeps twitching"
    answers = {**CALM, "emergency_signs": "no", "confirm:saddle_numbness": "yeah it's a bit numb down there"}
    assert assess(answers, [opening]).level == "emergency"


def test_no_safety_question_for_an_eyelid_twitch():
    assert "confirm" not in plan({"emergency_signs": "no"}, ["my eyelid keeps twitching, lots of coffee"])


@pytest.mark.parametrize("topic,reply", [
    ("weakness", "I don't think the leg is weak as such"), ("numbness", "numbness? no, should there be?"),
    ("weakness", "um no?"), ("bulbar", "erm no not really"), ("wasting", "well no, they look the same"),
])
def test_hedged_and_questioning_denials_are_a_no(topic, reply):
    assert assess({**CALM, "emergency_signs": "no", topic: reply}, ["calf twitch"]).level == "self_care", reply


@pytest.mark.parametrize("said", ["I've checked in the mirror loads and can't see anything",
                                  "i googled it and now i'm half convinced i'm dying, my thumb twitches"])
def test_worry_and_figures_of_speech_are_not_emergencies(said):
    assert assess({**CALM, "emergency_signs": "no"}, [said]).level != "emergency"


def test_a_body_word_before_mate_is_not_someone_else():
    assert not read_patient(["my back hurts and my leg twitches", "ALS?? its my back mate"]).about_other


# Families a second clinical review found (issue 17): each said the way people say it.
@pytest.mark.parametrize("said,level", [
    ("my arm went numb for ten minutes and then it came back", "emergency"),
    ("the sight in my left eye went dark for a minute then came back", "emergency"),
    ("my lips and tongue are swelling up", "emergency"),
    ("my throat feels like it is closing", "emergency"),
    ("back pain since lifting and numbness between my legs", "emergency"),
    ("my legs got weaker over a few days and now I can't walk", "emergency"),
    ("on olanzapine, high fever and my muscles are really stiff", "emergency"),
    ("baby is floppy and twitching", "emergency"),
    ("type 1 diabetic, having a hypo, shaking and sweating", "urgent"),
    ("8 weeks pregnant with some spotting and leg cramps", "urgent"),
    # a headache with a stiff neck stays an emergency (meningitis), even if it is only tension: safety first
    ("tension headache and a stiff neck", "emergency"),
])
def test_the_second_reviews_families_get_their_level(said, level):
    assert assess({**CALM, "emergency_signs": "no"}, [said]).level == level, said


@pytest.mark.parametrize("said", ["I can't stand this twitching any more", "the boiler is broken and my calf cramps",
                                  "drowsy after a night shift and my eyelid twitches",
                                  "had a kidney stone years ago, my legs feel weak after the gym"])
def test_figures_of_speech_and_old_history_are_not_emergencies(said):
    assert assess({**CALM, "emergency_signs": "no"}, [said]).level != "emergency", said


def test_a_young_child_gets_no_adult_lifestyle_tips():
    advice = " ".join(assess({**CALM, "emergency_signs": "no"}, ["my 3 year old's calf cramps at night"]).advice).lower()
    assert "coffee" not in advice and "sports drink" not in advice and "111" in advice


def test_stop_the_medicine_is_never_contradicted_by_keep_taking_it():
    advice = " ".join(assess({**CALM, "emergency_signs": "no", "medications": "metoclopramide"},
                             ["my neck keeps twisting to one side"]).advice).lower()
    assert "keep taking" not in advice


@pytest.mark.parametrize("said", ["had 2 ibuprofen last night, calves twitching after the marathon",
                                  "do I really need an ambulance? my eyelid twitches",
                                  "arm weak how do you mean? my hand twitches"])
def test_an_ordinary_dose_a_question_or_an_echo_is_not_an_emergency(said):
    assert assess({**CALM, "emergency_signs": "no"}, [said]).level not in ("emergency", "urgent"), said


def test_a_declaration_still_counts_when_it_is_not_a_question():
    assert assess({**CALM, "emergency_signs": "no"}, ["call an ambulance, my dad has collapsed"]).level == "emergency"
