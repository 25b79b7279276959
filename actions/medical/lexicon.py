"""Word lists drawn from the clinical lexicon for code that cannot run the full reader.

The Rasa process answers some messages without the action server (too long, or the action
server down); it still has to recognise an emergency, in the same words the engine uses.
"""
from typing import List

from .knowledge import KnowledgeBase, load


def emergency_words(kb: KnowledgeBase = None) -> List[str]:
    """Phrases of every finding that on its own makes a rule say "emergency"."""
    kb = kb or load()
    alone = {f for rule in kb.rules if rule.level == "emergency" and not rule.all for f in rule.any}
    findings = kb.lexicon["findings"]
    return sorted({phrase for fid in alone if fid in findings for phrase in findings[fid].get("phrases", [])})
