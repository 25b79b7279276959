"""`make chat`: Twitch Check in the terminal, over the REST channel of a Rasa started beside it.

Unlike `rasa shell` it greets first and shows the prompt at once, while Rasa is still loading
(the first message waits for it); library logs go to files, never to the screen; replies are
compact blocks with blank lines between them, and buttons are numbered choices ("1" sends the
first). Standard library only.

    python -m channels.terminal --url http://127.0.0.1:5005
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import List

import yaml

ROOT = Path(__file__).resolve().parent.parent
WAIT_FOR_RASA = 300  # seconds: a cold start on a slow machine


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
                print(f"\n{reply['text']}")
            buttons = reply.get("buttons") or []
            if buttons:
                self.choices = buttons
                print("   " + "   ".join(f"[{n}] {b['title']}" for n, b in enumerate(buttons, 1)))
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    conversation = Conversation(parser.parse_args().url)
    print(f"\n{greeting()}\n\n(Type your message and press Enter; a number picks a choice; Ctrl-D or \"/exit\" leaves.)\n")
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
            print("\nSorry, Twitch Check is not answering right now (see logs/rasa.log). "
                  "If you have a warning sign such as trouble breathing or slurred speech, call 999 now.\n")


if __name__ == "__main__":
    sys.exit(main())
