"""The learned layer: a spaCy textcat_multilabel trained on the blind corpus (nlp/corpus), which
hears warning signs in words the lexicon does not have ("legs like jelly", "the light kills my eyes").

It never decides on its own: a sign it suspects and the lexicon did not confirm is to be asked about
(README, "The learned layer"). Trained offline and seeded by `make train`
(`python -m nlp.suspicion train build/suspicion`); `python -m nlp.suspicion score build/suspicion`
prints recall and precision per warning sign on the held-out part, for the lexicon alone, the model
alone and the two together.
"""
import random
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Set

import spacy
from spacy.training import Example

from actions.medical.detect import detect
from actions.medical.reader import normalise
from nlp.corpus_scores import SETS, clauses, concepts

SEED = 1
EPOCHS = 12
SUSPECT_AT = 0.5   # the model's score above which a sign is suspected


def _present(labels: Dict[str, str], wanted: Iterable[str]) -> Set[str]:
    return {c for c, status in labels.items() if status == "present" and c in wanted}


def train(out: Path) -> None:
    random.seed(SEED)
    spacy.util.fix_random_seed(SEED)
    mapping, warning = concepts()
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": {
        "@architectures": "spacy.TextCatBOW.v2", "exclusive_classes": False, "ngram_size": 3, "no_output_layer": False}})
    for concept in mapping:
        textcat.add_label(concept)
    rows = clauses(SETS["train"])
    examples = [Example.from_dict(nlp.make_doc(normalise(text)), {"cats": {
        c: float(c in _present(labels, mapping)) for c in mapping}}) for text, labels in rows]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(EPOCHS):
        random.shuffle(examples)
        for batch in spacy.util.minibatch(examples, size=32):
            nlp.update(batch, sgd=optimizer, drop=0.1)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)


def suspected(nlp, text: str, wanted: Iterable[str]) -> Set[str]:
    cats = nlp(normalise(text)).cats
    return {c for c in wanted if cats.get(c, 0) >= SUSPECT_AT}


def score(model: Path) -> List[str]:
    nlp = spacy.load(model)
    mapping, warning = concepts()
    table = {c: {"lexicon": [0, 0, 0], "model": [0, 0, 0], "both": [0, 0, 0]} for c in warning}  # tp, fn, fp
    for text, labels in clauses(SETS["heldout"]):
        found = set(detect({}, [text]))
        by_model = suspected(nlp, text, warning)
        for concept in warning:
            if concept not in labels:
                continue
            lexicon = bool(found & set(mapping[concept]))
            model_says = concept in by_model
            truth = labels[concept] == "present"
            for name, said in (("lexicon", lexicon), ("model", model_says), ("both", lexicon or model_says)):
                row = table[concept][name]
                if truth:
                    row[0 if said else 1] += 1
                elif said:
                    row[2] += 1
    lines = [f"{'warning sign':22} " + " ".join(f"{n + ' R/P':>16}" for n in ("lexicon", "model", "both"))]
    totals = {n: [0, 0, 0] for n in ("lexicon", "model", "both")}
    for concept in warning:
        cells = []
        for name in ("lexicon", "model", "both"):
            tp, fn, fp = table[concept][name]
            totals[name] = [a + b for a, b in zip(totals[name], (tp, fn, fp))]
            cells.append(f"{tp / max(tp + fn, 1):7.0%}/{tp / max(tp + fp, 1):<7.0%}")
        lines.append(f"{concept:22} " + " ".join(f"{c:>16}" for c in cells))
    for name, (tp, fn, fp) in totals.items():
        lines.append(f"all warning signs, {name}: recall {tp / (tp + fn):.1%}, precision {tp / max(tp + fp, 1):.1%}")
    return lines


if __name__ == "__main__":
    command, where = sys.argv[1], Path(sys.argv[2])
    if command == "train":
        train(where)
    else:
        print("\n".join(score(where)))
