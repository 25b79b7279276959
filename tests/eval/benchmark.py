"""Twitch Check side by side with the stock `rasa init` bot, served by the same Rasa: `make benchmark`.

Printed, not asserted. Three set-ups run on this machine, one after the other, under the same load:
the stock bot; Twitch Check as one instance (`make serve`: SQLite); and Twitch Check as two
instances behind HAProxy on PostgreSQL + Redis (`make serve-scale`, tests/cluster.py). For each:

- cold start: from launching the servers until the first message is answered over REST (for the
  pair: both instances up and the balancer answering; the databases are started before);
- whole conversations over REST by 1 and by 20 concurrent simulated users for a fixed time
  (BENCH_SECONDS, default 30): turns answered a second, and p50/p95/p99 latency of a turn
  (one user message until the bot's whole reply), and the CPU of every process of the set-up
  per turn answered;
- resident memory after the load, per process kind.

Then the CPU of one Twitch Check turn (one instance, one conversation at a time) split by where it
goes, in Rasa and in the action server (channels/turn_cost.py), and the cost of the turn that
answers question 2 against the one that answers question 12.

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
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from contextlib import ExitStack
from typing import Dict, Iterator, List, Optional, Sequence

import aiohttp

from tests.cluster import pids, start_cluster, stop_cluster, wait_cluster
from tests.databases import running_postgres, running_redis
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
COST_QUESTIONS = (2, 12)   # the turn answering question 2, and question 12, of a conversation


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

def _tree(pid: int) -> Iterator[int]:
    """A process and all its descendants, from /proc (Linux)."""
    todo = [pid]
    while todo:
        current = todo.pop()
        yield current
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue


def rss_mb(*roots: int) -> float:
    """Resident memory of processes and all their descendants."""
    total = 0.0
    for pid in (p for root in roots for p in _tree(root)):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(next(l for l in status.splitlines() if l.startswith("VmRSS")).split()[1]) / 1024
        except (OSError, StopIteration):
            continue
    return total


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(*roots: int) -> float:
    """CPU time (user + system, every thread, live or ended) of processes and their descendants."""
    total = 0.0
    for pid in (p for root in roots for p in _tree(root)):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        except (OSError, IndexError, ValueError):
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


def load(bot, scripts: List[List[str]], users: int, seconds: float) -> Dict[str, float]:
    """The load, and the CPU every process of the set-up spent per turn answered."""
    cpu = cpu_seconds(*bot.pids())
    result = asyncio.run(_load(bot.url, scripts, users, seconds))
    return {**result, "cpu_turn": (cpu_seconds(*bot.pids()) - cpu) / result["turns"]}


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


# --- the three set-ups ---------------------------------------------------------------------------

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

    def pids(self) -> List[int]:
        return [self.process.pid]

    def memory(self) -> Dict[str, float]:
        return {"rasa": rss_mb(self.process.pid)}

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


class Twitch:
    """One instance, as `make serve` runs it (SQLite), with the CPU ledger on (channels/turn_cost.py)."""
    name = "Twitch Check, one instance"

    def __init__(self, log_dir: Path, conversations: int):
        action_port, rasa_port = free_port(), free_port()
        self.token = secrets.token_hex(16)
        endpoints = log_dir / "endpoints.yml"
        endpoints.write_text(sqlite_endpoints(action_port, Path(tempfile.mkdtemp(prefix="bench-db-")) / "c.db"))
        self.costs = {"rasa": log_dir / "cost-rasa.json", "actions": log_dir / "cost-actions.json"}
        self.actions = ActionServer(action_port, log_dir / "actions.log",
                                    server_env(TWITCH_TURN_COST=str(self.costs["actions"])))
        self.rasa = RasaServer(rasa_port, self.token, endpoints, log_dir / "rasa.log",
                               env=server_env(TWITCH_TURN_COST=str(self.costs["rasa"])))
        self.url = f"{self.rasa.url}/webhooks/rest/webhook"
        self.conversations = conversations
        self._scripts: List[List[str]] = []

    def start(self) -> float:
        began = time.perf_counter()
        self.actions.start()
        self.rasa.start()
        self.actions.wait()
        return wait_for_answer(self.url, self.rasa.process, self.rasa.log, began)

    def scripts(self) -> List[List[str]]:
        """What the simulated people say, found by talking each conversation through once (as
        `make eval` does: the person answers whatever the bot asks, "no" to the emergency screen)."""
        if self._scripts:
            return self._scripts
        bot = Bot(self.rasa.url, self.token, self.actions.port, self.rasa.port)
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
            self._scripts.append(said)
        return self._scripts

    def pids(self) -> List[int]:
        return [self.rasa.process.pid, self.actions.process.pid]

    def memory(self) -> Dict[str, float]:
        return {"rasa": rss_mb(self.rasa.process.pid), "actions": rss_mb(self.actions.process.pid)}

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()


class Pair:
    """Two instances behind HAProxy on PostgreSQL + Redis (tests/cluster.py), the same conversations."""
    name = "Twitch Check, two instances"

    def __init__(self, log_dir: Path, one: Twitch):
        self.log_dir, self.one, self.cluster = log_dir / "pair", one, None
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.stack = ExitStack()
        self.url = ""

    def start(self) -> float:
        pg, redis = self.stack.enter_context(running_postgres()), self.stack.enter_context(running_redis())
        began = time.perf_counter()
        self.cluster = start_cluster(self.log_dir, pg, redis)
        self.stack.callback(stop_cluster, self.cluster)
        wait_cluster(self.cluster)
        self.url = f"{self.cluster.balancer.url}/webhooks/rest/webhook"
        return wait_for_answer(self.url, self.cluster.balancer.process, self.cluster.balancer.log, began)

    def scripts(self) -> List[List[str]]:
        return self.one.scripts()

    def pids(self) -> List[int]:
        return [pid for group in pids(self.cluster).values() for pid in group]

    def memory(self) -> Dict[str, float]:
        groups = pids(self.cluster)
        return {"rasa": rss_mb(*groups["rasa"]) / len(groups["rasa"]), "actions": rss_mb(*groups["actions"]),
                "balancer": rss_mb(*groups["balancer"]), "databases": rss_mb(*groups["databases"]),
                "instances": len(groups["rasa"])}

    def stop(self) -> None:
        self.stack.close()


# --- the CPU of one turn -------------------------------------------------------------------------

def read_costs(process: subprocess.Popen, path: Path) -> dict:
    """The server's ledger since it was last read (channels/turn_cost.py: SIGUSR1, then a file)."""
    path.unlink(missing_ok=True)
    os.kill(process.pid, signal.SIGUSR1)
    deadline = time.time() + 30
    while not path.exists():
        if time.time() > deadline:
            raise TimeoutError(f"{path.name} was not written")
        time.sleep(0.05)
    return json.loads(path.read_text())


def _replay(bot: Bot, scripts: List[List[str]], rounds: int) -> int:
    turns = 0
    for _ in range(rounds):
        for script in scripts:
            sender = f"cost-{uuid.uuid4().hex[:12]}"
            for text in script:
                if not say(bot, sender, text):
                    raise RuntimeError("a turn got no reply")
                turns += 1
    return turns


def _added(a: Dict[str, float], b: Dict[str, float]) -> Dict[str, float]:
    return {k: a.get(k, 0.0) + b.get(k, 0.0) for k in {**a, **b}}


def turn_costs(bot: Twitch, scripts: List[List[str]], rounds: int) -> dict:
    """Every conversation replayed `rounds` times, one message at a time: CPU ms per turn by part,
    and of the turns answering question 2 and question 12 in the conversations that go on after
    question 12 (so that neither is the turn that gives the result)."""
    servers = {"rasa": bot.rasa.process, "actions": bot.actions.process}
    rest = Bot(bot.rasa.url, bot.token, bot.actions.port, bot.rasa.port)
    for key, process in servers.items():
        read_costs(process, bot.costs[key])  # from zero
    cpu = {key: cpu_seconds(process.pid) for key, process in servers.items()}
    last = max(COST_QUESTIONS) + 1   # the message answering the last of them
    long_ones = [s for s in scripts if len(s) > last]
    turns = _replay(rest, long_ones, rounds)
    early = {key: read_costs(process, bot.costs[key]) for key, process in servers.items()}
    turns += _replay(rest, [s for s in scripts if len(s) <= last], rounds)
    whole = {key: (cpu_seconds(process.pid) - cpu[key]) / turns * 1000 for key, process in servers.items()}
    late = {key: read_costs(process, bot.costs[key]) for key, process in servers.items()}
    parts = {key: {part: seconds * 1000 / turns
                   for part, seconds in _added(early[key]["parts"], late[key]["parts"]).items()}
             for key in servers}
    conversations = rounds * len(long_ones)
    at = {q: {key: {part: seconds * 1000 / conversations
                    for part, seconds in early[key]["by_turn"].get(str(q + 1), {}).items()}
              for key in servers} for q in COST_QUESTIONS} if conversations else {}
    return {"turns": turns, "whole": whole, "parts": parts, "at": at, "conversations": conversations}


# Rows of the split: (label, Rasa's part, the action server's part).
COST_ROWS = [
    ("NLU", "NLU", None),
    ("learned layer", "learned layer", "learned layer"),
    ("policies", "policies", None),
    ("actions (Rasa: calling them; action server: running them)", "actions", "actions"),
    ("tracker store", "tracker store", None),
    ("lock store", "lock store", None),
    ("Rasa's processor / the action call's request", "processor", "request"),
]


def cost_table(costs: dict) -> List[str]:
    """One row per part: the mean turn, and the turns answering question 2 and question 12."""
    columns = [(key, costs["parts"][key]) for key in ("rasa", "actions")]
    columns = [(key, split) for key, mean in columns
               for split in [mean] + [costs["at"][q][key] for q in COST_QUESTIONS if costs["at"]]]

    def cell(part: Optional[str], split: Dict[str, float]) -> str:
        if part is None:
            return "-"
        if part == "learned layer" and part not in split:
            return "not in the bot yet"
        return f"{split.get(part, 0.0):.1f}"

    heads = ["mean"] + [f"answering question {q}" for q in COST_QUESTIONS if costs["at"]]
    lines = [f"CPU per turn (ms), one instance, one conversation at a time ({costs['turns']} turns; questions 2 "
             f"and 12 in the {costs['conversations']} conversations that go on after question 12):", "",
             "| part | " + " | ".join(f"{who}: {h}" for who in ("Rasa", "action server") for h in heads) + " |",
             "| --- " * (1 + 2 * len(heads)) + "|"]
    for label, *names in COST_ROWS:
        lines.append(f"| {label} | " + " | ".join(
            cell(names[0] if key == "rasa" else names[1], split) for key, split in columns) + " |")
    lines.append("| handling the message (the parts above) | " + " | ".join(
        f"{sum(split.values()):.1f}" for _, split in columns) + " |")
    blank = [""] * (len(heads) - 1)
    lines.append("| **whole turn** (the process's CPU, with HTTP and the REST channel) | " + " | ".join(
        [f"**{costs['whole']['rasa']:.1f}**", *blank, f"**{costs['whole']['actions']:.1f}**", *blank]) + " |")
    return lines


# --- the table -----------------------------------------------------------------------------------

COLUMNS = (("stock", "stock bot"), ("twitch", "one instance"), ("pair", "two instances"))


def table(results: Dict[str, dict], user_levels: Sequence[int]) -> List[str]:
    rows = [("cold start (s)", "cold", "{:.1f}")]
    for users in user_levels:
        people = f"{users} user{'s' if users > 1 else ''}"
        rows += [(f"{people}: turns/s", (users, "throughput"), "{:.1f}")]
        rows += [(f"{people}: {q} turn (ms)", (users, q), "{:.0f}") for q in ("p50", "p95", "p99")]
        rows += [(f"{people}: CPU per turn, all processes (ms)", (users, "cpu_turn"), "{:.1f}")]
    rows += [("memory, Rasa per instance (MB)", "rasa", "{:.0f}"), ("memory, action server (MB)", "actions", "{:.0f}"),
             ("memory, HAProxy (MB)", "balancer", "{:.0f}"), ("memory, PostgreSQL + Redis (MB)", "databases", "{:.0f}"),
             ("memory, total (MB)", "mem_total", "{:.0f}")]

    def value(result: dict, key) -> Optional[float]:
        if isinstance(key, tuple):
            v = result[key[0]][key[1]]
            return v * 1000 if key[1].startswith("p") or key[1] == "cpu_turn" else v
        return result.get("memory", {}).get(key, result.get(key))

    names = [name for key, name in COLUMNS if key in results]
    lines = ["| figure | " + " | ".join(names) + " | " + " | ".join(f"{n} / stock" for n in names[1:]) + " |",
             "| --- " * (2 * len(names)) + "|"]
    for label, key, fmt in rows:
        values = [value(results[k], key) for k, _ in COLUMNS if k in results]
        stock = values[0]
        cells = [fmt.format(v) if v is not None else "-" for v in values]
        ratios = [f"{v / stock:.2f}x" if v is not None and stock else "-" for v in values[1:]]
        lines.append(f"| {label} | " + " | ".join(cells + ratios) + " |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 30)),
                        help="how long each load runs (default 30)")
    parser.add_argument("--users", default=os.environ.get("BENCH_USERS", "1,20"),
                        help="concurrent users, comma-separated (default 1,20)")
    parser.add_argument("--conversations", type=int, default=26,
                        help="how many of the project's vignettes are replayed (default 26, a spread)")
    parser.add_argument("--cost-rounds", type=int, default=int(os.environ.get("BENCH_COST_ROUNDS", 2)),
                        help="how often each conversation is replayed for the CPU split (default 2)")
    parser.add_argument("--out", type=Path, default=ROOT / "test-results" / "benchmark")
    args = parser.parse_args()
    user_levels = [int(u) for u in args.users.split(",")]
    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make train` first", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    one = Twitch(args.out, args.conversations)
    bots = {"stock": Stock(args.out), "twitch": one, "pair": Pair(args.out, one)}
    results: Dict[str, dict] = {key: {} for key in bots}
    try:
        scripts = {}
        for key, bot in bots.items():  # one at a time: each cold start has the machine to itself
            results[key]["cold"] = bot.start()
            print(f"{bot.name}: answered its first message {results[key]['cold']:.1f} s after launch", flush=True)
            scripts[key] = bot.scripts()
            load(bot, scripts[key], 2, 3)  # warm-up, not counted
        turns = {key: sum(map(len, s)) / len(s) for key, s in scripts.items()}
        print(f"conversations: stock {len(scripts['stock'])} (mean {turns['stock']:.1f} turns), "
              f"Twitch Check {len(scripts['twitch'])} (mean {turns['twitch']:.1f} turns)", flush=True)
        costs = turn_costs(one, scripts["twitch"], args.cost_rounds)
        for users in user_levels:  # the set-ups in turn at each load
            for key, bot in bots.items():
                results[key][users] = load(bot, scripts[key], users, args.seconds)
                r = results[key][users]
                print(f"{bot.name}, {users} users, {args.seconds:.0f} s: {r['turns']} turns, "
                      f"{r['failed']} failed, {r['throughput']:.1f}/s, p50 {r['p50'] * 1000:.0f} ms, "
                      f"p95 {r['p95'] * 1000:.0f} ms, CPU {r['cpu_turn'] * 1000:.1f} ms/turn", flush=True)
        for key, bot in bots.items():
            memory = bot.memory()
            instances = memory.pop("instances", 1)
            results[key]["memory"] = memory
            results[key]["mem_total"] = memory["rasa"] * instances + sum(
                v for k, v in memory.items() if k != "rasa")
    finally:
        for bot in bots.values():
            bot.stop()
    lines = table(results, user_levels) + [""] + cost_table(costs)
    print("\n" + "\n".join(lines))
    (args.out / "table.md").write_text("\n".join(lines) + "\n")
    (args.out / "results.json").write_text(json.dumps(
        {"setups": {k: {str(kk): vv for kk, vv in v.items()} for k, v in results.items()},
         "turn_cost": {**costs, "at": {str(q): x for q, x in costs["at"].items()}}},
        indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
