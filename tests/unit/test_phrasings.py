"""The phrasing matrix: every warning sign in many people's words, in every position, and the
look-alikes that must not be read as one.

tests/phrasings/phrasings.yml was written blind (by an author who had not seen the code or the
lexicon), so these wordings are not the ones the lexicon was written from.
"""
from pathlib import Path

import pytest
import yaml

from actions.medical.assessment import assess
from actions.medical.knowledge import LEVELS, WARNING_TOPICS

MATRIX = yaml.safe_load((Path(__file__).resolve().parent.parent / "phrasings" / "phrasings.yml").read_text())
CALM = {topic: "no" for topic in WARNING_TOPICS}

# The blind author's sign names -> the triage rules that stand for that sign here.
SIGN_RULES = {
    "breathing_trouble": {"breathing_trouble"},
    "sudden_swallowing": {"sudden_swallowing_or_speech"},
    "slurred_speech": {"sudden_swallowing_or_speech"},
    "face_droop": {"face_droop"},
    "one_side_weakness": {"one_side_weakness", "sudden_weakness"},
    "seizure": {"collapse_or_seizure"},
    "collapse": {"collapse_or_seizure"},
    "confusion": {"confusion"},
    "chest_pain": {"chest_pain"},
    "thunderclap_headache": {"thunderclap_headache"},
    "stiff_neck_fever": {"meningitis_signs"},
    "overdose": {"overdose"},
    "tetanus": {"tetanus_signs"},
    "heatstroke": {"confusion", "collapse_or_seizure"},
    "ascending_weakness": {"ascending_weakness"},
    "cauda_equina": {"cauda_equina"},
    "rhabdo": {"rhabdomyolysis", "dark_urine"},
    "serotonin": {"serotonin_syndrome"},
    "weakness": {"weakness", "one_side_weakness", "sudden_weakness", "ascending_weakness"},
    "numbness_tingling": {"numbness_tingling", "injury_with_numbness"},
    "muscle_wasting": {"muscle_wasting"},
    "progressive_bulbar": {"progressive_bulbar"},
    "calf_dvt": {"swollen_calf"},
    "prolonged_cramp": {"prolonged_cramp"},
    "post_surgery_tetany": {"post_surgery_tetany"},
    "pre_eclampsia": {"pregnancy_warning"},
    "alcohol_withdrawal": {"alcohol_withdrawal"},
    "purging_palpitations": {"purging"},
    "severe_vomiting_diarrhoea": {"vomiting_diarrhoea"},
}

# Where a warning sign can be said: (answers, notes) with the sign's words put in.
POSITIONS = {
    "opening": lambda said: (CALM, [said]),
    "in_an_answer": lambda said: ({**CALM, "caffeine": f"2 coffees a day. {said}"}, ["my calf twitches"]),
    "after_no": lambda said: ({**CALM, "wasting": f"no, {said}"}, ["my calf twitches"]),
    "after_nope": lambda said: ({**CALM, "multiple_areas": f"nope. also {said}"}, ["eyelid twitch"]),
    "after_slash": lambda said: (CALM, [f"/ {said}"]),
    "after_a_remark": lambda said: (CALM, [f"my eyelid keeps twitching, been a rough week, and {said}"]),
}


def fired(answers, notes):
    result = assess(answers, notes).triage
    return result.level, {r.id for r in [*result.reasons, *result.also_noted]}


def at_least(level: str, wanted: str) -> bool:
    return LEVELS.index(level) <= LEVELS.index(wanted)


SIGN_CASES = [(sign, spec["level"], said) for sign, spec in MATRIX["signs"].items() for said in spec["phrasings"]]


def test_every_sign_has_at_least_six_phrasings_and_a_rule():
    assert set(MATRIX["signs"]) == set(SIGN_RULES)
    assert all(len(spec["phrasings"]) >= 6 for spec in MATRIX["signs"].values())


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("sign, level, said", SIGN_CASES, ids=[f"{s}-{n}" for n, (s, _, _) in enumerate(SIGN_CASES)])
def test_a_warning_sign_is_caught_wherever_it_is_said(sign, level, said, position):
    got, rules = fired(*POSITIONS[position](said))
    assert at_least(got, level), f"{said!r} ({position}) gave {got}, fired {sorted(rules)}"


@pytest.mark.parametrize("case", MATRIX["benign"], ids=[f"{c['kind']}-{n}" for n, c in enumerate(MATRIX["benign"])])
def test_a_look_alike_is_not_a_warning_sign(case):
    level, rules = fired(CALM, [case["text"]])
    wrong = rules & set().union(*(SIGN_RULES[s] for s in case["not"]))
    assert not wrong, f"{case['text']!r} read as {sorted(wrong)} ({level})"
    assert level in ("see_doctor", "self_care"), f"{case['text']!r} gave {level}: {sorted(rules)}"


@pytest.mark.parametrize("case", MATRIX["mixed"], ids=[f"mixed-{n}" for n in range(len(MATRIX["mixed"]))])
def test_one_clause_never_cancels_another(case):
    level, rules = fired(CALM, [case["text"]])
    wanted = min((MATRIX["signs"][s]["level"] for s in case["has"]), key=LEVELS.index)
    assert at_least(level, wanted), f"{case['text']!r} gave {level}, fired {sorted(rules)}"
    caught = set().union(*(SIGN_RULES[s] for s in case["has"]))
    assert rules & caught, f"{case['text']!r} missed {case['has']}: fired {sorted(rules)}"
    wrong = rules & (set().union(*(SIGN_RULES[s] for s in case.get("not", []))) - caught)
    assert not wrong, f"{case['text']!r} also read as {sorted(wrong)}"
