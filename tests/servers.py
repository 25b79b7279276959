"""Starts the action server and Rasa on free local ports for a test run, and stops them after."""
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator, NamedTuple, Optional

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "twitch_check.tar.gz"
START_TIMEOUT = 300


class Bot(NamedTuple):
    url: str              # Rasa's base URL, e.g. http://127.0.0.1:5123
    token: str            # the HTTP API token
    action_port: int
    rasa_port: int
    web_port: int = 0     # the port the web chat page may use (its origin is allowed by CORS)
    log_dir: Optional[Path] = None
    actions: Optional["ActionServer"] = None   # to stop and restart it in fault tests
    rasa: Optional["RasaServer"] = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout}s:\n{log.read_text()[-3000:]}")


def _start(args, log: Path, env=None) -> subprocess.Popen:
    handle = open(log, "a")
    return subprocess.Popen(args, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def server_env(**extra: str) -> dict:
    return {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false", **extra}  # nothing leaves this machine


def sqlite_endpoints(action_port: int, db: Path) -> str:
    return (f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
            f'tracker_store:\n  type: channels.trackers.RememberingSQLTrackerStore\n  dialect: "sqlite"\n  db: "{db}"\n')


class Server:
    """A server process of a test run: waited for until `health_url` answers, then stopped."""
    process: Optional[subprocess.Popen] = None
    log: Path

    @property
    def health_url(self) -> str:
        raise NotImplementedError

    def wait(self) -> None:
        wait_for(self.health_url, self.process, self.log)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


class ActionServer(Server):
    """The action server (python -m channels.action_server) on a port of its own."""

    def __init__(self, port: int, log: Path, env: Optional[dict] = None):
        self.port, self.log, self.env, self.process = port, log, env or server_env(), None

    def start(self) -> "ActionServer":
        self.process = _start([str(VENV_BIN / "python"), "-m", "channels.action_server",
                               "--port", str(self.port)], self.log, self.env)
        return self

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/health"


class RasaServer(Server):
    """One Rasa instance (python -m channels.server run) on a port of its own."""

    def __init__(self, port: int, token: str, endpoints: Path, log: Path, cors: str = "*",
                 credentials: Optional[Path] = None, env: Optional[dict] = None):
        self.port, self.token, self.endpoints, self.log = port, token, endpoints, log
        self.cors, self.credentials, self.env, self.process = cors, credentials, env or server_env(), None
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> "RasaServer":
        self.process = _start([
            str(VENV_BIN / "python"), "-m", "channels.server", "run", "--model", str(MODEL),
            "--port", str(self.port), "--interface", "127.0.0.1", "--enable-api",
            "--auth-token", self.token, "--cors", self.cors, "--endpoints", str(self.endpoints),
            "--credentials", str(self.credentials or ROOT / "credentials.yml"),
        ], self.log, self.env)
        return self

    @property
    def health_url(self) -> str:
        return f"{self.url}/status?token={self.token}"

    def restart(self) -> None:
        self.stop()
        self.start().wait()

    def kill(self) -> None:
        """SIGKILL, as a crash or an out-of-memory kill would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)


@contextlib.contextmanager
def running_bot(credentials: Optional[Path] = None, log_dir: Optional[Path] = None,
                env: Optional[dict] = None) -> Iterator[Bot]:
    """The action server and Rasa (REST, socket.io and the token-protected HTTP API).

    Conversations are kept in a fresh SQLite file in `log_dir` (Rasa's SQL tracker
    store, as `make serve` does); CORS allows only http://127.0.0.1:<web_port>.
    """
    if not MODEL.exists():
        raise FileNotFoundError(f"{MODEL} is missing: run `make train` first")
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="twitch-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port, web_port = free_port(), free_port(), free_port()
    token = secrets.token_hex(16)
    db = Path(tempfile.mkdtemp(prefix="twitch-db-")) / "conversations.db"
    endpoints = log_dir / "endpoints.yml"
    endpoints.write_text(sqlite_endpoints(action_port, db))
    for name in ("actions.log", "rasa.log"):
        (log_dir / name).write_text("")
    env = env or server_env(TWITCH_WEB_ORIGINS=f"http://127.0.0.1:{web_port}")
    actions = ActionServer(action_port, log_dir / "actions.log", env)
    rasa = RasaServer(rasa_port, token, endpoints, log_dir / "rasa.log",
                      cors=f"http://127.0.0.1:{web_port}", credentials=credentials, env=env)
    try:
        actions.start()
        rasa.start()
        actions.wait()
        rasa.wait()
        yield Bot(rasa.url, token, action_port, rasa_port, web_port, log_dir, actions, rasa)
    finally:
        rasa.stop()
        actions.stop()
