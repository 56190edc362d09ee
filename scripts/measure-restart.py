#!/usr/bin/env python3
"""Time from starting the server process to its first answer about a stored session, over SQLite.

Copies a SQLite session database (by default the 1,000,000 sessions that the durable harness's
--restart-serving fills: data/bench/recovery-1000000.db) into a temporary folder, starts
ActorSessions.Server on it (a port from the OS, 127.0.0.1), and from the moment the process starts asks
GET /api/session with the cookie of a stored session, every millisecond, until it is served as that
session (not a new one); then GET /api/stats until the server holds every session. Prints the times
from the process's start to: its first HTTP answer of any kind, the first answer about the stored
session, and every session held. The process is killed by its pid at the end, and the copy removed.

  dotnet build tests/ActorSessions.AspNetCore.Tests -c Release
  dotnet tests/ActorSessions.Benchmarks.Durable/bin/Release/net10.0/ActorSessions.Benchmarks.Durable.dll --restart-serving --sizes 1000000 --partitions 1 --rounds 1
  python3 scripts/measure-restart.py [DATABASE] [SESSIONS] [ROUNDS] [HOCON]

ACTORSESSIONS_SERVER_BIN=DIR runs the server of another build instead, e.g. one published ReadyToRun:
  dotnet publish src/ActorSessions.Server -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o DIR

The database's sessions must be live (the harness's stay live for the idle timeout after it fills them);
HOCON is appended to the server's server.conf (e.g. "actor-sessions.store.serve-while-recovering = off").
"""
import json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
# The server's build; ACTORSESSIONS_SERVER_BIN names another (e.g. a ReadyToRun publish of it).
BIN = os.environ.get('ACTORSESSIONS_SERVER_BIN') or os.path.join(ROOT, 'tests', 'ActorSessions.AspNetCore.Tests', 'bin', 'Release', 'net10.0')
database = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'data', 'bench', 'recovery-1000000.db')
sessions = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
extra = sys.argv[4] if len(sys.argv) > 4 else ''

# The ids the harness fills: bench + 15 digits.
stored_id = f'bench{sessions // 2:015d}'


def free():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def get(port, path, cookie=None):
    request = urllib.request.Request(f'http://127.0.0.1:{port}{path}')
    if cookie:
        request.add_header('Cookie', f'actor-session={cookie}')
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, None
    except Exception:
        return 0, None


def one_round(work):
    copy = os.path.join(work, 'sessions.db')
    shutil.copyfile(database, copy)
    with open(os.path.join(BIN, 'hocon', 'server.conf')) as f:
        conf = f.read() + f'\nactor-sessions.max-sessions = {max(sessions * 2, 1_000_000)}\n{extra}\n'
    with open(os.path.join(work, 'server.conf'), 'w') as f:
        f.write(conf)
    port = free()
    args = ['dotnet', os.path.join(BIN, 'ActorSessions.Server.dll'), '--urls', f'http://127.0.0.1:{port}',
            f'--ActorSessions:HoconFile={os.path.join(work, "server.conf")}', f'--ActorSessions:SqlitePath={copy}',
            '--Logging:LogLevel:Default=Warning']
    started = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first_http = first_stored = full = None
        deadline = started + 120
        while time.monotonic() < deadline:
            status, body = get(port, '/api/session', stored_id)
            now = time.monotonic() - started
            if status and first_http is None:
                first_http = now
            if status == 200 and body and body.get('isNew') is False:
                first_stored = now
                break
            time.sleep(0.001)
        while time.monotonic() < deadline:
            status, body = get(port, '/api/stats')
            if status == 200 and body['sessions'] >= sessions:
                full = time.monotonic() - started
                break
            # Every 20 ms, not every millisecond: a poll loop of its own would take a core from the recovery.
            time.sleep(0.02)
        return first_http, first_stored, full
    finally:
        proc.kill()
        proc.wait()


def fmt(t):
    return 'never' if t is None else f'{t:.2f} s'


print(f'| round | first HTTP answer | first answer about a stored session | every session held |')
print('|---:|---:|---:|---:|')
for round in range(rounds):
    work = tempfile.mkdtemp(prefix='actorsessions-restart-')
    try:
        first_http, first_stored, full = one_round(work)
        print(f'| {round + 1} | {fmt(first_http)} | {fmt(first_stored)} | {fmt(full)} |', flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
