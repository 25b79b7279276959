"""Simulated people from the vignette file: what they say when asked about a topic."""
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from actions.medical.knowledge import TOPICS, WARNING_TOPICS, load

HERE = Path(__file__).resolve().parent
# The project's own vignettes, and the held-out set written blind (by an author who had not seen
# the code, the knowledge base or the other vignettes): never tuned against one by one.
VIGNETTE_SETS = {"vignettes": HERE / "vignettes.yml", "blind": HERE / "blind.yml", "blind2": HERE / "blind2.yml",
                 "blind3": HERE / "blind3.yml", "blind4": HERE / "blind4.yml"}
# What `make eval` (and so `make test`) runs; blind2, written after the fixes the first blind set
# prompted, is the fresh held-out reading (`make eval-fresh`).
EVAL_SETS = ("vignettes", "blind")


def load_vignettes(name: str = "vignettes") -> List[dict]:
    with open(VIGNETTE_SETS[name], encoding="utf-8") as handle:
        return [{**v, "set": name} for v in yaml.safe_load(handle)]


def answer(vignette: dict, topic: str, confirming: Optional[str] = None) -> str:
    """The convention: an unlisted warning sign is answered "no", the open last question
    "no, that's all", anything else "not sure". Asked to confirm a suspected sign (`confirming`, a
    concept of knowledge/concepts.yml), a person says what they would say to that sign's own topic."""
    facts = vignette.get("facts") or {}
    if topic == "confirm" and confirming:
        return _about_the_sign(vignette, facts, confirming)
    if topic in facts:
        return str(facts[topic])
    if topic == "anything_else":
        return "no, that's all"
    return "no" if topic in WARNING_TOPICS else "not sure"



def _about_the_sign(vignette: dict, facts: dict, concept: str) -> str:
    """Asked about one warning sign, a person says what they said of it (a fact or the opening that
    the lexicon reads as that sign), and "no" when none does: the convention for a warning sign
    that is not listed. (A scripted person cannot tell what their own lay words meant, so the
    learned layer's questions are measured on the held-out corpus and by the panels instead.)"""
    from actions.medical.reader import read
    findings = set(load().concepts["warning_signs"][concept]["findings"])
    said = [*(str(v) for v in facts.values()), vignette["opening"]]
    read_as_it = [s for s in said if findings & {m.finding for m in read(s).mentions}]
    if read_as_it:
        return read_as_it[0]
    return "no"


def all_answers(vignette: dict) -> Dict[str, str]:
    return {topic: answer(vignette, topic) for topic in TOPICS}
