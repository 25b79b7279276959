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
    handle = open(log, "w")
    return subprocess.Popen(args, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def running_bot(credentials: Optional[Path] = None, log_dir: Optional[Path] = None) -> Iterator[Bot]:
    """The action server and Rasa (REST, socket.io and the token-protected HTTP API)."""
    if not MODEL.exists():
        raise FileNotFoundError(f"{MODEL} is missing: run `make train` first")
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="twitch-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port, token = free_port(), free_port(), secrets.token_hex(16)
    endpoints = log_dir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
           "RASA_TELEMETRY_ENABLED": "false"}  # nothing leaves this machine
    processes = []
    try:
        processes.append(_start([str(VENV_BIN / "rasa"), "run", "actions", "--port", str(action_port)],
                                log_dir / "actions.log", env))
        processes.append(_start([
            str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(rasa_port),
            "--interface", "127.0.0.1", "--enable-api", "--auth-token", token, "--cors", "*",
            "--endpoints", str(endpoints), "--credentials", str(credentials or ROOT / "credentials.yml"),
        ], log_dir / "rasa.log", env))
        wait_for(f"http://127.0.0.1:{action_port}/health", processes[0], log_dir / "actions.log")
        wait_for(f"http://127.0.0.1:{rasa_port}/status?token={token}", processes[1], log_dir / "rasa.log")
        yield Bot(f"http://127.0.0.1:{rasa_port}", token, action_port, rasa_port)
    finally:
        for process in reversed(processes):
            _stop(process)
