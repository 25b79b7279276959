"""The whole assessment: triage, likely causes, advice and safety-netting, and its wording."""
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence

from . import text as parse
from .detect import Evidence, detect
from .knowledge import LEVELS, KnowledgeBase, load
from .ranking import RankedCause, rank_causes
from .triage import Triage, triage

LEVEL_BADGES = {
    "emergency": "🔴 EMERGENCY",
    "urgent": "🟠 URGENT",
    "see_doctor": "🟡 SEE A DOCTOR",
    "self_care": "🟢 SELF-CARE",
}
# The general tip that speaks to a likely cause; other causes bring their own first tip.
GENERAL_TIP_FOR_CAUSE = {
    "caffeine": "caffeine", "sleep_deprivation": "sleep", "stress_anxiety": "relaxation",
    "dehydration_electrolytes": "fluids", "alcohol": "alcohol", "nutrient_deficiency": "balanced_diet",
}
# Findings that only say what the symptom is; a cause is explained by something more telling.
SYMPTOM_FINDINGS = {"symptom_twitch", "symptom_spasm", "symptom_cramp", "eyelid"}
TOP_CAUSES = 3
UNPLACED_RULE = "unplaced_symptom"


@dataclass(frozen=True)
class Assessment:
    triage: Triage
    causes: List[RankedCause]
    evidence: Evidence
    advice: List[str]
    safety_net: List[str]
    feared: List[str]          # rare conditions the person is worried about

    @property
    def level(self) -> str:
        return self.triage.level

    @property
    def cause_ids(self) -> List[str]:
        return [r.cause.id for r in self.causes]


def _feared_conditions(texts: Sequence[str], kb: KnowledgeBase) -> List[str]:
    cleaned = [parse.normalise(t) for t in texts if t]
    return [
        cause_id for cause_id, note in kb.advice["rarity_notes"].items()
        if any(parse.says_any(clean, note["mentions"]) for clean in cleaned)
    ]


def _advice(level: str, found: Evidence, causes: List[RankedCause], kb: KnowledgeBase) -> List[str]:
    if level == "emergency":
        return []  # nothing should delay getting help
    general = {tip["id"]: tip["text"] for tip in kb.advice["general_advice"]}
    tips = [general[GENERAL_TIP_FOR_CAUSE[r.cause.id]] if r.cause.id in GENERAL_TIP_FOR_CAUSE else r.cause.advice[0]
            for r in causes[:TOP_CAUSES]]
    if {"symptom_cramp", "symptom_spasm"} & set(found):
        tips.append(general["stretch_massage"])
    if "takes_medicine" in found or "medication_side_effect" in [r.cause.id for r in causes[:TOP_CAUSES]]:
        tips.append(general["keep_medicines"])
    return list(dict.fromkeys(tips or [general["relaxation"], general["sleep"], general["caffeine"]]))


def assess(answers: Mapping[str, Optional[str]], notes: Sequence[str] = (),
           kb: Optional[KnowledgeBase] = None) -> Assessment:
    kb = kb or load()
    found = detect(answers, notes, kb)
    result = triage(found, kb)
    causes = rank_causes(found, kb)
    escalations = [
        line["text"] for line in kb.advice["safety_net"]
        if LEVELS.index(line["level"]) < LEVELS.index(result.level)
    ]
    return Assessment(
        triage=result,
        causes=causes,
        evidence=found,
        advice=_advice(result.level, found, causes, kb),
        safety_net=escalations,
        feared=_feared_conditions([*answers.values(), *notes], kb),
    )


def _quote(words: Sequence[str]) -> str:
    """The person's own words, unless they were only "yes" or "no" (which say nothing more)."""
    said = words[0] if words else ""
    if not said or said.startswith("(") or parse.yes_no_unknown(said) and len(said.split()) <= 2:
        return ""
    return f' ("{said[:80]}{"…" if len(said) > 80 else ""}")'


def explain_cause(ranked: RankedCause, found: Evidence, kb: Optional[KnowledgeBase] = None) -> str:
    """The cause, what it is, and what the person said that points to it (their words, once)."""
    kb = kb or load()
    telling = [f for f in ranked.support if f not in SYMPTOM_FINDINGS] or ranked.support
    quoted = set()
    reasons = []
    for finding_id in telling:
        quote = _quote(found.get(finding_id, []))
        reasons.append(kb.findings[finding_id].label + ("" if quote in quoted else quote))
        quoted.add(quote)
    why = ("You mentioned " + "; ".join(reasons) + ".") if reasons else "It is one of the most common everyday causes."
    return f"{ranked.cause.name}: {ranked.cause.explanation.strip()} {why}"


def render(assessment: Assessment, kb: Optional[KnowledgeBase] = None) -> List[str]:
    """The assessment as a few chat messages, most important first."""
    kb = kb or load()
    level = assessment.level
    heading = kb.advice["levels"][level]
    messages = [f"{LEVEL_BADGES[level]}: {heading['title']}\n{heading['action']}"]

    found = assessment.evidence
    # What the assistant cannot assess is always said, even when something else decided the level.
    unplaced = [r for r in assessment.triage.also_noted if r.id == UNPLACED_RULE]
    if assessment.triage.reasons:
        lines = []
        for rule in [*assessment.triage.reasons, *unplaced]:
            words = next((found[f] for f in (*rule.any, *rule.all) if f in found), [])
            lines.append(f"• {rule.sign}{_quote(words)}" + (f" {rule.advice.strip()}" if rule.advice else ""))
        messages.append("Why I say this:\n" + "\n".join(lines))
    else:
        messages.append("Why I say this: nothing you told me points to a warning sign, and this sounds like the common, harmless kind.")

    if level != "emergency" and assessment.causes:
        top = assessment.causes[:TOP_CAUSES]
        messages.append("What most likely explains it:\n" + "\n".join(
            f"{n}. {explain_cause(r, found, kb)}" for n, r in enumerate(top, 1)))
    if assessment.advice:
        messages.append("What you can do:\n" + "\n".join(f"• {tip}" for tip in assessment.advice))
    if assessment.safety_net:
        messages.append("Come back or get help sooner if:\n" + "\n".join(f"• {line}" for line in assessment.safety_net))
    for cause_id in assessment.feared:
        name = kb.causes[cause_id].name if cause_id in kb.causes else cause_id
        messages.append(f"About your worry ({name}): {kb.advice['rarity_notes'][cause_id]['text'].strip()}")
    messages.append("ℹ️ " + kb.advice["disclaimer"].strip() + "\nBased on: " + "; ".join(_sources(assessment, kb)) + ".")
    return messages


def _sources(assessment: Assessment, kb: KnowledgeBase) -> List[str]:
    """Where the facts behind this reply come from: its rules and the causes it names."""
    ids: Dict[str, None] = {}
    for rule in assessment.triage.reasons:
        ids.update(dict.fromkeys(rule.sources))
    if assessment.level != "emergency":
        for ranked in assessment.causes[:TOP_CAUSES]:
            ids.update(dict.fromkeys(ranked.cause.sources))
    return kb.source_names(ids or ["nhs_twitching"])
