"""A sweep killed with kill -9 mid-batch resumes on its own (issue 10): acks_late + reject_on_worker_lost and
the Redis visibility timeout (CELERY_VISIBILITY_TIMEOUT).

    .venv/bin/python -m benchmarks killed_sweep                 # a redis-server of its own on port 6391
    .venv/bin/python -m benchmarks killed_sweep --redis-url redis://127.0.0.1:6379/13
    .venv/bin/python -m benchmarks killed_sweep --cases 50000 --visibility-timeout 60 --database-url ...

On a fresh database (`xiehui_killsweep_bench` by default; the name must end in _bench) it generates N cases, a
tenth of them due (benchmarks.sweep's generator), starts a real sweeps worker (production settings, prefork,
concurrency 1) on the given Redis, queues one sweep in small batches and, once some steps are recorded:
1. `child`: kill -9 the pool process running the sweep. The worker's main process sees the child die and puts the
   task back at once (reject_on_worker_lost); a new child takes it again.
2. `worker`: kill -9 the whole worker (main process and child), then start a new one. The task was never
   acknowledged; after the visibility timeout the new worker's Redis transport restores it and runs it.
Each time it waits for the sweep to finish and reports the seconds from the kill to the resumed sweep's end, the
steps recorded, and that an in-process sweep afterwards finds nothing left (0 missing) and that no step exists
twice (0 duplicates; the unique constraint would refuse it anyway). The Redis database is emptied at the end
(FLUSHDB of that one database: give one of your own).
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xiehui_killsweep_bench"


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks killed_sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--redis-url", help="a Redis database of your own (it is emptied); default: a "
                        "redis-server of its own on --redis-port")
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--visibility-timeout", type=int, default=60)
    parser.add_argument("--modes", default="child,worker")
    args = parser.parse_args(argv)

    from benchmarks.load import start_redis
    from benchmarks.sweep import _create_database, fill, prepare_people

    own_redis = None
    if not args.redis_url:
        own_redis = start_redis(args.redis_port)
        args.redis_url = f"redis://127.0.0.1:{args.redis_port}/0"

    _create_database(args.database_url)
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="0")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    mediators, _supervisors, system_id = prepare_people()
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "killed-sweep-benchmark-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": args.redis_url,
        "CELERY_VISIBILITY_TIMEOUT": str(args.visibility_timeout),
        "LOG_FORMAT": "text",
    }
    rows = []
    for mode in args.modes.split(","):
        today = date.today()
        fill(args.cases, today=today, mediators=mediators, system_id=system_id)
        rows.append((mode, *run_mode(mode, args, worker_env)))
    redis_flush(args.redis_url)
    if own_redis is not None:
        own_redis.terminate()
        own_redis.wait(timeout=30)
    print(f"\n{args.cases:,} cases, batch size {args.batch_size}, visibility timeout {args.visibility_timeout} s")
    print("mode    steps when killed  kill → resumed sweep done (s)  steps  missing  duplicates")
    for mode, at_kill, seconds, steps, missing, duplicates in rows:
        print(f"{mode:<7} {at_kill:>17,} {seconds:>30.1f} {steps:>6,} {missing:>8} {duplicates:>11}")
    return 0 if all(r[4] == 0 and r[5] == 0 for r in rows) else 1


def start_worker(env, log):
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "-Q", "sweeps", "-n", f"killtest-{time.time()}@%h",
         "--concurrency=1", "--loglevel=INFO", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def run_mode(mode, args, env):
    import psutil
    from django.db import connection

    from reminders.models import CaseReminder
    from reminders.services import deadlines_sweep

    log = open(ROOT / f".var/killed-sweep-{mode}.log", "w")  # noqa: SIM115
    worker = start_worker(env, log)
    time.sleep(8)  # the worker connects
    queue_sweep(args, env)
    started = time.monotonic()
    while CaseReminder.objects.count() == 0:
        if time.monotonic() - started > 120:
            raise SystemExit("the sweep never started; see .var/killed-sweep-*.log")
        time.sleep(0.05)
    at_kill = CaseReminder.objects.count()
    killed_at = time.monotonic()
    if mode == "child":
        children = psutil.Process(worker.pid).children()
        print(f"[{mode}] {at_kill} steps recorded: kill -9 pool process {children[0].pid}", flush=True)
        os.kill(children[0].pid, signal.SIGKILL)
    else:
        print(f"[{mode}] {at_kill} steps recorded: kill -9 the whole worker (group {worker.pid})", flush=True)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        worker = start_worker(env, log)
    seconds = wait_until_done(CaseReminder, killed_at, limit=args.visibility_timeout * 3 + 120)
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(timeout=60)
    connection.close()
    steps = CaseReminder.objects.count()
    missing = deadlines_sweep(today=date.today(), batch_size=1000, dispatch=False).steps
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM reminders_casereminder GROUP BY case_id, kind, deadline "
            "HAVING count(*) > 1) d"
        )
        duplicates = cursor.fetchone()[0]
    print(f"[{mode}] resumed and done {seconds:.1f} s after the kill: {steps} steps, {missing} missing, "
          f"{duplicates} duplicates", flush=True)
    return at_kill, seconds, steps, missing, duplicates


def wait_until_done(model, since, *, limit):
    """Done = the count has stopped growing for 5 s after the due cases are all taken."""
    from django.db import connection

    from cases.models import Case

    while time.monotonic() - since < limit:
        connection.close()
        if not Case.objects.filter(next_reminder_on__lte=date.today()).exists():
            return time.monotonic() - since
        time.sleep(0.5)
    raise SystemExit(f"the sweep did not resume within {limit} s")


def queue_sweep(args, env):
    code = (
        "import django; django.setup(); from reminders.tasks import sweep_deadlines; "
        f"print(sweep_deadlines.apply_async(kwargs={{'batch_size': {args.batch_size}}}).id)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    print(f"queued sweep {out.stdout.strip()}", flush=True)


def redis_flush(url):
    import redis

    redis.Redis.from_url(url).flushdb()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
