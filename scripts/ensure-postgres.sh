#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests: installed with apt-get when missing (the tests
# run as root on a fresh Debian machine), initialised in a temp directory, listening on 127.0.0.1 on
# a free port, stopped and deleted when the calling shell exits.
#
# Source it (`source scripts/ensure-postgres.sh`) so that the variables reach `dotnet test`:
#   ACTORSESSIONS_TEST_POSTGRES   a connection string for the server
#   ACTORSESSIONS_TEST_PGDATA     its data directory
#   ACTORSESSIONS_TEST_PG_CTL     the pg_ctl binary
#   ACTORSESSIONS_TEST_PG_CONTROL a script: `bash $ACTORSESSIONS_TEST_PG_CONTROL stop|start` (the outage test)
# Sourcing it installs an EXIT trap that stops the server; call actorsessions_stop_postgres to stop earlier.

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then
  echo "ensure-postgres: PostgreSQL is missing; installing it with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql > /dev/null
fi

_as_pg_bin="$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1)")"
_as_pg_dir="$(mktemp -d /tmp/actorsessions-pg.XXXXXX)"
chmod 755 "$_as_pg_dir"

# pg_ctl refuses to run as root: run the server as the postgres user the package created.
_as_pg_user=""
if [ "$(id -u)" = "0" ]; then
  _as_pg_user="postgres"
  id -u postgres > /dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$_as_pg_dir"
fi

_as_pg_run() {
  if [ -n "$_as_pg_user" ]; then runuser -u "$_as_pg_user" -- "$@"; else "$@"; fi
}

# Scanned from a random place in the range: a server whose outage test has stopped it frees its port for a
# few seconds, and another run's server taking it then would keep it from starting again.
_as_pg_port=""
_as_pg_offset=$((RANDOM % 101))
for _i in $(seq 0 100); do
  _p=$((55432 + (_as_pg_offset + _i) % 101))
  if ! (exec 3<> "/dev/tcp/127.0.0.1/$_p") 2> /dev/null; then _as_pg_port=$_p; break; fi
done
if [ -z "$_as_pg_port" ]; then echo "ensure-postgres: no free port in 55432-55532" >&2; return 1 2> /dev/null || exit 1; fi

_as_pg_run "$_as_pg_bin/initdb" -D "$_as_pg_dir/data" -U postgres --auth=trust -E UTF8 --no-sync > "$_as_pg_dir/initdb.log"
cat > "$_as_pg_dir/control.sh" <<CONTROL
#!/usr/bin/env bash
# stop | start the throwaway server (used by the outage test).
set -e
run() { if [ -n "$_as_pg_user" ]; then runuser -u "$_as_pg_user" -- "\$@"; else "\$@"; fi; }
case "\$1" in
  stop)  run "$_as_pg_bin/pg_ctl" -D "$_as_pg_dir/data" -m fast -w stop > /dev/null ;;
  start) run "$_as_pg_bin/pg_ctl" -D "$_as_pg_dir/data" -l "$_as_pg_dir/server.log" -w -o "-p $_as_pg_port -k $_as_pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200" start > /dev/null ;;
  *) echo "usage: control.sh stop|start" >&2; exit 2 ;;
esac
CONTROL
bash "$_as_pg_dir/control.sh" start

export ACTORSESSIONS_TEST_POSTGRES="Host=127.0.0.1;Port=$_as_pg_port;Username=postgres;Database=postgres"
export ACTORSESSIONS_TEST_PGDATA="$_as_pg_dir/data"
export ACTORSESSIONS_TEST_PG_CTL="$_as_pg_bin/pg_ctl"
export ACTORSESSIONS_TEST_PG_CONTROL="$_as_pg_dir/control.sh"
echo "ensure-postgres: PostgreSQL $("$_as_pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$_as_pg_port ($_as_pg_dir)" >&2

actorsessions_stop_postgres() {
  if [ -n "${_as_pg_dir:-}" ] && [ -d "$_as_pg_dir" ]; then
    bash "$_as_pg_dir/control.sh" stop 2> /dev/null || true
    rm -rf "$_as_pg_dir"
  fi
}
trap actorsessions_stop_postgres EXIT
