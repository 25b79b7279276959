"""Ranking likely causes: a cause's baseline plus the weights of the findings pointing to it."""
from dataclasses import dataclass
from typing import List, Mapping, Optional, Sequence

from .knowledge import Cause, KnowledgeBase, load


@dataclass(frozen=True)
class RankedCause:
    cause: Cause
    score: float
    support: List[str]   # finding ids that point to it, strongest first


def rank_causes(found: Mapping[str, Sequence[str]], kb: Optional[KnowledgeBase] = None) -> List[RankedCause]:
    kb = kb or load()
    ranked = []
    for cause in kb.causes.values():
        support = sorted((f for f in cause.points_to if f in found), key=lambda f: -cause.points_to[f])
        if cause.needs_evidence and not any(not kb.findings[f].supporting_only for f in support):
            continue  # rare or serious causes only when something about the person points to them
        score = cause.baseline + sum(cause.points_to[f] for f in support)
        if score > 0:
            ranked.append(RankedCause(cause, score, support))
    # Ties go to the more common cause: it is the likelier explanation.
    return sorted(ranked, key=lambda r: (-r.score, -r.cause.baseline, r.cause.id))
