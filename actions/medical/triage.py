"""Triage: the most urgent level whose rule fires; self_care when none does."""
from dataclasses import dataclass
from typing import Iterable, List, Optional

from .knowledge import LEVELS, KnowledgeBase, Rule, load


@dataclass(frozen=True)
class Triage:
    level: str
    reasons: List[Rule]       # the rules that set the level
    also_noted: List[Rule]    # rules that fired at less urgent levels


def more_urgent(a: str, b: str) -> str:
    return a if LEVELS.index(a) <= LEVELS.index(b) else b


def triage(present: Iterable[str], kb: Optional[KnowledgeBase] = None) -> Triage:
    kb = kb or load()
    present = set(present)
    fired = [rule for rule in kb.rules if rule.fires(present)]
    if not fired:
        return Triage("self_care", [], [])
    level = min((rule.level for rule in fired), key=LEVELS.index)
    return Triage(
        level=level,
        reasons=[r for r in fired if r.level == level],
        also_noted=[r for r in fired if r.level != level],
    )
