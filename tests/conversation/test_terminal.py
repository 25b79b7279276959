"""`make chat`'s terminal client against the running bot: it greets before anything is typed,
shows replies and numbered choices, a number sends that choice, and no library log reaches it."""
import os
import subprocess
import sys

from tests.servers import ROOT


def chat(bot, *lines: str) -> str:
    typed = "\n".join([*lines, "/exit"]) + "\n"
    done = subprocess.run([sys.executable, "-m", "channels.terminal", "--url", bot.url], input=typed,
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    return done.stdout


def test_the_terminal_greets_first_and_a_number_picks_a_choice(bot):
    shown = chat(bot, "my eyelid keeps twitching, 5 coffees a day, for 3 days", "2")
    assert shown.lstrip().startswith("Hi, I'm Twitch Check")
    assert "[1] Yes   [2] No   [3] Not sure" in shown
    asked = shown.split("You: ")
    assert len(asked) >= 3 and "Question 2 of about" in asked[-2], "the second answer was the button's words"
    for noise in ("INFO", "WARNING", "tensorflow", "Traceback"):
        assert noise not in shown


def test_check_finds_the_running_bot(bot):
    done = subprocess.run([sys.executable, "-m", "channels.terminal", "--check", bot.url], cwd=ROOT,
                          capture_output=True, timeout=30)
    assert done.returncode == 0


def test_make_chat_talks_to_the_twitch_check_already_running(bot):
    port = bot.url.rsplit(":", 1)[1]
    done = subprocess.run(["scripts/chat.sh"], input="my eyelid keeps twitching\n/exit\n", capture_output=True,
                          text=True, cwd=ROOT, timeout=120, env={**os.environ, "CHAT_PORT": port})
    first, *rest = done.stdout.strip().splitlines()
    assert first == f"Talking to the Twitch Check already running on port {port} (make serve)."
    assert "Question 1 of about" in done.stdout and not done.stderr.strip()
