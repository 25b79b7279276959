"""Free-text answers become numbers the engine can compare."""
from datetime import date

import pytest

from actions.medical import text as parse

SATURDAY = date(2026, 11, 21)


@pytest.mark.parametrize("said, cups", [
    ("about 4 cups a day", 4), ("5 or 6 coffees a day", 5.5), ("like 3 cups", 3), ("4", 4),
    ("2 coffees and a red bull", 3.5), ("one tea in the morning", 0.5), ("none, I only drink decaf", 0),
    ("a monster most days", 1.5), ("14 coffees a week", 2),
])
def test_caffeine_is_read_as_cups_a_day(said, cups):
    assert parse.caffeine_cups(said) == pytest.approx(cups)


def test_a_bare_number_in_passing_is_not_coffee():
    assert parse.caffeine_cups("twitching for 5 days", bare_numbers=False) is None


@pytest.mark.parametrize("said, days", [
    ("a couple of weeks", 14), ("2 wks", 14), ("bout 3 days", 3), ("about a month", 30),
    ("since yesterday evening", 1), ("4 days", 4), ("10 minutes", 10 / 1440), ("6 months", 180),
    ("the twitching like 4 months, the breathing thing since dinner", 120),
])
def test_durations_are_read_in_days(said, days):
    assert parse.duration_days(said, today=SATURDAY) == pytest.approx(days)


def test_weekdays_count_back_from_today():
    assert parse.duration_days("since monday", today=SATURDAY) == 5
    assert parse.duration_days("since last tuesday", today=SATURDAY) == 11


@pytest.mark.parametrize("said, hours", [
    ("maybe 5 hrs", 5), ("about 5 hours", 5), ("5-6", 5.5), ("six", 6), ("7 hours most nights", 7),
    ("woken 2 or 3 times a night", None),
])
def test_sleep_hours(said, hours):
    assert parse.hours(said) == (pytest.approx(hours) if hours is not None else None)


@pytest.mark.parametrize("said, verdict", [
    ("yes", "yes"), ("yeah a bit", "yes"), ("Yep!", "yes"), ("no", "no"), ("nah", "no"),
    ("not really", "no"), ("no, just the eyelid", "no"), ("idk", "unknown"), ("not sure", "unknown"),
    ("I don't know", "unknown"), ("no idea tbh", "unknown"), ("my calf", None), ("", None), ("🙂", None),
])
def test_yes_no_unknown(said, verdict):
    assert parse.yes_no_unknown(said) == verdict


def test_alcohol_per_week_and_per_day():
    assert parse.drinks("about 20 units a week") == {"per_week": 20}
    assert parse.drinks("like 6 or 7 beers a night") == {"per_day": 6.5}


@pytest.mark.parametrize("said, days", [
    ("a fortnight and a bit", 15), ("just over 2 weeks", 15), ("since christmas", 331), ("since easter", 234),
    ("since the 3rd of october", 49), ("twenty one days", 21), ("3 days, not 5 weeks", 3),
])
def test_hedged_and_calendar_durations(said, days):
    """A hedge that adds to an amount counts ("more than two weeks"); dates count back from today."""
    assert parse.duration_days(said, today=SATURDAY) == pytest.approx(days)


@pytest.mark.parametrize("said", ["on and off for ages", "for a while now", "forever"])
def test_a_span_without_a_number_is_not_guessed(said):
    assert parse.duration_days(said, today=SATURDAY) is None


@pytest.mark.parametrize("said, minutes", [("cramp for 20 mins", 20), ("lasted over half an hour", 30), ("an hour", 60),
                                           ("just a few seconds", None)])
def test_how_long_one_cramp_lasted(said, minutes):
    assert parse.minutes_lasting(said) == minutes


@pytest.mark.parametrize("said", ["sorry I meant 3 DAYS not weeks, typo", "actually more like 5 weeks, not 3 days",
                                  "3 days not 3 weeks", "closer to two months"])
def test_a_correction_speaks_of_time(said):
    assert parse.speaks_of_time(said)
