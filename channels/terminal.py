"""`make chat`: Twitch Check in the terminal, over the REST channel of a running Rasa (the one
`make serve` runs, or one scripts/chat.sh starts beside it).

Unlike `rasa shell` it greets first and shows the prompt at once, while Rasa is still loading
(the first message waits for it); library logs go to files, never to the screen; replies are
compact blocks with blank lines between them, wrapped at word boundaries to the terminal's
width, and buttons are numbered choices ("1" sends the first). Standard library only.

    python -m channels.terminal --url http://127.0.0.1:5005
    python -m channels.terminal --check http://127.0.0.1:5005   # exit 0 if Twitch Check answers there
"""
import argparse
import json
import shutil
import sys
import textwrap
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import List

import yaml

ROOT = Path(__file__).resolve().parent.parent
WAIT_FOR_RASA = 300  # seconds: a cold start on a slow machine


MAX_WIDTH = 100  # long lines are hard to read, even in a wide terminal


def screen_width() -> int:
    return min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH) - 1


def wrapped(text: str, width: int = 0) -> str:
    """Each line folded at word boundaries; a bullet's continuation lines indented under its text."""
    width = width or screen_width()
    out = []
    for line in text.splitlines():
        lead = len(line) - len(line.lstrip(" "))
        indent = " " * (lead + (2 if line.lstrip().startswith(("• ", "- ")) else 0))
        out.append(textwrap.fill(line, width, subsequent_indent=indent, break_long_words=False,
                                 break_on_hyphens=False) if line.strip() else "")
    return "\n".join(out)


def choices(titles: List[str], width: int = 0) -> str:
    """Numbered choices, three spaces apart; a choice is never split across lines."""
    width, lines = width or screen_width(), [""]
    for n, title in enumerate(titles, 1):
        item = f"[{n}] {title}"
        if lines[-1] and len(lines[-1]) + 3 + len(item) > width:
            lines.append("")
        lines[-1] += "   " + item
    return "\n".join(lines)


def answering(url: str) -> bool:
    """Is Twitch Check's REST channel answering at this URL (its health check)?"""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/webhooks/rest/", timeout=3) as reply:
            return reply.status == 200
    except (OSError, ValueError):
        return False


def greeting() -> str:
    with open(ROOT / "domain.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["responses"]["utter_greet"][0]["text"]


class Conversation:
    def __init__(self, url: str) -> None:
        self.webhook = url.rstrip("/") + "/webhooks/rest/webhook"
        self.sender = uuid.uuid4().hex
        self.choices: List[dict] = []

    def send(self, text: str) -> List[dict]:
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        deadline = time.monotonic() + WAIT_FOR_RASA
        waiting_said = False
        while True:
            request = urllib.request.Request(self.webhook, body, {"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=120) as reply:
                    return json.load(reply)
            except (urllib.error.URLError, ConnectionError) as problem:
                if isinstance(problem, urllib.error.HTTPError) or time.monotonic() > deadline:
                    raise
                if not waiting_said:
                    print("(One moment: Twitch Check is still starting up.)", flush=True)
                    waiting_said = True
                time.sleep(1)

    def words_for(self, typed: str) -> str:
        """A number picks one of the buttons just shown; anything else is sent as typed."""
        if typed.strip().isdigit() and 1 <= int(typed) <= len(self.choices):
            return self.choices[int(typed) - 1]["payload"]
        return typed

    def show(self, replies: List[dict]) -> None:
        self.choices = []
        for reply in replies:
            if reply.get("text"):
                print("\n" + wrapped(reply["text"]))
            buttons = reply.get("buttons") or []
            if buttons:
                self.choices = buttons
                print(choices([b["title"] for b in buttons]))
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--check", metavar="URL", help="exit 0 if Twitch Check answers at URL, else 1")
    args = parser.parse_args()
    if args.check:
        return 0 if answering(args.check) else 1
    conversation = Conversation(args.url)
    print("\n" + wrapped(greeting()) + "\n\n" + wrapped(
        "(Type your message and press Enter; a number picks a choice; Ctrl-D or \"/exit\" leaves.)") + "\n")
    while True:
        try:
            typed = input("You: ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if typed.strip() in ("/exit", "/quit"):
            return
        if not typed.strip():
            continue
        try:
            conversation.show(conversation.send(conversation.words_for(typed)))
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            print("\n" + wrapped("Sorry, Twitch Check is not answering right now (see logs/rasa.log). "
                  "If you have a warning sign such as trouble breathing or slurred speech, call 999 now.") + "\n")


if __name__ == "__main__":
    sys.exit(main())
