#!/usr/bin/env bash
# `make chat`: Twitch Check in this terminal (channels/terminal.py, over Rasa's REST channel).
# If Twitch Check is already answering on CHAT_PORT (default 5005, as `make serve` runs it), it
# talks to that one. Otherwise it starts the action server and Rasa on free ports of 127.0.0.1
# (CHAT_PORT if it is free), logs in logs/, and stops both when you leave.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore
PY=.venv/bin/python
CHAT_PORT=${CHAT_PORT:-5005}
if $PY -m channels.terminal --check "http://127.0.0.1:$CHAT_PORT"; then
  echo "Talking to the Twitch Check already running on port $CHAT_PORT (make serve)."
  exec $PY -m channels.terminal --url "http://127.0.0.1:$CHAT_PORT"
fi
free() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 1 || return 0; }
some_free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rasa_port=$CHAT_PORT; free "$rasa_port" || rasa_port=$(some_free_port)
action_port=5055; free "$action_port" || action_port=$(some_free_port)
mkdir -p logs var build
# endpoints.yml with this run's action server port; conversations stay in var/conversations.db
endpoints=build/chat-endpoints.yml
sed "s#http://127.0.0.1:5055/webhook#http://127.0.0.1:$action_port/webhook#" endpoints.yml > "$endpoints"
echo "Starting Twitch Check here (Rasa on port $rasa_port, actions on $action_port, logs in logs/)."
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
$PY -m channels.action_server --port "$action_port" > logs/actions.log 2>&1 &
pids+=($!)
$PY -m channels.server run --model models/twitch_check.tar.gz --endpoints "$endpoints" \
  --credentials credentials.yml --interface 127.0.0.1 --port "$rasa_port" > logs/rasa.log 2>&1 &
pids+=($!)
$PY -m channels.terminal --url "http://127.0.0.1:$rasa_port"
