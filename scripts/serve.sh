#!/usr/bin/env bash
# `make serve`: action server (127.0.0.1:5055), Rasa (:5005: REST, socket.io, the channels whose
# variables are set, and the HTTP API behind a token) and the web chat page (:8080).
# Each server is supervised: one that dies is restarted (logged in logs/serve.log) and the others
# keep serving. Ctrl-C stops all three.
#
#   SCALE=1            several-instance mode: PostgreSQL tracker store + Redis lock store from
#                      endpoints.scale.yml (TRACKER_DB_* and REDIS_* variables; README), and two
#                      Rasa instances (127.0.0.1, RASA_PORT+1 and +2) behind HAProxy on RASA_PORT
#                      (haproxy.scale.cfg; BALANCER_HOST, default 127.0.0.1), one per core
#   INSTANCES=1        with SCALE=1: one instance on RASA_PORT and no balancer (one per host,
#                      behind a load balancer of your own)
#   RASA_PORT=5005     another port for Rasa (or the balancer);
#   ACTION_PORT=5055, WEB_PORT=8080 likewise; ENDPOINTS=file another endpoints file;
#   LOG_DIR=logs       where the logs go
#   WEB_ORIGIN=...     the web page's origin allowed by CORS (default http://localhost:8080)
#   NO_ACTIONS=1 / NO_WEBCHAT=1   do not start those here (another host or instance runs them)
set -euo pipefail
cd "$(dirname "$0")/.."
credentials=${1:-credentials.yml}
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
WEB_PORT=${WEB_PORT:-8080}
WEB_ORIGIN=${WEB_ORIGIN:-http://localhost:$WEB_PORT}
export TWITCH_WEB_ORIGINS=${TWITCH_WEB_ORIGINS:-$WEB_ORIGIN,http://127.0.0.1:$WEB_PORT}
endpoints=${ENDPOINTS:-endpoints.yml}
if [ "${SCALE:-0}" = 1 ]; then   # endpoints.scale.yml reads these; docs/keeping-conversations.md, "Several instances"
  endpoints=endpoints.scale.yml
  export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://127.0.0.1:$ACTION_PORT/webhook}
  export TRACKER_DB_HOST=${TRACKER_DB_HOST:-127.0.0.1} TRACKER_DB_PORT=${TRACKER_DB_PORT:-5432}
  export TRACKER_DB_NAME=${TRACKER_DB_NAME:-twitch_check} TRACKER_DB_USER=${TRACKER_DB_USER:-rasa}
  export TRACKER_DB_LOGIN_DB=${TRACKER_DB_LOGIN_DB:-postgres}
  export TRACKER_DB_PASSWORD=${TRACKER_DB_PASSWORD:?set TRACKER_DB_PASSWORD for SCALE=1}
  export REDIS_HOST=${REDIS_HOST:-127.0.0.1} REDIS_PORT=${REDIS_PORT:-6379}
  export REDIS_PASSWORD=${REDIS_PASSWORD:-} REDIS_DB=${REDIS_DB:-1}
fi
if [ -z "${RASA_TOKEN:-}" ]; then
  RASA_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')
  echo "RASA_TOKEN was not set; the HTTP API token for this run is: $RASA_TOKEN"
fi
LOG_DIR=${LOG_DIR:-logs}
mkdir -p "$LOG_DIR" var

# Runs "$@" again whenever it stops, 2 s later (at most once every 2 s), until this script ends.
supervise() {
  local name=$1; shift
  while true; do
    "$@" >> "$LOG_DIR/$name.log" 2>&1 || true
    echo "$(date -Is) $name stopped; restarting it" | tee -a "$LOG_DIR/serve.log" >&2
    sleep 2
  done
}

pids=()
stop_all() {
  trap - EXIT INT TERM
  local pid children
  for pid in "${pids[@]}"; do
    children=$(pgrep -P "$pid" || true)           # the server itself, child of its supervisor
    kill "$pid" 2>/dev/null || true                # the supervisor first, so it restarts nothing
    [ -z "$children" ] || kill $children 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop_all EXIT INT TERM

cors=("$WEB_ORIGIN" "http://127.0.0.1:$WEB_PORT")
if [ "${NO_ACTIONS:-0}" != 1 ]; then
  supervise actions .venv/bin/python -m channels.action_server --port "$ACTION_PORT" & pids+=($!)
fi
rasa_instance() {   # port, then any further arguments for `rasa run`
  local port=$1; shift
  supervise "rasa-$port" .venv/bin/python -m channels.server run --model models/twitch_check.tar.gz \
    --port "$port" --enable-api --auth-token "$RASA_TOKEN" --cors "${cors[@]}" \
    --credentials "$credentials" --endpoints "$endpoints" "$@" & pids+=($!)
}
if [ "${SCALE:-0}" = 1 ] && [ "${INSTANCES:-2}" = 2 ]; then
  haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
  [ -x "$haproxy" ] || { echo "HAProxy is missing: run make balancer (apt-get install haproxy)" >&2; exit 1; }
  # The instances listen on this machine only; people reach them through the balancer.
  rasa_instance $((RASA_PORT + 1)) --interface 127.0.0.1
  rasa_instance $((RASA_PORT + 2)) --interface 127.0.0.1
  BALANCER_HOST=${BALANCER_HOST:-127.0.0.1} BALANCER_PORT=$RASA_PORT \
    RASA_1=127.0.0.1:$((RASA_PORT + 1)) RASA_2=127.0.0.1:$((RASA_PORT + 2)) \
    supervise balancer "$haproxy" -db -f haproxy.scale.cfg & pids+=($!)
else
  rasa_instance "$RASA_PORT"
fi
if [ "${NO_WEBCHAT:-0}" != 1 ]; then
  supervise webchat .venv/bin/python webchat/serve.py --host 0.0.0.0 --port "$WEB_PORT" & pids+=($!)
fi
echo "Web chat: http://localhost:$WEB_PORT   Rasa: http://localhost:$RASA_PORT   logs: $LOG_DIR/"
echo "Conversations: $endpoints   Channels: $(grep -E '^[a-z]' "$credentials" | tr -d ':' | tr '\n' ' ')"
wait
