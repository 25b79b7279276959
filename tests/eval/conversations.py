"""Conversation evaluation: simulated people from the vignette sets talk to the running bot over REST.

Each person sends their opening message, then answers whatever the bot asks (read from the
tracker's `requested_slot`) from their facts. At a reply named in `interjections` they say
something else instead (a correction, "why do you ask?", "is it ALS?"), and a correction's `set`
changes their facts from then on; one the interview ended before is said after the result. Prints a table per set and per level, and exits non-zero below
target. Run with `make eval`; it starts and stops the servers itself.
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
from tests.vignettes.people import EVAL_SETS, VIGNETTE_SETS, answer, load_vignettes

TARGETS = {"safe": 1.0, "exact": 0.9, "top3": 0.9, "allowed": 1.0}
SELF_CARE_EXACT = 0.85
MAX_TURNS = 30


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
    person = {**vignette, "facts": dict(vignette.get("facts") or {})}
    interjections = {i["at"]: i for i in vignette.get("interjections") or []}
    say(bot, sender, vignette["opening"])
    asked, replies = [], 0
    for _ in range(MAX_TURNS):
        state = slots(bot, sender)
        if state.get("triage_level"):
            break
        topic = state.get("requested_slot")
        if not topic:
            break  # the bot is neither asking nor done: counted as a failure below
        replies += 1
        if replies in interjections:
            said = interjections[replies]
            person["facts"].update(said.get("set") or {})
            say(bot, sender, said["say"])
            continue
        asked.append(topic)
        say(bot, sender, answer(person, topic, state.get("confirming")))
    # What they meant to say but the interview ended first is said after the result, as a person
    # would ("her wee is dark brown, is that related??"): the result must take it in.
    for at in sorted(a for a in interjections if a > replies):
        say(bot, sender, interjections[at]["say"])
    state = slots(bot, sender)
    return {
        "id": vignette["id"], "set": vignette["set"], "expected": vignette["expect"]["triage"],
        "causes_any": vignette["expect"]["causes_any"], "forbid": vignette.get("forbid_causes") or [],
        "level": state.get("triage_level"), "causes": (state.get("likely_causes") or [])[:3], "asked": asked,
    }


def score(result: dict) -> dict:
    level, expected = result["level"], result["expected"]
    safe = level in LEVELS and LEVELS.index(level) <= LEVELS.index(expected)
    top3 = not result["causes_any"] or bool(set(result["causes_any"]) & set(result["causes"]))
    allowed = not set(result["forbid"]) & set(result["causes"])
    return {**result, "exact": level == expected, "safe": safe, "top3": top3, "allowed": allowed}


def _rate(results: List[dict], key: str) -> float:
    return sum(r[key] for r in results) / len(results) if results else 1.0


def report(results: List[dict]) -> List[str]:
    """Prints the conversations and the per-set, per-level table; returns what is below target."""
    print(f"{'id':6} {'expected':10} {'got':10} {'exact':5} {'safe':5} {'top3':5} {'ok':3} {'asked':5} top causes")
    for r in results:
        print(f"{r['id']:6} {r['expected']:10} {str(r['level']):10} {'yes' if r['exact'] else 'NO':5} "
              f"{'yes' if r['safe'] else 'NO':5} {'yes' if r['top3'] else 'NO':5} {'yes' if r['allowed'] else 'NO':3} "
              f"{len(r['asked']):5} {', '.join(r['causes'])}")
    failed = []
    for name in dict.fromkeys(r["set"] for r in results):
        group = [r for r in results if r["set"] == name]
        print(f"\n{name}: {len(group)} conversations")
        print(f"  {'level':11} {'n':>4} {'safe':>7} {'exact':>7} {'top3':>7} {'allowed':>8} {'over-emergency':>15}")
        for level in LEVELS:
            at = [r for r in group if r["expected"] == level]
            over = sum(1 for r in at if level != "emergency" and r["level"] == "emergency")
            print(f"  {level:11} {len(at):4} {_rate(at, 'safe'):7.1%} {_rate(at, 'exact'):7.1%} "
                  f"{_rate(at, 'top3'):7.1%} {_rate(at, 'allowed'):8.1%} {over:15}")
        rates = {key: _rate(group, key) for key in TARGETS}
        questions = [len(r["asked"]) for r in group]
        print(f"  {'all':11} {len(group):4} {rates['safe']:7.1%} {rates['exact']:7.1%} {rates['top3']:7.1%} "
              f"{rates['allowed']:8.1%}   questions mean {sum(questions) / len(group):.1f} (max {max(questions)})")
        failed += [f"{name} {k}" for k, target in TARGETS.items() if rates[k] < target]
        self_care = _rate([r for r in group if r["expected"] == "self_care"], "exact")
        if self_care < SELF_CARE_EXACT:
            failed.append(f"{name} self-care exact")
    print("\ntargets: " + ", ".join(f"{k} >= {v:.0%}" for k, v in TARGETS.items())
          + f", self-care exact >= {SELF_CARE_EXACT:.0%} (every set)")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="test-results/eval")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--sets", nargs="+", default=list(EVAL_SETS), choices=list(VIGNETTE_SETS))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    vignettes = [v for name in args.sets for v in load_vignettes(name)]
    with running_bot(log_dir=out / "logs") as bot:
        with ThreadPoolExecutor(args.workers) as pool:
            results = [score(r) for r in pool.map(lambda v: talk(bot, v), vignettes)]
    (out / "results.json").write_text(json.dumps(results, indent=2))
    failed = report(results)
    if failed:
        print("BELOW TARGET: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
