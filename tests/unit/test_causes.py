"""Likely causes: each catalog cause is found from what points to it, and rare ones only then."""
import pytest

from actions import result as shown
from actions.medical.assessment import assess
from actions.medical.knowledge import WARNING_TOPICS
from tests.unit.test_knowledge import CATALOG, RARE_SERIOUS
from tests.unit.test_result import everything

CALM = {topic: "no" for topic in WARNING_TOPICS}

# cause id -> (answers, notes) a person with that cause might give
CAUSE_CASES = {
    "stress_anxiety": ({"stress": "yes, exams next week and I'm really anxious"}, ["thumb twitching"]),
    "caffeine": ({"caffeine": "6 coffees and a red bull"}, ["eyelid keeps flickering"]),
    "sleep_deprivation": ({"sleep": "about 4 hours, newborn baby"}, ["eye twitch"]),
    "exercise_fatigue": ({"exercise": "ran a marathon yesterday"}, ["thighs twitching"]),
    "dehydration_electrolytes": ({"hydration": "sweating loads at work and only drinking plain water"},
                                 ["calf cramps"]),
    "nutrient_deficiency": ({"conditions": "no", "diet": "strict vegan, not much variety"}, ["twitchy calves"]),
    "medication_side_effect": ({"medications": "prednisolone for my asthma"}, ["hands twitching"]),
    "alcohol": ({"alcohol": "about 30 units a week"}, ["leg cramps"]),
    "pregnancy": ({"pregnancy": "yes, 28 weeks"}, ["calf cramps at night"]),
    "muscle_injury": ({"injury": "pulled my hamstring playing football", "pain": "yes it hurts"}, ["spasm in the back of my thigh"]),
    "pinched_nerve": ({"numbness": "yes tingling down my leg", "pain": "lower back pain"}, ["calf twitching"]),
    "nerve_damage": ({"numbness": "numb toes", "weakness": "a bit weak"}, ["foot twitching"]),
    "multiple_sclerosis": ({"conditions": "blurred vision last month and I feel stiff"}, ["legs jumping"]),
    "als": ({"weakness": "yes I keep dropping things", "wasting": "my hand looks thinner"}, ["hand twitching"]),
    "isaacs_syndrome": ({"symptom_type": "stiff muscles that won't relax and constant rippling"}, ["twitching"]),
    "kidney_disease": ({"conditions": "chronic kidney disease, on dialysis"}, ["leg cramps"]),
    "thyroid_disorder": ({"conditions": "underactive thyroid"}, ["twitching"]),
    "diabetes": ({"conditions": "type 2 diabetes"}, ["calf cramps"]),
    "anemia": ({"conditions": "low iron, always dizzy"}, ["twitching"]),
    "fibromyalgia": ({"pain": "yes, aches all over my body"}, ["twitches everywhere"]),
    "muscular_dystrophy": ({"weakness": "yes my legs are weak", "conditions": "my dad had muscular dystrophy, it runs in the family"},
                           ["thigh twitching"]),
    "serotonin_syndrome": ({"medications": "just started sertraline"}, ["jerking muscles, fever and racing heart"]),
    "brain_condition": ({"conditions": "I had a stroke last year"}, ["arm stiff and spasming"]),
}


def test_every_catalog_cause_has_a_case():
    assert set(CAUSE_CASES) == set(CATALOG)


@pytest.mark.parametrize("cause_id", sorted(CAUSE_CASES))
def test_cause_is_among_the_three_most_likely(cause_id):
    said, notes = CAUSE_CASES[cause_id]
    result = assess({**CALM, **said}, notes)
    assert cause_id in result.cause_ids[:3], result.cause_ids[:5]


BENIGN = [
    ({"caffeine": "loads", "sleep": "5 hours"}, ["my eyelid is twitching"]),
    ({"exercise": "long run in the heat"}, ["calf cramp after my run"]),
    ({"stress": "a bit"}, ["random twitches in my arm"]),
    ({}, ["my leg twitches"]),
]


@pytest.mark.parametrize("said, notes", BENIGN)
def test_rare_serious_causes_are_not_suggested_without_a_reason(said, notes):
    result = assess({**CALM, **said}, notes)
    assert not set(RARE_SERIOUS) & set(result.cause_ids[:3])


def test_a_feared_condition_gets_the_rarity_note_without_being_suggested():
    result = assess({**CALM, "duration": "4 days"}, ["my calf twitches, is it ALS? I'm terrified"])
    assert result.feared == ["als"] and "als" not in result.cause_ids
    card = shown.card(result)
    seen = shown.card_text(card)
    assert "About Motor neurone disease (ALS)" in seen and "rare" in seen
    assert card.section(shown.WORRY)


def test_each_cause_cites_the_answers_that_support_it():
    said, notes = CAUSE_CASES["caffeine"]
    reply = shown.section_text(shown.card(assess({**CALM, **said}, notes)), shown.CAUSES)
    assert '"6 coffees and a red bull"' in reply


def test_every_reply_says_it_is_not_a_diagnosis():
    for said, notes in [*CAUSE_CASES.values(), *BENIGN]:
        card = shown.card(assess({**CALM, **said}, notes))
        assert "not a diagnosis" in shown.card_text(card) and "not a diagnosis" in card.reminder


def test_emergency_reply_is_short_and_names_no_causes():
    card = shown.card(assess({**CALM, "bulbar": "yes I can't breathe"}, []))
    assert shown.card_text(card).startswith("🔴 EMERGENCY")
    assert not card.section(shown.CAUSES) and "Likely causes" not in shown.card_text(card)


def test_advice_is_personal():
    result = assess({**CALM, "caffeine": "8 coffees", "sleep": "4 hours"}, ["eyelid twitch"])
    advice = " ".join(result.advice).lower()
    assert "coffee" in advice and ("rest" in advice or "sleep" in advice)


def test_the_reply_names_its_sources():
    said, notes = CAUSE_CASES["kidney_disease"]
    card = shown.card(assess({**CALM, **said}, notes))
    # on the card where it has room (Slack; the web card reads card.sources), and in the doctor summary
    assert "MSD Manual" in card.sources
    assert "Based on: " in str(shown.slack_message(card)) and "MSD Manual" in str(shown.slack_message(card))
    assert "MSD Manual" in shown.summary_text(shown.doctor_summary(card, ["my legs cramp"], said))


def test_a_symptom_it_cannot_place_is_said_plainly_never_dropped():
    urgent = assess({**CALM, "numbness": "yes my fingers tingle", "anything_else": "my vision has gone blurry"}, ["hand twitching"])
    assert urgent.level == "urgent"
    seen = shown.card_text(shown.card(urgent))  # on the card itself, not in a closed section
    assert "blurry" in seen and "can't assess" in seen and "999" in seen
    alone = assess({**CALM, "anything_else": "I feel hot and shivery"}, ["eyelid twitch"])
    assert alone.level == "see_doctor"
    assert "nothing you told me points to a warning sign" not in everything(shown.card(alone)).lower()


def test_plain_chatter_is_not_a_symptom():
    calm = assess({**CALM, "anything_else": "no, work is mad though"}, ["eyelid twitch for 2 days"])
    assert calm.level == "self_care"
