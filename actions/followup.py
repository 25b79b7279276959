"""After the result: the question the person asked, answered (issue 20).

Plain Python (no Rasa). A question after a result belongs to a family (waiting, a medicine,
what to do tonight, who to contact, "is this serious?", "could it be X?", tests, "I'm scared",
the person they write about, and in an emergency "I've called 999" and "can I drive?"). The
families, the words that recognise them and the answers are data (knowledge/followups.yml);
this module picks the family and fills its answer from what the person told the assistant,
always within the level of their result. actions.py only calls `answer` and `what_changed`.
"""
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from .medical import text as parse
from .medical.assessment import SYMPTOM_FINDINGS, Assessment, assess, quote
from .medical.detect import detect
from .medical.knowledge import LEVELS, KnowledgeBase, Rule, load
from .medical.reader import read
from .result import LEVEL_BADGES, SHORT_REMINDER, emergency_numbers, now_sentence

SYMPTOM_KINDS = {"symptom_twitch", "symptom_spasm", "symptom_cramp"}
# Topics whose findings are triggers or circumstances a person may ask about as a cause ("is it
# the heat?"); a symptom ("is it bad that my leg hurts?") is not a cause they ask about.
TRIGGER_TOPICS = {"caffeine", "alcohol", "hydration", "sleep", "stress", "exercise", "medications", "injury",
                  "pregnancy", "conditions", "diet"}
MAX_CAUSE_REASONS = 2


@dataclass(frozen=True)
class Situation:
    """A question after a result, and everything it is answered from."""
    question: str
    level: str                                   # the level the person was told
    assessment: Assessment                       # of everything said, this question included
    answers: Mapping[str, Optional[str]] = field(default_factory=dict)
    notes: Sequence[str] = ()                    # what they said other than answers (the question too)
    said: Sequence[str] = ()                     # everything they said in this check, oldest first
    intent: Optional[str] = None                 # what the NLU took the question for


@dataclass(frozen=True)
class Reply:
    family: str
    text: str


def _data(kb: Optional[KnowledgeBase] = None) -> dict:
    return (kb or load()).followups


def _family(family_id: str, kb: KnowledgeBase) -> dict:
    return next(f for f in _data(kb)["families"] if f["id"] == family_id)


def _clean(text: str) -> str:
    return parse.normalise(text)


def _flat(words: Sequence) -> List[str]:
    """Word lists may hold other lists (YAML aliases: the sub-questions' words, shared once)."""
    return [w for item in words for w in (_flat(item) if isinstance(item, list) else [item])]


def _says(text: str, words: Sequence) -> bool:
    return bool(words) and bool(parse.says_any(_clean(text), _flat(words)))


def _mentions(text: str, findings: Sequence[str]) -> List[Tuple[str, str]]:
    """(finding, the person's words) for each of these findings named in the text, even in a question."""
    wanted = set(findings)
    return [(m.finding, m.words) for m in read(text).mentions if m.finding in wanted and m.status != "absent"]


# --- what kind of message it is ---

def is_question(text: str, kb: Optional[KnowledgeBase] = None) -> bool:
    """A question mark, or a sentence that opens like a question ("can I wait till Monday")."""
    clean = _clean(text)
    return "?" in text or bool(clean) and clean.split()[0] in _data(kb)["question_starts"]


def _asks_why(text: str, kb: Optional[KnowledgeBase] = None) -> bool:
    return _says(text, _data(kb)["why_words"])


def _is_own_button(text: str, kb: Optional[KnowledgeBase] = None) -> bool:
    return text.strip().lower() in _data(kb)["own_buttons"]


def _family_matches(family: dict, text: str, kb: KnowledgeBase, evidence: Mapping[str, List[str]]) -> bool:
    if _says(text, family.get("unless", [])):
        return False
    if _says(text, family.get("words", [])):
        return True
    if _says(text, family.get("weak_words", [])) and _weak_words_count(family, text, kb, evidence):
        return True
    lists = family.get("all_of")
    if not lists:
        return False
    *first, last = lists
    said_last = _says(text, last) or bool(_mentions(text, family.get("findings", [])))
    return all(_says(text, words) for words in first) and said_last


def _weak_words_count(family: dict, text: str, kb: KnowledgeBase, evidence: Mapping[str, List[str]]) -> bool:
    """Weak words are about a cause only when the question names one ("is it the coffee?"), and
    about a medicine only when the person told me they take one ("should I stop taking it?")."""
    if family["id"] == "medicine":
        return any(f in evidence for f in family["findings"])
    return bool(_asked_cause(text, kb) or _other_condition(family, text))


def recognise(text: str, level: str, kb: Optional[KnowledgeBase] = None,
              evidence: Optional[Mapping[str, List[str]]] = None) -> Optional[str]:
    """The first family the question belongs to that answers at this level; None when none does.
    A family kept for other levels is passed over ("can we wait?" in an emergency is left to the
    kind restatement, while "can I wait and call my GP?" is still asked who to contact)."""
    kb = kb or load()
    if _is_own_button(text, kb):
        return None
    asks_why = _asks_why(text, kb)
    for family in _data(kb)["families"]:
        if asks_why and not family.get("answers_why"):
            continue
        if level in family.get("levels", LEVELS) and _family_matches(family, text, kb, evidence or {}):
            return family["id"]
    return None


def asks_about_the_result(text: str, kb: Optional[KnowledgeBase] = None) -> bool:
    """A question of a family that names no symptom of its own ("should I rub my leg tonight?"):
    about this result, so never a new check, even when it names another body part."""
    family = recognise(text, "self_care", kb) or recognise(text, "urgent", kb)
    return bool(family) and is_question(text, kb) and not (set(detect({}, [text])) & SYMPTOM_KINDS)


# --- the pieces answers are made of ---

def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _main_rule(s: Situation) -> Optional[Rule]:
    reasons = s.assessment.triage.reasons
    return reasons[0] if reasons else None


def _sign(s: Situation) -> str:
    """The reason for the level, in plain words ("a painful, swollen or red calf or leg ...")."""
    rule = _main_rule(s)
    return _lower_first(rule.sign) if rule else "what you told me"


def _cause(s: Situation) -> str:
    causes = s.assessment.causes
    return _lower_first(causes[0].cause.name) if causes else "an everyday cause such as stress, caffeine or tiredness"


def _now(s: Situation, kb: KnowledgeBase) -> str:
    return now_sentence(s.level, kb)


def _sentences(text: str) -> List[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+", (text or "").strip()) if part]


def _sooner(s: Situation, kb: KnowledgeBase) -> str:
    """When to get help sooner, one sentence: below urgent, the same-day signs; at urgent, when to
    call 999 for this sign (its rule's advice) or the emergency signs."""
    if s.level == "emergency":
        return ""
    if s.level == "urgent":
        rule = _main_rule(s)
        for sentence in _sentences(rule.advice if rule and rule.advice else ""):
            if "999" in sentence:
                return sentence
        target = "emergency"
    else:
        target = "urgent"
    return next((line["text"] for line in kb.advice["safety_net"] if line["level"] == target), "")


def _todo(s: Situation, kb: KnowledgeBase) -> str:
    """What to do for this sign (its rule's advice), or the level's sentence."""
    rule = _main_rule(s)
    return rule.advice.strip() if rule and rule.advice else _now(s, kb)


def _waiting_lines(s: Situation, kb: KnowledgeBase, limit: Optional[int] = None) -> List[str]:
    """While waiting for help: the lines for this sign first, then the general ones."""
    for_sign = [line for rule in s.assessment.triage.reasons
                for line in _data(kb)["while_waiting_for_sign"].get(rule.id, [])]
    lines = list(dict.fromkeys(for_sign + list(kb.advice["emergency_waiting"]["text"])))
    return lines[:limit] if limit else lines


def _bullets(lines: Sequence[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


YOU = {"who": "you", "they": "you", "them": "you", "their": "your"}


def _person(texts: Sequence[str], kb: KnowledgeBase) -> Dict[str, str]:
    """Who they write about, from the first word for a person ("my son" -> your son, he, him,
    his; a bare "she" -> her, she, her); YOU when they write about themselves."""
    spec = _family("about_person", kb)
    for text in texts:
        words = _clean(text).split()
        for i, word in enumerate(words):
            word = word[:-1] if word.endswith("s") and word[:-1] in _flat(spec["people"].values()) else word  # "husbands"
            kind = next((k for k, names in spec["people"].items() if word in names), None)
            if kind:
                pronouns = spec["pronouns"][kind]
                related = i > 0 and words[i - 1] in ("my", "our") and word not in pronouns.values()
                return {"who": f"your {word}" if related else pronouns["them"], **pronouns}
    return YOU


def _fill(template: str, **values: str) -> str:
    """A template with its placeholders filled; a sentence left empty leaves no double space."""
    text = template.format(**values)
    return re.sub(r"[ \t]{2,}", " ", text).replace(" \n", "\n").strip()


def _values(s: Situation, kb: KnowledgeBase) -> Dict[str, str]:
    """The placeholders every template may use."""
    person = _person([*s.said[:1], s.question], kb)  # who the check is about: the opening says
    return {"now": _now(s, kb), "sign": _sign(s), "cause": _cause(s), "sooner": _sooner(s, kb),
            "numbers": emergency_numbers()[0], "todo": _todo(s, kb), **person}


def _finish(family: str, body: str, source_ids: Sequence[str], s: Situation, kb: KnowledgeBase) -> Reply:
    """The answer, with a kind opening when the question speaks of fear, its sources and the reminder."""
    data = _data(kb)
    opening = data["kind_opening"] + " " if family != "scared" and _says(s.question, data["scared_words"]) else ""
    names = "; ".join(dict.fromkeys(kb.source_names(source_ids)))
    sources = data["sources_line"].format(names=names)
    return Reply(family, f"{opening}{body.strip()}\n{sources}\n{SHORT_REMINDER}")


def _level_answer(family: dict, s: Situation, kb: KnowledgeBase, **extra: str) -> str:
    return _fill(family["answers"][s.level], **{**_values(s, kb), **extra})


# --- the families ---

def _called_for_help(family: dict, s: Situation, kb: KnowledgeBase):
    return _level_answer(family, s, kb, waiting=_bullets(_waiting_lines(s, kb))), family["sources"]


def _drive(family: dict, s: Situation, kb: KnowledgeBase):
    """No in an emergency, and why: for being driven in, for driving someone else, for driving."""
    template = s.level
    if s.level == "emergency" and _says(s.question, family["driven_words"]):
        template = "emergency_driven"
    elif s.level == "emergency" and _person([s.question], kb) is not YOU:
        template = "emergency_other"
    return _fill(family["answers"][template], **{**_values(s, kb), **_person([s.question], kb)}), family["sources"]


# a medicine

def _medicine_named(family: dict, s: Situation, kb: KnowledgeBase) -> Tuple[Optional[str], Optional[str]]:
    """(medicine id, the person's words for it): named in the question, or else one they told me
    about earlier; (None, None) when neither names a medicine the knowledge base knows."""
    medicines = _data(kb)["medicines"]
    for med_id, spec in medicines.items():
        word = parse.says_any(_clean(s.question), spec.get("words", []))
        if word:
            return med_id, word
    named = _mentions(s.question, family["findings"])
    if named:
        return named[0]
    for finding in family["findings"]:
        for said in s.assessment.evidence.get(finding, []):
            words = _mentions(said, [finding])
            if words:
                return words[0]
    return None, None


DETERMINERS = {"the", "my", "a", "an", "any", "some", "more", "next", "this", "that", "his", "her", "your", "their",
               "these", "those", "another", "of", "to", "on", "stop", "take", "taking"}


def _medicine_words(family: dict, text: str) -> Optional[str]:
    """How the question names a medicine the knowledge base does not know ("calcium tablets")."""
    words = _clean(text).split()
    nouns = {parse.normalise(w) for w in family["all_of"][-1]}
    for i, word in enumerate(words):
        if word in nouns:
            start = i
            while start > 0 and i - start < 2 and words[start - 1] not in DETERMINERS:
                start -= 1  # "blood pressure tablets", "calcium tablets"
            return " ".join(words[start:i + 1])
    return None


def _name(med_id: Optional[str], words: Optional[str], kb: KnowledgeBase) -> Optional[str]:
    """ "the cholesterol tablet", "the inhaler"; an everyday medicine by its name ("paracetamol")."""
    if not words:
        return None
    everyday = "words" in _data(kb)["medicines"].get(med_id, {})
    return words if everyday or words.startswith(("the ", "my ", "your ")) else f"the {words}"


def _medicine(family: dict, s: Situation, kb: KnowledgeBase):
    """Keep taking a prescribed medicine, except where the guidance says stop now; who to ask."""
    med_id, words = _medicine_named(family, s, kb)
    spec = _data(kb)["medicines"].get(med_id, {}) if med_id else {}
    name = _name(med_id, words, kb) or _medicine_words(family, s.question) or family["unnamed"]
    values = {**_values(s, kb), "name": name, "ask": family["ask"][s.level]}
    sources = family["sources"]
    if s.level == "emergency":
        return _fill(spec.get("emergency", family["answers"]["emergency"]), **values), sources
    stop_now = spec.get("stop_now")
    if stop_now and any(f in s.assessment.evidence for f in stop_now["findings"]):
        return _upper_first(_fill(stop_now["text"], **values)), sources
    if "pregnant" in spec and "pregnant" in s.assessment.evidence:
        return _fill(spec["pregnant"], **values), sources
    stopping = _says(s.question, family["stop_words"])
    said = spec.get("stop" if stopping else "take") or spec.get("about")
    if said:
        return _upper_first(_fill(said, **values)), sources
    if "why_keep" in spec:
        return _fill(family["answers"]["keep"], why_keep=spec["why_keep"], **values), sources
    return _upper_first(_fill(family["answers"]["unknown_stop" if stopping else "unknown"], **values)), sources


def _tests(family: dict, s: Situation, kb: KnowledgeBase):
    """The knowledge base's own list: for the reason of the level first, then the likely causes."""
    tests = _data(kb)["tests"]
    ids = [r.id for r in s.assessment.triage.reasons]
    if s.level != "emergency" or not any(i in tests for i in ids):  # in an emergency, the reason's own
        ids += [r.cause.id for r in s.assessment.causes[:2]]
    lines = list(dict.fromkeys(tests[i] for i in ids if i in tests))[:2]
    if s.level == "emergency":
        said = "; ".join(_lower_first(line).rstrip(".") for line in lines) or "they will decide there"
        return _fill(family["answers"]["emergency"], tests=said, **_values(s, kb)), family["sources"]
    return _fill(family["answers"]["default"], tests=" ".join(lines), **_values(s, kb)), family["sources"]


def _wait(family: dict, s: Situation, kb: KnowledgeBase):
    named = parse.says_any(_clean(s.question), family["later_words"])
    later = family["later_words"][named] if named else family["later_default"]
    contact = _family("contact", kb)
    short = _fill(contact["answers"]["short"], first=_contact_name(contact, _first_contact(contact, s)))
    return _level_answer(family, s, kb, later=later, contact=short), family["sources"]


# "is this serious?"

def _before(s: Situation, kb: KnowledgeBase) -> Assessment:
    """The assessment without this question: what it had before the person asked."""
    earlier = [n for n in s.notes if n != s.question]
    return assess(s.answers, earlier, kb)


def _fired(assessment: Assessment) -> List[Rule]:
    return [*assessment.triage.reasons, *assessment.triage.also_noted]


def _serious(family: dict, s: Situation, kb: KnowledgeBase):
    """ "Is this serious?": the level's answer. About something new the question brings that did
    not raise the level (actions.py has advised on one that did): what it is, and what it changes."""
    answers = family["answers"]
    before = _before(s, kb)
    new = [f for f in s.assessment.evidence if f not in before.evidence and f != "unsure_warning_sign"]
    if not new:
        return _level_answer(family, s, kb), family["sources"]
    what = kb.findings[new[0]].label + quote(s.assessment.evidence, new, kb)
    earlier = {r.id for r in _fired(before)}
    noted = [r for r in _fired(s.assessment) if r.id not in earlier and r.advice]
    if noted:
        return (_fill(answers["new_noted"], new=what, advice=noted[0].advice.strip(), **_values(s, kb)),
                [*family["sources"], *noted[0].sources])
    return _fill(answers["new_same_level"], new=what, **_values(s, kb)), family["sources"]


# "could it be X?"

def _without_cues(text: str, kb: KnowledgeBase) -> str:
    """The question less the words that ask it ("should I worry about my kidneys" -> "should I
    my kidneys"), so that "worry" in the asking is not taken for stress, the cause asked about."""
    family = _family("could_it_be", kb)
    clean = f" {_clean(text)} "
    for cue in sorted(_flat([family["words"], family["weak_words"], _data(kb)["scared_words"]]), key=len, reverse=True):
        clean = clean.replace(f" {parse.normalise(cue)} ", " ")
    return clean.strip()


def _asked_cause(text: str, kb: KnowledgeBase) -> Optional[str]:
    """The catalog cause a question names, by a word for it, a worry it answers, or a trigger."""
    clean = _without_cues(text, kb)
    for cause in kb.causes.values():
        if parse.says_any(clean, cause.asked_as):
            return cause.id
    for cause_id, note in kb.advice["rarity_notes"].items():
        if cause_id in kb.causes and parse.says_any(clean, note["mentions"]):
            return cause_id
    triggers = [m.finding for m in read(text).mentions if kb.findings[m.finding].topic in TRIGGER_TOPICS]
    for finding in triggers:
        pointed = [c for c in kb.causes.values() if finding in c.points_to]
        if pointed:
            return max(pointed, key=lambda c: c.points_to[finding]).id
    return None


def _other_condition(family: dict, text: str) -> Optional[dict]:
    return next((c for c in family.get("other_conditions", []) if _says(text, c["words"])), None)


def _against(cause_id: str, s: Situation, kb: KnowledgeBase) -> List[str]:
    """What the person said against a cause: the questions behind its strongest signs answered no."""
    cause = kb.causes[cause_id]
    said_no = []
    for finding_id, weight in sorted(cause.points_to.items(), key=lambda kv: -kv[1]):
        finding = kb.findings[finding_id]
        answer = s.answers.get(finding.yes_to) if finding.yes_to else None
        if weight >= 2 and answer and parse.yes_no_unknown(answer) == "no" and finding_id not in s.assessment.evidence:
            said_no.append(finding.label)
    return said_no[:MAX_CAUSE_REASONS]


def _telling(ranked) -> List[str]:
    """What points to a cause beyond the symptom itself (a twitch points to every cause of twitches)."""
    return [f for f in ranked.support if f not in SYMPTOM_FINDINGS]


def _for(ranked, s: Situation, kb: KnowledgeBase) -> List[str]:
    """What the person said that points to a cause, in their own words (each quote once)."""
    reasons, quoted = [], set()
    for finding in (_telling(ranked) or ranked.support)[:MAX_CAUSE_REASONS]:
        said = quote(s.assessment.evidence, [finding], kb)
        reasons.append(kb.findings[finding].label + ("" if said in quoted else said))
        quoted.add(said)
    return reasons


def _about(cause_id: str, kb: KnowledgeBase) -> str:
    note = kb.advice["rarity_notes"].get(cause_id)
    text = note["text"] if note else kb.causes[cause_id].explanation
    return " ".join(_sentences(" ".join(text.split()))[:2])


def _cause_answer(family: dict, cause_id: str, s: Situation, kb: KnowledgeBase) -> str:
    """A cause they ask about, with what they said for it and against it: likely (on their card,
    and something beyond the symptom points to it), possible, or unlikely (nothing but the
    symptom points to it, or they said no to what would)."""
    answers = family["answers"]
    cause = kb.causes[cause_id]
    ranked = next((r for r in s.assessment.causes if r.cause.id == cause_id), None)
    said_no = " and to ".join(_against(cause_id, s, kb))
    values = {**_values(s, kb), "name": cause.name, "about": _about(cause_id, kb)}
    telling = bool(ranked and _telling(ranked))
    if ranked and (telling or (ranked.support and not said_no)):
        on_card = cause_id in [r.cause.id for r in s.assessment.causes[:3]]
        return _fill(answers["likely" if on_card and telling else "possible"], **values,
                     **{"for": "you mentioned " + "; ".join(_for(ranked, s, kb)),
                        "against": f" You said no to {said_no}." if said_no else ""})
    return _fill(answers["unlikely"], **values, against=f": you said no to {said_no}" if said_no else "")


def _asked_words(family: dict, text: str) -> str:
    """What "could it be ..." asks about, as the person put it ("lupus"), for "I can't say"."""
    clean = _clean(text)
    for cue in sorted(family["words"], key=len, reverse=True):
        at = f" {clean} ".find(f" {parse.normalise(cue)} ")
        if at >= 0:
            rest = f" {clean} "[at + len(parse.normalise(cue)) + 2:].split(",")[0].split()
            rest = [w for w in rest if w not in ("a", "an", "the", "just", "maybe", "something", "like")][:4]
            return " ".join(rest) or "that"
    return "that"


def _could_it_be(family: dict, s: Situation, kb: KnowledgeBase):
    answers = family["answers"]
    other = _other_condition(family, s.question)
    found = bool(other) and any(f in s.assessment.evidence for f in other.get("signs", []))
    if s.level == "emergency" and not found:
        return _fill(answers["emergency"], **_values(s, kb)), family["sources"]
    if other:
        text = other["if_signs"] if found and "if_signs" in other else other["if_not"]
        if found:
            text = f"{text} {_now(s, kb)}"
        return text, other["sources"]
    cause_id = _asked_cause(s.question, kb)
    if cause_id:
        # For and against come from what they told me before: "could it be stress?" is not stress.
        before = Situation(s.question, s.level, _before(s, kb), s.answers, s.notes, s.said, s.intent)
        return _cause_answer(family, cause_id, before, kb), [*family["sources"], *kb.causes[cause_id].sources]
    return _fill(answers["unknown"], asked=_asked_words(family, s.question), **_values(s, kb)), family["sources"]


def _what_to_say(family: dict, s: Situation, kb: KnowledgeBase):
    template = family["answers"]["emergency" if s.level == "emergency" else "default"]
    return _fill(template, **_values(s, kb)), family["sources"]


def _if_worse(family: dict, s: Situation, kb: KnowledgeBase):
    """What would make it sooner: the card's own "get help sooner" lines, or this sign's 999 line."""
    lines = _bullets(list(s.assessment.safety_net)[:3])
    return _level_answer(family, s, kb, sooner_lines=lines), family["sources"]


def _by_level(family: dict, s: Situation, kb: KnowledgeBase):
    """A family whose answer is its level's template ("how long will it last?")."""
    return _level_answer(family, s, kb), family["sources"]


def _scared(family: dict, s: Situation, kb: KnowledgeBase):
    return _level_answer(family, s, kb, waiting=_bullets(_waiting_lines(s, kb, limit=2))), family["sources"]


# what to do tonight

@dataclass(frozen=True)
class Dont:
    text: str
    words: Sequence[str]          # what asks about it ("should I rub it?")
    sources: Sequence[str]
    instead: Optional[str] = None  # the advice conflict's own safe tip, when it comes from one


def _donts(s: Situation, kb: KnowledgeBase, family: dict) -> List[Dont]:
    """What not to do, for this person: the advice conflicts of what they told me (advice.yml),
    and the family's own don'ts (of what they ask about, or of what they told me)."""
    found = s.assessment.evidence
    donts = [Dont(c["dont"], c["words"], c["sources"], c["instead"]) for c in kb.advice["advice_conflicts"]
             if "dont" in c and any(f in found for f in c["findings"])]
    for dont in family["donts"]:
        has_findings = not dont.get("findings") or any(f in found for f in dont["findings"])
        asked = not dont.get("asked") or _says(s.question, dont["asked"])
        if has_findings and asked:
            donts.append(Dont(dont["text"], dont.get("asked", []), dont["sources"]))
    return donts


def _tonight(family: dict, s: Situation, kb: KnowledgeBase):
    """What helps tonight, within the level, and what not to do; "No." first when the question
    asks about a "don't" ("should I rub it?" with a calf that may hold a clot). A "don't" whose
    safe tip is already said is not said twice."""
    donts = _donts(s, kb, family)
    asked = [d for d in donts if _says(s.question, d.words)]
    parts = [_fill(family["refuse"], instead=asked[0].text), *(d.text for d in asked[1:])] if asked else []
    if s.level != "emergency" and _says(s.question, family["carry_on_words"]):
        parts.append(family["carry_on"][s.level])
    lead = _fill(family["leads"][s.level], **_values(s, kb))
    helps: List[str] = []
    if s.level == "emergency":
        parts += [lead, "While you wait:\n" + _bullets(_waiting_lines(s, kb, limit=3))]
    else:
        said_no = {d.instead for d in asked}
        helps = [tip for tip in s.assessment.advice if tip not in said_no][:1 if s.level == "urgent" else 2]
        parts.append(" ".join([lead, *helps]))
    parts += [d.text for d in donts if d not in asked and d.instead not in helps][:2]
    return "\n".join(parts), [*family["sources"], *(src for d in donts for src in d.sources)]


# who to contact

def _first_contact(family: dict, s: Situation) -> str:
    rules = family["first_contact"][s.level]
    return next((contact for finding, contact in rules.items()
                 if finding != "default" and finding in s.assessment.evidence), rules["default"])


def _contact_name(family: dict, contact_id: str) -> str:
    return family["contacts"][contact_id]["name"]


def _asked_contact(family: dict, text: str) -> Tuple[Optional[str], str]:
    """(the contact the question names, how to name it): "your daughter" for "my daughter"."""
    for cid, spec in family["contacts"].items():
        word = parse.says_any(_clean(text), spec["words"])
        if word:
            return cid, spec["name"].format(word=word)
    return None, "them"


def _tell(family: dict, s: Situation, asked: Optional[str]) -> str:
    """What to tell 999 about: the operation, the pregnancy, the kidneys."""
    implied = {c for f, c in family["first_contact"]["urgent"].items() if f != "default" and f in s.assessment.evidence}
    return "".join(line for cid, line in family["tell"].items() if cid == asked or cid in implied)


def _asks_yes_or_no(text: str, kb: KnowledgeBase) -> bool:
    words = _clean(text).split()
    return bool(words) and words[0] in _data(kb)["yes_no_starts"]


def _contact_template(family: dict, s: Situation, asked: Optional[str], first: str, kb: KnowledgeBase) -> str:
    """Which answer: who to contact first at this level, against who the question names."""
    answers = family["answers"]
    if _says(s.question, family["unreachable_words"]):
        return family["unreachable"][s.level]
    if s.level == "emergency":
        if asked == "someone":
            return answers["emergency_someone"]
        return answers["emergency_same" if asked in (None, "emergency_services", "ae") else "emergency"]
    if s.level == "urgent" and asked in ("ae", "emergency_services"):
        return answers["urgent_ae"]
    if asked == first and f"{s.level}_same" in answers and _asks_yes_or_no(s.question, kb):
        return answers[f"{s.level}_same"]
    return answers[s.level]


def _contact(family: dict, s: Situation, kb: KnowledgeBase):
    asked, asked_name = _asked_contact(family, s.question)
    first = _first_contact(family, s)
    values = {**_values(s, kb), "first": _contact_name(family, first),
              "First": _upper_first(_contact_name(family, first)), "asked": asked_name,
              "emergency_signs": family["emergency_signs"], "tell": _tell(family, s, asked)}
    return _fill(_contact_template(family, s, asked, first, kb), **values), family["sources"]


def _about_person(family: dict, s: Situation, kb: KnowledgeBase):
    """The sub-question they ask about the person (school, staying alone, their age, the baby)."""
    fits = [a for a in family["asks"] if all(f in s.assessment.evidence for f in a.get("findings", []))]
    ask = next((a for a in fits if _says(s.question, a["words"])), fits[-1])
    return _fill(ask["answers"][s.level], **_values(s, kb)), family["sources"]


ANSWERS: Dict[str, Callable] = {
    "called_for_help": _called_for_help, "drive": _drive, "medicine": _medicine, "tests": _tests,
    "wait": _wait, "how_long": _by_level, "if_worse": _if_worse, "what_to_say": _what_to_say, "serious": _serious, "could_it_be": _could_it_be, "scared": _scared,
    "tonight": _tonight, "contact": _contact, "about_person": _about_person,
}


def _cannot_answer(s: Situation, kb: KnowledgeBase) -> Reply:
    data = _data(kb)["cannot_answer"]
    template = data["emergency"] if s.level == "emergency" else data["default"]
    return _finish("cannot_answer", _fill(template, **_values(s, kb)), data["sources"], s, kb)


def _unanswered_question(s: Situation, kb: KnowledgeBase) -> bool:
    """A question of no family that nothing else answers well: said so, with who can answer it.
    Not in an emergency (the kind restatement answers everything there), not "why?" (the
    reasons), and not a question whose intent has its own answer (a frequent question that says
    that question's words)."""
    data = _data(kb)
    faq_words = data["faq_words"].get(s.intent)
    answered = s.intent in data["answered_elsewhere"] and (not faq_words or _says(s.question, faq_words))
    return (s.level != "emergency" and is_question(s.question, kb) and not _asks_why(s.question, kb)
            and not _is_own_button(s.question, kb) and not answered)


def answer(s: Situation, kb: Optional[KnowledgeBase] = None) -> Optional[Reply]:
    """The answer to a question after a result, or None when it is not one this module answers
    (actions.py then answers as before: the reasons, the advice, the kind restatement...)."""
    kb = kb or load()
    family_id = recognise(s.question, s.level, kb, s.assessment.evidence)
    if family_id:
        body, sources = ANSWERS[family_id](_family(family_id, kb), s, kb)
        return _finish(family_id, body, sources, s, kb)
    if _unanswered_question(s, kb):
        return _cannot_answer(s, kb)
    return None


def what_changed(told: str, assessment: Assessment, latest: str, kb: Optional[KnowledgeBase] = None) -> str:
    """After something new raised the level: what the person said, and from which level to which."""
    kb = kb or load()
    reasons = assessment.triage.reasons
    rule = reasons[0] if reasons else None
    mentioned = [m.words for m in read(latest).mentions if m.status == "present"
                 and (not rule or m.finding in (*rule.any, *rule.all))]
    said = f' ("{mentioned[0]}")' if mentioned else ""
    sign = _lower_first(rule.sign) if rule else "what you've said"
    return _fill(_data(kb)["changed"], said=said, before=LEVEL_BADGES[told], after=LEVEL_BADGES[assessment.level],
                 sign=sign)
