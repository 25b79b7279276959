"""Reading numbers, durations and yes/no answers out of what people type.

People write "5 or 6 coffees", "bout 2 wks", "since last tuesday", "idk": everything here
turns such text into a plain value, or None when the text does not say.

Number words come from text2num ("twenty one" -> 21) and calendar dates from dateparser ("since
the 3rd of march"); the hand-written parts are what neither library does: ranges ("5 or 6"),
hedged amounts ("a fortnight and a bit"), holidays ("since christmas") and weekdays counted
back from today. Every pattern runs in linear time: text is normalised to single spaces first,
and a number is at most six digits, so no pattern can backtrack over a long run of digits.
"""
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Iterable, List, Optional

import dateparser
from text_to_num import alpha2digit

from .characters import plain

# The longest message the channels accept (channels/guard.py); the engine reads no more of a text,
# so its cost is bounded whatever it is given.
MAX_READ_CHARS = 2000

WORD_NUMBERS = {
    "zero": 0, "none": 0, "no": 0, "half": 0.5, "a": 1, "an": 1, "one": 1, "once": 1,
    "two": 2, "twice": 2, "couple": 2, "pair": 2, "three": 3, "few": 3, "four": 4,
    "five": 5, "several": 4, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
}
_NUMBER = r"((?<![\d.])\d{1,6}(?:\.\d{1,3})?(?![\d])|\b(?:" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")\b)"
# "5 or 6", "5-6", "5 to 6" count as the middle of the range.
_RANGE = re.compile(_NUMBER + r" ?(?:-|–|or|to) ?" + _NUMBER + r"(?![\d.])")

DAYS_PER_UNIT = {
    "sec": 1 / 86400, "second": 1 / 86400, "min": 1 / 1440, "minute": 1 / 1440, "hr": 1 / 24, "hour": 1 / 24, "day": 1,
    "wk": 7, "week": 7, "fortnight": 14, "month": 30, "mth": 30, "year": 365, "yr": 365,
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

NO_PHRASES = (
    "no", "nope", "nah", "na", "n", "not really", "not at all", "none", "never", "nothing",
    "neither", "no not", "nop", "negative", "not that i know", "not that i noticed",
    "not that ive noticed", "i dont think so", "dont think so", "i dont", "i do not", "i havent",
    "i have not", "im not", "i am not", "nothing like that", "not much", "zero", "0",
    "havent noticed", "not noticed", "no i", "no its", "no just", "not now", "not anymore", "not any more",
    "no longer", "not at the moment", "not currently", "nothing like that", "none at all",
    "doesnt apply", "does not apply", "not applicable", "n a", "not relevant",
)
# An answer that says all is well ("breathing's fine", "walk fine", "same as always") is a no
# when it names no warning sign.
REASSURANCE = re.compile(r"\b(fine|normal|normally|ok|okay|alright|all good|no problems?|no issues?|same as always|"
                         r"as usual|the same|just tired|just tiredness|nothing wrong)\b")
# A reply that tells of a change in the person's own words, without "yes", is a yes to a yes/no
# question: "now you mention it the stairs have been harder", "come to think of it I have".
AFFIRMING = re.compile(r"\b(now (that )?you mention it|now you say it|come to think of it|thinking about it|"
                       r"now i think about it|ive noticed|i have noticed|i noticed|i think so|think so|i suppose so|"
                       r"suppose so|i guess so|been harder|getting harder|harder than|struggle|struggling)\b")
UNKNOWN_PHRASES = (
    "not sure", "unsure", "dunno", "idk", "i dont know", "dont know", "no idea", "dont remember",
    "cant remember", "hard to say", "cant say", "cant tell", "not certain", "no clue",
    "maybe", "possibly", "i guess", "perhaps", "who knows", "unknown", "im not sure", "not really sure",
)
YES_PHRASES = (
    "yes", "yeah", "yea", "yep", "yup", "ya", "y", "sure", "definitely", "absolutely", "i do",
    "i am", "i have", "a bit", "a little", "a lot", "kind of", "kinda", "sort of", "sorta",
    "some", "quite", "very", "loads", "correct", "true", "affirmative", "it is", "they are",
    "aye", "ok yes", "yes i", "unfortunately", "totally", "massively", "extremely",
)


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Lowercase, drop apostrophes ("can't" -> "cant"), number words as digits ("twenty one" -> 21),
    other punctuation as spaces; single spaces only."""
    text = plain((text or "")[:MAX_READ_CHARS]).lower().replace("'", "")
    text = re.sub(r"[,;:!?()]", " , ", text)  # a clause break, so "no, feeling normal" is not "no feeling"
    text = re.sub(r"[^a-z0-9.,\-–\s]", " ", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(\d) ?[-–] ?(?=\d)", r"\1 to ", text)  # "5-6" is a range
    text = re.sub(r"[-–]", " ", text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return _digits_for_number_words(text)


def _digits_for_number_words(text: str) -> str:
    """text2num turns compound number words into digits; single small words ("one", "a") stay
    words, read by WORD_NUMBERS where a unit follows."""
    if not re.search(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)\b", text):
        return text
    return alpha2digit(text, "en", threshold=10)


def _starts_with(text: str, phrases) -> bool:
    return any(text == p or text.startswith(p + " ") for p in phrases)


def yes_no_unknown(text: str) -> Optional[str]:
    """'yes', 'no' or 'unknown' when the answer says so plainly, else None."""
    clean = re.sub(r"^(?:(?:um+|erm+|er|uh+|hmm+|well|oh|so|ok|okay|honestly|actually)\s+)+", "", normalise(text))
    if not clean:
        return None
    # "not sure" must win over "no": "no idea", "not sure", "im not sure".
    if _starts_with(clean, UNKNOWN_PHRASES) or clean in UNKNOWN_PHRASES:
        return "unknown"
    if _starts_with(clean, NO_PHRASES):
        return "no"
    if _starts_with(clean, YES_PHRASES):
        return "yes"
    return None


def to_number(token: str) -> Optional[float]:
    token = token.strip().lower()
    if token in WORD_NUMBERS:
        return float(WORD_NUMBERS[token])
    try:
        return float(token)
    except ValueError:
        return None


def numbers_in(text: str) -> List[float]:
    """Numbers in reading order; a range ("5 or 6") counts once, as its middle."""
    clean = normalise(text)
    found = []

    def take_range(match):
        low, high = to_number(match.group(1)), to_number(match.group(2))
        if low is not None and high is not None and low <= high:
            found.append((match.start(), (low + high) / 2))
            return " " * len(match.group(0))
        return match.group(0)

    rest = _RANGE.sub(take_range, clean)
    for match in re.finditer(r"(?<![a-z])" + _NUMBER + r"(?![a-z])", rest):
        word = match.group(1)
        if word in ("a", "an", "no", "none", "once"):
            continue  # too common as plain words; handled where a unit follows
        value = to_number(word)
        if value is not None:
            found.append((match.start(), value))
    return [value for _, value in sorted(found)]


def _amount_before(clean: str, unit_pattern: str) -> Optional[float]:
    """The number just before a unit: "3 weeks", "a couple of weeks", "5-6 hrs"."""
    pattern = (
        r"(?:" + _NUMBER + r" ?(?:-|–|or|to) ?)?" + _NUMBER
        + r" ?(?:of )?(?:more )?" + unit_pattern
    )
    match = re.search(pattern, clean)
    if not match:
        return None
    high = to_number(match.group(2))
    low = to_number(match.group(1)) if match.group(1) else None
    if high is None:
        return None
    return (low + high) / 2 if low is not None else high


# How much a hedge adds to the amount it qualifies: "a fortnight and a bit" is more than 14 days.
MORE_THAN = re.compile(r"\b(and a bit|and a half|or so more|odd|plus|over|more than|just over|a bit over|"
                       r"a little over|longer than|at least|going on)\b")
# Holidays dateparser does not know, as (month, day); the latest one before today counts.
HOLIDAYS = {"christmas": (12, 25), "xmas": (12, 25), "new year": (1, 1), "new years": (1, 1),
            "halloween": (10, 31), "bonfire night": (11, 5), "valentines": (2, 14)}
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # the month each starts
NOT_THAT_LONG = re.compile(r"\bnot (?:like |even |quite )?(?:\d{1,4}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|couple of)? ?"
                           r"(?:mins?|minutes?|hours?|hrs?|days?|weeks?|wks?|fortnights?|months?|years?|yrs?)\b")
AGE = re.compile(r"\b\d{1,3} ?(?:years?|yrs?|y) ?o(?:lds?)?\b|\baged? \d{1,3}\b|\b\d{1,3} ?yo\b")
# Too vague to count: the question is asked (again) instead.
VAGUE_SPANS = re.compile(r"\b(ages|forever|long time|a long while|a while|ever since|on and off|years and years)\b")


def _days_since_holiday(clean: str, today: date) -> Optional[float]:
    match = re.search(r"\b(?:since|from|around|after|before|over) (?:the )?(" + "|".join(HOLIDAYS) + "|"
                      + "|".join(SEASONS) + r"|easter)\b", clean)
    if not match:
        return None
    name = match.group(1)
    if name in HOLIDAYS:
        month, day = HOLIDAYS[name]
    elif name == "easter":
        month, day = 4, 1  # Easter moves between late March and late April: early April is close enough
    else:
        month, day = SEASONS[name], 1
    when = date(today.year, month, day)
    if when >= today:
        when = date(today.year - 1, month, day)
    return float((today - when).days)


def _days_since_date(clean: str, today: date) -> Optional[float]:
    """ "since march", "since the 3rd of october", "started 2 months ago" (dateparser)."""
    match = re.search(r"\b(?:since|from|started|began|start of|beginning of) (?:the )?((?:\d{1,2}(?:st|nd|rd|th)? (?:of )?)?"
                      r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
                      r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b(?: \d{1,2})?)", clean)
    if not match:
        return None
    now = datetime(today.year, today.month, today.day)
    when = dateparser.parse(match.group(1), settings={"PREFER_DATES_FROM": "past", "RELATIVE_BASE": now,
                                                       "PREFER_DAY_OF_MONTH": "first"})
    if when is None or when > now:
        return None
    return float((now - when).days)


def duration_days(text: str, today: Optional[date] = None) -> Optional[float]:
    """How long something has been going on, in days; None when the text does not say.

    When a message names several spans ("twitching 4 months, the breathing since dinner"),
    the longest counts: it is the one that says how long the problem has been there.
    A hedge that adds to an amount counts: "a fortnight and a bit", "over 2 weeks".
    """
    # "3 days, not 5 weeks": the span it replaces goes; "my 15 year old": an age, not a span
    clean = AGE.sub(" ", NOT_THAT_LONG.sub(" ", normalise(text)))
    if not clean:
        return None
    today = today or date.today()
    exact, vague = [], []
    more = 1 if MORE_THAN.search(clean) else 0
    for unit, days in DAYS_PER_UNIT.items():
        if unit not in clean:
            continue  # a plain substring test first: cheap, and most units are never said
        amount = _amount_before(clean, unit + r"s?\b")
        if amount is not None:
            exact.append(amount * days + more)
        elif re.search(r"\b(a|an|one|the past|the last|last|past|this|over a)\s+" + unit + r"\b", clean):
            exact.append(days + more)
        elif re.search(r"\b" + unit + r"s\b", clean) and re.search(r"\b(few|some|several|couple)\b", clean):
            vague.append(3 * days)
    for index, day in enumerate(WEEKDAYS):
        if day in clean and re.search(r"\b" + day + r"\b", clean):
            since = (today.weekday() - index) % 7 or 7
            exact.append(since + 7 if re.search(r"\blast\s+" + day, clean) and since < 7 else since)
    for computed in (_days_since_holiday(clean, today), _days_since_date(clean, today)):
        if computed is not None:
            exact.append(computed)
    if exact or vague:
        return float(max(exact or vague))
    phrases = [
        (r"\bday before yesterday\b", 2), (r"\b(yesterday|last night)\b", 1),
        (r"\b(just now|this morning|this afternoon|this evening|tonight|today|minutes)\b", 0.5),
        (r"\b(few days|couple of days|couple days|the weekend|weekend)\b", 3),
        (r"\b(months|years)\b", 60),
        (r"\bweeks\b", 21),
    ]
    for pattern, days in phrases:
        if re.search(pattern, clean):
            return float(days)
    if VAGUE_SPANS.search(clean):
        return None
    numbers = numbers_in(clean)
    if numbers and yes_no_unknown(clean) is None:
        return numbers[0]  # a bare "4" answering "how many days?"
    return None


MINUTES = re.compile(r"\b(half an hour|an hour|1 hour|hour and a half)\b")


def minutes_lasting(text: str) -> Optional[float]:
    """A span of minutes or an hour or two ("20 mins", "half an hour"); None when none is said."""
    clean = normalise(text)
    amount = _amount_before(clean, r"(?:mins?|minutes?|minits?)\b")
    if amount is not None:
        return amount
    match = MINUTES.search(clean)
    if match:
        return {"half an hour": 30, "an hour": 60, "1 hour": 60, "hour and a half": 90}[match.group(1)]
    hours_said = _amount_before(clean, r"(?:hours?|hrs?)\b")
    return hours_said * 60 if hours_said is not None and hours_said <= 12 else None


def is_vague_span(text: str) -> bool:
    """ "for ages", "on and off for a while": a span the person could not put a number on."""
    return bool(VAGUE_SPANS.search(normalise(text)))


# Sleep amounts said in passing ("only 5 hours of sleep"): not how long the twitch has lasted.
SLEEP_PHRASE = re.compile(r"\d{1,2}(?:\.\d)? ?(?:(?:to|or) ?\d{1,2} ?)?(?:hours?|hrs?|h) (?:of )?(?:sleep|a night|per night|kip)"
                          r"|sleep\w{0,4} (?:about |like |only |maybe )?\d{1,2} ?(?:hours?|hrs?)?")
# A correction speaks of time too: "sorry I meant 3 DAYS", "actually more like 5 weeks", "3 days not weeks".
TIME_WORDS = re.compile(r"\b(for|since|past|last|about|around|over|ago|almost|nearly|now|been|lasted|going on"
                        r"|meant|actually|more like|closer to|rather than)\b"
                        r"|\b(days?|weeks?|months?|years?),? not\b")


def sleep_amounts(text: str) -> List[str]:
    return [m.group(0) for m in SLEEP_PHRASE.finditer(normalise(text))]


def without_sleep_amounts(text: str) -> str:
    return SLEEP_PHRASE.sub(" ", normalise(text))


def speaks_of_time(text: str) -> bool:
    """A remark gives a duration only with a time word: "30 weeks pregnant" is not one."""
    return bool(TIME_WORDS.search(normalise(text)))


def counts_drinks(text: str) -> bool:
    """A remark counts caffeine only with a number or a quantity word, never a bare "5"."""
    return bool(re.search(r"\d|\b(couple|few|several)\b", normalise(text)))


def says_any(clean: str, phrases: Iterable[str]) -> Optional[str]:
    """The first of `phrases` said as whole words in already normalised text (for short word
    lists in the knowledge base: commands, what a question about a cause calls it)."""
    padded = f" {clean} "
    for phrase in phrases:
        if f" {normalise(phrase)} " in padded:
            return phrase
    return None


def hours(text: str) -> Optional[float]:
    """Hours of sleep: "maybe 5 hrs", "5-6", "about six"."""
    clean = normalise(text)
    amount = _amount_before(clean, r"(?:hours?|hrs?|h)\b")
    if amount is not None:
        return amount
    # "woken 2 or 3 times a night" counts wakings, not hours.
    clean = re.sub(_NUMBER + r"(?:\s*(?:-|or|to)\s*" + _NUMBER + r")?\s*(?:times|x)\b", " ", clean)
    numbers = [n for n in numbers_in(clean) if 0 < n <= 16]
    return numbers[0] if numbers else None


# Cups of coffee that a serving is worth, for caffeine (about 100 mg a cup).
CAFFEINE_SERVINGS = {
    r"(?:coffees?|cups?|mugs?|espressos?|shots?|lattes?|cappuccinos?|americanos?|flat whites?|cold brews?)": 1.0,
    r"(?:energy drinks?|red ?bulls?|monsters?|rockstars?|cans? of energy|pre ?workouts?|caffeine pills?|pro plus)": 1.5,
    r"(?:teas?|cuppas?|brews?)": 0.5,
    r"(?:cokes?|colas?|pepsis?|diet cokes?|cans?)": 0.4,
}


def caffeine_cups(text: str, bare_numbers: bool = True) -> Optional[float]:
    """Coffee-cup equivalents a day; drinks named without a number count as one.

    A bare number ("4") counts only when the text answers the caffeine question itself.
    """
    clean = normalise(text)
    if not clean:
        return None
    if re.search(r"\b(decaf|no caffeine|no coffee|dont drink coffee|none)\b", clean) and not re.search(r"\d", clean):
        return 0.0
    total, matched = 0.0, False
    for pattern, weight in CAFFEINE_SERVINGS.items():
        counted = False
        amount = r"(?:" + _NUMBER + r"\s+(?:or|to)\s+)?" + _NUMBER + r"\s+(?:\S+\s+)?" + pattern + r"\b"
        for match in re.finditer(r"(?<![a-z0-9])" + amount, clean):
            values = [to_number(g) for g in match.groups()[:2] if g]
            total += weight * sum(values) / len(values)
            counted = True
        if not counted and weight > 1 and re.search(r"\b" + pattern + r"\b", clean):
            total += weight  # "a monster most days": an energy drink named counts as one
            counted = True
        matched = matched or counted
    if not matched and bare_numbers:
        numbers = numbers_in(clean)
        if numbers:
            total, matched = numbers[0], True
    if not matched:
        return None
    if re.search(r"\b(a|per|each)\s+week\b|\bweekly\b", clean):
        total /= 7
    return total


def drinks(text: str) -> Optional[dict]:
    """Alcoholic drinks as {"per_day": n} or {"per_week": n}."""
    clean = normalise(text)
    numbers = numbers_in(clean)
    if not numbers:
        return None
    amount = numbers[0]
    if re.search(r"\b(week|weekly|weekend)\b", clean):
        return {"per_week": amount}
    return {"per_day": amount}


# Numbers that are readings, with the words that say what they measure: "temp 39.4", "101F",
# "pulse 130", "sugar is 2.8". A bare number is never a reading.
_TEMPERATURE = re.compile(r"\b(?:temp|temperature|fever|thermometer|temps|reading)\b(?:\s+[a-z]+){0,3}?\s+(\d{2,3}(?:\.\d)?)\b"
                          r"|\b(\d{2,3}(?:\.\d)?) ?(?:degrees|deg|c|f|celsius|fahrenheit)\b")
_HEART_RATE = re.compile(r"\b(?:heart rate|pulse|hr|heart is going at|heart going at|beats)\b(?:\s+[a-z]+){0,3}?\s+(\d{2,3})\b"
                         r"|\b(\d{2,3}) ?(?:bpm|beats a minute|beats per minute)\b")
_BLOOD_SUGAR = re.compile(r"\b(?:sugar|sugars|glucose|bm|bms|blood sugar|reading|levels?)\b(?:\s+[a-z]+){0,3}?\s+(\d{1,3}(?:\.\d)?)\b"
                          r"|\b(\d{1,3}(?:\.\d)?) ?(?:mmol|mg dl|mgdl)\b")


def _reading(pattern, text: str) -> Optional[float]:
    clean = normalise(text).replace(" .", ".")
    values = [float(next(g for g in m.groups() if g)) for m in pattern.finditer(clean)]
    return values[0] if values else None


def temperature_celsius(text: str) -> Optional[float]:
    """A body temperature in C; one given in F (over 45) is converted."""
    value = _reading(_TEMPERATURE, text)
    if value is None:
        return None
    celsius = (value - 32) * 5 / 9 if value > 45 else value
    return celsius if 30 <= celsius <= 45 else None


def heart_rate(text: str) -> Optional[float]:
    value = _reading(_HEART_RATE, text)
    return value if value is not None and 30 <= value <= 250 else None


def blood_sugar_mmol(text: str) -> Optional[float]:
    """A blood sugar in mmol/L; one over 35 is taken as mg/dL (US) and converted."""
    value = _reading(_BLOOD_SUGAR, text)
    if value is None:
        return None
    return value / 18 if value > 35 else value
