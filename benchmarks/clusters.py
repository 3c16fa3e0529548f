"""Benchmark: the supervisors' hot spots and clusters of similar ungrouped complaints in PostgreSQL.

    python -m benchmarks clusters [--sizes 10000,50000] [--database-url postgres://…/xiehui_bench_clusters]

Steps: (re)create the dedicated database (default xiehui_bench_clusters, or BENCH_CLUSTERS_DATABASE_URL), migrate
it, fill it with set-based SQL: 500 businesses, N open complaints received over the last 90 days, their facts from
six dispute texts with a varying tail (a realistic mix: most businesses get a few unrelated complaints, a tenth of
them a run of near-identical ones); VACUUM ANALYZE; then time groups.selectors.hotspots (30 days) and
similar_clusters (90 days) and count their queries.
"""

import argparse
import os
import statistics as stats
import sys
import time
from urllib.parse import urlparse

from .statistics import _recreate_database, _setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xiehui_bench_clusters"

FILL = [
    "TRUNCATE cases_case, cases_consumer, cases_business RESTART IDENTITY CASCADE",
    """INSERT INTO cases_business (name, credit_code, address, contact_person, phone, email, created_at)
       SELECT '压测商户' || g, NULL, '压测路' || g || '号', '', '', '', now() FROM generate_series(1, 500) g""",
    """INSERT INTO cases_consumer (name, phone, id_number, address, email, created_at)
       SELECT '消费者' || g, '139' || lpad(g::text, 8, '0'), '', '', '', now() FROM generate_series(1, %(n)s) g""",
    # a tenth of the businesses (ids divisible by 10) draw half the complaints, with one dispute text each
    """INSERT INTO cases_case (state, number, channel, nature, category, consumer_id, business_id, product,
              facts, demand_type, demand, received_at, tracking_secret_hash, deadlines_provisional,
              reminder_stage, answer_reminder_stage, pause_kind, rejection_explanation, reply_summary,
              agreement_terms, advised_channel, termination_explanation, withdrawal_reason, closing_note,
              created_at, updated_at)
       SELECT 'accepted', 'TS-B-' || g, 'online', 'contract', 'lifestyle', g, b, '预付卡',
              (ARRAY['健身房突然闭店，预付的年卡无法使用，要求退还剩余会费',
                     '培训学校突然停课，预付的课时费无法退还，联系校长不回复',
                     '美容店关门跑路，会员卡余额无法退还',
                     '购买的冰箱冷藏室不制冷，售后上门两次未修好',
                     '网购手机收到后屏幕无法点亮，商家拒绝退货',
                     '旅行社擅自变更行程，减少景点，要求赔偿'])[1 + (b + CASE WHEN b %% 10 = 0 THEN 0 ELSE g END) %% 6]
              || '。第' || g || '号投诉，已与经营者协商' || (g %% 7) || '次。',
              'refund', '退款', now() - ((g %% 90) || ' days')::interval, '', false, '', '', '', '', '', '', '',
              '', '', '', now(), now()
       FROM (SELECT g, CASE WHEN g %% 2 = 0 THEN 10 * (1 + g %% 50) ELSE 1 + g %% 500 END AS b
             FROM generate_series(1, %(n)s) g) s""",
]


def _fill(n):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for sql in FILL:
            if "%(n)s" in sql:
                cursor.execute(sql, {"n": n})
            else:
                cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _time(fn, runs):
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return timings


def _measure(runs):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from groups.selectors import hotspots, similar_clusters

    today = timezone.localdate()
    since = today - timedelta(days=90)
    with CaptureQueriesContext(connection) as ctx:
        clusters = similar_clusters(since=since)
    return {
        "cluster queries": len(ctx.captured_queries),
        "clusters found": len(clusters),
        "largest cluster": max((c.size for c in clusters), default=0),
        "hot spots, 30 days": _time(lambda: hotspots(end=today, days=30), runs),
        "clusters, 90 days": _time(lambda: similar_clusters(since=since), runs),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks clusters", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_CLUSTERS_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        print("the clusters benchmark needs PostgreSQL", file=sys.stderr)
        return 2
    _recreate_database(args.database_url)
    _setup_django(args.database_url)
    print(f"clusters benchmark — database {urlparse(args.database_url).path.lstrip('/')}, 90 days of open complaints")
    for n in (int(s) for s in args.sizes.split(",")):
        start = time.perf_counter()
        _fill(n)
        filled = time.perf_counter() - start
        results = _measure(args.runs)
        print(f"\n{n:,} open complaints (filled in {filled:.1f} s)")
        for key, value in results.items():
            if isinstance(value, list):
                print(f"  {key:<20} median {stats.median(value) * 1000:8.0f} ms   (runs: "
                      + ", ".join(f"{v * 1000:.0f}" for v in value) + ")")
            else:
                print(f"  {key:<20} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
