#!/usr/bin/env python
"""Build the spaCy pipeline Rasa's SpacyNLP loads by path: blank English plus an EntityRuler.

The ruler's `warning_sign` patterns are generated from the clinical lexicon
(actions/knowledge/lexicon.yml), the one vocabulary the engine reads too, so the two can never
drift apart. A warning sign is a finding that an emergency or urgent triage rule names. There is
no statistical component and no vector, so nothing is downloaded.

Usage (from the repo root):

    python nlp/build_spacy_pipeline.py [OUTPUT_DIR]        # default build/spacy_twitch
    python nlp/build_spacy_pipeline.py --test "text" ...   # show entities for texts

Running it again replaces the folder atomically; it takes a couple of seconds.
"""
import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterable, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.medical.knowledge import load  # noqa: E402
from actions.medical.reader import normalise  # noqa: E402

DEFAULT_OUTPUT = "build/spacy_twitch"
# The lexicon is written without apostrophes ("cant"); people also type them ("can't").
CONTRACTIONS = {"cant": "can't", "dont": "don't", "doesnt": "doesn't", "isnt": "isn't", "wont": "won't",
                "im": "i'm", "ive": "i've", "hes": "he's", "shes": "she's", "didnt": "didn't"}


def warning_signs() -> List[str]:
    """Findings named by an emergency or urgent rule."""
    kb = load()
    urgent = [rule for rule in kb.rules if rule.level in ("emergency", "urgent")]
    return sorted({f for rule in urgent for f in (*rule.any, *rule.all)} & set(kb.lexicon["findings"]))


def _with_apostrophes(phrase: str) -> List[str]:
    words = phrase.split()
    spelled = " ".join(CONTRACTIONS.get(w, w) for w in words)
    return list(dict.fromkeys([phrase, spelled]))


def patterns() -> List[Dict[str, Any]]:
    kb = load()
    lists = kb.lexicon.get("lists", {})
    result = []
    for finding_id in warning_signs():
        spec = kb.lexicon["findings"][finding_id]
        for phrase in spec.get("phrases", []):
            for form in _with_apostrophes(normalise(phrase)):
                result.append({"label": "warning_sign", "pattern": form, "id": finding_id})
        for tokens in spec.get("patterns", []):
            resolved = [{k: ({"IN": lists[v["IN"][1:]]} if isinstance(v, dict) and str(v.get("IN", "")).startswith("@") else v)
                         for k, v in token.items()} for token in tokens]
            result.append({"label": "warning_sign", "pattern": resolved, "id": finding_id})
    return result


def build_nlp():
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    ruler.add_patterns(patterns())
    nlp.meta["name"] = "spacy_twitch"
    nlp.meta["version"] = "2.0.0"
    nlp.meta["description"] = "Twitch Check: blank English tokenizer + warning_sign EntityRuler built from lexicon.yml."
    return nlp


def save(nlp, output: Path) -> None:
    """Write to a temp folder next to `output` and swap it in (idempotent)."""
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


def show(nlp, texts: Iterable[str]) -> None:
    for text in texts:
        print(f"{text!r}: {[(e.text, e.label_, e.ent_id_) for e in nlp(text).ents]}")


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default=DEFAULT_OUTPUT)
    parser.add_argument("--test", nargs="+", metavar="TEXT", help="show entities")
    args = parser.parse_args(argv)
    nlp = build_nlp()
    if args.test:
        show(nlp, args.test)
        return 0
    save(nlp, Path(args.output))
    print(f"saved spaCy pipeline with {len(nlp.get_pipe('entity_ruler').patterns)} patterns to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
