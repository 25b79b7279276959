"""Twitch Check side by side with the stock `rasa init` bot, served by the same Rasa: `make benchmark`.

Printed, not asserted. Both bots run on this machine, one after the other, under the same load:

- cold start: from launching the servers until the first message is answered over REST;
- whole conversations over REST by 1 and by 20 concurrent simulated users for a fixed time
  (BENCH_SECONDS, default 30): turns answered a second, and p50/p95/p99 latency of a turn
  (one user message until the bot's whole reply);
- resident memory after the load (Rasa, plus the action server for Twitch Check).

Twitch Check's conversations are the project's vignettes: each is first talked through once by
the simulated person of `make eval` (who answers whatever the bot asks), and what they said is then
replayed under load. The stock bot's are the paths of its own stories. The stock bot is created
with this project's Rasa (`rasa init --no-prompt`) and trained once, in build/stock_bot
(BENCH_STOCK_DIR to put it elsewhere).
"""
import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import aiohttp

from tests.eval.conversations import say, slots
from tests.servers import (MODEL, ROOT, VENV_BIN, ActionServer, Bot, RasaServer, _stop, free_port,
                           server_env, sqlite_endpoints)
from tests.vignettes.people import answer, load_vignettes

STOCK_DIR = Path(os.environ.get("BENCH_STOCK_DIR", ROOT / "build" / "stock_bot"))
STOCK_CONVERSATIONS = [
    ["hello", "I am feeling great", "bye"],
    ["hi", "I am sad", "yes", "goodbye"],
    ["hey there", "very unhappy", "no", "bye bye"],
    ["good morning", "are you a bot?", "great, thanks", "see you later"],
]
MAX_TURNS = 30
START_TIMEOUT = 600


# --- the stock bot -------------------------------------------------------------------------------

def stock_model() -> Path:
    """The stock bot's model, created and trained once with this project's Rasa."""
    models = sorted((STOCK_DIR / "models").glob("*.tar.gz")) if STOCK_DIR.exists() else []
    if models:
        return models[-1]
    STOCK_DIR.mkdir(parents=True, exist_ok=True)
    print(f"creating and training the stock bot in {STOCK_DIR.relative_to(ROOT)} (once)...", flush=True)
    subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)],
                   check=True, env=server_env(), stdout=subprocess.DEVNULL)
    return sorted((STOCK_DIR / "models").glob("*.tar.gz"))[-1]


# --- measuring -----------------------------------------------------------------------------------

def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc (Linux)."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(l for l in status.splitlines() if l.startswith("VmRSS")).split()[1]) / 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def _user(session: aiohttp.ClientSession, url: str, scripts: List[List[str]], stop_at: float,
                latencies: List[float], failures: List[str], seed: int) -> None:
    chooser = random.Random(seed)
    while time.perf_counter() < stop_at:
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        for text in chooser.choice(scripts):
            if time.perf_counter() >= stop_at:
                return
            began = time.perf_counter()
            try:
                async with session.post(url, json={"sender": sender, "message": text}) as response:
                    body = await response.read()
                    ok = response.status == 200 and json.loads(body)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                ok, body = False, repr(error).encode()
            if ok:
                latencies.append(time.perf_counter() - began)
            else:
                failures.append(body[:200].decode(errors="replace"))


async def _load(url: str, scripts: List[List[str]], users: int, seconds: float) -> Dict[str, float]:
    latencies: List[float] = []
    failures: List[str] = []
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=users)) as session:
        began = time.perf_counter()
        await asyncio.gather(*(_user(session, url, scripts, began + seconds, latencies, failures, seed)
                               for seed in range(users)))
        elapsed = time.perf_counter() - began
    if not latencies:
        raise RuntimeError(f"no turn was answered: {failures[:3]}")
    return {"turns": len(latencies), "failed": len(failures), "throughput": len(latencies) / elapsed,
            "p50": percentile(latencies, 0.50), "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99)}


def load(url: str, scripts: List[List[str]], users: int, seconds: float) -> Dict[str, float]:
    return asyncio.run(_load(url, scripts, users, seconds))


def wait_for_answer(url: str, process: subprocess.Popen, log: Path, began: float) -> float:
    """Seconds from `began` until the bot answers a first message over REST."""
    import urllib.request

    deadline = began + START_TIMEOUT
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text()[-3000:]}")
        try:
            request = urllib.request.Request(url, method="POST", headers={"Content-Type": "application/json"},
                                             data=json.dumps({"sender": "cold-start", "message": "hello"}).encode())
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.status == 200:
                    return time.perf_counter() - began
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"no answer within {START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


# --- the two bots --------------------------------------------------------------------------------

class Stock:
    name = "stock rasa init bot"

    def __init__(self, log_dir: Path):
        self.model, self.log, self.port = stock_model(), log_dir / "stock.log", free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> float:
        began = time.perf_counter()
        self.process = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "--model", str(self.model), "--port", str(self.port),
             "--interface", "127.0.0.1"],
            cwd=STOCK_DIR, stdout=open(self.log, "w"), stderr=subprocess.STDOUT, env=server_env(),
            start_new_session=True)
        return wait_for_answer(self.url, self.process, self.log, began)

    def scripts(self) -> List[List[str]]:
        return STOCK_CONVERSATIONS

    def memory(self) -> Dict[str, float]:
        return {"rasa": rss_mb(self.process.pid), "actions": 0.0}

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


class Twitch:
    name = "Twitch Check"

    def __init__(self, log_dir: Path, conversations: int):
        action_port, rasa_port = free_port(), free_port()
        self.token = secrets.token_hex(16)
        endpoints = log_dir / "endpoints.yml"
        endpoints.write_text(sqlite_endpoints(action_port, Path(tempfile.mkdtemp(prefix="bench-db-")) / "c.db"))
        self.actions = ActionServer(action_port, log_dir / "actions.log")
        self.rasa = RasaServer(rasa_port, self.token, endpoints, log_dir / "rasa.log")
        self.url = f"{self.rasa.url}/webhooks/rest/webhook"
        self.conversations = conversations

    def start(self) -> float:
        began = time.perf_counter()
        self.actions.start()
        self.rasa.start()
        self.actions.wait()
        return wait_for_answer(self.url, self.rasa.process, self.rasa.log, began)

    def scripts(self) -> List[List[str]]:
        """What the simulated people say, found by talking each conversation through once (as
        `make eval` does: the person answers whatever the bot asks)."""
        bot = Bot(self.rasa.url, self.token, self.actions.port, self.rasa.port)
        scripts = []
        vignettes = load_vignettes()
        step = max(1, len(vignettes) // self.conversations)  # a spread of levels and lengths
        for vignette in vignettes[::step][:self.conversations]:
            sender, said = f"script-{uuid.uuid4().hex[:8]}", [vignette["opening"]]
            say(bot, sender, said[0])
            for _ in range(MAX_TURNS):
                state = slots(bot, sender)
                if state.get("triage_level") or not state.get("requested_slot"):
                    break
                said.append(answer(vignette, state["requested_slot"]))
                say(bot, sender, said[-1])
            scripts.append(said)
        return scripts

    def memory(self) -> Dict[str, float]:
        return {"rasa": rss_mb(self.rasa.process.pid), "actions": rss_mb(self.actions.process.pid)}

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()


# --- the table -----------------------------------------------------------------------------------

def table(results: Dict[str, dict], user_levels: Sequence[int]) -> List[str]:
    stock, ours = results["stock"], results["twitch"]
    rows = [("cold start (s)", "cold", "{:.1f}")]
    for users in user_levels:
        rows += [(f"{users} user{'s' if users > 1 else ''}: turns/s", (users, "throughput"), "{:.1f}")]
        rows += [(f"{users} user{'s' if users > 1 else ''}: {q} turn (ms)", (users, q), "{:.0f}")
                 for q in ("p50", "p95", "p99")]
    rows += [("memory, Rasa (MB)", "mem_rasa", "{:.0f}"), ("memory, action server (MB)", "mem_actions", "{:.0f}"),
             ("memory, total (MB)", "mem_total", "{:.0f}")]

    def value(result, key):
        v = result[key[0]][key[1]] if isinstance(key, tuple) else result[key]
        return v * 1000 if isinstance(key, tuple) and key[1].startswith("p") else v

    lines = ["| figure | stock bot | Twitch Check | Twitch Check / stock |", "| --- | --- | --- | --- |"]
    for label, key, fmt in rows:
        a, b = value(stock, key), value(ours, key)
        ratio = f"{b / a:.2f}x" if a else "-"
        lines.append(f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {ratio} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 30)),
                        help="how long each load runs (default 30)")
    parser.add_argument("--users", default=os.environ.get("BENCH_USERS", "1,20"),
                        help="concurrent users, comma-separated (default 1,20)")
    parser.add_argument("--conversations", type=int, default=26,
                        help="how many of the project's vignettes are replayed (default 26, a spread)")
    parser.add_argument("--out", type=Path, default=ROOT / "test-results" / "benchmark")
    args = parser.parse_args()
    user_levels = [int(u) for u in args.users.split(",")]
    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make train` first", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    bots = {"stock": Stock(args.out), "twitch": Twitch(args.out, args.conversations)}
    results: Dict[str, dict] = {key: {} for key in bots}
    try:
        scripts = {}
        for key, bot in bots.items():  # one at a time: each cold start has the machine to itself
            results[key]["cold"] = bot.start()
            print(f"{bot.name}: answered its first message {results[key]['cold']:.1f} s after launch", flush=True)
            scripts[key] = bot.scripts()
            load(bot.url, scripts[key], 2, 3)  # warm-up, not counted
        turns = {key: sum(map(len, s)) / len(s) for key, s in scripts.items()}
        print(f"conversations: stock {len(scripts['stock'])} (mean {turns['stock']:.1f} turns), "
              f"Twitch Check {len(scripts['twitch'])} (mean {turns['twitch']:.1f} turns)", flush=True)
        for users in user_levels:  # the two bots in turn at each load
            for key, bot in bots.items():
                results[key][users] = load(bot.url, scripts[key], users, args.seconds)
                r = results[key][users]
                print(f"{bot.name}, {users} users, {args.seconds:.0f} s: {r['turns']} turns, "
                      f"{r['failed']} failed, {r['throughput']:.1f}/s, p50 {r['p50'] * 1000:.0f} ms, "
                      f"p95 {r['p95'] * 1000:.0f} ms", flush=True)
        for key, bot in bots.items():
            memory = bot.memory()
            results[key].update(mem_rasa=memory["rasa"], mem_actions=memory["actions"],
                                mem_total=memory["rasa"] + memory["actions"])
    finally:
        for bot in bots.values():
            bot.stop()
    lines = table(results, user_levels)
    print("\n" + "\n".join(lines))
    (args.out / "table.md").write_text("\n".join(lines) + "\n")
    (args.out / "results.json").write_text(json.dumps(
        {k: {str(kk): vv for kk, vv in v.items()} for k, v in results.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
