"""Messages in another language: one line in that language, emergencies first.

The assistant reads English only. Before this, "no puedo respirar" got "I understand English
only" and nothing else, and mid-interview its leading "no" could be taken as an answer. Now a
message found to be in one of the languages of actions/knowledge/languages.yml gets, in that
language, one line saying the assistant works in English and to call the local emergency number
for breathing trouble, chest pain, a fit or stroke signs; if it contains one of that language's
emergency words, that line comes first, with the English emergency advice. The message is kept
in the conversation but is never taken as an answer (channels/guard.py).

The language is identified offline with py3langid, whose model ships inside the package. Short
English is easy to mistake ("nah" scores as German), so Latin-script text counts as another
language only with at least MIN_WORDS words, a confident score among the European languages,
and not mostly common English words; text mostly in another script (Arabic, Devanagari, Chinese)
is identified at any length.
"""
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Text

import yaml

from actions.medical.characters import plain

LANGUAGES_FILE = Path(__file__).resolve().parent.parent / "actions" / "knowledge" / "languages.yml"
# The languages a Latin-script message is weighed among: the supported ones, English, and close
# neighbours so that Italian or Catalan is not taken for Spanish.
LATIN_CANDIDATES = ["en", "es", "fr", "pt", "pl", "ro", "it", "ca", "gl", "de", "nl"]
MIN_WORDS = 3
MIN_CONFIDENCE = 0.9
# How many letters are read: the language of a long message shows in its start.
READ_CHARS = 500
# Words of the assistant's own subject: with spaCy's English stop words, a message mostly made of
# them is English whatever the model scores ("most dialysis days" scored as French).
ENGLISH_SUBJECT = set("""
ok okay yes yeah yep yup nope nah ya day days week weeks month months hour hours left right leg
legs arm arms eye eyelid twitch twitching twitches cramp cramps cramping calf calves foot feet
hand face since maybe coffee coffees tea sleep stress pain weak later thanks
""".split())


def _stop_words(code: Text) -> frozenset:
    """spaCy's stop words of a language (shipped with spaCy, no model needed)."""
    import importlib

    return frozenset(_words(w) for w in importlib.import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS)


@lru_cache(maxsize=None)
def _common_words(code: Text) -> frozenset:
    if code == "en":
        return _stop_words("en") | ENGLISH_SUBJECT
    return _stop_words(code)


@lru_cache(maxsize=1)
def _data() -> Dict:
    with open(LANGUAGES_FILE, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    english = _english_vocabulary()
    # A word English shares ("convulsions") says nothing of the language: English is read as usual.
    data["phrases"] = {code: [w for w in map(_words, spec.get("emergency_words", []))
                              if not set(w.split()) <= english]
                       for code, spec in data["languages"].items()}
    return data


def _english_vocabulary() -> frozenset:
    """Every word of the English lexicon's phrases, and common English words."""
    from actions.medical.knowledge import load

    findings = load().lexicon["findings"].values()
    return frozenset(word for spec in findings for phrase in spec.get("phrases", [])
                     for word in _words(str(phrase)).split()) | _common_words("en")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)


def _words(text: Text) -> Text:
    """Lower case, no accents or marks, punctuation and symbols as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", plain(text).lower())
    kept = [" " if unicodedata.category(c)[0] in "PSZC" else c for c in text
            if unicodedata.category(c) != "Mn"]
    return " ".join("".join(kept).split())


def _latin(character: Text) -> bool:
    return character.isascii() or "LATIN" in unicodedata.name(character, "")


def identify(text: Optional[Text]) -> Optional[Text]:
    """The code of the supported language `text` is in ("es", "zh", ...), or None (English, too
    short to tell, or a language without a line)."""
    if not isinstance(text, str):
        return None
    text = plain(text[:READ_CHARS])
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    identifier = _identifier()
    if sum(not _latin(c) for c in letters) * 2 > len(letters):
        identifier.set_languages(None)
        code, _ = identifier.classify(text)
        return code if code in _data()["languages"] else None
    return _identify_latin(text, identifier)


def _identify_latin(text: Text, identifier) -> Optional[Text]:
    """Another language only when the model is confident and either the message names one of
    that language's emergencies in a word that is not English ("me ahogo"), or it has at least
    MIN_WORDS words, is not mostly English words and has more of that language's common words
    than English ones."""
    words = re.findall(r"[^\W\d_]+", _words(text))
    english = sum(w in _common_words("en") for w in words)
    if english == len(words):
        return None
    named = [code for code in _data()["languages"] if has_emergency_word(text, code)]
    if named:  # the model is unsure of two words ("me ahogo"); it only chooses between these
        identifier.set_languages(named + ["en"])
        code, _ = identifier.classify(text)
        return code if code in named else named[0]
    identifier.set_languages(LATIN_CANDIDATES)
    code, confidence = identifier.classify(text)
    if code not in _data()["languages"] or confidence < MIN_CONFIDENCE:
        return None
    if len(words) < MIN_WORDS or english * 2 >= len(words):
        return None
    return code if sum(w in _common_words(code) for w in words) > english else None


def has_emergency_word(text: Text, code: Text) -> bool:
    """Whether `text` contains one of the emergency words of language `code` (whole words;
    Chinese, written without spaces, anywhere)."""
    said = _words(text)
    phrases = _data()["phrases"].get(code, [])
    if code == "zh":
        return any(p in said for p in phrases)
    padded = f" {said} "
    return any(f" {p} " in padded for p in phrases)


def other_language_reply(text: Optional[Text], emergency_advice: Text) -> Optional[List[Text]]:
    """What a message in another language gets, or None if it is not one."""
    code = identify(text)
    if code is None:
        return None
    data = _data()
    line = " ".join(data["languages"][code]["line"].split())
    if has_emergency_word(text, code):
        return [line, emergency_advice]
    return [data["english_only"], line]
