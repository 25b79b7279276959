"""Keeps what people write out of the logs (docs/privacy.md, "Privacy").

Our own code never logs message text. Rasa, Sanic and rasa_sdk sometimes do on
failure paths (an exception message quoting the text, a response body quoted in an
error). As a second line of defence, every process that sees messages remembers
the recent ones (``remember``) and a filter on every log handler replaces them in
any record at INFO or above, traceback included, before it is written. Records
are also cut to ``MAX_RECORD_CHARS``, so no log line can carry a whole request body.
"""

import logging
import re
import threading
from collections import OrderedDict
from typing import Iterable, Optional, Text

REDACTED = "[message text removed]"
MAX_RECORD_CHARS = 4000
MAX_REMEMBERED = 5000
MIN_LENGTH = 4          # shorter texts ("no", "yes") are too common to redact usefully
PREFIX_CHARS = 40       # long texts are also redacted when only their start was logged
WHOLE_WORDS_BELOW = 20  # short texts ("twitch") only as whole words, not inside "validate_twitch_form"

_recent: "OrderedDict[Text, None]" = OrderedDict()
_lock = threading.Lock()


def _fragments(text: Text) -> Iterable[Text]:
    text = text.strip()
    if len(text) < MIN_LENGTH:
        return []
    fragments = [text] if len(text) <= 1000 else []
    if len(text) > PREFIX_CHARS:
        fragments.append(text[:PREFIX_CHARS])
    for line in text.splitlines():  # a message may be logged one line at a time
        line = line.strip()
        if len(line) >= max(MIN_LENGTH, 8) and line != text:
            fragments.append(line[:PREFIX_CHARS] if len(line) > PREFIX_CHARS else line)
    return fragments


def remember(text: Optional[Text]) -> None:
    """Marks `text` (something a person wrote) as never to be logged."""
    if not isinstance(text, str):
        return
    with _lock:
        for fragment in _fragments(text):
            _recent[fragment] = None
            _recent.move_to_end(fragment)
        while len(_recent) > MAX_REMEMBERED:
            _recent.popitem(last=False)


def redact(message: Text) -> Text:
    with _lock:
        fragments = sorted(_recent, key=len, reverse=True)
    for fragment in fragments:
        if fragment not in message:  # C-speed test first; found fragments are rare
            continue
        if len(fragment) < WHOLE_WORDS_BELOW:
            message = re.sub(r"(?<!\w)" + re.escape(fragment) + r"(?!\w)", REDACTED, message)
        else:
            message = message.replace(fragment, REDACTED)
    if len(message) > MAX_RECORD_CHARS:
        message = message[:MAX_RECORD_CHARS] + " [cut]"
    return message


class RedactUserText(logging.Filter):
    """Removes remembered message text from records at INFO or above."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None  # the redacted exc_text is printed instead
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactUserText()


def install_filter() -> None:
    """Adds the filter to every handler that exists now (idempotent).

    Call it again after something configures logging (Rasa does, at start-up).
    """
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
