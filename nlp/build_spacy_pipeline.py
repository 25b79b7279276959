#!/usr/bin/env python
"""Build the Twitch Check spaCy pipeline used by Rasa's SpacyNLP component.

The pipeline is ``spacy.blank("en")`` plus an EntityRuler whose patterns come from
``nlp/patterns.yml`` (labels: duration, frequency, amount, warning_sign).  It has no
statistical components and no vectors, so it needs no downloaded model.

Usage (from the repo root):

    python nlp/build_spacy_pipeline.py [OUTPUT_DIR]        # default build/spacy_twitch
    python nlp/build_spacy_pipeline.py --synonyms          # print nlu synonym block
    python nlp/build_spacy_pipeline.py --test "text" ...   # show entities for texts

Rasa then loads it by path: ``- name: SpacyNLP`` / ``model: build/spacy_twitch``.
Running it again rebuilds the folder from scratch (atomic replace), so it is
idempotent; it takes a couple of seconds.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterable, List

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_PATTERNS = HERE / "patterns.yml"
DEFAULT_OUTPUT = "build/spacy_twitch"
PIPELINE_NAME = "spacy_twitch"
PIPELINE_VERSION = "1.0.0"

# Contractions are written once in patterns.yml ("can't"); these forms are added.
_CONTRACTIONS = {
    "can't": ["can't", "cant", "cannot", "can not", "can’t"],
    "don't": ["don't", "dont", "do not", "don’t"],
    "doesn't": ["doesn't", "doesnt", "does not", "doesn’t"],
    "isn't": ["isn't", "isnt", "is not", "isn’t"],
    "won't": ["won't", "wont", "will not", "won’t"],
    "couldn't": ["couldn't", "couldnt", "could not", "couldn’t"],
}


def _as_text(value: Any, where: str) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        # YAML 1.1 turns bare on/off/yes/no into booleans: quote them in patterns.yml
        raise ValueError(f"{where}: expected a string, got {value!r} (quote it)")
    return str(value)


def expand_phrase(phrase: str) -> List[str]:
    """All surface forms of a phrase (contraction variants), lower-cased, unique."""
    forms = [phrase.lower().strip()]
    for key, variants in _CONTRACTIONS.items():
        new_forms = []
        for form in forms:
            if key in form:
                new_forms.extend(form.replace(key, v) for v in variants)
            else:
                new_forms.append(form)
        forms = new_forms
    return list(dict.fromkeys(forms))


def _resolve_lists(obj: Any, lists: Dict[str, List[str]], where: str) -> Any:
    """Replace "@name" strings by the named word list (recursively)."""
    if isinstance(obj, dict):
        return {k: _resolve_lists(v, lists, where) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_resolve_lists(v, lists, where) for v in obj]
    if isinstance(obj, str) and obj.startswith("@"):
        name = obj[1:]
        if name not in lists:
            raise KeyError(f"{where}: unknown list {obj!r}")
        return list(lists[name])
    return obj


def _expand_sequence(
    seq: List[Any], sequences: Dict[str, List[List[Any]]], where: str, depth: int = 0
) -> List[List[Dict[str, Any]]]:
    """Expand "$NAME" elements into all alternatives (cartesian product)."""
    if depth > 5:
        raise ValueError(f"{where}: sequences nested too deeply")
    choices: List[List[List[Dict[str, Any]]]] = []
    for element in seq:
        if isinstance(element, str) and element.startswith("$"):
            name = element[1:]
            if name not in sequences:
                raise KeyError(f"{where}: unknown sequence {element!r}")
            alternatives: List[List[Dict[str, Any]]] = []
            for alt in sequences[name]:
                alternatives.extend(_expand_sequence(alt, sequences, where, depth + 1))
            choices.append(alternatives)
        elif isinstance(element, dict):
            choices.append([[copy.deepcopy(element)]])
        else:
            raise ValueError(f"{where}: bad token pattern element {element!r}")
    results = []
    for combo in itertools.product(*choices):
        tokens = [tok for part in combo for tok in part]
        if tokens or depth > 0:  # an empty alternative makes a sequence optional
            results.append(tokens)
    return results


def _normalise_lists(raw: Dict[str, Any]) -> Dict[str, List[str]]:
    lists = {}
    for name, words in (raw or {}).items():
        lists[name] = list(
            dict.fromkeys(_as_text(w, f"lists.{name}").lower() for w in words)
        )
    return lists


def load_patterns(path: Path = DEFAULT_PATTERNS) -> List[Dict[str, Any]]:
    """Read patterns.yml and return EntityRuler patterns (dicts)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lists = _normalise_lists(data.get("lists"))
    sequences = {
        name: _resolve_lists(alts, lists, f"sequences.{name}")
        for name, alts in (data.get("sequences") or {}).items()
    }
    patterns: List[Dict[str, Any]] = []
    seen = set()

    def add(pattern: Dict[str, Any]) -> None:
        key = repr(pattern)
        if key not in seen:
            seen.add(key)
            patterns.append(pattern)

    for label, spec in (data.get("labels") or {}).items():
        for phrase in spec.get("phrases") or []:
            for form in expand_phrase(_as_text(phrase, f"{label}.phrases")):
                add({"label": label, "pattern": form})
        for value, phrases in (spec.get("values") or {}).items():
            for phrase in phrases:
                for form in expand_phrase(_as_text(phrase, f"{label}.{value}")):
                    add({"label": label, "pattern": form, "id": str(value)})
        for i, seq in enumerate(spec.get("tokens") or []):
            where = f"{label}.tokens[{i}]"
            seq = _resolve_lists(seq, lists, where)
            for tokens in _expand_sequence(seq, sequences, where):
                add({"label": label, "pattern": tokens})
    return patterns


def synonym_map(path: Path = DEFAULT_PATTERNS) -> Dict[str, List[str]]:
    """Canonical value -> phrases, for labels that declare ``values``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    result: Dict[str, List[str]] = {}
    for label, spec in (data.get("labels") or {}).items():
        for value, phrases in (spec.get("values") or {}).items():
            forms = result.setdefault(str(value), [])
            for phrase in phrases:
                for form in expand_phrase(_as_text(phrase, f"{label}.{value}")):
                    if form != str(value) and form not in forms:
                        forms.append(form)
    return result


def build_nlp(patterns_path: Path = DEFAULT_PATTERNS):
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe(
        "entity_ruler",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": True},
    )
    ruler.add_patterns(load_patterns(patterns_path))
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = PIPELINE_VERSION
    nlp.meta["description"] = (
        "Twitch Check: blank English tokenizer + EntityRuler "
        "(duration, frequency, amount, warning_sign). Built from nlp/patterns.yml."
    )
    return nlp


def save(nlp, output: Path) -> None:
    """Write to a temp folder next to ``output`` and swap it in (idempotent)."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    old = output.with_name(f".{output.name}.old")
    try:
        nlp.to_disk(tmp)
        if old.exists():
            shutil.rmtree(old)
        if output.exists():
            output.rename(old)  # keep the swap window tiny for concurrent loaders
        tmp.rename(output)
    finally:
        for leftover in (tmp, old):
            if leftover.exists():
                shutil.rmtree(leftover, ignore_errors=True)


def print_synonyms(out=sys.stdout) -> None:
    out.write("# generated by: python nlp/build_spacy_pipeline.py --synonyms\n")
    for value, forms in synonym_map().items():
        out.write(f"- synonym: {value}\n  examples: |\n")
        for form in forms:
            out.write(f"    - {form}\n")


def show(nlp, texts: Iterable[str]) -> None:
    for text in texts:
        doc = nlp(text)
        ents = [(e.text, e.label_, e.ent_id_ or None) for e in doc.ents]
        print(f"{text!r}: {ents}")


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default=DEFAULT_OUTPUT)
    parser.add_argument("--patterns", default=str(DEFAULT_PATTERNS))
    parser.add_argument("--synonyms", action="store_true", help="print synonym block")
    parser.add_argument("--test", nargs="+", metavar="TEXT", help="show entities")
    args = parser.parse_args(argv)

    if args.synonyms:
        print_synonyms()
        return 0
    nlp = build_nlp(Path(args.patterns))
    if args.test:
        show(nlp, args.test)
        return 0
    save(nlp, Path(args.output))
    n = len(nlp.get_pipe("entity_ruler").patterns)
    print(f"saved spaCy pipeline with {n} patterns to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
