"""Two Rasa instances behind HAProxy, one action server, PostgreSQL and Redis, on 127.0.0.1.

What `make serve-scale` runs (README, "Several instances"), started for the scale-out tests and
`make benchmark` with throw-away databases (tests/databases.py) and free ports. HAProxy is
Debian's (`make databases` installs it) with the project's own haproxy.scale.cfg.
"""
import contextlib
import json
import secrets
import shutil
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple

from tests.databases import Database, running_postgres, running_redis
from tests.servers import ROOT, ActionServer, Bot, RasaServer, Server, _start, free_port, server_env

BALANCER_CONFIG = ROOT / "haproxy.scale.cfg"
INSTANCE_HEADER = "X-Twitch-Instance"   # set by HAProxy: which instance answered (rasa1, rasa2)


def haproxy() -> str:
    found = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(found).exists():
        raise FileNotFoundError("HAProxy is missing: run `make databases` (apt-get install haproxy)")
    return found


class Balancer(Server):
    """HAProxy on 127.0.0.1 in front of the given Rasa ports."""

    def __init__(self, port: int, rasa_ports: List[int], log: Path):
        self.port, self.log, self.process = port, log, None
        self.url = f"http://127.0.0.1:{port}"
        self.env = server_env(BALANCER_HOST="127.0.0.1", BALANCER_PORT=str(port),
                              **{f"RASA_{n}": f"127.0.0.1:{p}" for n, p in enumerate(rasa_ports, 1)})

    def start(self) -> "Balancer":
        self.process = _start([haproxy(), "-db", "-f", str(BALANCER_CONFIG)], self.log, self.env)
        return self

    @property
    def health_url(self) -> str:
        return f"{self.url}/"   # answered by an instance, so only once one is up


class Cluster(NamedTuple):
    balancer: Balancer
    instances: List[RasaServer]
    actions: ActionServer
    token: str
    postgres: Database
    redis: Database

    def bot(self, rasa: Optional[RasaServer] = None) -> Bot:
        """The balancer (or one instance directly) as the tests' and the evaluation's `Bot`."""
        url, port = (rasa.url, rasa.port) if rasa else (self.balancer.url, self.balancer.port)
        return Bot(url, self.token, self.actions.port, port, 0, self.actions.log.parent, self.actions, rasa)


def scale_env(pg: Database, redis: Database, action_port: int, **extra: str) -> dict:
    """endpoints.scale.yml's variables for the throw-away databases (trust authentication)."""
    return server_env(
        ACTION_SERVER_URL=f"http://127.0.0.1:{action_port}/webhook",
        TRACKER_DB_HOST=pg.host, TRACKER_DB_PORT=str(pg.port), TRACKER_DB_NAME="twitch_check",
        TRACKER_DB_USER="postgres", TRACKER_DB_PASSWORD="unused-trust-auth", TRACKER_DB_LOGIN_DB="postgres",
        REDIS_HOST=redis.host, REDIS_PORT=str(redis.port), REDIS_PASSWORD="", REDIS_DB="1", **extra)


def say_through(url: str, sender: str, text: str) -> Tuple[list, str]:
    """One message over REST: the bot's replies and which instance answered."""
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", method="POST",
                                     headers={"Content-Type": "application/json"},
                                     data=json.dumps({"sender": sender, "message": text}).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null"), response.headers.get(INSTANCE_HEADER, "")


@contextlib.contextmanager
def running_cluster(log_dir: Path, env: Optional[dict] = None) -> Iterator[Cluster]:
    """Everything started (the databases first), every server answering; all stopped after."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with running_postgres() as pg, running_redis() as redis:
        cluster = start_cluster(log_dir, pg, redis, env)
        try:
            wait_cluster(cluster)
            yield cluster
        finally:
            stop_cluster(cluster)


def start_cluster(log_dir: Path, pg: Database, redis: Database, env: Optional[dict] = None) -> Cluster:
    """Launches the action server, both instances and HAProxy without waiting for them."""
    action_port, token = free_port(), secrets.token_hex(16)
    env = scale_env(pg, redis, action_port, **(env or {}))
    actions = ActionServer(action_port, log_dir / "actions.log", env).start()
    instances = [RasaServer(free_port(), token, ROOT / "endpoints.scale.yml", log_dir / f"rasa-{n}.log",
                            env=env).start() for n in (1, 2)]
    balancer = Balancer(free_port(), [r.port for r in instances], log_dir / "haproxy.log").start()
    return Cluster(balancer, instances, actions, token, pg, redis)


def wait_cluster(cluster: Cluster) -> None:
    cluster.actions.wait()
    for rasa in cluster.instances:
        rasa.wait()
    cluster.balancer.wait()


def stop_cluster(cluster: Cluster) -> None:
    cluster.balancer.stop()
    for rasa in cluster.instances:
        rasa.stop()
    cluster.actions.stop()


def pids(cluster: Cluster) -> Dict[str, List[int]]:
    """The processes whose memory `make benchmark` reports."""
    return {"rasa": [r.process.pid for r in cluster.instances], "actions": [cluster.actions.process.pid],
            "balancer": [cluster.balancer.process.pid], "databases": [cluster.postgres.pid, cluster.redis.pid]}

