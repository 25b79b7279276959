"""The one place where text is made plain before anything reads it.

Every reader (the engine's `reader.normalise` and `text.normalise`, Rasa's NLU through
channels/guard.py, the offline safety net and the length check) calls `plain` first, so that
they all see the same characters. Without it, "droo<soft hyphen>ping" read as "droo ping" in
the engine (which turned every non-ASCII character into a space) while the safety net, which
stripped it, read "drooping": a warning sign could be missed by the reader that decides.

What changes, and why:
* Unicode NFKC: fullwidth "ｃａｎ’ｔ" becomes "can’t", ligatures and compatibility forms their
  plain letters, a letter and its combining accent one character.
* Format characters (category Cf) are removed: soft hyphen, zero-width space/joiner/non-joiner,
  word joiner, BOM, direction marks and overrides. They are invisible, so the person meant the
  word without them.
* Curly quotes and other apostrophe look-alikes become ' and ", which the lexicon is written
  with ("can't").

Linear in the length of the text (C-speed translate and one regular expression).
"""
import re
import sys
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'",
    "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2033": '"',
})


@lru_cache(maxsize=1)
def _format_characters() -> "re.Pattern":
    """Every category Cf character of this Python's Unicode database, as one character class
    (computed once, about 0.1 s, so it follows the database instead of a hand-kept list)."""
    ranges, start, previous = [], None, None
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)) != "Cf":
            continue
        if previous is not None and code == previous + 1:
            previous = code
            continue
        if start is not None:
            ranges.append((start, previous))
        start = previous = code
    ranges.append((start, previous))
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


def plain(text: str) -> str:
    """`text` with NFKC forms, no format characters and straight quotes (see the module)."""
    if not text:
        return text or ""
    if text.isascii():
        return text.replace("`", "'")  # nothing else here changes ASCII
    # format characters go first, so that a letter and an accent they separated are composed
    text = _format_characters().sub("", text.translate(_QUOTES))
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)
