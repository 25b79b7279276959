"""Twitch Check's own Rasa input channels.

Thin subclasses of Rasa 3.6's Slack and Telegram channels. They exist so that the
Web API / Bot API server can be configured (tests point them at a local fake
server; Telegram's self-hosted Bot API server is a real deployment option) and to
fix start-up and duplicate-delivery behaviour; see each module for the reasons.
Referenced from credentials.channels.yml as ``channels.slack.ConfigurableSlackInput``
and ``channels.telegram.ResilientTelegramInput``.

Around every channel (docs/reliability.md, "Reliability" and "Privacy"):

* ``guard``: limits, action-server fallbacks, welcome back, forget-me deletion,
  retention, the token header; installed by ``python -m channels.server`` (Rasa) and
  by loading ``rest``/``socketio``.
* ``safety_net``: the replies that need neither the model nor the action server,
  including the offline red-flag check (``red_flag_reply``).
* ``rest``, ``socketio``: Rasa's REST and socket.io channels with request checks; ``limits``:
  how much a request may carry; ``language``: one line for messages in other languages.
* ``logs``: keeps message text out of the logs; ``forget``: deleting conversations;
  ``locks``: an atomic Redis lock store for several instances;
  ``action_server``: ``python -m channels.action_server``, the hardened action server.
"""

import os
import re
from typing import Mapping, Optional, Text

_ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def active_credentials(
    path: Text = "credentials.channels.yml", env: Optional[Mapping[Text, Text]] = None
) -> Text:
    """Text of a Rasa credentials file with only the channels that are configured.

    Rasa fails at start-up on an unset ``${VAR}`` and starts every channel listed,
    so a single file cannot hold optional Slack/Telegram blocks. This keeps a
    top-level block only if all its ``${VARS}`` are set, except lines marked
    ``# optional``, which are dropped instead. Rasa still does the substitution.
    """
    env = os.environ if env is None else env
    blocks, current = [], []
    for line in open(path, encoding="utf-8").read().splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            blocks.append(current)
            current = []
        current.append(line)
    blocks.append(current)

    out = []
    for block in blocks:
        kept = []
        for line in block:
            missing = [v for v in _ENV_VAR.findall(line) if not env.get(v)]
            if not missing:
                kept.append(line)
            elif "# optional" in line:
                continue
            else:
                kept = []
                break
        out.extend(kept)
    return "\n".join(out) + "\n"


def acknowledge_malformed(blueprint, platform: Text, acknowledged) -> None:
    """A validly signed but malformed request gets the platform's "received" answer, never a 500
    (which the platform would retry): client errors keep their status, and nothing of the request
    is logged but its kind."""
    import logging

    from sanic import response

    @blueprint.exception(Exception)
    async def malformed(request, exception):
        status = getattr(exception, "status_code", 500) or 500
        if status < 500 and status != 400:
            return response.text("", status=status)
        logging.getLogger(__name__).warning(
            "Could not process a %s request (%s); acknowledged so that it is not sent again.",
            platform, type(exception).__name__)
        return acknowledged()
