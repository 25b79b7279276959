"""Runs Rasa with Twitch Check's guards: ``python -m channels.server run ...`` (any `rasa` command).

The same as the ``rasa`` command, after ``channels.guard.install()`` (README,
"Reliability and privacy") and ``channels.speed.install()`` (README, "Speed"). ``make serve``, ``make chat`` and the tests start Rasa this way.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")  # before Rasa reads it
    from channels import guard, speed, turn_cost

    guard.install()
    speed.install()
    turn_cost.install_rasa()  # only with TWITCH_TURN_COST set (`make benchmark`)
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
