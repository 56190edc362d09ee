#!/usr/bin/env python3
"""Time from SIGKILL of a cluster node to every partition served again, with the server's real processes.

Starts three ActorSessions.Server processes in cluster mode on 127.0.0.1 (ports from the OS) over a fresh
schema of the PostgreSQL in ACTORSESSIONS_TEST_POSTGRES, waits until every /healthz is 200 with three
members, SIGKILLs the node that holds the most partitions, and prints how long until both others' /healthz
are 200 again (every partition answers). Every process is killed by its pid at the end. The figures of
docs/SCALING.md's table came from it:

  dotnet build tests/ActorSessions.AspNetCore.Tests -c Release
  bash -c 'source scripts/ensure-postgres.sh; python3 scripts/measure-failover.py [HOCON] [STABLE_AFTER]'

HOCON is appended to the server's server.conf (e.g. "akka.cluster.down-removal-margin = 2s");
STABLE_AFTER is ActorSessions:Cluster:StableAfter (e.g. 00:00:20). LOGLEVEL=Information keeps the logs
(in the temporary folder it prints) for a timeline.
"""
import json, os, signal, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'ActorSessions.AspNetCore.Tests', 'bin', 'Release', 'net10.0')
extra = sys.argv[1] if len(sys.argv) > 1 else ''
stable = sys.argv[2] if len(sys.argv) > 2 else None
pg = os.environ['ACTORSESSIONS_TEST_POSTGRES']
work = tempfile.mkdtemp(prefix='actorsessions-failover-')
schema = 'f_' + str(int(time.time()))

def free():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

with open(os.path.join(BIN, 'hocon', 'server.conf')) as f:
    conf = f.read() + f'\nactor-sessions.store.postgresql.schema = "{schema}"\n{extra}\n'
with open(os.path.join(work, 'server.conf'), 'w') as f:
    f.write(conf)
cluster_ports = [free() for _ in range(3)]
http_ports = [free() for _ in range(3)]
seed = f'akka.tcp://actor-sessions-server@127.0.0.1:{cluster_ports[0]}'
procs = []

def health(i):
    try:
        with urllib.request.urlopen(f'http://127.0.0.1:{http_ports[i]}/healthz', timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, None
    except Exception:
        return 0, None

def ready(nodes, members):
    for i in nodes:
        status, body = health(i)
        if status != 200 or body['checks']['cluster']['data']['members'] != members:
            return False
    return True

try:
    for i in range(3):
        args = ['dotnet', os.path.join(BIN, 'ActorSessions.Server.dll'), '--urls', f'http://127.0.0.1:{http_ports[i]}',
                f'--ActorSessions:HoconFile={os.path.join(work, "server.conf")}', f'--ActorSessions:PostgreSql={pg}',
                '--ActorSessions:Cluster:Hostname=127.0.0.1', f'--ActorSessions:Cluster:Port={cluster_ports[i]}',
                f'--ActorSessions:Cluster:SeedNodes={seed}', '--Logging:LogLevel:Default=' + os.environ.get('LOGLEVEL', 'Warning')]
        if stable:
            args.append(f'--ActorSessions:Cluster:StableAfter={stable}')
        procs.append(subprocess.Popen(args, stdout=open(os.path.join(work, f'node-{i}.log'), 'w'), stderr=subprocess.STDOUT))
    started = time.time()
    while not ready(range(3), 3):
        if time.time() - started > 90:
            sys.exit('the three nodes were not ready within 90 s; logs in ' + work)
        time.sleep(0.1)
    held = [health(i)[1]['checks']['cluster']['data']['held'] for i in range(3)]
    victim = held.index(max(held))
    survivors = [i for i in range(3) if i != victim]
    killed = time.time()
    os.kill(procs[victim].pid, signal.SIGKILL)
    procs[victim].wait()
    while True:
        probe = time.time()
        if ready(survivors, 2):
            break
        if probe - killed > 120:
            sys.exit('not served again within 120 s; logs in ' + work)
        time.sleep(0.1)
    print(f'hocon={extra!r} stable-after={stable or "server default"}: SIGKILL of node {victim} (partitions held {held}) '
          f'-> every partition served again after {probe - killed:.1f} s; logs in {work}')
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
