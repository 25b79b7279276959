"""From what a person said to the findings the knowledge base defines.

Input: `answers`, the person's own words per interview topic (None when not asked or not
answered), and `notes`, everything else they said (the opening message, questions...).
Output: finding id -> the person's words that show it.
"""
import re
from functools import lru_cache
from typing import Dict, Iterable, List, Mapping, Optional, Sequence

from . import text as parse
from .knowledge import WARNING_TOPICS, KnowledgeBase, load

Evidence = Dict[str, List[str]]

NEGATIONS = {
    "no", "not", "never", "without", "dont", "didnt", "doesnt", "isnt", "arent", "havent",
    "hasnt", "wasnt", "nor", "denies", "neither", "zero", "none",
}
# Topics where an answer with content but no plain yes/no ("sertraline", "28 weeks") means yes.
CONTENT_MEANS_YES = {"medications", "pregnancy", "injury", "pain", "multiple_areas"}
ONLY_ONE_PLACE = re.compile(r"^(just|only|one|single|the same)\b")
SLEEP_PHRASE = re.compile(r"\d+(?:\.\d+)?\s*(?:-|or|to)?\s*\d*\s*(?:hours?|hrs?|h)\s+(?:of\s+)?(?:sleep|a night|per night|kip)|sleep\w*\s+(?:about\s+|like\s+|only\s+|maybe\s+)?\d+\s*(?:hours?|hrs?)?")


@lru_cache(maxsize=None)
def _keyword_pattern(keyword: str) -> re.Pattern:
    """Whole words only; a one-word keyword also matches its common endings (cramp -> cramps)."""
    clean = parse.normalise(keyword)
    endings = r"(?:s|es|ed|ing|y)?" if " " not in clean else ""
    return re.compile(r"(?<![a-z])" + re.escape(clean) + endings + r"(?![a-z])")


def _negated(clean: str, start: int) -> bool:
    """A negation among the three words before a match, within the same clause."""
    before = re.split(r"\b(?:but|and|although|though|except)\b", clean[:start])[-1].split()[-3:]
    return any(word in NEGATIONS for word in before)


def mentions(clean: str, keywords: Iterable[str]) -> Optional[str]:
    """The first keyword found un-negated in already normalised text."""
    for keyword in keywords:
        for match in _keyword_pattern(keyword).finditer(clean):
            if not _negated(clean, match.start()):
                return keyword
    return None


def _scannable(answer: str, verdict: Optional[str]) -> str:
    """The part of an answer worth scanning: a plain "no" says nothing more, "no, but..." does."""
    clean = parse.normalise(answer)
    if verdict == "no":
        parts = re.split(r"\bbut\b", clean, maxsplit=1)
        return parts[1] if len(parts) > 1 else ""
    return clean


def _measured(measure: str, answers: Mapping[str, Optional[str]], notes: Sequence[str], kb: KnowledgeBase):
    """(present, quote) for a finding read from a number the person gave."""
    limits = kb.thresholds
    if measure == "duration_over_days":
        texts = [answers.get("duration")] + [SLEEP_PHRASE.sub(" ", parse.normalise(n)) for n in notes]
        limit, read = limits["long_duration_days"], parse.duration_days
        above = True
    elif measure == "caffeine_cups_per_day":
        texts, limit, above = [answers.get("caffeine")] + list(notes), limits["high_caffeine_cups_per_day"], True
        read = parse.caffeine_cups
    elif measure == "sleep_hours":
        texts = [answers.get("sleep")] + [m.group(0) for n in notes for m in SLEEP_PHRASE.finditer(parse.normalise(n))]
        limit, read, above = limits["short_sleep_hours"], parse.hours, False
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
        if in_passing and measure == "caffeine_cups_per_day" and not re.search(r"\d|couple|few|several", parse.normalise(said)):
            continue
        if in_passing and measure == "duration_over_days" and not re.search(
                r"\b(for|since|past|last|about|around|over|ago|almost|nearly|now|been|lasted|going on)\b", parse.normalise(said)):
            continue
        value = read(said, bare_numbers=False) if in_passing and measure == "caffeine_cups_per_day" else read(said)
        if value is not None:
            return (value > limit if above else value < limit), said
    return False, None


def detect(answers: Mapping[str, Optional[str]], notes: Sequence[str] = (), kb: Optional[KnowledgeBase] = None) -> Evidence:
    kb = kb or load()
    answers = {topic: (said or "").strip() or None for topic, said in answers.items()}
    notes = [n for n in notes if n and n.strip()]
    verdicts = {topic: parse.yes_no_unknown(said) for topic, said in answers.items() if said}
    scanned = [(_scannable(said, verdicts.get(topic)), said) for topic, said in answers.items() if said]
    scanned += [(parse.normalise(note), note) for note in notes]
    found: Evidence = {}

    def add(finding_id: str, quote: Optional[str]):
        found.setdefault(finding_id, [])
        if quote and quote not in found[finding_id]:
            found[finding_id].append(quote)

    for finding in kb.findings.values():
        if finding.measure:  # first, so the answer to the question itself is quoted first
            present, quote = _measured(finding.measure, answers, notes, kb)
            if present:
                add(finding.id, quote)
        if finding.keywords:
            for clean, original in scanned:
                if clean and mentions(clean, finding.keywords):
                    add(finding.id, original)

    for finding in kb.findings.values():
        topic = finding.yes_to
        said = answers.get(topic) if topic else None
        if not said:
            continue
        verdict = verdicts.get(topic)
        if topic == "multiple_areas" and ONLY_ONE_PLACE.match(parse.normalise(said)):
            verdict = "no"
        related = any(f.topic == topic and f.id in found for f in kb.findings.values())
        if verdict == "yes" or (verdict is None and (topic in CONTENT_MEANS_YES or related)):
            add(finding.id, said)

    for finding in kb.findings.values():
        if finding.needs_any and finding.id in found and not any(n in found for n in finding.needs_any):
            del found[finding.id]

    for topic in WARNING_TOPICS:
        answered_yes = any(f.topic == topic and f.id in found for f in kb.findings.values())
        said = answers.get(topic)
        verdict = verdicts.get(topic) if said else "unknown"
        if not answered_yes and verdict != "no":
            add("unsure_warning_sign", said or f"({topic} not answered)")
    return found
