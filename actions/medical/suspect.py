"""Suspect, then ask: warning signs the learned layer hears in a message and the lexicon did not
confirm (nlp/suspicion.py trains the model in `make train`).

A suspicion is never a finding. The interview asks one plain question about it, quoting the
person's words (interview.py, topic `confirm`), and the answer decides: "yes" shows the concept's
first finding (knowledge/concepts.yml), "no" records it as denied. When the lexicon read one of
the concept's findings in that message, as present or as denied ("no tingling or numbness"), the
lexicon's reading stands and nothing is asked.
"""
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping, Optional, Sequence, Tuple

from .knowledge import load
from .reader import normalise, read

log = logging.getLogger(__name__)
MODEL_FILE = Path(__file__).resolve().parents[2] / "build" / "suspicion" / "model.joblib"
SUSPECT_AT = 0.5        # the model's score from which a warning sign is asked about
QUOTE_WORDS = 10
MIN_WORDS = 3           # "eyelid" alone, the answer to "where?", says nothing of a drooping lid


@lru_cache(maxsize=2)
def _model(path: Path):
    if not path.exists():
        log.error("the learned layer is missing (%s): run make train; no suspicion will be asked about", path)
        return None
    import joblib  # here, so the engine loads without scikit-learn when the layer is not used
    return joblib.load(path)


def _clauses(text: str):
    pieces = [c.strip() for c in re.split(r"[.,;!?\n]+|\b(?:but|and then|though)\b", text)]
    return [c for c in pieces if len(re.findall(r"[A-Za-z]{2,}", c)) >= MIN_WORDS]


@lru_cache(maxsize=1)
def _explained_words() -> frozenset:
    """Words that tell the model nothing the lexicon has not read: common words and body places."""
    from spacy.lang.en.stop_words import STOP_WORDS
    lexicon = load().lexicon
    places = {w for words in lexicon["places"].values() for phrase in words for w in normalise(phrase).split()}
    sides = {"left", "right", "both", "side", "sides", "upper", "lower", "inner", "outer", "top", "bottom", "front"}
    return frozenset(STOP_WORDS | places | sides | set(lexicon["lists"]["body_parts"]) | {"im", "ive", "dont", "cant", "keeps", "keep"})


def _unexplained(clause: str) -> bool:
    """Whether the clause has words the lexicon did not read: "my calf twitches" is all read (a
    place, a symptom), so the model has nothing to add there; "my water is quite brown" is not."""
    clean = normalise(clause)
    for mention in read(clause).mentions:
        clean = clean.replace(mention.words, " ")
    return any(w.isalpha() and len(w) > 2 and w not in _explained_words() for w in clean.split())


@lru_cache(maxsize=4096)
def suspected(text: str, path: Path = MODEL_FILE) -> Dict[str, str]:
    """Warning-sign concepts the model hears in one message -> the clause that says it, cut to a
    few words for a quote."""
    loaded = _model(path)
    if loaded is None or not text or not text.strip():
        return {}
    warning = set(load().concepts["warning_signs"])
    pieces = [p for p in _clauses(text[:2000]) if _unexplained(p)]
    if not pieces:
        return {}
    scores = loaded["model"].predict_proba([normalise(p) for p in pieces])
    heard: Dict[str, Tuple[float, str]] = {}
    for piece, row in zip(pieces, scores):
        for concept, score in zip(loaded["labels"], row):
            if concept in warning and score >= SUSPECT_AT and score > heard.get(concept, (0, ""))[0]:
                heard[concept] = (score, " ".join(piece.split()[:QUOTE_WORDS]))
    return {concept: quote for concept, (_, quote) in heard.items()}


def pending(texts: Sequence[str], found: Mapping[str, object], asked: Mapping[str, str]) -> Optional[Tuple[str, str]]:
    """The first suspicion still to ask about: (concept, quote), or None. Not one the lexicon
    confirmed (one of its findings is in `found`), nor one already asked (`asked`: concept -> answer)."""
    concepts = load().concepts["warning_signs"]
    for text in texts:
        heard = {m.finding for m in read(text).mentions}  # the lexicon read it, as present or not
        for concept, quote in suspected(text).items():
            findings = set(concepts[concept]["findings"])
            if concept in asked or findings & set(found) or findings & heard:
                continue
            return concept, quote
    return None
