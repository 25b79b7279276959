#!/usr/bin/env bash
# `make chat`: Twitch Check in this terminal. Starts the action server and Rasa (REST channel on
# 127.0.0.1, logs in logs/), greets at once with channels/terminal.py, and stops both servers when
# you leave. CHAT_PORT (default 5005) picks another port for Rasa; the action server is on 5055
# (endpoints.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
ACTION_PORT=5055
CHAT_PORT=${CHAT_PORT:-5005}
for port in "$ACTION_PORT" "$CHAT_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is busy (is 'make serve' running?). Stop it first, or set CHAT_PORT." >&2
    exit 1
  fi
done
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore
mkdir -p logs var
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
.venv/bin/python -m channels.action_server --port "$ACTION_PORT" > logs/actions.log 2>&1 &
pids+=($!)
# Conversations are kept in var/conversations.db (endpoints.yml); channels.server adds the guards.
.venv/bin/python -m channels.server run --model models/twitch_check.tar.gz --endpoints endpoints.yml \
  --credentials credentials.yml --interface 127.0.0.1 --port "$CHAT_PORT" > logs/rasa.log 2>&1 &
pids+=($!)
.venv/bin/python -m channels.terminal --url "http://127.0.0.1:$CHAT_PORT"
