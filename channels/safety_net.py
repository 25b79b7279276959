"""Replies Rasa gives on its own, without the NLU model or the action server.

Used by ``channels.guard`` when a message is too long to be read, and when the
action server is down, slow or failing. A warning sign in the message still gets
the emergency advice in both cases: ``red_flag_reply`` only looks for plain
phrases, in time linear in the length of the message, and imports nothing that
needs the model or the action server.
"""

import re
from functools import lru_cache
from typing import Iterable, List, Optional, Text

from actions.medical.characters import plain
from actions.medical.lexicon import emergency_words
from actions.medical.text import MAX_READ_CHARS

# A longer message gets a kind reply asking for a shorter one and is never parsed.
MAX_MESSAGE_CHARS = MAX_READ_CHARS

EMERGENCY_ADVICE = (
    "🔴 EMERGENCY: what you describe can be a sign of something serious. Call your local emergency "
    "number now (999, 112 or 911) or go to the nearest emergency department. Do not wait for this chat."
)
TOO_LONG = (
    "Sorry, that message is too long for me to read ({length} characters; I can read up to {limit}). "
    "Could you tell me in a few short sentences what is happening?"
)
ACTION_SERVER_DOWN = (
    "I'm sorry, something went wrong on my side and I can't answer properly right now. I still have "
    "what you told me before this message; please send it again in a minute. If you feel unwell or "
    "something feels suddenly wrong, contact a doctor or your local emergency number."
)
NOT_SAVED = (
    "Please note: I couldn't save our conversation just now (a storage problem on my side). I still "
    "have everything you told me and will keep trying to save it; nothing you say next can lower "
    "the advice I've given."
)
DELETE_FAILED = (
    "I'm sorry: I could not delete this conversation just now, so it is still stored. Please ask "
    "me again in a minute (\"delete my conversation\")."
)
TOO_MUCH_DATA = ("Sorry, that message came with more data than I can take, so I didn't read it. "
                 "Could you send just what you want to say?")
NOT_TEXT = "Sorry, I can only read text messages. Could you type what is happening?"
NOTHING_TO_SAY = ("Sorry, I didn't catch that. You can tell me about the twitch, spasm or cramp "
                  "(where it is and how long you've had it), or ask me a question.")
EMPTY = "I didn't get any words there. Could you tell me what's been happening?"
WELCOME_BACK = (
    "Welcome back. I was briefly unavailable, but I still have everything you told me, so let's "
    "carry on where we were."
)

# Control characters (C speed, one pass; no backtracking).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def emergency_phrases() -> List[Text]:
    """The lexicon's words for the warning signs that alone mean an emergency
    (actions/medical/lexicon.py): the same vocabulary the engine reads."""
    return [normalise(p) for p in emergency_words()]


def normalise(text: Text) -> Text:
    """Plain characters (actions/medical/characters.py, as the engine reads them), lower case, no
    apostrophes ("can't" -> "cant", as the lexicon writes it), no control characters, single
    spaces."""
    text = plain(text).lower().replace("'", "")
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


# How far into a message the emergency words are looked for: a warning sign is said early, and a
# pasted megabyte is answered with a request for a shorter message in milliseconds.
SCAN_CHARS = 20_000
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _contains_any(text: Text, phrases: Iterable[Text]) -> bool:
    """Whole-word phrase search: every run of up to the longest phrase's length of words, in a set."""
    words = _NOT_WORD.sub(" ", text[:SCAN_CHARS]).split()
    wanted = {tuple(_NOT_WORD.sub(" ", p).split()) for p in phrases}
    longest = max((len(p) for p in wanted), default=0)
    return any(tuple(words[i:i + n]) in wanted for i in range(len(words)) for n in range(1, longest + 1))


def red_flag_reply(text: Optional[Text]) -> Optional[Text]:
    """The emergency advice if `text` names a warning sign, else None.

    Plain word search over the normalised text: linear in its length, so it can run on any
    message, however long, before anything else. It has no ConText ("no chest pain" also gets
    the advice): this path only runs when the engine cannot, and then it errs on the safe side.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    if _contains_any(normalise(text), emergency_phrases()):
        return EMERGENCY_ADVICE
    return None


def too_long_reply(text: Text, limit: int = MAX_MESSAGE_CHARS) -> List[Text]:
    """What the person is told when a message is longer than `limit` characters."""
    replies = [TOO_LONG.format(length=f"{len(text):,}", limit=f"{limit:,}")]
    emergency = red_flag_reply(text)
    return [emergency, *replies] if emergency else replies


def action_server_down_reply(text: Optional[Text]) -> List[Text]:
    """What the person is told when the action server cannot answer."""
    emergency = red_flag_reply(text)
    return [emergency, ACTION_SERVER_DOWN] if emergency else [ACTION_SERVER_DOWN]
