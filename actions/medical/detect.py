"""From what a person said to the findings the knowledge base defines.

Input: `answers`, the person's own words per interview topic (None when not asked or not
answered), and `notes`, everything else they said (the opening message, questions...).
Output: finding id -> the person's words that show it.

Small passes, in order:
1. words: every message is read by the lexicon with ConText (reader.py), clause by clause;
   each mention is the person's own present finding, denied, not known, a worry, a relative's, or past.
2. numbers: durations, cups, hours and drinks read from the answers (text.py).
3. answers: "yes" to a question shows that question's finding; a mention in the answer decides
   first ("no tingling, my speech is slurred" is a no to tingling and a yes to slurred speech).
4. pairs: findings implied by another (implied_by), and those that only count together with
   another (needs_any).
5. safety: a warning-sign question not plainly answered "no" is never reassuring.
"""
import re
from typing import Dict, List, Mapping, Optional, Sequence, Set, Tuple

from . import text as parse
from .knowledge import CONFIRMED, WARNING_TOPICS, KnowledgeBase, load
from .patient import read_patient
from .reader import read

Evidence = Dict[str, List[str]]

# Topics where an answer with content but no plain yes/no ("sertraline", "28 weeks") means yes.
CONTENT_MEANS_YES = {"medications", "pregnancy", "injury", "pain", "multiple_areas"}
ONLY_ONE_PLACE = ("just", "only", "one", "single", "the same")
# Topics whose findings carry a time that is not the symptom's own: how far into a pregnancy, how
# long since a workout, how long on a medicine or with a condition.
OWN_TIME_TOPICS = {"pregnancy", "exercise", "medications", "conditions", "alcohol", "diet", "injury"}


class _Found:
    """Findings with the person's words that show them, in the order they were heard."""

    def __init__(self):
        self.evidence: Evidence = {}
        self.denied: Set[str] = set()     # findings the person said they do not have
        self.unknown: Set[str] = set()    # findings the person is not sure about

    def add(self, finding_id: str, quote: Optional[str]) -> None:
        quotes = self.evidence.setdefault(finding_id, [])
        if quote and quote not in quotes:
            quotes.append(quote)


def _messages(answers: Mapping[str, Optional[str]], notes: Sequence[str]) -> List[Tuple[Optional[str], str]]:
    # An answer to a confirmation question is read like a remark: its yes or no is for the concept.
    said = [(None if topic.startswith(CONFIRMED) else topic, text) for topic, text in answers.items() if text]
    return said + [(None, note) for note in notes if note and note.strip()]


def _read_words(messages, verdicts: Dict[str, Optional[str]], kb: KnowledgeBase, found: _Found) -> None:
    for topic, said in messages:
        echoed = _echoed_in_questions(said)
        for mention in read(said).mentions:
            if topic and kb.findings[mention.finding].topic == topic and not _reports_topic(mention, said, verdicts[topic], kb):
                continue
            if mention.words in echoed and mention.status == "present":
                continue  # "numbness? no, should there be?": the question's word said back
            if kb.findings[mention.finding].not_in_questions and mention.words in _asked(said):
                continue  # "do I really need an ambulance?" asks, it does not declare
            status = mention.status
            if status == "present":
                found.add(mention.finding, said)
            elif status == "family":
                found.add("family_history", said)
            elif status == "passed" and kb.findings[mention.finding].when_passed:
                found.add(kb.findings[mention.finding].when_passed, said)  # a stroke sign that passed
            elif status == "absent":
                found.denied.add(mention.finding)
            elif status == "unknown":
                found.unknown.add(mention.finding)


def _asked(said: str) -> str:
    """The message's questions, as normalised text."""
    return " ".join(parse.normalise(part) for part, asks in _clauses(said) if asks)


def _echoed_in_questions(said: str) -> Set[str]:
    """Words said back as a bare question ("weakness?", "what about the weakness one?"), which ask
    about a sign rather than report it. A question with more in it ("is it bad that my speech is
    slurred?") still reports."""
    echoed = set()
    for part, asks in _clauses(said):
        if asks:
            clean = parse.normalise(part)
            echoed |= {m.words for m in read(part).mentions if _echoes(clean, m.words, QUESTION_ECHO)}
    return echoed


def _reports_topic(mention, said: str, verdict: Optional[str], kb: KnowledgeBase) -> bool:
    """In the answer to its own question, a mention of the topic counts only as the verdict says:
    "no, weakness no" and "what about the weakness one? no weakness" name the topic, they do not
    report it."""
    if mention.status == "present" and verdict == "no":
        return False
    stated = _statements(said)
    return any(m.finding == mention.finding for m in read(stated).mentions) if stated else False


def _read_numbers(answers, notes, kb: KnowledgeBase, found: _Found) -> None:
    for finding in kb.findings.values():
        if finding.measure:
            present, quote = _measured(finding.measure, answers, notes, kb)
            if present:
                found.add(finding.id, quote)


def _clauses(said: str) -> List[Tuple[str, bool]]:
    """The reply's sentences, each with whether it is a question ("what about the weakness one?").
    A yes or no said before the question is a statement: "no, should there be?" answers no."""
    found = []
    for part in re.findall(r"[^.?!;\n]+[.?!;\n]*", said):
        if not re.search(r"[A-Za-z0-9]", part):
            continue
        lead = re.match(r"\s*([^,]+),(.+\?.*)$", part) if "?" in part else None
        if lead and parse.yes_no_unknown(lead.group(1)) and not parse.yes_no_unknown(lead.group(2)):
            found += [(lead.group(1), False), (lead.group(2), True)]
        elif "?" in part and len(part.split()) <= 4 and parse.yes_no_unknown(part):
            found.append((part, False))  # "no?", "um no?": an answer said with a rising voice
        else:
            found.append((part, "?" in part))
    return found


def _statements(said: str) -> str:
    """The reply without its questions: a question that names the topic reports nothing."""
    kept = [part for part, asks in _clauses(said) if not asks]
    return " ".join(kept) if kept else ""


ECHO_WORDS = {"no", "not", "nope", "nah", "none", "never", "really", "any", "at", "all", "i", "dont", "think", "so",
              "the", "a", "that", "one", "there", "theres", "is", "isnt", "its", "none", "either", "thanks", "mate"}


QUESTION_ECHO = ECHO_WORDS | {"what", "about", "do", "you", "mean", "by", "like", "as", "in", "any", "or", "and", "sorry",
                              "wait", "huh", "eh", "which", "kind", "of", "how", "im", "not", "sure", "ok", "so",
                              "arm", "arms", "leg", "legs", "hand", "hands", "face", "foot", "feet", "my", "your"}


def _echoes(clean: str, words: str, fillers=None) -> bool:
    """The topic's words said again around a "no" ("no, weakness no", "weakness? no"), rather than a
    sign described after it ("no, the muscle by my thumb looks dented"): the clause holds nothing
    but the words and denials."""
    for clause in clean.split(" , "):
        if words in clause:
            rest = [w for w in clause.replace(words, " ").split() if w.isalnum()]
            return all(w in (fillers or ECHO_WORDS) for w in rest)
    return False


def _verdict(topic: str, said: str, kb: KnowledgeBase) -> Optional[str]:
    """yes, no or unknown for the question this answer replies to; None when it does not say.

    The answer is read against its question first: its questions are set aside ("wait, what about
    the weakness one? no weakness" names the topic and denies it), a plain "no" that only repeats
    the topic's words stays a no ("no, weakness no"), and what the statements say about the topic's
    own findings wins over the first word ("no tingling, but my speech is slurred").
    """
    stated = _statements(said)
    if not stated:
        return None
    # The first statement that says yes, no or not sure: "I never answered that. no weakness".
    leading = next((v for v in (parse.yes_no_unknown(part) for part, asks in _clauses(said) if not asks) if v), None)
    mentions = [m for m in read(stated).mentions if kb.findings[m.finding].topic == topic]
    statuses = {m.status for m in mentions}
    present = [m for m in mentions if m.status == "present"]
    clean = parse.normalise(stated)
    if leading == "no" and present and all(_echoes(clean, m.words) for m in present):
        return "no"  # the topic's words said again: "no, weakness no", "nah no numbness no"
    if "present" in statuses:
        return "yes"
    if "unknown" in statuses:
        return "unknown"
    if "absent" in statuses:
        return "no"
    if topic == "multiple_areas" and parse.normalise(stated).startswith(ONLY_ONE_PLACE):
        return "no"
    if leading is None and not statuses and parse.REASSURANCE.search(parse.normalise(stated)):
        return "no"  # "breathing's fine", "I can walk fine today": all well, no sign named
    if leading is None and parse.AFFIRMING.search(parse.normalise(stated)):
        return "yes"  # "now you mention it, the stairs have been harder": a restatement is a yes
    return leading


def _read_answers(answers, verdicts: Dict[str, Optional[str]], kb: KnowledgeBase, found: _Found) -> None:
    for finding in kb.findings.values():
        topic = finding.yes_to
        said = answers.get(topic) if topic else None
        if not said:
            continue
        verdict = verdicts.get(topic)
        related = any(f.topic == topic and f.id in found.evidence for f in kb.findings.values())
        if verdict == "yes" or (verdict is None and (topic in CONTENT_MEANS_YES or related)):
            found.add(finding.id, said)


def _drop_unpaired(kb: KnowledgeBase, found: _Found) -> None:
    for finding in kb.findings.values():
        if finding.implied_by in found.evidence:
            for quote in found.evidence[finding.implied_by]:
                found.add(finding.id, quote)
    for finding in kb.findings.values():
        if finding.needs_any and finding.id in found.evidence and not any(n in found.evidence for n in finding.needs_any):
            del found.evidence[finding.id]


def _read_confirmations(answers, kb: KnowledgeBase, found: _Found) -> None:
    """The answer to "You said 'legs like jelly': are your muscles weak...?" decides: yes shows the
    concept's first finding, no denies it, not sure keeps it unknown (never reassuring)."""
    for key, said in answers.items():
        if not key.startswith(CONFIRMED) or not said:
            continue
        finding = kb.concepts["warning_signs"][key[len(CONFIRMED):]]["findings"][0]
        verdict = parse.yes_no_unknown(said) or ("yes" if parse.AFFIRMING.search(parse.normalise(said)) else None)
        if verdict == "yes":
            found.add(finding, said)
        elif verdict == "no":
            found.denied.add(finding)
        else:
            found.unknown.add(finding)
            found.add("unsure_warning_sign", said)


def _fit_to_patient(answers, notes, kb: KnowledgeBase, found: _Found) -> None:
    """Findings that cannot apply to this patient are dropped ("I'm a man!" is not a pregnancy);
    their age group is added, for the rules to read."""
    patient = read_patient([*notes, *(said for said in answers.values() if said)])
    for finding in kb.findings.values():
        if finding.applies_to and finding.id in found.evidence and not getattr(patient, finding.applies_to)():
            del found.evidence[finding.id]
    for group in patient.age_groups():
        found.add(group, patient.age_quote)


def _never_reassuring(answers, verdicts, kb: KnowledgeBase, found: _Found) -> None:
    """A warning sign not plainly denied (not asked, "not sure", unclear) keeps urgency up."""
    for topic in WARNING_TOPICS:
        topic_findings = [f.id for f in kb.findings.values() if f.topic == topic]
        if any(f in found.evidence for f in topic_findings):
            continue
        said = answers.get(topic)
        unsure = any(f in found.unknown for f in topic_findings)
        if unsure or not said or verdicts.get(topic) != "no":
            found.add("unsure_warning_sign", said or f"({topic} not answered)")


def detect(answers: Mapping[str, Optional[str]], notes: Sequence[str] = (), kb: Optional[KnowledgeBase] = None) -> Evidence:
    kb = kb or load()
    answers = {topic: (said or "").strip() or None for topic, said in answers.items()}
    notes = [n for n in notes if n and n.strip()]
    found = _Found()
    _read_numbers(answers, notes, kb, found)   # first, so the answer to the question itself is quoted first
    verdicts = {topic: _verdict(topic, said, kb) for topic, said in answers.items() if said}
    _read_words(_messages(answers, notes), verdicts, kb, found)
    _read_answers(answers, verdicts, kb, found)
    _read_confirmations(answers, kb, found)
    _drop_unpaired(kb, found)
    _fit_to_patient(answers, notes, kb, found)
    _never_reassuring(answers, verdicts, kb, found)
    return found.evidence


def _symptom_time(said: str, kb: KnowledgeBase) -> str:
    """The parts of a remark that can give the symptom's duration: not a clause about something
    else with a time of its own ("16 weeks pregnant", "first gym session in a year", "on dialysis
    for 3 years"), unless that clause names the symptom too."""
    kept = []
    for clause in re.split(r"[,.;!?\n]+|\b(?:and|but|so|because|cos)\b", said):
        kinds = {kb.lexicon["findings"].get(m.finding, {}).get("kind", "symptom") for m in read(clause).mentions}
        topics = {kb.findings[m.finding].topic for m in read(clause).mentions}
        about_other_things = kinds - {"symptom"} or topics & OWN_TIME_TOPICS
        if not about_other_things or ("symptom" in kinds and not topics <= OWN_TIME_TOPICS):
            kept.append(clause)
    return ", ".join(kept)


READINGS = {  # measure: (how it is read, its threshold in findings.yml, whether above it counts)
    "temperature": (parse.temperature_celsius, "fever_celsius", True),
    "heart_rate": (parse.heart_rate, "fast_heart_rate_bpm", True),
    "blood_sugar": (parse.blood_sugar_mmol, "low_blood_sugar_mmol", False),
}


def _measured(measure: str, answers: Mapping[str, Optional[str]], notes: Sequence[str], kb: KnowledgeBase):
    """(present, quote) for a finding read from a number the person gave."""
    limits = kb.thresholds
    if measure == "duration_over_days":
        texts = [answers.get("duration")] + [_symptom_time(parse.without_sleep_amounts(n), kb) for n in notes]
        limit, read_value, above = limits["long_duration_days"], parse.duration_days, True
    elif measure == "caffeine_cups_per_day":
        texts, limit, above = [answers.get("caffeine")] + list(notes), limits["high_caffeine_cups_per_day"], True
        read_value = parse.caffeine_cups
    elif measure == "sleep_hours":
        texts = [answers.get("sleep")] + [s for n in notes for s in parse.sleep_amounts(n)]
        limit, read_value, above = limits["short_sleep_hours"], parse.hours, False
    elif measure == "cramp_minutes":
        # One cramp that has lasted more than 10 minutes ("cramp for 20 mins now"): the minutes and
        # the cramp in the same message, so "90 mins of football" is not a cramp's length.
        said = [t for t in [*answers.values(), *notes] if t and any(
            m.finding in ("symptom_cramp", "symptom_spasm") and m.status == "present" for m in read(t).mentions)]
        longest = max(((parse.minutes_lasting(t) or 0, t) for t in said), default=(0, None))
        return longest[0] > limits["prolonged_cramp_minutes"], longest[1]
    elif measure == "alcohol_drinks":
        amount = parse.drinks(answers.get("alcohol") or "")
        if not amount:
            return False, None
        heavy = amount.get("per_day", 0) >= limits["heavy_alcohol_drinks_per_day"] or amount.get(
            "per_week", 0) >= limits["heavy_alcohol_drinks_per_week"]
        return heavy, answers.get("alcohol")
    elif measure in READINGS:
        # A reading said anywhere: "temp 39.4", "his pulse is 130", "sugar 2.8".
        read_value, limit_name, above = READINGS[measure]
        said = [t for t in [*answers.values(), *notes] if t]
        values = [(read_value(t), t) for t in said]
        found = [(v, t) for v, t in values if v is not None and (v >= limits[limit_name] if above else v < limits[limit_name])]
        return (True, found[0][1]) if found else (False, None)
    else:
        raise ValueError(f"unknown measure {measure}")
    for index, said in enumerate(texts):
        if not said or (index == 0 and parse.yes_no_unknown(said) in ("no", "unknown") and not parse.numbers_in(said)):
            continue
        # A passing remark (or an answer carried over from one) is read less literally than an
        # answer to the question itself: a bare "5" there is not five coffees.
        in_passing = index > 0 or said in notes
        if in_passing and measure == "caffeine_cups_per_day" and not parse.counts_drinks(said):
            continue
        if in_passing and measure == "duration_over_days" and not parse.speaks_of_time(said):
            continue
        value = read_value(said, bare_numbers=False) if in_passing and measure == "caffeine_cups_per_day" else read_value(said)
        if value is not None:
            return (value > limit if above else value < limit), said
    return False, None
