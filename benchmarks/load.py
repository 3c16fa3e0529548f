"""The load test and soak of the production topology on this machine (issue 10), with Redis restarted mid-run.

    .venv/bin/python -m benchmarks load                                   # 10 min, 30 users, Redis restart at 5 min
    .venv/bin/python -m benchmarks load --duration 120 --users 20 --restart-redis-at 60

1. Creates a fresh database (`xiehui_load_bench` by default; the name must end in _bench) and starts a Redis of
   its own (`redis-server --port 6390 --save ''`: the machine's shared Redis is never touched).
2. Starts the topology (`bin/prod --seed`: gunicorn with --web-workers workers, the three Celery workers, beat),
   with TRUSTED_PROXY_COUNT=1 (each simulated person's address comes in X-Forwarded-For, as the proxy appends
   it) and RATE_PORTAL_LOGIN_USERNAME raised (every simulated business user signs in as the one demo account).
3. Runs locust headless (benchmarks/locustfile.py) for --duration seconds; at --restart-redis-at it stops that
   Redis (SIGTERM), starts it again after --redis-down seconds, and records the window.
4. Stops everything, then reports requests, req/s, p50/p95/p99, failures — inside the restart window (from the
   stop until --grace seconds after Redis answers again) and outside it — and the lost-complaint check: every
   receipt a consumer was shown names a case that exists (0 lost), and how many load complaints exist in all.
   It prints the machine's load average before, during and after.
"""

import argparse
import csv
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xiehui_load_bench"
VAR = ROOT / ".var"


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--port", type=int, default=8190, help="gunicorn's port")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--spawn-rate", type=float, default=3)
    parser.add_argument("--duration", type=int, default=600, help="seconds of load")
    parser.add_argument("--restart-redis-at", type=int, default=300, help="seconds into the run; 0: never")
    parser.add_argument("--redis-down", type=float, default=5.0, help="seconds Redis stays stopped")
    parser.add_argument("--grace", type=float, default=10.0, help="seconds after Redis is back still in the window")
    args = parser.parse_args(argv)

    from benchmarks.sweep import _create_database

    _create_database(args.database_url)
    VAR.mkdir(exist_ok=True)
    redis_url = f"redis://127.0.0.1:{args.redis_port}/0"
    redis = start_redis(args.redis_port)
    base = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": redis_url,
        "WEB_BIND": f"127.0.0.1:{args.port}",
        "WEB_WORKERS": str(args.web_workers),
        "TRUSTED_PROXY_COUNT": "1",
        "RATE_PORTAL_LOGIN_USERNAME": "100000/15m",
        "DJANGO_STATIC_ROOT": str(VAR / "load-static"),
        "PROMETHEUS_MULTIPROC_DIR": str(VAR / "load-prometheus"),
        "LOAD_RECEIPTS_FILE": str(VAR / "load-receipts.txt"),
        "LOAD_FAILURES_FILE": str(VAR / "load-failures.txt"),
    }
    prod_log = open(VAR / "load-prod.log", "w")  # noqa: SIM115
    prod = subprocess.Popen([str(ROOT / "bin/prod"), "--seed"], cwd=ROOT, env=env, stdout=prod_log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    window = None
    load = {"before": os.getloadavg()}
    try:
        wait_http(f"{base}/healthz", 300)
        print(f"topology up: {base}, {args.web_workers} gunicorn workers", flush=True)
        locust = subprocess.Popen(
            [str(ROOT / ".venv/bin/locust"), "-f", "benchmarks/locustfile.py", "--headless", "--host", base,
             "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s",
             "--csv", str(VAR / "load"), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, stdout=open(VAR / "load-locust.log", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )
        started = time.time()
        if args.restart_redis_at:
            time.sleep(max(0, args.restart_redis_at - (time.time() - started)))
            load["during"] = os.getloadavg()
            stop_at = time.time()
            redis.send_signal(signal.SIGTERM)
            redis.wait(timeout=30)
            print(f"Redis stopped at {stop_at - started:.0f} s", flush=True)
            time.sleep(args.redis_down)
            redis = start_redis(args.redis_port)
            back_at = time.time()
            print(f"Redis back at {back_at - started:.0f} s", flush=True)
            window = (stop_at, back_at + args.grace)
        locust.wait(timeout=args.duration + 120)
        load.setdefault("during", os.getloadavg())
        time.sleep(5)  # let the last notices go out
    finally:
        os.killpg(prod.pid, signal.SIGTERM)
        try:
            prod.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(prod.pid, signal.SIGKILL)
        redis.send_signal(signal.SIGTERM)
        redis.wait(timeout=30)
        load["after"] = os.getloadavg()
    report(args, window, load)
    return 0


def start_redis(port):
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() == b"PONG":
            return proc
        time.sleep(0.1)
    raise SystemExit(f"redis-server on port {port} did not start")


def wait_http(url, limit):
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"{url} did not answer within {limit} s; see .var/load-prod.log")


def report(args, window, load):
    with open(VAR / "load_stats.csv") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    failures = []
    for line in (VAR / "load-failures.txt").read_text().splitlines():
        at, name, status, error = line.split("\t", 3)
        failures.append((float(at), name, status, error))
    inside = [f for f in failures if window and window[0] <= f[0] <= window[1]]
    outside = [f for f in failures if f not in inside]
    print(f"\n{args.users} users for {args.duration} s against {args.web_workers} gunicorn workers "
          f"({os.cpu_count()} cores; load average 1/5/15 min: before {fmt(load['before'])}, "
          f"during {fmt(load['during'])}, after {fmt(load['after'])})")
    print(f"{'request':<40} {'count':>7} {'fail':>5} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for r in rows:
        print(f"{r['Name'][:40]:<40} {int(r['Request Count']):>7} {int(r['Failure Count']):>5} "
              f"{float(r['Requests/s']):>6.1f} {r['50%']:>7} {r['95%']:>7} {r['99%']:>7}")
    print(f"\nall: {total['Request Count']} requests, {float(total['Requests/s']):.1f} req/s, "
          f"p50 {total['50%']} ms, p95 {total['95%']} ms, {total['Failure Count']} failures")
    if window:
        print(f"Redis restart window {window[1] - window[0]:.0f} s: {len(inside)} failures inside, "
              f"{len(outside)} outside")
    else:
        print(f"no Redis restart: {len(outside)} failures")
    for at, name, status, error in (inside + outside)[:15]:
        print(f"  {time.strftime('%H:%M:%S', time.localtime(at))} {name} {status} {error[:120]}")
    lost, receipts, load_cases = lost_complaints(args.database_url)
    print(f"complaints: {receipts} receipts shown, {lost} of them without their case (lost); "
          f"{load_cases} load-test cases in the database")


def fmt(values):
    return "/".join(f"{v:.1f}" for v in values)


def lost_complaints(database_url):
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="0")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from cases.models import Case
    from portal import tracking

    numbers = [n for n in (VAR / "load-receipts.txt").read_text().split() if n]
    lost = sum(1 for n in numbers if tracking.find_case(n) is None)
    return lost, len(numbers), Case.objects.filter(product__startswith="压测冰箱").count()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
