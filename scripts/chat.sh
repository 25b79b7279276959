#!/usr/bin/env bash
# `make chat`: starts the action server, opens `rasa shell`, and stops the server when you leave.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTION_PORT=5055
if (exec 3<>"/dev/tcp/127.0.0.1/$ACTION_PORT") 2>/dev/null; then
  echo "Port $ACTION_PORT is busy (is 'make serve' running?). Stop it first." >&2
  exit 1
fi
export RASA_TELEMETRY_ENABLED=false
mkdir -p logs var
.venv/bin/python -m channels.action_server --port "$ACTION_PORT" > logs/actions.log 2>&1 &
actions_pid=$!
trap 'kill "$actions_pid" 2>/dev/null || true; wait "$actions_pid" 2>/dev/null || true' EXIT
echo "Starting Twitch Check (action server log: logs/actions.log)..."
for _ in $(seq 1 120); do
  .venv/bin/python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$ACTION_PORT/health', timeout=2)" 2>/dev/null && break
  kill -0 "$actions_pid" 2>/dev/null || { echo "The action server failed to start:" >&2; tail -20 logs/actions.log >&2; exit 1; }
  sleep 1
done
# Library deprecation warnings are noise in a chat window.
# Conversations are kept in var/conversations.db (endpoints.yml); channels.server adds the guards.
PYTHONWARNINGS=ignore .venv/bin/python -m channels.server shell --model models/twitch_check.tar.gz --endpoints endpoints.yml
