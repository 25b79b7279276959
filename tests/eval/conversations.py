"""Conversation evaluation: simulated people from the vignettes talk to the running bot over REST.

Each person sends their opening message, then answers whatever the bot asks (read from the
tracker's `requested_slot`) from their facts. Prints a table and exits non-zero below target.
Run with `make eval`; it starts and stops the servers itself.
"""
import argparse
import json
import sys
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List

from actions.medical.knowledge import LEVELS
from tests.servers import Bot, running_bot
from tests.vignettes.people import answer, load_vignettes

TARGETS = {"safe": 1.0, "exact": 0.9, "top3": 0.9}
MAX_TURNS = 25


def _call(bot: Bot, method: str, path: str, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{bot.url}{path}{'&' if '?' in path else '?'}token={bot.token}", data=data, method=method,
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def say(bot: Bot, sender: str, text: str) -> List[dict]:
    return _call(bot, "POST", "/webhooks/rest/webhook", {"sender": sender, "message": text})


def slots(bot: Bot, sender: str) -> Dict:
    return _call(bot, "GET", f"/conversations/{sender}/tracker")["slots"]


def talk(bot: Bot, vignette: dict) -> dict:
    """One simulated conversation; returns what the bot concluded."""
    sender = f"eval-{vignette['id']}-{uuid.uuid4().hex[:8]}"
    say(bot, sender, vignette["opening"])
    asked = []
    for _ in range(MAX_TURNS):
        state = slots(bot, sender)
        if state.get("triage_level"):
            break
        topic = state.get("requested_slot")
        if not topic:
            break  # the bot is neither asking nor done: counted as a failure below
        asked.append(topic)
        say(bot, sender, answer(vignette, topic))
    state = slots(bot, sender)
    return {
        "id": vignette["id"], "expected": vignette["expect"]["triage"],
        "causes_any": vignette["expect"]["causes_any"], "level": state.get("triage_level"),
        "causes": (state.get("likely_causes") or [])[:3], "asked": asked,
    }


def score(result: dict) -> dict:
    level, expected = result["level"], result["expected"]
    safe = level in LEVELS and LEVELS.index(level) <= LEVELS.index(expected)
    top3 = not result["causes_any"] or bool(set(result["causes_any"]) & set(result["causes"]))
    return {**result, "exact": level == expected, "safe": safe, "top3": top3}


def report(results: List[dict]) -> Dict[str, float]:
    total = len(results)
    rates = {key: sum(r[key] for r in results) / total for key in TARGETS}
    questions = [len(r["asked"]) for r in results]
    print(f"{'id':6} {'expected':10} {'got':10} {'exact':5} {'safe':5} {'top3':5} {'asked':5} top causes")
    for r in results:
        print(f"{r['id']:6} {r['expected']:10} {str(r['level']):10} {'yes' if r['exact'] else 'NO':5} "
              f"{'yes' if r['safe'] else 'NO':5} {'yes' if r['top3'] else 'NO':5} {len(r['asked']):5} "
              f"{', '.join(r['causes'])}")
    print(f"\n{total} conversations: exact triage {rates['exact']:.1%}, safe triage {rates['safe']:.1%}, "
          f"top-3 cause {rates['top3']:.1%}, questions asked mean {sum(questions) / total:.1f} "
          f"(max {max(questions)})")
    print("targets: " + ", ".join(f"{k} >= {v:.0%}" for k, v in TARGETS.items()))
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="test-results/eval")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    vignettes = load_vignettes()
    with running_bot(log_dir=out / "logs") as bot:
        with ThreadPoolExecutor(args.workers) as pool:
            results = [score(r) for r in pool.map(lambda v: talk(bot, v), vignettes)]
    (out / "results.json").write_text(json.dumps(results, indent=2))
    rates = report(results)
    failed = [k for k, target in TARGETS.items() if rates[k] < target]
    if failed:
        print("BELOW TARGET: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
