"""How well the lexicon reads the blind corpus (nlp/corpus): recall and precision per concept.

Each clause is read on its own as a remark (actions.medical.detect, the engine's own reading). A
clause labelled concept=present is a hit when one of the concept's findings (knowledge/concepts.yml) is
present; one labelled absent / past / hypothetical / other / figurative is a false alarm when one
is. `python -m nlp.corpus_scores [--set heldout|train]` prints the table, warning signs first.
"""
import argparse
import csv
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

from actions.medical.detect import detect
from actions.medical.knowledge import load

CORPUS = Path(__file__).resolve().parent / "corpus"
SETS = {"heldout": ["heldout_d.tsv"], "train": ["train_a.tsv", "train_b.tsv", "train_c.tsv"]}


def concepts() -> Tuple[Dict[str, List[str]], List[str]]:
    """concept -> the findings it shows (actions/knowledge/concepts.yml), and the warning signs."""
    spec = load().concepts
    return ({c: s["findings"] for group in spec.values() for c, s in group.items()}, list(spec["warning_signs"]))


def clauses(names: List[str]) -> List[Tuple[str, Dict[str, str]]]:
    rows = []
    for name in names:
        with open(CORPUS / name, encoding="utf-8") as handle:
            for text, labels, _voice in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                pairs = dict(p.split("=", 1) for p in labels.split(";") if "=" in p)
                rows.append((text, pairs))
    return rows


def score(rows, mapping) -> Dict[str, Counter]:
    counts: Dict[str, Counter] = {c: Counter() for c in mapping}
    for text, labels in rows:
        found = set(detect({}, [text]))
        for concept, status in labels.items():
            if concept not in mapping:
                continue
            shown = bool(found & set(mapping[concept]))
            if status == "present":
                counts[concept]["tp" if shown else "fn"] += 1
            else:
                counts[concept]["fp" if shown else "tn"] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", default="heldout", choices=list(SETS))
    args = parser.parse_args()
    mapping, warning = concepts()
    counts = score(clauses(SETS[args.set]), mapping)
    print(f"{'concept':22} {'present':>7} {'recall':>7} {'other':>6} {'false alarms':>12}")
    for concept in warning + [c for c in mapping if c not in warning]:
        c = counts[concept]
        present, other = c["tp"] + c["fn"], c["fp"] + c["tn"]
        recall = c["tp"] / present if present else 1.0
        print(f"{concept:22} {present:7} {recall:7.0%} {other:6} {c['fp']:12}")
    tp = sum(counts[c]["tp"] for c in warning)
    fn = sum(counts[c]["fn"] for c in warning)
    fp = sum(counts[c]["fp"] for c in warning)
    print(f"\nwarning signs: recall {tp / (tp + fn):.1%} ({fn} missed of {tp + fn}), false alarms {fp}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
