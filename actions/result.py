"""The result as a person sees it: one short card first, the details when they ask.

Plain Python (no Rasa). The card says the level, what to do and by when, and the main reason;
the reasons, likely causes and advice are sections the person opens (web) or asks for with
"Why?" and "What can I do now?" (chat channels and the terminal). actions.py picks the channel's
form; the summary for a doctor is built here too.
"""
import datetime
import html
import os
import re
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence

from .medical.assessment import TOP_CAUSES, UNPLACED_RULE, Assessment, explain_cause, quote, sources
from .interview import places
from .medical.knowledge import LEVELS, TOPICS, KnowledgeBase, check_fits, load
from .medical.text import duration_days
from .medical.triage import triage

LEVEL_BADGES = {
    "emergency": "🔴 EMERGENCY",
    "urgent": "🟠 URGENT",
    "see_doctor": "🟡 SEE A DOCTOR",
    "self_care": "🟢 SELF-CARE",
}
SHORT_REMINDER = "(General information, not a diagnosis.)"
# Emergency numbers for the call buttons and the advice; the first is the main one. Set
# TWITCH_EMERGENCY_NUMBERS (e.g. "911" or "112,999") for another country.
DEFAULT_EMERGENCY_NUMBERS = ("999", "112", "911")


def emergency_numbers() -> List[str]:
    said = [n.strip() for n in os.environ.get("TWITCH_EMERGENCY_NUMBERS", "").split(",")]
    numbers = [n for n in said if re.fullmatch(r"\+?[0-9]{2,8}", n)]
    return numbers or list(DEFAULT_EMERGENCY_NUMBERS)


def _numbers_in_words(numbers: Sequence[str]) -> str:
    """ "999 (or 112 / 911)": the main number first, the others for other countries."""
    return numbers[0] + (f" (or {' / '.join(numbers[1:])})" if len(numbers) > 1 else "")


@dataclass(frozen=True)
class Section:
    title: str
    lines: List[str]


@dataclass(frozen=True)
class Card:
    level: str
    badge: str
    title: str
    now: str                  # what to do and by when, one sentence
    reason: str               # the main reason, one sentence
    also: List[str]           # what must be seen without opening anything (an unplaced symptom, a worry)
    sections: List[Section]
    causes: List[str] = field(default_factory=list)          # the likely causes' names, most likely first
    call: List[Dict[str, str]] = field(default_factory=list)   # emergency only
    while_waiting: List[str] = field(default_factory=list)     # emergency only
    reminder: str = ""
    sources: List[str] = field(default_factory=list)
    kind: str = ""            # the kind of emergency, under the level line ("These can be signs of a stroke.")

    def as_dict(self) -> dict:
        return asdict(self)

    def section(self, title: str) -> Optional[Section]:
        return next((s for s in self.sections if s.title == title), None)


WHY = "Why I say this"
CAUSES = "What most likely explains it"
TODO = "What you can do"
SOONER = "Get help sooner if"
WORRY = "About your worry"
# Sent home or to a routine appointment: where to turn when the surgery is closed (NHS 111 wording).
ROUTINE = ("see_doctor", "self_care")
OUT_OF_HOURS = ("If one of these happens and your doctor's surgery is closed, call 111 or use NHS 111 "
                "online (UK), or your local out-of-hours service.")


# How soon, for a red flag of this complaint, by the level it would bring (checks.yml, concepts.yml `sooner`).
RED_FLAG_LEAD = {
    "emergency": "Call {number} or go to A&E if",
    "urgent": "Get medical advice the same day (your doctor or 111) if",
    "see_doctor": "See a doctor if",
}


def now_sentence(level: str, kb: Optional[KnowledgeBase] = None) -> str:
    kb = kb or load()
    return kb.advice["levels"][level]["now"].format(numbers=_numbers_in_words(emergency_numbers()))


def _reason_lines(assessment: Assessment) -> List[str]:
    found = assessment.evidence
    unplaced = [r for r in assessment.triage.also_noted if r.id == UNPLACED_RULE]
    lines = []
    for rule in [*assessment.triage.reasons, *unplaced]:
        said = quote(found, [*rule.any, *rule.all])
        lines.append(f"{rule.sign}{said}" + (f" {rule.advice.strip()}" if rule.advice else ""))
    return lines or ["Nothing you told me points to a warning sign, and this sounds like the common, harmless kind."]


def _main_reason(assessment: Assessment) -> str:
    if assessment.triage.reasons:
        rule = assessment.triage.reasons[0]
        return rule.sign[0].upper() + rule.sign[1:] + quote(assessment.evidence, [*rule.any, *rule.all]) + "."
    if assessment.causes:
        return ("Nothing you told me points to a warning sign; the most likely explanation is "
                f"{assessment.causes[0].cause.name[0].lower()}{assessment.causes[0].cause.name[1:]}.")
    return "Nothing you told me points to a warning sign."


def _kind(assessment: Assessment) -> str:
    """The kind of emergency its rule names, for the first reason that names one."""
    return next((rule.kind for rule in assessment.triage.reasons if rule.kind), "")


def _places_said(assessment: Assessment) -> set:
    return {f"place:{p}" for texts in assessment.evidence.values() for text in texts for p in places(text)}


def red_flags(assessment: Assessment, kb: KnowledgeBase) -> List[str]:
    """The warning signs of this complaint (the safety questions that fit it, checks.yml), each with
    how soon to get help should it appear: the level the sign would bring, when more urgent than now.
    A calf cramp: "Get medical advice the same day (your doctor or 111) if your calf or leg becomes
    swollen, red, warm or tender." """
    present = set(assessment.evidence) | _places_said(assessment)
    concepts = kb.concepts["warning_signs"]
    asked = [c for check_ in kb.checks if check_fits(check_, present) for c in check_["asks"]]
    lines = []
    for concept in dict.fromkeys(asked):
        spec = concepts[concept]
        if "sooner" not in spec or set(spec["findings"]) & present:
            continue  # a sign already there is in the reasons, not a "sooner"
        level = triage(present | {spec["findings"][0]}, kb).level
        if LEVELS.index(level) < LEVELS.index(assessment.level):
            lead = RED_FLAG_LEAD[level].format(number=emergency_numbers()[0])
            lines.append(f"{lead} {spec['sooner']}.")
    return lines


def _always_shown(assessment: Assessment, kb: KnowledgeBase) -> List[str]:
    """An unplaced symptom is never left inside a closed section; nor is the answer to a worry."""
    also = []
    if not any(r.id == UNPLACED_RULE for r in assessment.triage.reasons):
        for rule in assessment.triage.also_noted:
            if rule.id == UNPLACED_RULE:
                also.append(f"Also: {rule.sign}{quote(assessment.evidence, [*rule.any, *rule.all])}. "
                            + (rule.advice or "").strip())
    for cause_id in assessment.feared:
        name = kb.causes[cause_id].name if cause_id in kb.causes else cause_id
        first = re.split(r"(?<=\.)\s", kb.advice["rarity_notes"][cause_id]["text"].strip())[0]
        also.append(f"About {name}: {first}")
    return [line.strip() for line in also]


def card(assessment: Assessment, kb: Optional[KnowledgeBase] = None) -> Card:
    kb = kb or load()
    level = assessment.level
    sections = [Section(WHY, _reason_lines(assessment))]
    named = assessment.causes[:TOP_CAUSES] if level != "emergency" else []
    if named:
        sections.append(Section(CAUSES, [explain_cause(r, assessment.evidence, kb) for r in named]))
    if assessment.advice:
        sections.append(Section(TODO, list(assessment.advice)))
    sooner = [*red_flags(assessment, kb), *assessment.safety_net, *([OUT_OF_HOURS] if level in ROUTINE else [])]
    if sooner:
        sections.append(Section(SOONER, sooner))
    for cause_id in assessment.feared:
        sections.append(Section(WORRY, [kb.advice["rarity_notes"][cause_id]["text"].strip()]))
    emergency = level == "emergency"
    return Card(
        level=level,
        badge=LEVEL_BADGES[level],
        title=kb.advice["levels"][level]["title"],
        now=now_sentence(level, kb),
        reason=_main_reason(assessment),
        also=_always_shown(assessment, kb),
        sections=sections,
        causes=[r.cause.name for r in named],
        call=[{"label": f"Call {n}", "number": n} for n in emergency_numbers()] if emergency else [],
        while_waiting=list(kb.advice["emergency_waiting"]["text"]) if emergency else [],
        reminder=kb.advice["disclaimer"].strip(),
        sources=sources(assessment, kb),
        kind=_kind(assessment) if emergency else "",
    )


def card_text(result: Card) -> str:
    """The card for chat channels and the terminal: short blocks with blank lines between them;
    the reasons and advice come with "Why?" and "What can I do now?"."""
    blocks = [f"{result.badge}: {result.title}\n" + (f"{result.kind}\n" if result.kind else "") + result.now,
              f"Main reason: {result.reason}"]
    blocks += result.also
    if result.while_waiting:
        blocks.append("While you wait:\n" + "\n".join(f"• {line}" for line in result.while_waiting))
    if result.causes:
        blocks.append("Likely causes: " + "; ".join(result.causes) + ".")
    blocks.append(SHORT_REMINDER)
    return "\n\n".join(blocks)


def section_text(result: Card, *titles: str) -> str:
    """Sections as text, for "Why?" and "What can I do now?"."""
    parts = []
    for title in titles:
        section = result.section(title)
        if section:
            parts.append(f"{title}:\n" + "\n".join(f"• {line}" for line in section.lines))
    return "\n\n".join(parts + [SHORT_REMINDER])


def why_text(result: Card) -> str:
    """ "Why?": what to do, then the reasons and the likely causes."""
    return f"{result.badge}: {result.now}\n\n" + section_text(result, WHY, CAUSES)


# --- the summary for a doctor ---

# What the person asked the assistant to do, not what they told it about the problem.
REQUEST = re.compile(r"^\W*(why|what (can|should) i do|summary|new check|start (over|again)|delete|stop)\b", re.I)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def own_words(said: Sequence[str], kb: KnowledgeBase) -> List[str]:
    """The messages that describe the problem: not one-word answers ("no"), a button's text or
    payload ("Not sure", "why?"), or a request ("what can I do now?"); each once."""
    conversation = kb.conversation
    groups = [q.get("buttons", []) for q in conversation["questions"].values()]
    groups += [conversation["after_result"]["buttons"], conversation["after_result"]["emergency_buttons"]]
    buttons = {_plain(part) for group in groups for pair in group for part in pair}
    kept = [s.strip() for s in said
            if len(_plain(s).split()) > 1 and _plain(s) not in buttons and not REQUEST.match(s)]
    return list(dict.fromkeys(kept))


# Where, how long and how often: the rows a doctor asks first, from the answers or the person's words.
DETAILS = ("location", "duration", "frequency")
SPAN = re.compile(r"\b(?:(?:for|about|around|over|nearly|almost)\s+)*(?:\d+|a|an|one|two|three|four|five|six|"
                  r"a few|a couple of|several|few)\s+(?:\w+\s+)?(?:minutes?|hours?|days?|weeks?|months?|years?)\b"
                  r"(?:\s+ago|\s+now)?|\bsince\s+\w+(?:\s+\w+)?", re.I)
HOW_OFTEN = re.compile(r"\b(?:every|each)\s+(?:\w+\s+)?(?:minute|hour|day|night|morning|evening|week)s?\b|"
                       r"\b(?:\d+|once|twice|one|two|three|a few|several|many)\s+(?:times?\s+)?(?:a|an|per|each)\s+"
                       r"(?:minute|hour|day|night|week)\b|\b(?:all the time|constantly|on and off|comes and goes|"
                       r"every so often|now and then|nightly|daily|at night)\b", re.I)


def _from_words(topic: str, said: Sequence[str]) -> Optional[str]:
    """The place, how long or how often, as the person put it in their messages."""
    if topic == "location":
        named = list(dict.fromkeys(p for text in said for p in places(text)))
        return ", ".join(named) or None
    pattern = SPAN if topic == "duration" else HOW_OFTEN
    found = [m.group(0) for text in said for m in [pattern.search(text)]
             if m and (topic != "duration" or duration_days(text) is not None or m.group(0).lower().startswith("since"))]
    return found[0] if found else None


def _answer_rows(said: Sequence[str], answers: Mapping[str, Optional[str]], kb: KnowledgeBase) -> List[dict]:
    """Where, how long and how often first (answered, or from their words), then the other answers."""
    questions = kb.conversation["questions"]
    rows = [{"question": questions[t]["label"], "answer": answers.get(t) or _from_words(t, said)} for t in DETAILS]
    rows += [{"question": questions[t]["label"], "answer": answers[t]} for t in TOPICS
             if t not in DETAILS and answers.get(t)]
    return [row for row in rows if row["answer"]]


def doctor_summary(result: Card, said: Sequence[str], answers: Mapping[str, Optional[str]],
                   kb: Optional[KnowledgeBase] = None, today: Optional[datetime.date] = None) -> dict:
    """What the person said in their words, their answers, the result, likely causes, sources; dated."""
    kb = kb or load()
    causes = result.section(CAUSES)
    why = result.section(WHY)
    explained = causes.lines if causes else []
    return {
        "title": kb.conversation["summary"]["title"],
        "date": (today or datetime.date.today()).isoformat(),
        "said": own_words(said, kb),
        "answers": _answer_rows(own_words(said, kb), answers, kb),
        "level": result.level, "badge": result.badge, "action": result.now,
        "reasons": why.lines if why else [],
        # each explanation opens with the cause's name and a colon (explain_cause)
        "causes": [{"name": name, "why": line[len(name) + 1:].strip()} for name, line in zip(result.causes, explained)],
        "advice": [*(result.section(TODO).lines if result.section(TODO) else [])],
        "safety_net": [*(result.section(SOONER).lines if result.section(SOONER) else [])],
        "sources": result.sources,
        "reminder": result.reminder,
    }


def summary_text(summary: dict, kb: Optional[KnowledgeBase] = None) -> str:
    """The summary as a compact text block, for chat channels and the terminal."""
    words = (kb or load()).conversation["summary"]
    blocks = [f"{summary['title']}, {summary['date']}",
              f"{words['said']}:\n" + "\n".join(f"“{line}”" for line in summary["said"])]
    if summary["answers"]:
        blocks.append(f"{words['answers']}:\n" + "\n".join(f"• {a['question']}: {a['answer']}" for a in summary["answers"]))
    blocks.append(f"{words['result']}: {summary['badge']}. {summary['action']}\n"
                  + "\n".join(f"• {line}" for line in summary["reasons"]))
    if summary["causes"]:
        blocks.append(f"{words['causes']}:\n" + "\n".join(f"• {c['name']}" for c in summary["causes"]))
    if summary.get("safety_net"):
        blocks.append(f"{SOONER}:\n" + "\n".join(f"• {line}" for line in summary["safety_net"]))
    blocks.append(f"{words['sources']}: " + "; ".join(summary["sources"]) + ".\n" + SHORT_REMINDER)
    return "\n\n".join(blocks)


# --- the card in each chat channel's own format ---

def slack_message(result: Card) -> dict:
    """Slack blocks: the card, then each section; the text is what notifications show."""
    def bullets(lines):
        return "\n".join(f"• {line}" for line in lines)

    blocks = [{"type": "header", "text": {"type": "plain_text", "text": f"{result.badge}: {result.title}"}},
              {"type": "section", "text": {"type": "mrkdwn", "text": f"*{result.now}*\n{result.reason}"}}]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": line}} for line in result.also]
    if result.while_waiting:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "*While you wait*\n" + bullets(result.while_waiting)}})
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{s.title}*\n{bullets(s.lines)}"[:2900]}}
               for s in result.sections]
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"{result.reminder} Based on: {'; '.join(result.sources)}."}]})
    return {"text": f"{result.badge}: {result.now}", "blocks": blocks}


def telegram_message(result: Card) -> dict:
    """Telegram formatted text (HTML mode): the card in bold and short blocks."""
    def esc(text):
        return html.escape(text, quote=False)

    parts = [f"<b>{esc(result.badge)}: {esc(result.title)}</b>\n{esc(result.now)}", f"<b>Main reason:</b> {esc(result.reason)}"]
    parts += [esc(line) for line in result.also]
    if result.while_waiting:
        parts.append("<b>While you wait:</b>\n" + "\n".join(f"• {esc(line)}" for line in result.while_waiting))
    if result.causes:
        parts.append("<b>Likely causes:</b> " + esc("; ".join(result.causes)) + ".")
    parts.append(f"<i>{esc(SHORT_REMINDER)}</i>")
    return {"text": "\n\n".join(parts), "parse_mode": "HTML"}
