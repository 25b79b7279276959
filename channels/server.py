"""Runs Rasa with Twitch Check's guards: ``python -m channels.server run ...`` (any `rasa` command).

The same as the ``rasa`` command, after ``channels.guard.install()`` (docs/reliability.md) and
``channels.speed.install()`` (docs/speed.md). ``make serve``, ``make chat`` and the tests start
Rasa this way.

``python -m channels.server shell --model models/twitch_check.tar.gz`` is ``rasa shell`` for a
person at a terminal: Python's, TensorFlow's and Rasa's start-up warnings stay off the screen
(Rasa's log goes to logs/rasa-shell.log), and when port 5005 is taken (``make serve`` runs)
its server takes a free port instead of failing with "address already in use".
"""

import os
import socket
import sys
import warnings

SHELL_LOG = "logs/rasa-shell.log"


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def quiet_shell(args: list) -> list:
    """`rasa shell`'s arguments with a log file, console logs at warnings only, and a free port."""
    for name, value in (("SQLALCHEMY_SILENCE_UBER_WARNING", "1"), ("TF_CPP_MIN_LOG_LEVEL", "3"),
                        ("PYTHONWARNINGS", "ignore")):
        os.environ.setdefault(name, value)
    # Libraries re-enable their deprecation warnings as they load (ruamel, SQLAlchemy), so a filter
    # set here does not last: nothing is shown instead. They concern the libraries, not the person.
    warnings.showwarning = lambda *args, **kwargs: None
    given = set(args)
    extra = []
    if "--log-file" not in given:
        os.makedirs(os.path.dirname(SHELL_LOG), exist_ok=True)
        extra += ["--log-file", SHELL_LOG]
    if not given & {"--quiet", "-v", "-vv", "--verbose", "--debug"}:
        extra.append("--quiet")
    if not given & {"-p", "--port"} and port_taken(5005):
        extra += ["--port", str(free_port())]
    return args + extra


def main() -> None:
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")  # before Rasa reads it
    if sys.argv[1:2] == ["shell"]:
        sys.argv[1:] = quiet_shell(sys.argv[1:])
    from channels import guard, speed, turn_cost

    guard.install()
    speed.install()
    turn_cost.install_rasa()  # only with TWITCH_TURN_COST set (`make benchmark`)
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
