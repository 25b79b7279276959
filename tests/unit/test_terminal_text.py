"""How `make chat` lays replies out in a terminal: lines break between words, a bullet's
continuation is indented under its text, a choice is never split, and `--check` tells whether
Twitch Check is answering (scripts/chat.sh uses it to talk to a running `make serve`)."""
import subprocess
import sys

from channels.terminal import choices, wrapped
from tests.servers import ROOT, free_port

QUESTION = ("Question 1 of about 9: Any weakness in your face, like trouble closing your eye fully "
            "or one side of your face not moving as well?")


def test_lines_break_between_words_and_fit_the_width():
    shown = wrapped(QUESTION, 40)
    assert all(len(line) <= 40 for line in shown.splitlines())
    assert shown.split() == QUESTION.split(), "a word was cut"


def test_a_bullet_continues_under_its_text():
    shown = wrapped("• Too much caffeine: it makes nerves more excitable, so muscles flicker.", 30)
    first, *rest = shown.splitlines()
    assert first.startswith("• ") and rest and all(line.startswith("  ") and line[2] != " " for line in rest)


def test_choices_are_never_split_across_lines():
    titles = ["Why?", "What can I do now?", "Summary for my doctor", "New check", "Delete my conversation"]
    shown = choices(titles, 45)
    assert all(len(line) <= 45 for line in shown.splitlines())
    for n, title in enumerate(titles, 1):
        assert any(f"[{n}] {title}" in line for line in shown.splitlines())
    assert choices(["Yes", "No", "Not sure"], 80) == "   [1] Yes   [2] No   [3] Not sure"


def test_check_says_no_when_nothing_answers():
    done = subprocess.run([sys.executable, "-m", "channels.terminal", "--check",
                           f"http://127.0.0.1:{free_port()}"], cwd=ROOT, capture_output=True, timeout=30)
    assert done.returncode == 1 and not done.stdout and not done.stderr
