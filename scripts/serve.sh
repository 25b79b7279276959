#!/usr/bin/env bash
# `make serve`: action server (:5055), Rasa (:5005: REST, socket.io, the channels whose variables
# are set, and the HTTP API behind a token) and the web chat page (:8080). Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
credentials=${1:-credentials.yml}
if [ -z "${RASA_TOKEN:-}" ]; then
  RASA_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')
  echo "RASA_TOKEN was not set; the HTTP API token for this run is: $RASA_TOKEN"
fi
mkdir -p logs
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
.venv/bin/rasa run actions --port 5055 > logs/actions.log 2>&1 & pids+=($!)
.venv/bin/rasa run --model models/twitch_check.tar.gz --port 5005 --enable-api --auth-token "$RASA_TOKEN" \
  --cors "*" --credentials "$credentials" --endpoints endpoints.yml > logs/rasa.log 2>&1 & pids+=($!)
.venv/bin/python webchat/serve.py --host 0.0.0.0 --port 8080 > logs/webchat.log 2>&1 & pids+=($!)
echo "Web chat: http://localhost:8080   Rasa: http://localhost:5005   logs: logs/"
echo "Channels: $(grep -E '^[a-z]' "$credentials" | tr -d ':' | tr '\n' ' ')"
wait -n "${pids[@]}"
echo "A server stopped; see logs/." >&2
exit 1
