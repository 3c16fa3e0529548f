"""Benchmark: the supervisors' statistics page over a year of 100,000 and 1,000,000 cases in PostgreSQL.

    python -m benchmarks statistics [--sizes 100000,1000000] [--database-url postgres://…/xiehui_bench_stats]

Steps: (re)create the dedicated database (default xiehui_bench_stats on the local server, or BENCH_STATS_DATABASE_URL),
migrate it, fill it with set-based SQL (generate_series: regions, businesses, mediators, consumers, cases spread
over 2025 in every state, follow-ups, rejection grounds), VACUUM ANALYZE, then time the figures (reports.selectors) and the
whole admin page (rendered through the test client as a supervisor) for the year in all regions, in one region
(of 16), and for one month, and count the queries (BEGIN/COMMIT and set_config included). Each size refills the tables from scratch.
"""

import argparse
import os
import statistics as stats
import sys
import time
from urllib.parse import urlparse, urlunparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xiehui_bench_stats"
YEAR = 2025


def _recreate_database(url):
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin_url = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


FILL = [
    "TRUNCATE cases_case, cases_consumer, cases_business, cases_region, mediation_followup, "
    "cases_caserejectionground RESTART IDENTITY CASCADE",
    # 16 regions, 4,000 businesses
    """INSERT INTO cases_region (name, code)
       SELECT '第' || g || '区', 'R' || lpad(g::text, 2, '0') FROM generate_series(1, 16) g""",
    """INSERT INTO cases_business (name, credit_code, address, contact_person, phone, email, region_id, created_at)
       SELECT '压测商户' || g, NULL, '压测路' || g || '号', '', '', '', 1 + g % 16, now()
       FROM generate_series(1, 4000) g""",
    # one consumer per case (the size of a real table), with personal data the statistics never select
    """INSERT INTO cases_consumer (name, phone, id_number, address, email, created_at)
       SELECT '消费者' || g, '139' || lpad(g::text, 8, '0'), '', '', '', now() FROM generate_series(1, %(n)s) g""",
    # the cases: r decides the path, d the day of receipt in the year
    """INSERT INTO cases_case (
           state, number, channel, nature, category, consumer_id, business_id, product, facts, demand_type, demand,
           mediator_id, received_at, filed_on, due_on, pause_kind, rejection_explanation,
           decided_on, transferred_at, reply_summary, replied_at, agreement_terms, money_recovered,
           termination_ground_id, advised_channel, termination_explanation, withdrawal_reason, outcome_on,
           closing_note, reminder_stage, tracking_secret_hash, created_at, updated_at)
       SELECT
           CASE WHEN r < 5 THEN 'submitted' WHEN r < 12 THEN 'rejected' WHEN r < 16 THEN 'transferred'
                WHEN r < 20 THEN 'mediating' WHEN r < 22 THEN 'appraisal' WHEN r < 55 THEN 'resolved'
                WHEN r < 70 THEN 'terminated' WHEN r < 75 THEN 'withdrawn' ELSE 'closed' END,
           CASE WHEN r >= 12 THEN 'TS-2025-' || lpad(g::text, 7, '0') END,
           (ARRAY['online','phone','letter','walk_in'])[1 + g % 4],
           (ARRAY['after_sales','contract','quality','price','false_advertising','safety','counterfeit',
                  'dignity','measurement','other'])[1 + (g * 7) % 10],
           (ARRAY['household_appliances','vehicles','food','clothing','daily_goods','housing','cosmetics',
                  'education','internet','telecom','lifestyle','medical','travel','finance','transport',
                  'other'])[1 + (g * 13) % 16],
           g, 1 + (g * 31) % 4000, '商品', '事实', 'refund', '退款',
           CASE WHEN r >= 5 THEN (SELECT min(id) FROM auth_user WHERE username LIKE 'bench_mediator%')
                                 + (g % 40) END,
           make_timestamptz(%(year)s, 1, 1, 9, 0, 0, 'Asia/Shanghai') + d * interval '1 day' + (g % 480) * interval '1 minute',
           CASE WHEN r >= 12 THEN make_date(%(year)s, 1, 1) + d + 1 END,
           CASE WHEN r >= 12 THEN make_date(%(year)s, 1, 1) + d + 16 + (g % 3) END,
           CASE WHEN r BETWEEN 20 AND 21 THEN 'appraisal' ELSE '' END, '',
           CASE WHEN r BETWEEN 5 AND 11 THEN make_date(%(year)s, 1, 1) + d + 2 END,
           CASE WHEN r >= 12 THEN make_timestamptz(%(year)s, 1, 1, 10, 0, 0, 'Asia/Shanghai') + (d + 2) * interval '1 day' END,
           '',
           CASE WHEN r >= 22 AND g % 2 = 0 THEN make_timestamptz(%(year)s, 1, 1, 10, 0, 0, 'Asia/Shanghai') + (d + 6) * interval '1 day' END,
           CASE WHEN r BETWEEN 22 AND 54 OR r >= 75 THEN '退款' ELSE '' END,
           CASE WHEN r BETWEEN 22 AND 54 OR r >= 75 THEN (g % 5000) + 0.50 END,
           CASE WHEN r BETWEEN 55 AND 69 THEN (SELECT min(id) FROM cases_terminationground) + g % 8 END,
           CASE WHEN r BETWEEN 55 AND 69 THEN 'court' ELSE '' END, '',
           CASE WHEN r BETWEEN 70 AND 74 THEN '撤诉' ELSE '' END,
           CASE WHEN r >= 22 THEN make_date(%(year)s, 1, 1) + d + 1 + (g % 25) END,
           '', '', '', now(), now()
       FROM (SELECT g, ((g::bigint * 37) % 100)::int AS r, ((g::bigint * 7919) % 365)::int AS d
             FROM generate_series(1, %(n)s) g) s""",
    # follow-ups for 70% of the cases with an outcome (a tenth of them "no follow-up")
    """INSERT INTO mediation_followup (case_id, channel, satisfaction, comment, recorded_at)
       SELECT id, CASE WHEN id % 10 = 0 THEN 'none' WHEN id % 2 = 0 THEN 'online' ELSE 'phone' END,
              CASE WHEN id % 10 = 0 THEN NULL ELSE 1 + id % 5 END, '', now()
       FROM cases_case WHERE outcome_on IS NOT NULL AND id % 10 < 7""",
    # one or two grounds per rejection
    """INSERT INTO cases_caserejectionground (case_id, ground_id)
       SELECT c.id, (SELECT min(id) FROM cases_rejectionground) + c.id % 20 FROM cases_case c WHERE state = 'rejected'
       UNION ALL
       SELECT c.id, (SELECT min(id) FROM cases_rejectionground) + (c.id + 7) % 20 FROM cases_case c
       WHERE state = 'rejected' AND c.id % 3 = 0""",
]


def _fill(n):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    User = get_user_model()
    if not User.objects.filter(username="bench_mediator00").exists():
        users = User.objects.bulk_create(
            [User(username=f"bench_mediator{i:02d}", first_name=f"调解员{i:02d}", is_staff=True) for i in range(40)]
        )
        Group.objects.get(name="mediator").user_set.add(*users)
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in FILL:
            if "%(" in sql:  # with parameters: a literal % (modulo, LIKE) is written %%
                sql = sql.replace("%", "%%").replace("%%(n)s", "%(n)s").replace("%%(year)s", "%(year)s")
                cursor.execute(sql, {"n": n, "year": YEAR})
            else:
                cursor.execute(sql)
    with connection.cursor() as cursor:  # outside the transaction: as autovacuum would leave the tables
        cursor.execute("VACUUM ANALYZE")


def _supervisor():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(username="bench_supervisor", defaults={"is_staff": True})
    if created:
        user.groups.add(Group.objects.get(name="supervisor"))
    return user


def _time(fn, runs):
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return timings


def _measure(n, runs):
    from datetime import date

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case, Region
    from reports.selectors import Period, statistics

    region = Region.objects.order_by("code").first()
    year = Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
    one_region = Period(date(YEAR, 1, 1), date(YEAR, 12, 31), region)
    one_month = Period(date(YEAR, 6, 1), date(YEAR, 6, 30))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(_supervisor())
    page = "/admin/reports/statistics/"
    query = {"start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"}

    def render(params):
        response = client.get(page, params)
        assert response.status_code == 200, response.status_code
        return response

    render(query)  # warm caches (content types, templates, the database's buffers)
    with CaptureQueriesContext(connection) as ctx:
        render(query)
    page_queries = len(ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        statistics(year, top=20)
    figure_queries = len(ctx.captured_queries)
    results = {
        "cases": Case.objects.count(),
        "figure queries": figure_queries,
        "page queries": page_queries,
        "figures, all regions": _time(lambda: statistics(year, top=20), runs),
        "figures, one region": _time(lambda: statistics(one_region, top=20), runs),
        "figures, one month": _time(lambda: statistics(one_month, top=20), runs),
        "page, all regions": _time(lambda: render(query), runs),
        "page, one region": _time(lambda: render({**query, "region": region.pk}), runs),
    }
    summary = statistics(year).summary
    results["received (check)"] = summary["received"]
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks statistics", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_STATS_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        print("the statistics benchmark needs PostgreSQL", file=sys.stderr)
        return 2
    _recreate_database(args.database_url)
    _setup_django(args.database_url)
    print(f"statistics page benchmark — database {urlparse(args.database_url).path.lstrip('/')}, a year of cases")
    for n in (int(s) for s in args.sizes.split(",")):
        start = time.perf_counter()
        _fill(n)
        filled = time.perf_counter() - start
        results = _measure(n, args.runs)
        print(f"\n{n:,} cases (filled in {filled:.1f} s)")
        for key, value in results.items():
            if isinstance(value, list):
                print(f"  {key:<22} median {stats.median(value) * 1000:8.0f} ms   (runs: "
                      + ", ".join(f"{v * 1000:.0f}" for v in value) + ")")
            else:
                print(f"  {key:<22} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
