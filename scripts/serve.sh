#!/usr/bin/env bash
# Serve the dashboard from N Streamlit replicas behind HAProxy on this machine (see docs/deploy.md).
#
#   bash scripts/serve.sh --replicas 2 --port 8500 [--bind 127.0.0.1] [--run-dir DIR] [--no-restart]
#
# Replicas listen on loopback ports PORT+1 .. PORT+N; HAProxy listens on --bind:PORT with sticky
# sessions (cookie DASBOR_REPLICA), websockets, and health checks on /_stcore/health, and sends
# /publik/ (the static data package of etl/datapackage.py) to a plain file server, never to Streamlit.
# Every replica reads the same data folder (INOVASI_DATA_DIR, default data/) and signs sessions with
# the same keys. A replica that dies is started again after a second (not with --no-restart); its
# sessions meanwhile go to the others. Runs in the foreground until stopped (Ctrl-C or SIGTERM), then
# stops what it started. The run folder holds haproxy.cfg, the logs, and one "NAME PID PORT" line per
# process in pids (rewritten when a replica is restarted).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

REPLICAS=2
PORT=8500
BIND=127.0.0.1
RUN_DIR=""
RESTART=1
usage() { echo "usage: bash scripts/serve.sh --replicas N --port P [--bind ADDRESS] [--run-dir DIR] [--no-restart]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) REPLICAS="${2:-}"; shift 2 ;;
    --port) PORT="${2:-}"; shift 2 ;;
    --bind) BIND="${2:-}"; shift 2 ;;
    --run-dir) RUN_DIR="${2:-}"; shift 2 ;;
    --no-restart) RESTART=0; shift ;;
    -h|--help) usage ;;
    *) echo "serve.sh: unknown argument $1" >&2; usage ;;
  esac
done
[[ "$REPLICAS" =~ ^[0-9]+$ ]] && [ "$REPLICAS" -ge 1 ] && [ "$REPLICAS" -le 32 ] || { echo "serve.sh: --replicas must be 1..32" >&2; exit 2; }
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1024 ] && [ $((PORT + REPLICAS + 1)) -le 65535 ] || { echo "serve.sh: --port must leave room for the replicas" >&2; exit 2; }

HAPROXY="${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}"
if [ ! -x "$HAPROXY" ]; then
  echo "serve.sh: HAProxy is not installed (Debian: apt-get install haproxy), or set HAPROXY=/path/to/haproxy" >&2
  exit 1
fi
[ -x .venv/bin/python ] || bash scripts/setup.sh requirements.txt
PY="$ROOT/.venv/bin/python"

export INOVASI_DATA_DIR="${INOVASI_DATA_DIR:-$ROOT/data}"
# The balancer below sends /publik/ to the file server, so the Transparansi page may link there
# (under a plain `streamlit run` the setting is empty and the page shows no link).
export INOVASI_PACKAGE_URL="${INOVASI_PACKAGE_URL:-/publik/}"
RUN_DIR="${RUN_DIR:-$INOVASI_DATA_DIR/.serve-$PORT}"
mkdir -p "$RUN_DIR" "$INOVASI_DATA_DIR"
: > "$RUN_DIR/pids"

# One key for every replica: Streamlit signs its own cookies (st.login) with server.cookieSecret, and
# the dashboard signs sign-in tokens with INOVASI_SESSION_SECRET (else .session_secret in the shared
# data folder, which is one file for all). A session that moves to another replica stays signed in.
if [ -z "${STREAMLIT_SERVER_COOKIE_SECRET:-}" ]; then
  if [ ! -s "$RUN_DIR/cookie_secret" ]; then
    (umask 077; "$PY" -c 'import secrets; print(secrets.token_hex(32))' > "$RUN_DIR/cookie_secret")
  fi
  STREAMLIT_SERVER_COOKIE_SECRET="$(cat "$RUN_DIR/cookie_secret")"
fi
export STREAMLIT_SERVER_COOKIE_SECRET

declare -A pid_of port_of
stop() {
  trap - INT TERM EXIT
  for name in "${!pid_of[@]}"; do kill "${pid_of[$name]}" 2>/dev/null || true; done
  for name in "${!pid_of[@]}"; do wait "${pid_of[$name]}" 2>/dev/null || true; done
}
trap 'stop; exit 0' INT TERM
trap stop EXIT
write_pids() {
  : > "$RUN_DIR/pids.tmp"
  for name in $(printf '%s\n' "${!pid_of[@]}" | sort); do
    echo "$name ${pid_of[$name]} ${port_of[$name]}" >> "$RUN_DIR/pids.tmp"
  done
  mv "$RUN_DIR/pids.tmp" "$RUN_DIR/pids"
}

# The replicas. Production settings: no file watcher (it walked every imported module after each
# run) and no full garbage collection after each run (a third of a view's CPU at the sample scale);
# docs/deploy.md has the measurements.
start_replica() {
  local i="$1" p=$((PORT + $1))
  "$PY" -m streamlit run dashboard.py \
    --server.port "$p" --server.address 127.0.0.1 --server.headless true \
    --server.fileWatcherType none --runner.postScriptGC false --browser.gatherUsageStats false \
    >> "$RUN_DIR/replica-$i.log" 2>&1 &
  pid_of[r$i]=$!
  port_of[r$i]=$p
}
for i in $(seq 1 "$REPLICAS"); do
  : > "$RUN_DIR/replica-$i.log"
  start_replica "$i"
done

# The static data package: any web server will do; this one is Python's, serving files only.
FILES_PORT=$((PORT + REPLICAS + 1))
mkdir -p "$INOVASI_DATA_DIR/publik.d"
[ -e "$INOVASI_DATA_DIR/publik" ] || mkdir -p "$INOVASI_DATA_DIR/publik"
"$PY" -m http.server "$FILES_PORT" --bind 127.0.0.1 --directory "$INOVASI_DATA_DIR/publik" \
  > "$RUN_DIR/files.log" 2>&1 &
pid_of[files]=$!
port_of[files]=$FILES_PORT

{
  cat <<EOF
# Written by scripts/serve.sh; see docs/deploy.md.
global
    maxconn 4000               # each takes two descriptors; raise with the ulimit (ulimit -n)
    log stdout format raw local0 notice
    stats socket $RUN_DIR/haproxy.sock mode 600 level admin   # echo "show stat" | socat - \$RUN_DIR/haproxy.sock

defaults
    mode http
    log global
    option httplog
    option forwardfor          # X-Forwarded-For: the client's address for the sign-in throttle
    option redispatch          # a session whose replica is down goes to another one
    retries 2
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h          # an open websocket (a browser tab) may stay quiet this long
    timeout http-keep-alive 10s

frontend dasbor
    bind $BIND:$PORT
    acl static_package path_beg /publik/
    use_backend publik if static_package
    default_backend replicas

backend replicas
    balance leastconn
    # Sticky sessions: a Streamlit session lives in one replica's memory, and the browser's page,
    # health ping and websocket must reach the same one. The cookie is set on the first answer.
    cookie DASBOR_REPLICA insert indirect nocache httponly
    option httpchk GET /_stcore/health
    http-check expect status 200
    # A replica busy with many sessions answers its health check late (the check waits behind the
    # interpreter lock): give it 5 s, and three misses, before it is taken out. A replica that is gone
    # refuses the connection at once, and its requests are sent elsewhere right away (redispatch).
    timeout check 5s
    default-server inter 2s fastinter 1s downinter 1s fall 3 rise 2
EOF
  for i in $(seq 1 "$REPLICAS"); do
    echo "    server r$i 127.0.0.1:$((PORT + i)) check cookie r$i"
  done
  cat <<EOF

backend publik
    http-request set-path %[path,regsub(^/publik/,/)]
    http-response set-header Cache-Control "public, max-age=300"
    server files 127.0.0.1:$FILES_PORT check inter 5s
EOF
} > "$RUN_DIR/haproxy.cfg"

"$HAPROXY" -c -q -f "$RUN_DIR/haproxy.cfg"
"$HAPROXY" -W -db -f "$RUN_DIR/haproxy.cfg" > "$RUN_DIR/haproxy.log" 2>&1 &
pid_of[haproxy]=$!
port_of[haproxy]=$PORT
write_pids

# Ready when every replica answers its health check.
for i in $(seq 1 "$REPLICAS"); do
  p=$((PORT + i))
  for _ in $(seq 1 240); do
    if "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$p/_stcore/health', timeout=2)" 2>/dev/null; then
      break
    fi
    sleep 0.5
  done
done
# ... and when the balancer has seen every replica up (its health checks need two answers in a row).
for _ in $(seq 1 120); do
  if "$PY" - "$RUN_DIR/haproxy.sock" "$REPLICAS" <<'PYEOF' 2>/dev/null; then break; fi
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"show stat\n")
out = b""
while chunk := s.recv(65536):
    out += chunk
rows = [line.split(",") for line in out.decode().splitlines() if line.startswith("replicas,r")]
sys.exit(0 if len(rows) == int(sys.argv[2]) and all(r[17] == "UP" for r in rows) else 1)
PYEOF
  sleep 0.5
done
echo "Siap / ready: http://$BIND:$PORT ($REPLICAS replika/replicas, data $INOVASI_DATA_DIR, run $RUN_DIR)"

# Watch: the balancer or the file server gone ends everything; a replica gone is started again.
while true; do
  sleep 1
  for name in haproxy files; do
    if ! kill -0 "${pid_of[$name]}" 2>/dev/null; then
      echo "serve.sh: $name ended; stopping the rest (see $RUN_DIR/*.log)" >&2
      exit 1
    fi
  done
  for i in $(seq 1 "$REPLICAS"); do
    if ! kill -0 "${pid_of[r$i]}" 2>/dev/null; then
      wait "${pid_of[r$i]}" 2>/dev/null || true
      if [ "$RESTART" = 1 ]; then
        echo "serve.sh: replica r$i ended; starting it again" >&2
        start_replica "$i"
        write_pids
      elif [ "${port_of[r$i]}" != "-" ]; then
        echo "serve.sh: replica r$i ended (not restarted: --no-restart)" >&2
        port_of[r$i]="-"
      fi
    fi
  done
done
