"""Reading one message clause by clause: the lexicon's findings, each with its ConText.

The pipeline is spaCy's blank English tokenizer and sentencizer, a matcher built from
actions/knowledge/lexicon.yml, and medspaCy's ConText with its default English rules plus the
project's own (the lexicon's `context` section). Each finding a message mentions comes back as a
Mention saying whether it is the person's own, present finding, denied, not known, a worry,
someone else's, or past. One clause never changes another: "no tingling, my speech is slurred"
denies tingling and reports slurred speech.

Built once per process. Each text is read once, however often the plan asks: readings are cached,
and the Rasa actions keep them in the conversation (`as_record`, `remember`).
"""
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Tuple

import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .characters import plain
from .knowledge import KnowledgeBase, load
from .text import MAX_READ_CHARS

SPAN_GROUP = "findings"
# What ConText categories mean for a mention (the lexicon's `context` section defines the rules).
# (POSSIBLE_EXISTENCE, a hedge such as "I think", changes nothing: hedged words still count.)
NEGATED, UNSURE, HYPOTHETICAL, WORRY, FAMILY, HISTORICAL, RESOLVED = (
    "NEGATED_EXISTENCE", "UNSURE", "HYPOTHETICAL", "WORRY", "FAMILY", "HISTORICAL", "RESOLVED")
# Rules whose cue comes after what it modifies reach only this many words back: "swallowing is
# fine" denies swallowing, not a slurred word at the start of a long sentence.
BACKWARD_SCOPE = 4
FORWARD_NEGATION_SCOPE = 8
NEAR_SCOPE = 3                  # FORWARD_NEAR cues: a verb's "not" ("isn't helping")
HISTORICAL_BACKWARD_SCOPE = 8   # "had a stomach bug at the weekend, fine now"
# A clause that goes on to say "though" or "actually" turns a leading "no" round:
# "no tingling, slurring my words though".
TURNING = {"though", "tho", "actually", "however"}
CLAUSE_MARKS = {",", ".", ";", "!", "?", ":", "/", "-"}
# Only a named condition can be a fear ("could it be ALS?"); a symptom in such a sentence is still real.
CONDITION_ONLY = {WORRY}
ENDINGS = ("s", "es", "ed", "d", "ing", "y", "er")


@dataclass(frozen=True)
class Mention:
    finding: str
    words: str                # the words that matched, as normalised
    kind: str                 # "symptom", "state" or "condition" (lexicon.yml)
    categories: frozenset     # the ConText categories that modify it
    hereditary: bool = False  # a relative's case is family history

    @property
    def status(self) -> str:
        """present, absent, unknown, family (a relative's inherited illness), worry, passed (came and
        went, recently), or ignored.

        Apart from inherited illness, what is said about a relative is read as said of the person
        the conversation is about: carers write "my son collapsed". A relative's past is HISTORICAL
        like anyone's ("my nan had a stroke last year")."""
        cats = self.categories
        if FAMILY in cats and self.hereditary:
            return "family"   # "my dad had ALS": family history, not the person's own illness
        if self.kind == "condition":
            if WORRY in cats or HYPOTHETICAL in cats:
                return "worry"
            if FAMILY in cats and HISTORICAL in cats:
                return "ignored"  # "my nan had a stroke last year"
        elif HYPOTHETICAL in cats or (HISTORICAL in cats and self.kind == "symptom"):
            return "ignored"  # "if I get any weakness", "had a fit as a kid"
        elif RESOLVED in cats and self.kind == "symptom" and NEGATED not in cats:
            return "passed"   # "my arm went weak for a few minutes, then back to normal"
        if UNSURE in cats:
            return "unknown"  # "not sure if I'm weaker": never a no
        if NEGATED in cats:
            return "absent"
        return "present"      # hedged words ("I think my speech is a bit slurred") count


@dataclass(frozen=True)
class Reading:
    text: str
    normalised: str
    mentions: Tuple[Mention, ...]


def normalise(text: str) -> str:
    """Plain characters (characters.py), lower case, apostrophes dropped ("can't" -> "cant"),
    markup and emoji to spaces.

    Sentence and clause marks stay: ConText needs them. Every pattern here is linear in the text.
    """
    text = plain(text or "").lower().replace("'", "")
    text = text.replace("&", " and ").replace("\n", " . ")
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # "sit-up", "cross-legged" are two words
    text = re.sub(r"[^a-z0-9.,;:!?/\-–— ]+", " ", text)
    text = re.sub(r"([.,;:!?/])", r" \1 ", text)
    return re.sub(r" +", " ", text).strip()


def _variants(phrase: str) -> List[str]:
    """A one-word phrase also matches its common endings: cramp -> cramps, cramping, cramped."""
    if " " in phrase or len(phrase) < 4 or not phrase.isalpha():
        return [phrase]
    stem = phrase[:-1] if phrase.endswith("e") else phrase
    return list(dict.fromkeys([phrase] + [phrase + e for e in ENDINGS] + [stem + "ing", stem + "ed"]))


def _resolve(pattern, lists: Dict[str, List[str]]):
    """Token patterns may name a word list as "@name"."""
    if isinstance(pattern, dict):
        return {k: _resolve(v, lists) for k, v in pattern.items()}
    if isinstance(pattern, list):
        return [_resolve(v, lists) for v in pattern]
    if isinstance(pattern, str) and pattern.startswith("@"):
        return lists[pattern[1:]]
    return pattern


class LexiconMatcher:
    """Finds every lexicon phrase and pattern in a doc; look-alikes ("benign") hide what they contain."""

    def __init__(self, nlp, kb: KnowledgeBase):
        lexicon = kb.lexicon
        self.kept_inside = {fid for fid, spec in lexicon["findings"].items() if spec.get("kept_inside")}
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.patterns = Matcher(nlp.vocab)
        lists = lexicon.get("lists", {})
        entries = {**{fid: spec for fid, spec in lexicon["findings"].items()}, "BENIGN": lexicon["benign"]}
        for label, spec in entries.items():
            words = [normalise(p) for phrase in spec.get("phrases", []) for p in _variants(normalise(str(phrase)))]
            if words:
                self.phrases.add(label, [nlp.make_doc(w) for w in dict.fromkeys(words)])
            if spec.get("patterns"):
                self.patterns.add(label, [_resolve(p, lists) for p in spec["patterns"]])

    def __call__(self, doc: Doc) -> Doc:
        if not any(token.is_alpha for token in doc):  # every finding has a word in it
            doc.spans[SPAN_GROUP] = []
            return doc
        vocab = doc.vocab.strings
        spans = [Span(doc, start, end, label=vocab[match_id])
                 for match_id, start, end in [*self.phrases(doc), *self.patterns(doc)]]
        doc.spans[SPAN_GROUP] = sorted({(s.start, s.end, s.label_): s for s in self._outermost(spans)
                                        if s.label_ != "BENIGN"}.values(), key=lambda s: (s.start, s.end))
        return doc

    def _outermost(self, spans: List[Span]) -> List[Span]:
        """A match inside a longer one is the longer one's word: "choking on" is about swallowing,
        "cramp in my chest" is chest pain, and a look-alike ("benign") hides what it contains.
        Symptom words (kept_inside) stay inside a longer finding, never inside a look-alike.
        One sweep in start order: linear after sorting, however many matches there are."""
        kept, widest, benign_end = [], None, -1   # (end, start) of the span reaching furthest so far

        def covers(widest, span) -> bool:  # an earlier span contains this one and is longer
            return widest is not None and (widest[0] > span.end or (widest[0] == span.end and widest[1] < span.start))

        # Look-alikes first at each start, so one with the same words as a finding hides it too.
        for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label_ != "BENIGN")):
            if span.label_ == "BENIGN":
                benign_end = max(benign_end, span.end)
            elif benign_end < span.end and (span.label_ in self.kept_inside or not covers(widest, span)):
                kept.append(span)
            if widest is None or span.end > widest[0]:
                widest = (span.end, span.start)
        return kept


def _both_ways(spec: Dict[str, list]) -> Dict[str, list]:
    """A cue listed FORWARD and BACKWARD becomes one BIDIRECTIONAL rule: medspaCy keeps only one
    modifier per span, so two rules on "years ago" would lose one direction."""
    both = [c for c in spec.get("FORWARD", []) if isinstance(c, str) and c in spec.get("BACKWARD", [])]
    if not both:
        return spec
    spec = {key: [c for c in cues if c not in both] if key in ("FORWARD", "BACKWARD") else cues
            for key, cues in spec.items()}
    return {**spec, "BIDIRECTIONAL": both}


def _context_rules(kb: KnowledgeBase):
    from medspacy.context import ConTextRule

    lexicon = kb.lexicon
    lists = lexicon.get("lists", {})
    conditions = {fid for fid, spec in lexicon["findings"].items() if spec.get("kind") == "condition"}
    rules = []
    for category, spec in lexicon["context"].items():
        allowed = conditions if category in CONDITION_ONLY else None
        spec = _both_ways(spec)
        for key, cues in spec.items():
            direction = key.replace("_PATTERNS", "")
            if direction in ("BACKWARD", "BIDIRECTIONAL"):
                scope = HISTORICAL_BACKWARD_SCOPE if category == HISTORICAL else BACKWARD_SCOPE
            elif direction == "FORWARD_NEAR":
                direction, scope = "FORWARD", NEAR_SCOPE
            else:
                scope = FORWARD_NEGATION_SCOPE if category == NEGATED else None
            # Every rule gets its own name: medspaCy keys rules by name, and the same cue may be
            # both FORWARD and BACKWARD ("years ago I had...", "...fainted years ago").
            phrases = list(dict.fromkeys(normalise(c) for c in cues if isinstance(c, str)))
            patterns = [(f"{category} {key} {p}", [{"LOWER": word} for word in p.split()]) for p in phrases]
            patterns += [(f"{category} {key} {n}", _resolve(c, lists)) for n, c in enumerate(cues) if isinstance(c, list)]
            rules += [ConTextRule(literal, category, pattern=pattern, direction=direction,
                                  allowed_types=allowed, max_scope=scope) for literal, pattern in patterns]
    return rules


def _overlaps(a: Tuple[int, int], b: Tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _mend_medspacy_overlap() -> None:
    """medspaCy 1.3.1's tuple_overlaps misses one span lying wholly inside another, so a clause
    break ("but", ", my") never shortens a cue whose scope is capped by max_scope: "no trouble
    swallowing, but I can't breathe" denied the breathing. Its scope checks use this instead."""
    from medspacy.context import context_graph, context_modifier

    context_modifier.tuple_overlaps = _overlaps
    context_graph.tuple_overlaps = _overlaps


@lru_cache(maxsize=1)
def pipeline():
    """The engine's spaCy pipeline, built from the lexicon (no model is downloaded)."""
    from medspacy.context import ConText

    _mend_medspacy_overlap()
    kb = load()
    nlp = spacy.blank("en")
    # Text arrives without apostrophes ("cant", "dont", "im"); spaCy's English exceptions would split
    # those into two tokens ("ca", "nt"), so a cue or a phrase with "cant" would never match.
    nlp.tokenizer.rules = {key: value for key, value in nlp.tokenizer.rules.items() if not key.isalpha()}
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", ";"]})
    matcher = LexiconMatcher(nlp, kb)
    context = ConText(nlp, name="context", rules="default", input_span_type="group",
                      span_group_name=SPAN_GROUP, span_attrs=None)
    context.add(_context_rules(kb))
    kinds = {fid: spec.get("kind", "symptom") for fid, spec in kb.lexicon["findings"].items()}
    hereditary = {fid for fid, spec in kb.lexicon["findings"].items() if spec.get("hereditary")}
    return nlp, matcher, context, kinds, hereditary


# Readings kept in the conversation (a Rasa slot), by text: a message is read once, when it arrives.
_KEPT: Dict[str, Reading] = {}


def as_record(reading: Reading) -> dict:
    """A reading as plain data, stamped with the lexicon it was read with."""
    return {"text": reading.text, "lexicon": lexicon_version(),
            "mentions": [[m.finding, m.words, m.kind, sorted(m.categories), m.hereditary] for m in reading.mentions]}


def remember(record: dict) -> None:
    """Use a reading kept in the conversation instead of reading the words again; one made with
    another version of the lexicon is ignored (the words are read afresh)."""
    if record.get("lexicon") == lexicon_version() and record.get("text") not in _KEPT:
        mentions = tuple(Mention(f, w, k, frozenset(c), h) for f, w, k, c, h in record["mentions"])
        _KEPT[record["text"]] = Reading(record["text"], normalise(record["text"][:MAX_READ_CHARS]), mentions)
        while len(_KEPT) > 4096:
            _KEPT.pop(next(iter(_KEPT)))


@lru_cache(maxsize=1)
def lexicon_version() -> str:
    return hashlib.sha256(json.dumps(load().lexicon, sort_keys=True).encode()).hexdigest()[:12]


def read(text: str) -> Reading:
    """Every lexicon finding in one message, with what its clause says about it."""
    return _KEPT.get(text) or _read(text)


@lru_cache(maxsize=4096)
def _read(text: str) -> Reading:
    nlp, matcher, context, kinds, hereditary = pipeline()
    resolved = _resolved_cues()
    clean = normalise(text[:MAX_READ_CHARS])
    mentions = []
    # ConText compares every cue with every other one in a doc, so each sentence that mentions a
    # finding is read on its own: the cost grows with the text, not with its square.
    for sentence in matcher(nlp(clean)).sents:
        if not any(sentence.start <= s.start < sentence.end for s in sentence.doc.spans[SPAN_GROUP]):
            continue
        doc = context(matcher(sentence.as_doc()))
        mentions += [Mention(span.label_, span.text, kinds[span.label_], _categories(span) | _resolved(span, resolved),
                             span.label_ in hereditary) for span in doc.spans[SPAN_GROUP]]
    return Reading(text, clean, tuple(mentions))


@lru_cache(maxsize=1)
def _resolved_cues() -> re.Pattern:
    cues = sorted((normalise(c) for c in load().lexicon["resolved"]), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues) + r")\b")


def _resolved(span: Span, cues: re.Pattern) -> frozenset:
    """RESOLVED when the sentence goes on to say it passed ("...for ten minutes, then it went back
    to normal"). Read over the rest of the sentence rather than as a ConText rule: a clause break
    ("but", "then") ends a ConText scope, and "it passed" is said after one."""
    return frozenset({RESOLVED}) if cues.search(span.doc[span.end:].text) else frozenset()


def _categories(span: Span) -> frozenset:
    modifiers = [m for m in span._.modifiers if not (m.category == NEGATED and _denial_does_not_reach(m, span))]
    return frozenset(m.category for m in modifiers)


def _denial_does_not_reach(modifier, span: Span) -> bool:
    """A "no" stops at a clause break that turns the sentence round ("no tingling, slurring my
    words though"), and a verb's "not" stops at any clause break ("isn't helping, the cramp...")."""
    between = span.doc[modifier.modifier_span[1]:span.start]
    if not any(token.text in CLAUSE_MARKS for token in between):
        return False
    if " FORWARD_NEAR " in modifier.rule.literal:
        return True
    for token in span.doc[span.end:]:
        if token.text in CLAUSE_MARKS:
            return False
        if token.text in TURNING:
            return True
    return False
