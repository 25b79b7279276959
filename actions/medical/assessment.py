"""The whole assessment: triage, likely causes, advice and safety-netting, and its wording."""
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence

from . import text as parse
from .detect import Evidence, detect, mentions
from .knowledge import LEVELS, KnowledgeBase, load
from .ranking import RankedCause, rank_causes
from .triage import Triage, triage

LEVEL_BADGES = {
    "emergency": "🔴 EMERGENCY",
    "urgent": "🟠 URGENT",
    "see_doctor": "🟡 SEE A DOCTOR",
    "self_care": "🟢 SELF-CARE",
}
# General tips that fit a finding, so advice speaks to what the person told us.
TIPS_FOR_FINDINGS = {
    "high_caffeine": "caffeine", "short_sleep": "sleep", "stressed": "relaxation",
    "heavy_sweating": "fluids", "strenuous_exercise": "fluids", "poor_fluids": "fluids",
    "heavy_alcohol": "alcohol", "restricted_diet": "balanced_diet", "symptom_cramp": "stretch_massage",
    "symptom_spasm": "stretch_massage", "takes_medicine": "keep_medicines",
}
TOP_CAUSES = 3


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
        if any(mentions(clean, note["mentions"]) for clean in cleaned)
    ]


def _advice(level: str, found: Evidence, causes: List[RankedCause], kb: KnowledgeBase) -> List[str]:
    if level == "emergency":
        return []  # nothing should delay getting help
    general = {tip["id"]: tip["text"] for tip in kb.advice["general_advice"]}
    tips = [general[tip] for finding, tip in TIPS_FOR_FINDINGS.items() if finding in found]
    tips += [r.cause.advice[0] for r in causes[:TOP_CAUSES] if r.cause.advice]
    if not tips:
        tips = [general["relaxation"], general["sleep"], general["caffeine"]]
    if "takes_medicine" in found or "medicine_cause" in found:
        tips.append(general["keep_medicines"])
    return list(dict.fromkeys(tips))[:5]


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
    said = words[0] if words else ""
    return f' ("{said[:80]}{"…" if len(said) > 80 else ""}")' if said and not said.startswith("(") else ""


def explain_cause(ranked: RankedCause, found: Evidence, kb: Optional[KnowledgeBase] = None) -> str:
    kb = kb or load()
    reasons = [kb.findings[f].label + _quote(found.get(f, [])) for f in ranked.support]
    why = ("You mentioned " + "; ".join(reasons) + ".") if reasons else "It is one of the most common everyday causes."
    return f"{ranked.cause.name}: {ranked.cause.explanation} {why}"


def render(assessment: Assessment, kb: Optional[KnowledgeBase] = None) -> List[str]:
    """The assessment as a few chat messages, most important first."""
    kb = kb or load()
    level = assessment.level
    heading = kb.advice["levels"][level]
    messages = [f"{LEVEL_BADGES[level]}: {heading['title']}\n{heading['action']}"]

    found = assessment.evidence
    if assessment.triage.reasons:
        lines = []
        for rule in assessment.triage.reasons:
            words = next((found[f] for f in (*rule.any, *rule.all) if f in found), [])
            lines.append(f"• {rule.sign}{_quote(words)}")
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
    messages.append("ℹ️ " + kb.advice["disclaimer"].strip())
    return messages


def sources_for(assessment: Assessment, kb: Optional[KnowledgeBase] = None) -> List[str]:
    """Where the facts behind this assessment come from, for a "sources?" follow-up."""
    kb = kb or load()
    ids: Dict[str, None] = {}
    for rule in assessment.triage.reasons:
        ids.update(dict.fromkeys(rule.sources))
    for ranked in assessment.causes[:TOP_CAUSES]:
        ids.update(dict.fromkeys(ranked.cause.sources))
    return kb.source_titles(ids)
