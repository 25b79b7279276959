"""The knowledge base is complete and consistent: nothing the engine reads is undefined."""
import pytest

from actions import interview
from actions.medical import assessment
from actions.medical.knowledge import LEVELS, TOPICS, load

CATALOG = [
    "stress_anxiety", "caffeine", "sleep_deprivation", "exercise_fatigue", "dehydration_electrolytes",
    "nutrient_deficiency", "medication_side_effect", "alcohol", "pregnancy", "muscle_injury",
    "pinched_nerve", "nerve_damage", "multiple_sclerosis", "als", "isaacs_syndrome", "kidney_disease",
    "thyroid_disorder", "diabetes", "anemia", "fibromyalgia", "muscular_dystrophy",
    "serotonin_syndrome", "brain_condition",
]
RARE_SERIOUS = ["als", "multiple_sclerosis", "isaacs_syndrome", "muscular_dystrophy", "nerve_damage"]
KB = load()


@pytest.mark.parametrize("cause_id", CATALOG)
def test_every_catalog_cause_has_explanation_advice_and_sources(cause_id):
    cause = KB.causes[cause_id]
    assert cause.name and len(cause.explanation) > 40
    assert cause.advice and all(len(tip) > 15 for tip in cause.advice)
    assert cause.sources and set(cause.sources) <= set(KB.sources)
    assert cause.points_to, "a cause nothing points to could never be suggested for a reason"


def test_rare_serious_causes_need_evidence():
    assert all(KB.causes[c].needs_evidence for c in RARE_SERIOUS)


def test_every_finding_the_engine_reads_is_defined():
    used = set()
    for cause in KB.causes.values():
        used |= set(cause.points_to)
    for rule in KB.rules:
        used |= set(rule.any) | set(rule.all) | set(rule.none)
    for finding in KB.findings.values():
        used |= set(finding.needs_any)
    used |= assessment.SYMPTOM_FINDINGS | interview.FLUID_FINDINGS | interview.CRAMP_FINDINGS
    used |= {"unsure_warning_sign", "takes_medicine"}
    assert used - set(KB.findings) == set()


def test_findings_belong_to_interview_topics():
    assert {f.topic for f in KB.findings.values()} <= set(TOPICS)
    assert {f.yes_to for f in KB.findings.values() if f.yes_to} <= set(TOPICS)


def test_rules_use_known_levels_and_sources():
    for rule in KB.rules:
        assert rule.level in LEVELS[:3], rule.id
        assert rule.sign and set(rule.sources) <= set(KB.sources), rule.id
        assert rule.any or rule.all, rule.id


def test_general_advice_covers_the_standard_guidance():
    ids = {tip["id"] for tip in KB.advice["general_advice"]}
    assert {"sleep", "caffeine", "fluids", "balanced_diet", "relaxation", "stretch_massage",
            "no_unneeded_supplements", "keep_medicines"} <= ids
    for tip in KB.advice["general_advice"]:
        assert set(tip["sources"]) <= set(KB.sources)


def test_texts_for_every_topic_level_and_question():
    assert set(TOPICS) <= set(KB.advice["why_we_ask"])
    assert set(TOPICS) <= set(KB.conversation["questions"])
    assert set(LEVELS) == set(KB.advice["levels"])
    assert {"twitch_vs_cramp", "is_it_als", "magnesium", "how_to_stop", "when_see_doctor",
            "what_is_fasciculation"} <= set(KB.advice["faq"])
    assert set(RARE_SERIOUS) <= set(KB.advice["rarity_notes"])
    assert "not a diagnosis" in KB.advice["disclaimer"]


def test_every_source_is_cited_somewhere():
    cited = {s for c in KB.causes.values() for s in c.sources} | {s for r in KB.rules for s in r.sources}
    cited |= {s for conflict in KB.advice["advice_conflicts"] for s in conflict["sources"]}
    cited |= {s for family in KB.followups["families"] for s in family["sources"]}
    cited |= {s for family in KB.followups["families"] for c in family.get("other_conditions", []) for s in c["sources"]}
    cited |= set(KB.followups["cannot_answer"]["sources"])
    assert cited == set(KB.sources)


def test_general_tips_named_for_causes_exist():
    tips = {tip["id"] for tip in KB.advice["general_advice"]}
    assert set(assessment.GENERAL_TIP_FOR_CAUSE.values()) <= tips
    assert set(assessment.GENERAL_TIP_FOR_CAUSE) <= set(KB.causes)
