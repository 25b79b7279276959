"""`make serve` (scripts/serve.sh) keeps serving when one of its servers dies."""
import json
import os
import secrets
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from channels.safety_net import ACTION_SERVER_DOWN
from tests.servers import ROOT, free_port, sqlite_endpoints


def _children(pid):
    """Every process below `pid` (from /proc), with its command line."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                parents.setdefault(ppid, []).append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    found, todo = {}, [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            try:
                found[child] = (Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                continue
            todo.append(child)
    return found


def _get(url, timeout=2):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status


def _wait(url, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            return _get(url)
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


def _say(rasa, sender, text):
    request = urllib.request.Request(f"{rasa}/webhooks/rest/webhook", method="POST",
                                     data=json.dumps({"sender": sender, "message": text}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return [m.get("text") for m in json.loads(response.read())]


def test_a_server_that_dies_is_restarted_and_the_others_keep_serving(tmp_path):
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(sqlite_endpoints(action_port, tmp_path / "conversations.db"))
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port),
           "WEB_PORT": str(web_port), "ENDPOINTS": str(endpoints), "LOG_DIR": str(tmp_path),
           "RASA_TOKEN": secrets.token_hex(8)}
    serve = subprocess.Popen([str(ROOT / "scripts/serve.sh")], cwd=ROOT, env=env, start_new_session=True,
                             stdout=open(tmp_path / "serve.out", "w"), stderr=subprocess.STDOUT)
    rasa, actions = f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}"
    try:
        _wait(f"{actions}/health", 300)
        _wait(f"{rasa}/", 300)
        _wait(f"http://127.0.0.1:{web_port}/", 60)
        [action_pid] = [p for p, cmd in _children(serve.pid).items() if "channels.action_server" in cmd]
        os.kill(action_pid, signal.SIGKILL)
        # Rasa and the web page keep serving; the person gets a kind message meanwhile
        replies = _say(rasa, "serve-test-1", "my eyelid keeps twitching")
        assert replies and all(replies)
        assert _get(f"http://127.0.0.1:{web_port}/") == 200
        # the action server is back, and answers the next message properly
        _wait(f"{actions}/health", 120)
        [new_pid] = [p for p, cmd in _children(serve.pid).items() if "channels.action_server" in cmd]
        assert new_pid != action_pid
        replies = _say(rasa, "serve-test-2", "my eyelid keeps twitching")
        assert replies and ACTION_SERVER_DOWN not in replies
        assert "actions stopped; restarting it" in (tmp_path / "serve.log").read_text()
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
