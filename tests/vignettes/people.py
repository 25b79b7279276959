"""Simulated people from the vignette file: what they say when asked about a topic."""
from pathlib import Path
from typing import Dict, List

import yaml

from actions.medical.knowledge import TOPICS, WARNING_TOPICS

VIGNETTE_FILE = Path(__file__).resolve().parent / "vignettes.yml"


def load_vignettes() -> List[dict]:
    with open(VIGNETTE_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def answer(vignette: dict, topic: str) -> str:
    """The convention: an unlisted warning sign is answered "no", anything else "not sure"."""
    facts = vignette.get("facts") or {}
    if topic in facts:
        return str(facts[topic])
    return "no" if topic in WARNING_TOPICS else "not sure"


def all_answers(vignette: dict) -> Dict[str, str]:
    return {topic: answer(vignette, topic) for topic in TOPICS}
