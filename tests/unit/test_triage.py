"""Each triage rule, from a person's own words to the level they are told."""
import pytest

from actions.medical.assessment import assess
from actions.medical.knowledge import LEVELS, WARNING_TOPICS, load
from tests.vignettes.people import all_answers, load_vignettes

CALM = {topic: "no" for topic in WARNING_TOPICS}

# rule id -> (what the person said per topic, what they said in passing)
RULE_CASES = {
    "breathing_trouble": ({"bulbar": "yes I can't catch my breath"}, ["my neck is spasming"]),
    "sudden_swallowing_or_speech": ({"bulbar": "yes, I can't swallow since this morning"}, []),
    "face_droop": ({}, ["my face is twitching and one side of my face is drooping"]),
    "one_side_weakness": ({"weakness": "yes, the whole left side of my body feels heavy"}, []),
    "sudden_weakness": ({"weakness": "yes my arm suddenly went weak"}, ["arm twitching"]),
    "collapse_or_seizure": ({}, ["my brother collapsed after his legs cramped"]),
    "confusion": ({}, ["mum is twitching and seems confused, she doesn't know where she is"]),
    "chest_pain": ({"pain": "yes, chest pain with it"}, ["my calves are cramping"]),
    "overdose": ({"medications": "I took too many of my sleeping tablets"}, []),
    "serotonin_syndrome": ({"medications": "started sertraline last week"},
                           ["my legs keep jerking, I have a fever and my heart is racing"]),
    "declared_emergency": ({}, ["my leg twitches and I think this is an emergency, call an ambulance"]),
    "weakness": ({"weakness": "yes, I keep dropping things with that hand"}, []),
    "numbness_tingling": ({"numbness": "yeah pins and needles in my fingers"}, []),
    "muscle_wasting": ({"wasting": "yes my left calf looks thinner than the right"}, []),
    "progressive_bulbar": ({"bulbar": "my speech has been getting slurred slowly over the past few months"}, []),
    "injury_with_numbness": ({"injury": "I fell on my back last week", "numbness": "yes numb foot"}, []),
    "vomiting_diarrhoea": ({"hydration": "I've had really bad diarrhoea for two days"}, ["calf cramps"]),
    "dystonic_reaction": ({"medications": "metoclopramide since yesterday"}, ["my neck keeps twisting to one side"]),
    "long_duration": ({"duration": "about 3 weeks"}, ["eyelid twitching"]),
    "multiple_areas": ({"multiple_areas": "yes, arms and legs"}, []),
    "recurring": ({"frequency": "most days for a while now"}, ["my foot keeps cramping"]),
    "worsening": ({"frequency": "it's getting worse even though I've cut out coffee"}, ["eyelid twitch"]),
    "medicine_cause": ({"medications": "furosemide, a water tablet"}, []),
    "known_condition": ({"conditions": "I have an underactive thyroid"}, []),
    "night_cramps": ({"frequency": "they wake me up at night, most nights"}, ["calf cramps"]),
    "unsure_warning_sign": ({"weakness": "not sure"}, ["thumb twitching"]),
    "thunderclap_headache": ({}, ["neck twitching and then the worst headache of my life out of nowhere"]),
    "meningitis_signs": ({"anything_else": "I've got a fever and a really stiff neck"}, ["legs twitchy"]),
    "tetanus_signs": ({}, ["stood on a rusty nail last week and now my jaw is stiff and keeps spasming"]),
    "ascending_weakness": ({"weakness": "yes, it started in my feet and now it's creeping up my legs"}, []),
    "cauda_equina": ({}, ["back spasms and I wet myself without noticing"]),
    "rhabdomyolysis": ({"hydration": "my pee is like coke"}, ["thighs cramping after a spin class"]),
    "dark_urine": ({"hydration": "my wee is brown"}, ["eyelid twitch"]),
    "rhabdomyolysis_dark_urine": ({"medications": "started a statin last week"},
                                  ["my muscles ache all over and my urine is dark"]),
    "swollen_calf": ({"anything_else": "my calf is swollen and red since the flight"}, ["calf twitching"]),
    "prolonged_cramp": ({}, ["calf cramp that won't let go, it's been 20 minutes"]),
    "post_surgery_tetany": ({"conditions": "had a thyroidectomy last week"}, ["my hands keep cramping"]),
    "pregnancy_warning": ({"conditions": "34 weeks pregnant", "anything_else": "a bad headache since this morning"},
                          ["leg cramps"]),
    "alcohol_withdrawal": ({"alcohol": "I stopped drinking 2 days ago, I used to have a bottle of vodka a day"},
                           ["twitching all over and I've got the shakes"]),
    "purging": ({"hydration": "I've been making myself sick after meals"}, ["cramps in my hands"]),
    "unplaced_symptom": ({"anything_else": "my vision is blurry"}, ["eyelid twitch"]),
    # issues 17 and 19: passed stroke signs, syndromes said in parts, readings given as numbers
    "emergency_screen": ({"emergency_signs": "yes"}, ["my calf twitches"]),
    "acute_dystonia_medicine": ({"medications": "risperidone since last week"}, ["my hands keep going into spasm"]),
    "passed_stroke_signs": ({}, ["his face drooped on one side for ten minutes, then it went back to normal"]),
    "passed_weakness": ({}, ["my arm went weak for a few minutes and went back to normal"]),
    "sight_loss": ({}, ["eyelid twitching and now I've lost the sight in my left eye"]),
    "lip_tongue_swelling": ({"medications": "ramipril"}, ["my lips are swelling and my cheek twitches"]),
    "non_fading_rash": ({}, ["legs twitchy and she has purple spots that don't fade under a glass"]),
    "fever_with_rigid_or_rash": ({"anything_else": "temperature of 39.5"}, ["his whole body is stiff as a board"]),
    "cold_pale_limb": ({}, ["calf cramp and my foot has gone cold and white"]),
    "pregnancy_tummy_pain": ({"pregnancy": "10 weeks"}, ["leg cramps and a sharp one sided tummy pain"]),
    "cannot_stand_walk": ({}, ["after a tummy bug my legs are so weak I can't stand up"]),
    "neuroleptic_malignant": ({"medications": "haloperidol dose went up"}, ["he's gone rigid and sweaty"]),
    "heat_stroke": ({"exercise": "roofing all day in the sun"}, ["cramps everywhere and I've stopped sweating"]),
    "high_potassium": ({"conditions": "on dialysis for kidney failure"}, ["legs feel heavy and weak"]),
    "low_blood_sugar": ({"conditions": "type 1 diabetes, my sugar is 2.8"}, ["shaky and twitchy"]),
    "diabetes_confused": ({"conditions": "he has diabetes"}, ["he is twitching and confused"]),
    "alcohol_withdrawal_severe": ({"alcohol": "stopped drinking 2 days ago"}, ["shaking, temp 38.6"]),
    "carbon_monoxide": ({}, ["we all have headaches at home and my legs twitch"]),
    "fast_heart_rate": ({}, ["twitchy legs and my pulse is 130 sitting down"]),
    "acute_dystonia": ({}, ["my neck keeps twisting to one side"]),
    "myasthenia_signs": ({}, ["eyelid twitch and double vision by the evening"]),
    "infant_spasms": ({}, ["my 5 month old baby has spasms in clusters"]),
    "young_child": ({}, ["my 3 year old son's calf twitches"]),
    "claudication": ({}, ["my calf cramps when I walk and goes when I rest"]),
    "pregnancy_bleeding": ({"pregnancy": "yes, 8 weeks"}, ["leg cramps and a bit of spotting today"]),
    "severe_pre_eclampsia": ({"pregnancy": "34 weeks"}, ["leg twitching, a bad headache and flashing lights"]),
    "infant_floppy_or_breathing": ({}, ["baby is floppy and twitching"]),
}


def level_for(said, notes):
    return assess({**CALM, **said}, notes).level


def test_every_rule_has_a_case():
    assert {rule.id for rule in load().rules} == set(RULE_CASES)


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_sets_its_level(rule_id):
    rule = next(r for r in load().rules if r.id == rule_id)
    said, notes = RULE_CASES[rule_id]
    result = assess({**CALM, **said}, notes)
    assert result.level == rule.level
    assert rule_id in [r.id for r in result.triage.reasons]


def test_nothing_worrying_is_self_care():
    result = assess({**CALM, "duration": "3 days", "caffeine": "5 coffees"}, ["eyelid twitching"])
    assert result.level == "self_care" and result.triage.reasons == []


def test_gradual_speech_change_is_urgent_but_sudden_is_an_emergency():
    assert level_for({"bulbar": "my speech has slowly got slurred over months"}, []) == "urgent"
    assert level_for({"bulbar": "my speech went slurred an hour ago"}, []) == "emergency"


def test_a_warning_sign_said_in_passing_counts():
    assert level_for({}, ["my fingers are tingling and my hand twitches"]) == "urgent"


def test_negated_warning_signs_do_not_count():
    assert level_for({}, ["eyelid twitch, no numbness and no weakness, breathing fine"]) == "self_care"


def test_unanswered_warning_signs_are_never_reassuring():
    result = assess({"duration": "2 days"}, ["eyelid twitch"])
    assert result.level == "see_doctor"


@pytest.mark.parametrize("vignette", load_vignettes(), ids=lambda v: v["id"])
def test_not_sure_instead_of_no_never_lowers_urgency(vignette):
    answers = all_answers(vignette)
    baseline = LEVELS.index(assess(answers, [vignette["opening"]]).level)
    for topic in [t for t in WARNING_TOPICS if answers[t] == "no"]:
        unsure = {**answers, topic: "not sure"}
        assert LEVELS.index(assess(unsure, [vignette["opening"]]).level) <= baseline, topic


@pytest.mark.parametrize("said, level", [
    ("my hand started getting weak 2 months ago", "urgent"),
    ("my speech started slurring a few months ago and it is getting worse", "urgent"),
    ("the tingling in my feet began last year and it's still there", "urgent"),
    ("had pins and needles in my foot years ago but that went", "self_care"),
])
def test_when_it_started_is_not_when_it_ended(said, level):
    """Onset times ("started 2 months ago") never make a sign a thing of the past; an ended one does."""
    result = assess({**CALM, "duration": "4 days", "multiple_areas": "no"}, [f"my calf twitches. {said}"])
    assert result.level == level, [r.id for r in result.triage.reasons]
