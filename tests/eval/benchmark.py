"""Speed and memory figures (printed, not asserted): `make benchmark`.

- the medical engine alone: assessments per second over the vignette table;
- the running bot over REST: reply time per message (median, 95th percentile, worst);
- resident memory of the Rasa server and the action server after the run.
"""
import statistics
import time
import uuid
from pathlib import Path

from actions.medical.assessment import assess
from tests.eval.conversations import say
from tests.servers import running_bot
from tests.vignettes.people import all_answers, answer, load_vignettes

REPLIES = 200


def rss_mb(port: int) -> float:
    """Resident memory of the process listening on a local port, via /proc (Linux)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":  # LISTEN
                inode = fields[9]
    total = 0.0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if any(f"socket:[{inode}]" == str(fd.readlink()) for fd in (proc / "fd").iterdir()):
                status = (proc / "status").read_text()
                total += int(next(l for l in status.splitlines() if l.startswith("VmRSS")).split()[1]) / 1024
        except OSError:
            continue
    return total


def main() -> None:
    vignettes = load_vignettes()
    start = time.perf_counter()
    runs = 0
    while time.perf_counter() - start < 3:
        for v in vignettes:
            assess(all_answers(v), [v["opening"]])
            runs += 1
    print(f"engine: {runs / (time.perf_counter() - start):.0f} assessments/s")

    with running_bot() as bot:
        timings = []
        while len(timings) < REPLIES:
            for v in vignettes:
                sender = f"bench-{uuid.uuid4().hex[:8]}"
                for text in (v["opening"], answer(v, "duration"), answer(v, "weakness")):
                    began = time.perf_counter()
                    say(bot, sender, text)
                    timings.append(time.perf_counter() - began)
                if len(timings) >= REPLIES:
                    break
        timings.sort()
        print(f"reply time over REST ({len(timings)} messages): median {statistics.median(timings) * 1000:.0f} ms, "
              f"p95 {timings[int(len(timings) * 0.95)] * 1000:.0f} ms, worst {timings[-1] * 1000:.0f} ms")
        print(f"memory: rasa {rss_mb(bot.rasa_port):.0f} MB, action server {rss_mb(bot.action_port):.0f} MB")


if __name__ == "__main__":
    main()
