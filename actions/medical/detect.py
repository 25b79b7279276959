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
from typing import Dict, List, Mapping, Optional, Sequence, Set, Tuple

from . import text as parse
from .knowledge import WARNING_TOPICS, KnowledgeBase, load
from .reader import read

Evidence = Dict[str, List[str]]

# Topics where an answer with content but no plain yes/no ("sertraline", "28 weeks") means yes.
CONTENT_MEANS_YES = {"medications", "pregnancy", "injury", "pain", "multiple_areas"}
ONLY_ONE_PLACE = ("just", "only", "one", "single", "the same")


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
    said = [(topic, text) for topic, text in answers.items() if text]
    return said + [(None, note) for note in notes if note and note.strip()]


def _read_words(messages, found: _Found) -> None:
    for _, said in messages:
        for mention in read(said).mentions:
            status = mention.status
            if status == "present":
                found.add(mention.finding, said)
            elif status == "family":
                found.add("family_history", said)
            elif status == "absent":
                found.denied.add(mention.finding)
            elif status == "unknown":
                found.unknown.add(mention.finding)


def _read_numbers(answers, notes, kb: KnowledgeBase, found: _Found) -> None:
    for finding in kb.findings.values():
        if finding.measure:
            present, quote = _measured(finding.measure, answers, notes, kb)
            if present:
                found.add(finding.id, quote)


def _verdict(topic: str, said: str, kb: KnowledgeBase) -> Optional[str]:
    """yes, no or unknown for the question this answer replies to; None when it does not say.

    What the answer says about the topic's own findings wins over its first word.
    """
    statuses = {m.status for m in read(said).mentions if kb.findings[m.finding].topic == topic}
    if "present" in statuses:
        return "yes"
    if "unknown" in statuses:
        return "unknown"
    if "absent" in statuses:
        return "no"
    verdict = parse.yes_no_unknown(said)
    if topic == "multiple_areas" and parse.normalise(said).startswith(ONLY_ONE_PLACE):
        return "no"
    if verdict is None and not statuses and parse.REASSURANCE.search(parse.normalise(said)):
        return "no"  # "breathing's fine", "I can walk fine today": all well, no sign named
    return verdict


def _read_answers(answers, kb: KnowledgeBase, found: _Found) -> Dict[str, Optional[str]]:
    verdicts = {topic: _verdict(topic, said, kb) for topic, said in answers.items() if said}
    for finding in kb.findings.values():
        topic = finding.yes_to
        said = answers.get(topic) if topic else None
        if not said:
            continue
        verdict = verdicts.get(topic)
        related = any(f.topic == topic and f.id in found.evidence for f in kb.findings.values())
        if verdict == "yes" or (verdict is None and (topic in CONTENT_MEANS_YES or related)):
            found.add(finding.id, said)
    return verdicts


def _drop_unpaired(kb: KnowledgeBase, found: _Found) -> None:
    for finding in kb.findings.values():
        if finding.implied_by in found.evidence:
            for quote in found.evidence[finding.implied_by]:
                found.add(finding.id, quote)
    for finding in kb.findings.values():
        if finding.needs_any and finding.id in found.evidence and not any(n in found.evidence for n in finding.needs_any):
            del found.evidence[finding.id]


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
    _read_words(_messages(answers, notes), found)
    verdicts = _read_answers(answers, kb, found)
    _drop_unpaired(kb, found)
    _never_reassuring(answers, verdicts, kb, found)
    return found.evidence


def _measured(measure: str, answers: Mapping[str, Optional[str]], notes: Sequence[str], kb: KnowledgeBase):
    """(present, quote) for a finding read from a number the person gave."""
    limits = kb.thresholds
    if measure == "duration_over_days":
        texts = [answers.get("duration")] + [parse.without_sleep_amounts(n) for n in notes]
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
