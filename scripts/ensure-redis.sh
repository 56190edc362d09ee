#!/usr/bin/env bash
# Starts two throwaway Redis servers for the HTTP harness (tests/ActorSessions.Benchmarks.Http), where
# ASP.NET Core's session over Redis is the durable baseline: installed with apt-get when missing (the
# tests run as root on a fresh Debian machine), each in its own temp directory, listening on 127.0.0.1
# on a free port, stopped by its pid and deleted when the calling shell exits.
#   - one without persistence (no RDB snapshots, no AOF): Redis as a cache;
#   - one with `appendonly yes` + `appendfsync always`: every write synced to disk before Redis answers,
#     the setting under which an acknowledged session write survives a crash, as ActorSessions' does.
#
# Source it (`source scripts/ensure-redis.sh`) so that the variables reach the harness or `dotnet test`:
#   ACTORSESSIONS_TEST_REDIS             host:port of the server without persistence
#   ACTORSESSIONS_TEST_REDIS_PID         its pid (the harness reads its CPU time from /proc)
#   ACTORSESSIONS_TEST_REDIS_FSYNC       host:port of the server with appendfsync always
#   ACTORSESSIONS_TEST_REDIS_FSYNC_PID   its pid
# Sourcing it installs an EXIT trap that stops both (after any EXIT trap already set, e.g. ensure-postgres's);
# call actorsessions_stop_redis to stop them earlier.

if ! command -v redis-server > /dev/null 2>&1; then
  echo "ensure-redis: redis-server is missing; installing it with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server > /dev/null
fi

_as_redis_dir="$(mktemp -d /tmp/actorsessions-redis.XXXXXX)"

# A free port from a random place in the range, skipping the ones the first server took.
_as_redis_free_port() {
  local offset=$((RANDOM % 101)) i p
  for i in $(seq 0 100); do
    p=$((56379 + (offset + i) % 101))
    if [ "$p" != "${1:-}" ] && ! (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

# Starts one server: name, port, extra configuration lines. Prints its pid once it answers PING.
_as_redis_start() {
  local name=$1 port=$2 extra=$3 dir="$_as_redis_dir/$1" i
  mkdir -p "$dir"
  cat > "$dir/redis.conf" <<CONF
bind 127.0.0.1
port $port
protected-mode yes
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
dir $dir
save ""
maxclients 1000
$extra
CONF
  redis-server "$dir/redis.conf" || return 1
  for i in $(seq 1 100); do
    if redis-cli -h 127.0.0.1 -p "$port" ping 2> /dev/null | grep -q PONG && [ -s "$dir/redis.pid" ]; then
      cat "$dir/redis.pid"
      return 0
    fi
    sleep 0.1
  done
  echo "ensure-redis: the $name server did not answer on 127.0.0.1:$port; see $dir/redis.log" >&2
  return 1
}

_as_redis_port="$(_as_redis_free_port)" || { echo "ensure-redis: no free port in 56379-56479" >&2; return 1 2> /dev/null || exit 1; }
_as_redis_pid="$(_as_redis_start plain "$_as_redis_port" "appendonly no")" || { return 1 2> /dev/null || exit 1; }
_as_redis_fsync_port="$(_as_redis_free_port "$_as_redis_port")" || { echo "ensure-redis: no second free port" >&2; return 1 2> /dev/null || exit 1; }
_as_redis_fsync_pid="$(_as_redis_start fsync "$_as_redis_fsync_port" "appendonly yes
appendfsync always")" || { return 1 2> /dev/null || exit 1; }

export ACTORSESSIONS_TEST_REDIS="127.0.0.1:$_as_redis_port"
export ACTORSESSIONS_TEST_REDIS_PID="$_as_redis_pid"
export ACTORSESSIONS_TEST_REDIS_FSYNC="127.0.0.1:$_as_redis_fsync_port"
export ACTORSESSIONS_TEST_REDIS_FSYNC_PID="$_as_redis_fsync_pid"
echo "ensure-redis: Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') on $ACTORSESSIONS_TEST_REDIS (no persistence) and $ACTORSESSIONS_TEST_REDIS_FSYNC (appendfsync always) ($_as_redis_dir)" >&2

actorsessions_stop_redis() {
  local pid i
  for pid in ${_as_redis_pid:-} ${_as_redis_fsync_pid:-}; do
    kill "$pid" 2> /dev/null || continue
    for i in $(seq 1 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  done
  _as_redis_pid="" _as_redis_fsync_pid=""
  if [ -n "${_as_redis_dir:-}" ] && [ -d "$_as_redis_dir" ]; then rm -rf "$_as_redis_dir"; fi
}

# Chained after the EXIT trap already set (ensure-postgres.sh installs one), so both servers stop.
_as_redis_previous_trap="$(trap -p EXIT | sed -n "s/^trap -- '\(.*\)' EXIT$/\1/p")"
trap "${_as_redis_previous_trap:+$_as_redis_previous_trap; }actorsessions_stop_redis" EXIT
