"""The blind follow-up questions (tests/vignettes/followups.yml, 90 questions by an author who never
saw the code), played after a finished conversation over REST: each answer checked against what it
must and must not say (tests/eval/followups.py). The first reading was 33 of 87 before issue 20's
work and 51 of 90 after it; this keeps the second from falling while the rest is worked on."""
import yaml

from tests.eval.followups import FOLLOWUPS, play

FIRST_READING_AFTER = 51


def test_the_blind_follow_up_questions_hold_at_least_as_often_as_at_their_first_reading(bot):
    results = [r for person in yaml.safe_load(FOLLOWUPS.read_text()) for r in play(bot, person)]
    good = [r for r in results if not r["problems"]]
    bad = [f"{r['id']} {r['say']!r}: {'; '.join(r['problems'])}" for r in results if r["problems"]]
    assert len(good) >= FIRST_READING_AFTER, "\n".join(bad)
