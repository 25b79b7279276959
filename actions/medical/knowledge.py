"""The knowledge base: YAML files in actions/knowledge, loaded once and checked."""
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"
LEVELS = ("emergency", "urgent", "see_doctor", "self_care")  # most urgent first
TOPICS = (
    "symptom_type", "location", "duration", "frequency", "multiple_areas", "caffeine", "alcohol",
    "hydration", "sleep", "stress", "exercise", "medications", "injury", "pregnancy", "conditions",
    "diet", "pain", "weakness", "numbness", "wasting", "bulbar", "emergency_signs", "anything_else", "confirm",
)
# `confirm` asks about a warning sign the learned layer suspects (suspect.py); its answers are kept
# per concept, as answers to CONFIRMED + concept.
CONFIRMED = "confirm:"
WARNING_TOPICS = ("emergency_signs", "weakness", "numbness", "wasting", "bulbar")


@dataclass(frozen=True)
class Finding:
    id: str
    label: str
    topic: str
    yes_to: Optional[str] = None
    measure: Optional[str] = None
    needs_any: List[str] = field(default_factory=list)
    implied_by: Optional[str] = None
    supporting_only: bool = False
    applies_to: Optional[str] = None   # a Patient property that must hold (patient.py)
    from_patient: bool = False         # an age group, read from who the patient is
    when_passed: Optional[str] = None  # the finding it still shows when it came and went
    not_in_questions: bool = False     # a question that mentions it does not show it


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    sign: str
    sources: List[str]
    any: List[str] = field(default_factory=list)
    all: List[str] = field(default_factory=list)
    none: List[str] = field(default_factory=list)
    advice: Optional[str] = None  # what to do for this sign, when the level's words are not enough
    stops_medicine: bool = False  # the guidance is to stop the medicine now: "keep taking it" is never said
    kind: Optional[str] = None    # the kind of emergency, shown under the level ("These can be signs of a stroke.")

    def fires(self, present) -> bool:
        return (
            (not self.any or any(f in present for f in self.any))
            and all(f in present for f in self.all)
            and not any(f in present for f in self.none)
        )


@dataclass(frozen=True)
class Cause:
    id: str
    name: str
    rarity: str
    explanation: str
    points_to: Dict[str, float]
    baseline: float
    advice: List[str]
    sources: List[str]
    asked_as: List[str] = field(default_factory=list)
    applies_to: Optional[str] = None  # a Patient property that must hold (patient.py)
    ruled_out_by_no: Optional[str] = None  # a topic whose plain "no" rules the cause out

    @property
    def needs_evidence(self) -> bool:
        """Rare or serious causes are only ever suggested when a finding points to them."""
        return self.baseline == 0


@dataclass(frozen=True)
class KnowledgeBase:
    findings: Dict[str, Finding]
    thresholds: Dict[str, float]
    rules: List[Rule]
    causes: Dict[str, Cause]
    sources: Dict[str, dict]
    advice: dict
    conversation: dict  # questions and fixed replies (questions.yml)
    lexicon: dict       # the words for every finding, place and context cue (lexicon.yml)
    concepts: dict = field(default_factory=dict)  # the blind corpus's concepts (concepts.yml)
    checks: list = field(default_factory=list)    # safety questions that fit the complaint (checks.yml)
    followups: dict = field(default_factory=dict)  # questions after a result and their answers (followups.yml)

    def source_names(self, ids) -> List[str]:
        return [self.sources[i]["short"] for i in ids]


def _read(name: str) -> dict:
    with open(KNOWLEDGE_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=1)
def load() -> KnowledgeBase:
    findings_file = _read("findings.yml")
    findings = {
        finding_id: Finding(id=finding_id, **spec)
        for finding_id, spec in findings_file["findings"].items()
    }
    rules = [Rule(**rule) for rule in _read("triage.yml")["rules"]]
    causes = {c["id"]: Cause(**c) for c in _read("causes.yml")["causes"]}
    sources = {s["id"]: s for s in _read("sources.yml")["sources"]}
    kb = KnowledgeBase(
        findings=findings,
        thresholds=findings_file["thresholds"],
        rules=rules,
        causes=causes,
        sources=sources,
        advice=_read("advice.yml"),
        conversation=_read("questions.yml"),
        lexicon=_read("lexicon.yml"),
        concepts=_read("concepts.yml"),
        checks=_read("checks.yml")["checks"],
        followups=_read("followups.yml"),
    )
    check(kb)
    return kb


class KnowledgeError(ValueError):
    """The knowledge base names something it does not define."""


def check(kb: KnowledgeBase) -> None:
    """Fail at load time, not mid-conversation, when a name is unknown."""
    problems = []
    for fid, finding in kb.findings.items():
        if finding.topic not in TOPICS:
            problems.append(f"finding {fid}: unknown topic {finding.topic}")
        if finding.yes_to and finding.yes_to not in TOPICS:
            problems.append(f"finding {fid}: unknown yes_to topic {finding.yes_to}")
        problems += [f"finding {fid}: needs unknown {n}" for n in finding.needs_any if n not in kb.findings]
        if finding.when_passed and finding.when_passed not in kb.findings:
            problems.append(f"finding {fid}: when_passed unknown {finding.when_passed}")
        if finding.applies_to and not callable(getattr(_patient_class(), finding.applies_to, None)):
            problems.append(f"finding {fid}: applies_to unknown {finding.applies_to}")
        if finding.implied_by and finding.implied_by not in kb.findings:
            problems.append(f"finding {fid}: implied by unknown {finding.implied_by}")
    for rule in kb.rules:
        if rule.level not in LEVELS:
            problems.append(f"rule {rule.id}: unknown level {rule.level}")
        problems += [f"rule {rule.id}: unknown finding {f}" for f in (*rule.any, *rule.all, *rule.none)
                     if f not in kb.findings]
        problems += [f"rule {rule.id}: unknown source {s}" for s in rule.sources if s not in kb.sources]
    for cause in kb.causes.values():
        problems += [f"cause {cause.id}: unknown finding {f}" for f in cause.points_to if f not in kb.findings]
        problems += [f"cause {cause.id}: unknown source {s}" for s in cause.sources if s not in kb.sources]
        if cause.ruled_out_by_no and cause.ruled_out_by_no not in TOPICS:
            problems.append(f"cause {cause.id}: ruled_out_by_no unknown topic {cause.ruled_out_by_no}")
        if cause.applies_to and not callable(getattr(_patient_class(), cause.applies_to, None)):
            problems.append(f"cause {cause.id}: applies_to unknown {cause.applies_to}")
    lexicon = kb.lexicon
    problems += [f"lexicon: unknown finding {fid}" for fid in lexicon["findings"] if fid not in kb.findings]
    problems += [f"lexicon: {fid}: {phrase!r} is not text (quote it)" for fid, spec in lexicon["findings"].items()
                 for phrase in spec.get("phrases", []) if not isinstance(phrase, str)]
    problems += [f"lexicon: context cue {cue!r} is not text (quote it)" for spec in lexicon["context"].values()
                 for direction, cues in spec.items() if not direction.endswith("_PATTERNS") for cue in cues
                 if not isinstance(cue, (str, list))]
    problems += [f"lexicon: {fid} has an unknown kind" for fid, spec in lexicon["findings"].items()
                 if spec.get("kind", "symptom") not in ("symptom", "state", "condition")]
    problems += _check_replies(kb)
    for check_ in kb.checks:
        problems += [f"checks: {check_.get('id')}: unknown key {k}" for k in check_ if k not in ("id", "all", "any", "asks", "sources")]
        problems += [f"checks: {check_['id']}: unknown finding or place {f}" for f in (*check_.get("all", []), *check_.get("any", []))
                     if f not in kb.findings and not (f.startswith("place:") and f[6:] in kb.lexicon["places"])]
        problems += [f"checks: {check_['id']}: unknown warning sign {c}" for c in check_["asks"] if c not in kb.concepts["warning_signs"]]
        problems += [f"checks: {check_['id']}: unknown source {s}" for s in check_.get("sources", []) if s not in kb.sources]
    for group in ("warning_signs", "other"):
        for concept, spec in kb.concepts[group].items():
            problems += [f"concepts: {concept}: unknown finding {f}" for f in spec["findings"] if f not in kb.findings]
            problems += [f"concepts: {concept}: unknown key {k}" for k in spec if k not in ("findings", "ask", "sooner")]
            if group == "warning_signs" and "ask" not in spec:
                problems.append(f"concepts: warning sign {concept} has no question (ask)")
    problems += _check_followups(kb)
    if problems:
        raise KnowledgeError("; ".join(problems))


def check_fits(check_: dict, present) -> bool:
    """Whether a safety question of checks.yml fits the complaint: all of `all` and one of `any`
    (a finding or "place:calf") are present."""
    return all(f in present for f in check_.get("all", [])) and (not check_.get("any") or bool(set(present) & set(check_["any"])))


def _patient_class():
    from .patient import Patient  # patient.py reads the lexicon through load(): imported late
    return Patient


def _check_replies(kb: KnowledgeBase) -> List[str]:
    """Every topic has a question with a summary label; every level its words; every place-specific
    question a known place; every advice conflict known findings and sources."""
    questions = kb.conversation["questions"]
    problems = [f"questions: no question with a label for {t}" for t in TOPICS if "label" not in questions.get(t, {})]
    problems += [f"questions: {t}: unknown place {p}" for t, q in questions.items()
                 for p in q.get("by_place", {}) if p not in kb.lexicon["places"]]
    problems += [f"advice: level {level} needs title, action and now" for level in LEVELS
                 if not {"title", "action", "now"} <= set(kb.advice["levels"].get(level, {}))]
    for conflict in kb.advice["advice_conflicts"]:
        problems += [f"advice conflict {conflict['id']}: unknown finding {f}" for f in conflict["findings"] if f not in kb.findings]
        problems += [f"advice conflict {conflict['id']}: unknown source {s}" for s in conflict["sources"] if s not in kb.sources]
    problems += [f"emergency_waiting: unknown source {s}" for s in kb.advice["emergency_waiting"]["sources"] if s not in kb.sources]
    return problems


def _check_followups(kb: KnowledgeBase) -> List[str]:
    """The follow-up answers name only known sources, findings, levels, causes, rules and contacts."""
    data = kb.followups
    if not data:
        return []
    families = data["families"]
    rule_ids = {rule.id for rule in kb.rules}
    sources = [s for f in families for s in f.get("sources", [])]
    sources += [s for f in families for c in f.get("other_conditions", []) for s in c["sources"]]
    sources += [s for f in families for d in f.get("donts", []) for s in d["sources"]]
    sources += data["cannot_answer"]["sources"]
    findings = [x for f in families for x in f.get("findings", [])]
    findings += [x for f in families for c in f.get("other_conditions", []) for x in c.get("signs", [])]
    findings += [x for f in families for d in f.get("donts", []) for x in d.get("findings", [])]
    findings += [x for spec in data["medicines"].values() for x in spec.get("stop_now", {}).get("findings", [])]
    findings += [m for m, spec in data["medicines"].items() if "words" not in spec]  # the others are findings
    contact = next((f for f in families if f["id"] == "contact"), {})
    findings += [x for firsts in contact.get("first_contact", {}).values() for x in firsts if x != "default"]
    problems = [f"followups: unknown source {s}" for s in sources if s not in kb.sources]
    problems += [f"followups: unknown finding {x}" for x in findings if x not in kb.findings]
    problems += [f"followups: family {f['id']}: unknown level {lv}" for f in families for lv in f.get("levels", [])
                 if lv not in LEVELS]
    problems += [f"followups: tests for unknown cause or rule {i}" for i in data["tests"]
                 if i not in kb.causes and i not in rule_ids]
    problems += [f"followups: while waiting for unknown rule {i}" for i in data["while_waiting_for_sign"] if i not in rule_ids]
    problems += [f"followups: first_contact: unknown contact {c}" for firsts in contact.get("first_contact", {}).values()
                 for c in firsts.values() if c not in contact.get("contacts", {})]
    problems += [f"followups: tell: unknown contact {c}" for c in contact.get("tell", {}) if c not in contact.get("contacts", {})]
    problems += [f"followups: faq_words for unknown question {q}" for q in data.get("faq_words", {})
                 if q.replace("faq_", "", 1) not in kb.advice["faq"]]
    return problems
