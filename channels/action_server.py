"""Runs the action server safely: ``python -m channels.action_server --port 5055``.

The same as ``rasa run actions`` (rasa_sdk), plus:

* listens on 127.0.0.1 unless ``ACTION_SERVER_HOST`` says otherwise (rasa_sdk's
  default is every interface);
* if ``ACTION_SERVER_TOKEN`` is set, every call must carry it in the
  ``X-Action-Token`` header (endpoints.yml: ``action_endpoint.headers``), otherwise
  HTTP 401; ``/health`` stays open;
* a failing action answers HTTP 500 with the exception's type only: rasa_sdk's
  own error reply echoes the whole request (every message of the conversation),
  which Rasa then writes to its log;
* message text is kept out of its logs (``channels.logs``);
* the engine is loaded before the server answers, so no person waits for it;
* TensorFlow is never imported: spaCy's thinc imports it whenever it is installed (it is, for
  Rasa), which took over a third of the start-up and hundreds of MB; the actions do not use it.
"""

import hmac
import logging
import os
import sys
from typing import Any

logger = logging.getLogger(__name__)


def _harden(create_app: Any) -> Any:
    def create(*args: Any, **kwargs: Any) -> Any:
        from sanic import response
        from rasa_sdk.executor import ActionExecutor

        from channels import logs, turn_cost

        app = create_app(*args, **kwargs)
        token = os.environ.get("ACTION_SERVER_TOKEN") or None

        @app.middleware("request")
        async def check_token(request: Any) -> Any:
            if token is None or request.path == "/health":
                return None
            given = request.headers.get("X-Action-Token", "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                return response.json({"error": "unauthorised"}, status=401)
            return None

        async def failed(request: Any, exception: Exception) -> Any:
            status = getattr(exception, "status_code", 500) or 500
            if status >= 500:
                logger.error("An action failed (%s).", type(exception).__name__, exc_info=exception)
            return response.json({"error": type(exception).__name__}, status=status)

        app.error_handler.add(Exception, failed)

        original_run = ActionExecutor.run

        async def run(self: Any, action_call: Any) -> Any:
            try:
                for event in (action_call.get("tracker") or {}).get("events") or []:
                    if event.get("event") == "user":
                        logs.remember(event.get("text"))
            except AttributeError:
                pass
            return await original_run(self, action_call)

        ActionExecutor.run = run

        @app.listener("after_server_start")
        async def filter_logs(*_: Any) -> None:
            logs.install_filter()

        logs.install_filter()
        turn_cost.install_action_server(app)  # only with TWITCH_TURN_COST set (`make benchmark`)
        _warm_up()
        return app

    return create


def _warm_up() -> None:
    """Load the knowledge base and build the clinical reader before the first request: built
    lazily, it made the first message of a busy machine's first conversation take longer than
    Rasa waits for an action (the person then got the "something went wrong" reply)."""
    from actions.medical.assessment import assess

    assess({}, ["warm up: my eyelid twitches"])


def _without_tensorflow() -> None:
    """`import tensorflow` fails in this process, as if it were not installed (thinc then runs
    without it, as it does wherever TensorFlow is absent)."""
    for name in ("tensorflow", "jax"):
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def main() -> None:
    _without_tensorflow()
    from channels import turn_cost

    turn_cost.start()  # before the actions are imported; only with TWITCH_TURN_COST set
    os.environ.setdefault("SANIC_HOST", os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"))
    import rasa_sdk.endpoint
    from rasa_sdk.__main__ import main as sdk_main

    rasa_sdk.endpoint.create_app = _harden(rasa_sdk.endpoint.create_app)
    sys.argv[0] = "rasa_sdk"
    if not any(arg == "--actions" or arg.startswith("--actions=") for arg in sys.argv[1:]):
        sys.argv += ["--actions", "actions"]  # what `rasa run actions` passes by default
    sdk_main()


if __name__ == "__main__":
    main()
