"""The whole assessment: triage, likely causes, advice and safety-netting, and its wording."""
import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence

from . import reader
from . import text as parse
from .detect import Evidence, detect
from .knowledge import LEVELS, KnowledgeBase, load
from .patient import read_patient
from .ranking import RankedCause, rank_causes
from .triage import Triage, triage

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


def _advice(level: str, found: Evidence, causes: List[RankedCause], kb: KnowledgeBase,
            fired: Sequence = ()) -> List[str]:
    if level == "emergency":
        return []  # nothing should delay getting help
    general = {tip["id"]: tip["text"] for tip in kb.advice["general_advice"]}
    if "young_child" in found:
        return [general["young_child"]]  # no adult lifestyle tips (coffee, sports drinks) for a young child
    tips = [general[GENERAL_TIP_FOR_CAUSE[r.cause.id]] if r.cause.id in GENERAL_TIP_FOR_CAUSE else r.cause.advice[0]
            for r in causes[:TOP_CAUSES]]
    if {"symptom_cramp", "symptom_spasm"} & set(found):
        tips.append(general["stretch_massage"])
    stop_now = any(rule.stops_medicine for rule in fired)  # "don't take the next dose" is never contradicted
    if not stop_now and ("takes_medicine" in found or "medication_side_effect" in [r.cause.id for r in causes[:TOP_CAUSES]]):
        tips.append(general["keep_medicines"])
    return safe_advice(tips or [general["relaxation"], general["sleep"], general["caffeine"]], found, kb)


def safe_advice(tips: Sequence[str], found: Evidence, kb: Optional[KnowledgeBase] = None) -> List[str]:
    """Advice that a known condition contradicts is replaced (advice.yml `advice_conflicts`):
    no salt or sports drinks for someone with high blood pressure or on a water tablet."""
    kb = kb or load()
    safe = []
    for tip in tips:
        for conflict in kb.advice["advice_conflicts"]:
            if any(f in found for f in conflict["findings"]) and parse.says_any(parse.normalise(tip), conflict["words"]):
                tip = conflict["instead"]
        safe.append(tip)
    return list(dict.fromkeys(safe))


def _can_apply(cause, patient, answers: Mapping[str, Optional[str]]) -> bool:
    """A cause is never offered to someone it cannot apply to, or who has said it does not."""
    if cause.applies_to and not getattr(patient, cause.applies_to)():
        return False
    said = answers.get(cause.ruled_out_by_no) if cause.ruled_out_by_no else None
    return not (said and parse.yes_no_unknown(said) == "no")


def assess(answers: Mapping[str, Optional[str]], notes: Sequence[str] = (),
           kb: Optional[KnowledgeBase] = None) -> Assessment:
    kb = kb or load()
    found = detect(answers, notes, kb)
    result = triage(found, kb)
    patient = read_patient([*notes, *(a for a in answers.values() if a)])
    causes = [r for r in rank_causes(found, kb) if _can_apply(r.cause, patient, answers)]
    escalations = [
        line["text"] for line in kb.advice["safety_net"]
        if LEVELS.index(line["level"]) < LEVELS.index(result.level)
    ]
    return Assessment(
        triage=result,
        causes=causes,
        evidence=found,
        advice=_advice(result.level, found, causes, kb, [*result.reasons, *result.also_noted]),
        safety_net=escalations,
        feared=_feared_conditions([*answers.values(), *notes], kb),
    )


QUOTE_WORDS = 12  # a quote is a few words, cut at a word, never mid-word


def _clause(text: str, phrases: Sequence[str]) -> str:
    """The clause of a message that says the finding ("no stress, but I live on coffee" -> "I live on
    coffee" for caffeine), so each cause is backed by its own words; the whole message otherwise."""
    clauses = [c.strip() for c in re.split(r"[.;!?]+|,\s*(?:but|though)\b|\s(?:but|though|although)\s", text) if c and c.strip()]
    return next((c for c in clauses if parse.says_any(parse.normalise(c), phrases)), text.strip())


def quote(found: Evidence, finding_ids: Sequence[str], kb: Optional[KnowledgeBase] = None) -> str:
    """The person's own words for the first of these findings they said, as ' ("...")'; nothing for
    a bare "yes"/"no" (it says nothing more) or a placeholder."""
    kb = kb or load()
    for finding_id in finding_ids:
        said = (found.get(finding_id) or [""])[0]
        if not said or said.startswith("(") or parse.yes_no_unknown(said) and len(said.split()) <= 2:
            continue
        matched = [m.words for m in reader.read(said).mentions if m.finding == finding_id]
        words = _clause(said, matched or kb.lexicon["findings"].get(finding_id, {}).get("phrases", [])).split()
        cut = " ".join(words[:QUOTE_WORDS]) + ("…" if len(words) > QUOTE_WORDS else "")
        return f' ("{cut}")'
    return ""


def explain_cause(ranked: RankedCause, found: Evidence, kb: Optional[KnowledgeBase] = None) -> str:
    """The cause, what it is, and what the person said that points to it (their words, once)."""
    kb = kb or load()
    telling = [f for f in ranked.support if f not in SYMPTOM_FINDINGS] or ranked.support
    quoted = set()
    reasons = []
    for finding_id in telling:
        said = quote(found, [finding_id], kb)
        reasons.append(kb.findings[finding_id].label + ("" if said in quoted else said))
        quoted.add(said)
    why = ("You mentioned " + "; ".join(reasons) + ".") if reasons else "It is one of the most common everyday causes."
    return f"{ranked.cause.name}: {ranked.cause.explanation.strip()} {why}"


def sources(assessment: Assessment, kb: KnowledgeBase) -> List[str]:
    """Where the facts behind this reply come from: its rules and the causes it names."""
    ids: Dict[str, None] = {}
    for rule in assessment.triage.reasons:
        ids.update(dict.fromkeys(rule.sources))
    if assessment.level != "emergency":
        for ranked in assessment.causes[:TOP_CAUSES]:
            ids.update(dict.fromkeys(ranked.cause.sources))
    for conflict in kb.advice["advice_conflicts"]:
        if assessment.advice and any(f in assessment.evidence for f in conflict["findings"]):
            ids.update(dict.fromkeys(conflict["sources"]))
    return kb.source_names(ids or ["nhs_twitching"])
