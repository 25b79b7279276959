"""Who the conversation is about: the writer or someone else, their sex and age, as said anywhere.

Plain Python, read from the words in lexicon.yml (`patient`). The interview uses it to word its
questions ("Has he...") and to skip what cannot apply (no pregnancy question for a man or a young
child); the engine uses it to drop findings that cannot apply (`applies_to` in findings.yml) and to
add the age group, which the triage rules read like any other finding.
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence, Tuple

from . import text as parse
from .knowledge import load

_AGE_PATTERNS = (
    # "68 years old", "9 year old", "68yo", "aged 68", "age 68"
    (re.compile(r"\b(\d{1,3}) ?(?:years?|yrs?|yr) ?olds?\b|\b(\d{1,3}) ?yo\b|\baged? (\d{1,3})\b"), 1.0),
    (re.compile(r"\b(\d{1,2}) ?(?:months?|mths?|mo) ?olds?\b"), 1 / 12),
    (re.compile(r"\b(\d{1,2}) ?(?:weeks?|wks?) ?olds?\b"), 1 / 52),
    # "I'm 68", "he's 81", "she is 9": a bare number after "I'm" is an age unless a unit follows
    (re.compile(r"\b(?:im|i am|hes|he is|shes|she is|theyre|they are) (\d{1,3})\b(?! ?(?:weeks?|wks?|days?|months?|hours?|"
                r"hrs?|mins?|minutes?|cups?|coffees?|times?|kg|st|stone|lbs?|cm|pregnant|%|percent|x))"), 1.0),
)


@dataclass(frozen=True)
class Patient:
    about_other: bool = False     # the writer is asking about someone else
    sex: Optional[str] = None     # "male" or "female" when said
    age: Optional[float] = None   # in years, when said
    age_quote: Optional[str] = None
    relation: Optional[str] = None  # "husband", "son"... when someone else

    @property
    def pronoun(self) -> str:
        if not self.about_other:
            return "you"
        return {"male": "he", "female": "she"}.get(self.sex or "", "they")

    def age_groups(self) -> Tuple[str, ...]:
        """The knowledge base's age groups this person is in (lexicon.yml `patient.age_groups`)."""
        if self.age is None:
            return ()
        return tuple(group for group, (low, high) in _words()["age_groups"].items() if low <= self.age < high)

    def could_be_pregnant(self) -> bool:
        low, high = _words()["pregnancy_ages"]
        return self.sex != "male" and (self.age is None or low <= self.age < high)


def _words() -> dict:
    return load().lexicon["patient"]


def _age(clean: str) -> Optional[Tuple[float, str]]:
    for pattern, unit in _AGE_PATTERNS:
        match = pattern.search(clean)
        if match:
            number = next(g for g in match.groups() if g)
            return float(number) * unit, match.group(0)
    relations = "|".join(_words()["relations"])
    match = re.search(rf"\b(?:{relations}) (?:is|s) (\d{{1,3}})\b(?! ?(?:weeks?|days?|months?|hours?|mins?|minutes?|times?|kg|lbs?|cm))", clean)
    if match:
        return float(match.group(1)), match.group(0)
    return None


def _age_of_relation(relation: Optional[str], clean: str) -> Optional[Tuple[float, str]]:
    """ "my baby", "our toddler": the word gives the age when no number does. Only for the person
    the conversation is about: "since my baby was born" says nothing of the writer's age."""
    years = _words()["age_words"].get(relation or "")
    if years is None:
        self_word = next((w for w in _words()["age_words"] if parse.says_any(clean, [f"im a {w}", f"i am a {w}"])), None)
        return (float(_words()["age_words"][self_word]), self_word) if self_word else None
    return float(years), relation


_FIRST_PERSON = r"\b(i|im|ive|id|me|myself)\b"


def _relation(clean: str) -> Optional[str]:
    """The relation in "my husband", "my 9 year old son", "our baby": someone else the message is about.
    "my dad had ALS" speaks of family history, not of whom the conversation is about."""
    words = _words()
    relations = "|".join(sorted(words["relations"], key=len, reverse=True))
    history = "|".join(words["history_verbs"])
    body = "|".join(load().lexicon["lists"]["body_parts"])
    # "my 9 year old son", never "my back mate" (a body word is not part of who someone is)
    for match in re.finditer(rf"\b(?:my|our|her|his) (?:(?!(?:my|our|{body}) )[a-z0-9]+ ){{0,4}}?({relations})s?\b(?! (?:{history})\b)", clean):
        before = clean[:match.start()]
        own_body = rf"\bmy ({'|'.join(load().lexicon['lists']['body_parts'])})\b"
        if not re.search(f"{_FIRST_PERSON}|{own_body}", before) or re.search(r"\b(hes|shes|he|she|his|her|him)\b", clean):
            return match.group(1)
    return None


def _sex(clean: str, relation: Optional[str]) -> Optional[str]:
    words = _words()
    if relation:
        for sex in ("male", "female"):
            if relation in words["sex"][sex]:
                return sex
        if re.search(r"\b(he|hes|his|him)\b", clean):
            return "male"
        if re.search(r"\b(she|shes|her|hers)\b", clean):
            return "female"
        return None
    for sex in ("male", "female"):
        if parse.says_any(clean, words["self"][sex]):
            return sex
    return None


def _subject(clean: str) -> Optional[str]:
    """ "baby is floppy", "the baby keeps jerking": a message that opens with who it is about."""
    match = re.match(rf"^(?:the |our )?({'|'.join(_words()['subjects'])})\b", clean)
    return match.group(1) if match else None


@lru_cache(maxsize=1024)
def _read(texts: Tuple[str, ...]) -> Patient:
    clean = " . ".join(parse.normalise(t) for t in texts if t)
    relation = next((r for r in (_relation(parse.normalise(t)) or _subject(parse.normalise(t)) for t in texts[:2] if t) if r), None)
    age = _age(clean) or _age_of_relation(relation, clean)
    return Patient(about_other=bool(relation), sex=_sex(clean, relation), age=age[0] if age else None,
                   age_quote=age[1] if age else None, relation=relation)


def read_patient(texts: Sequence[str]) -> Patient:
    """The patient as the whole conversation so far describes them (texts in the order said)."""
    return _read(tuple(t for t in texts if t))
