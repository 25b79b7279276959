"""PostgreSQL and Redis for the scale-out tests: Debian's packages, on 127.0.0.1, data in a temp dir.

`make test` installs them (`make databases`: apt-get install postgresql redis-server) when
they are missing. PostgreSQL refuses to run as root, so under root it runs as the
`postgres` user that the Debian package creates.
"""
import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator, NamedTuple

from tests.servers import free_port


class Database(NamedTuple):
    host: str
    port: int
    pid: int = 0   # the server's main process, for `make benchmark`'s memory figures
    data: str = ""  # PostgreSQL's data directory, to stop and start it again (postgres_stopped)


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise FileNotFoundError(f"PostgreSQL's {name} is missing: run `make databases` "
                                "(apt-get install postgresql redis-server)")
    return found[-1]


def _as_postgres(args):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextlib.contextmanager
def running_postgres() -> Iterator[Database]:
    """A throw-away PostgreSQL cluster with trust authentication on 127.0.0.1 only."""
    root = Path(tempfile.mkdtemp(prefix="twitch-pg-"))
    data, initdb = root / "data", _postgres_bin("initdb")
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    port = free_port()
    subprocess.run(_as_postgres([initdb, "-D", str(data), "-U", "postgres", "--auth=trust",
                                 "--no-sync", "-E", "UTF8"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, timeout=120)
    database = Database("127.0.0.1", port, data=str(data))
    _start_postgres(database)
    try:
        yield database._replace(pid=int((data / "postmaster.pid").read_text().split()[0]))
    finally:
        _stop_postgres(database)
        shutil.rmtree(root, ignore_errors=True)


def _start_postgres(database: Database) -> None:
    data = Path(database.data)
    options = (f"-p {database.port} -k {data.parent} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c max_connections=60")
    subprocess.run(_as_postgres([_postgres_bin("pg_ctl"), "-D", str(data), "-l", str(data.parent / "postgres.log"),
                                 "-o", options, "-w", "start"]),
                   check=True, stdout=subprocess.DEVNULL, timeout=120)


def _stop_postgres(database: Database) -> None:
    """Stopped at once, as a crash would (no waiting for clients to leave)."""
    subprocess.run(_as_postgres([_postgres_bin("pg_ctl"), "-D", database.data, "-m", "immediate", "-w", "stop"]),
                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, timeout=120)


@contextlib.contextmanager
def postgres_stopped(database: Database) -> Iterator[None]:
    """PostgreSQL down (stopped as by a crash) inside the block, up again with the same settings after."""
    _stop_postgres(database)
    try:
        yield
    finally:
        _start_postgres(database)


@contextlib.contextmanager
def running_redis() -> Iterator[Database]:
    """A Redis server on 127.0.0.1 that keeps nothing on disk."""
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(server).exists():
        raise FileNotFoundError("redis-server is missing: run `make databases` "
                                "(apt-get install postgresql redis-server)")
    root = Path(tempfile.mkdtemp(prefix="twitch-redis-"))
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(root),
                                "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
                               stdout=open(root / "redis.log", "w"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if process.poll() is not None:
                    raise RuntimeError((root / "redis.log").read_text())
                time.sleep(0.1)
        yield Database("127.0.0.1", port, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(root, ignore_errors=True)
