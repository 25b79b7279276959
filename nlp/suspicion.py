"""The learned layer: a classifier trained on the blind corpus (nlp/corpus) that hears warning signs
in words the lexicon does not have ("legs like jelly", "the light kills my eyes").

Character n-grams (2-5, within words) and word uni- and bigrams, TF-IDF weighted, one logistic
regression per concept (scikit-learn). Character n-grams carry typos, endings and run-together words
that a word list misses; measured against spaCy's bag-of-words textcat on the held-out part it found
more than twice as many signs (README, "The learned layer"). It never decides on its own: a sign it
suspects and the lexicon did not confirm is asked about (actions/medical/suspect.py).

`python -m nlp.suspicion train build/suspicion` (run by `make train`, seeded, about half a minute);
`python -m nlp.suspicion score build/suspicion` prints recall and precision per warning sign on the
held-out part, for the lexicon alone, the model alone and the two together.
"""
import sys
from pathlib import Path
from typing import Dict, List

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline, make_union

from actions.medical.detect import detect
from actions.medical.reader import normalise
from actions.medical.suspect import MODEL_FILE, SUSPECT_AT, suspected
from nlp.corpus_scores import SETS, clauses, concepts

SEED = 1


NLU_DATA = Path(__file__).resolve().parents[1] / "data" / "nlu.yml"
# The project's own training messages that describe an everyday symptom ("my calf keeps twitching"):
# without them the blind corpus, rich in warning signs, teaches that a body word alone is one.
EVERYDAY_INTENTS = ("describe_symptom", "inform")


def everyday_messages(warning_findings) -> List:
    """NLU examples of describing and answering in which the lexicon reads no warning sign, labelled
    with what the lexicon reads there (and so with no warning sign)."""
    import re
    import yaml
    mapping, _ = concepts()
    rows = []
    for block in yaml.safe_load(NLU_DATA.read_text())["nlu"]:
        if block.get("intent") not in EVERYDAY_INTENTS:
            continue
        for line in block["examples"].splitlines():
            text = re.sub(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}", lambda m: m.group(1) or m.group(2), line.lstrip("- ").strip())
            found = set(detect({}, [text]))
            if text and not found & warning_findings:
                rows.append((text, {c: "present" for c, f in mapping.items() if found & set(f)}))
    return rows


def train(out: Path) -> None:
    mapping, warning = concepts()
    labels = list(mapping)
    warning_findings = {f for c in warning for f in mapping[c]}
    rows = clauses(SETS["train"]) + everyday_messages(warning_findings)
    texts = [normalise(text) for text, _ in rows]
    targets = np.array([[int(found.get(c) == "present") for c in labels] for _, found in rows])
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, dtype=np.float32),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32))
    model = make_pipeline(features, OneVsRestClassifier(
        LogisticRegression(C=8, max_iter=2000, class_weight="balanced", random_state=SEED)))
    model.fit(texts, targets)
    out.mkdir(parents=True, exist_ok=True)
    joblib.dump({"labels": labels, "model": model}, out / MODEL_FILE.name)


def score(model_dir: Path) -> List[str]:
    mapping, warning = concepts()
    names = ("lexicon", "model", "both")
    table: Dict[str, Dict[str, List[int]]] = {c: {n: [0, 0, 0] for n in names} for c in warning}  # tp, fn, fp
    for text, labels in clauses(SETS["heldout"]):
        found = set(detect({}, [text]))
        by_model = set(suspected(text, model_dir / MODEL_FILE.name))
        for concept in (c for c in warning if c in labels):
            lexicon, model = bool(found & set(mapping[concept])), concept in by_model
            for name, said in zip(names, (lexicon, model, lexicon or model)):
                row = table[concept][name]
                if labels[concept] == "present":
                    row[0 if said else 1] += 1
                elif said:
                    row[2] += 1
    lines = [f"held-out part, suspected at {SUSPECT_AT}; recall/precision per warning sign",
             f"{'warning sign':22} " + " ".join(f"{n:>14}" for n in names)]
    totals = {n: [0, 0, 0] for n in names}
    for concept in warning:
        cells = []
        for name in names:
            tp, fn, fp = table[concept][name]
            totals[name] = [a + b for a, b in zip(totals[name], (tp, fn, fp))]
            cells.append(f"{tp / max(tp + fn, 1):.0%}/{tp / max(tp + fp, 1):.0%}")
        lines.append(f"{concept:22} " + " ".join(f"{c:>14}" for c in cells))
    for name, (tp, fn, fp) in totals.items():
        lines.append(f"all warning signs, {name}: recall {tp / (tp + fn):.1%}, precision {tp / max(tp + fp, 1):.1%}")
    return lines


if __name__ == "__main__":
    command, where = sys.argv[1], Path(sys.argv[2])
    if command == "train":
        train(where)
    else:
        print("\n".join(score(where)))
