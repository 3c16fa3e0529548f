"""The deadline sweep at scale (issue 4): N cases in PostgreSQL, 10% of them due today; one sweep claims and records
every due step (the case's ladder fields, the step rows, the urging notices with their numbers and frozen text, the
outbox rows), and the same work done by one hand-written SQL statement, measured in the same run.

    .venv/bin/python -m benchmarks sweep                      # 100,000 then 1,000,000 cases
    .venv/bin/python -m benchmarks sweep --cases 200000 --batch-size 2000

It creates (and at the end keeps) its own database, `xiehui_bench` on the local server by default
(--database-url / BENCH_DATABASE_URL; the name must end in _bench), migrates it, and fills it with set-based SQL
(INSERT ... SELECT generate_series). Per size, each on freshly generated data (then VACUUM ANALYZE, CHECKPOINT):
1. the hand-written statement, committed;
2. the sweep (`reminders.services.deadlines_sweep`), timed; the growth of the process's resident set during it is
   sampled every 5 ms;
3. the sweep again under tracemalloc (slower, not timed), for the peak of Python's heap.
Flat memory means bounded by the batch, not by the number of due cases.
"""

import argparse
import os
import sys
import threading
import time
import tracemalloc
from datetime import date

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xiehui_bench"
MEDIATORS = 20
SUPERVISORS = 2
CASES_PER_BUSINESS = 50

# Which step each due case is at, by (case number / 10) % 10: the ladder's steps in realistic proportions.
# business reminder 20%, due today 20%, first urge 20%, second urge 10%, escalation 10%, acceptance 10%, mediation 10%.
GENERATE_SQL = """
INSERT INTO cases_business (name, address, contact_person, phone, email, created_at)
SELECT '示范商贸有限公司' || g || '号店', '示范市中山路' || g || '号', '经理', '021-5555' || lpad(g::text, 4, '0'),
       CASE WHEN g %% 10 = 0 THEN '' ELSE 'shop' || g || '@example.com' END, now()
FROM generate_series(1, %(businesses)s) g;

INSERT INTO cases_consumer (name, phone, id_number, address, email, created_at)
SELECT '消费者' || g, '139' || lpad(g::text, 8, '0'), '', '示范市', '', now()
FROM generate_series(1, %(cases)s) g;

INSERT INTO cases_case (
    state, number, channel, nature, category, consumer_id, business_id, product, facts, demand_type, demand,
    mediator_id, received_at, acceptance_due_on, filed_on, due_on, pause_kind, mediation_due_on,
    reminder_stage, reminder_stage_due_on, reminder_stage_on, next_reminder_on, supervisor_queue_since,
    escalation_candidate_since,
    rejection_explanation, transferred_at, reply_summary, agreement_terms, advised_channel,
    termination_explanation, withdrawal_reason, closing_note, tracking_secret_hash, created_at, updated_at
)
SELECT s.state, CASE WHEN s.state = 'submitted' THEN NULL ELSE 'TS-2026-' || lpad(g::text, 7, '0') END,
       'online', 'quality', 'household_appliances', g, 1 + g %% %(businesses)s, '双门冰箱', '冰箱不制冷，售后两次未修好。',
       'replacement', '更换同型号新冰箱。', (%(mediators)s::bigint[])[1 + g %% %(mediator_count)s],
       %(today)s::date - 20, s.acceptance_due_on, CASE WHEN s.state = 'submitted' THEN NULL ELSE %(today)s::date - 20 END,
       s.due_on, '', s.mediation_due_on, s.stage, s.stage_due_on,
       CASE s.stage WHEN '' THEN NULL WHEN 'business_reminder' THEN s.due_on - 3 WHEN 'due_today' THEN s.due_on
            WHEN 'first_urge' THEN s.due_on + 1 WHEN 'second_urge' THEN s.due_on + 6 ELSE s.due_on + 16 END,
       s.next_on, s.queue_since, s.escalation_since,
       '', CASE WHEN s.state = 'submitted' THEN NULL ELSE now() - interval '20 days' END, '', '', '', '', '', '',
       '', now(), now()
FROM generate_series(1, %(cases)s) g
CROSS JOIN LATERAL (
    SELECT * FROM (VALUES
        -- due today (g %% 10 = 0), by step
        (0, 'transferred', NULL::date, %(today)s::date + 3, NULL::date, '', NULL::date, %(today)s::date, NULL::date, NULL::date),
        (1, 'transferred', NULL, %(today)s::date + 3, NULL, '', NULL, %(today)s::date, NULL, NULL),
        (2, 'transferred', NULL, %(today)s::date, NULL, 'business_reminder', %(today)s::date, %(today)s::date, NULL, NULL),
        (3, 'transferred', NULL, %(today)s::date, NULL, 'business_reminder', %(today)s::date, %(today)s::date, NULL, NULL),
        (4, 'transferred', NULL, %(today)s::date - 1, NULL, 'due_today', %(today)s::date - 1, %(today)s::date, NULL, NULL),
        (5, 'transferred', NULL, %(today)s::date - 1, NULL, 'due_today', %(today)s::date - 1, %(today)s::date, NULL, NULL),
        (6, 'transferred', NULL, %(today)s::date - 6, NULL, 'first_urge', %(today)s::date - 6, %(today)s::date, NULL, NULL),
        (7, 'mediating', NULL, %(today)s::date - 16, %(today)s::date + 30, 'second_urge', %(today)s::date - 16,
            %(today)s::date, %(today)s::date - 10, NULL),
        (8, 'submitted', %(today)s::date + 2, NULL, NULL, '', NULL, %(today)s::date, NULL, NULL),
        (9, 'mediating', NULL, %(today)s::date - 40, %(today)s::date, 'escalation_candidate', %(today)s::date - 40,
            %(today)s::date, %(today)s::date - 34, %(today)s::date - 24),
        -- not due: finished (60%%), or open with the next step days ahead (30%%)
        (10, 'closed', NULL, %(today)s::date - 30, NULL, '', NULL, NULL, NULL, NULL),
        (11, 'transferred', NULL, %(today)s::date + 10, NULL, '', NULL, %(today)s::date + 7, NULL, NULL)
    ) AS v(k, state, acceptance_due_on, due_on, mediation_due_on, stage, stage_due_on, next_on, queue_since,
           escalation_since)
    WHERE v.k = CASE WHEN g %% 10 = 0 THEN (g / 10) %% 10 WHEN g %% 10 <= 6 THEN 10 ELSE 11 END
) s;
"""

# The same work as one sweep, written by hand as one statement (data-modifying CTEs). It knows the ladder only
# as far as the generated data needs (the step after each stage); the texts mirror the templates' length.
BASELINE_SQL = """
WITH due AS (
    SELECT c.id, c.state, c.number, c.product, c.mediator_id, c.transferred_at, c.received_at, c.due_on,
           c.acceptance_due_on, c.mediation_due_on, c.next_reminder_on, b.name AS business_name,
           b.email AS business_email,
           CASE
               WHEN c.state = 'submitted' THEN 'acceptance_soon'
               WHEN c.reminder_stage = '' THEN 'business_reminder'
               WHEN c.reminder_stage = 'business_reminder' THEN 'due_today'
               WHEN c.reminder_stage = 'due_today' THEN 'first_urge'
               WHEN c.reminder_stage = 'first_urge' THEN 'second_urge'
               WHEN c.reminder_stage = 'second_urge' THEN 'escalation_candidate'
               ELSE 'mediation_limit'
           END AS kind
    FROM cases_case c LEFT JOIN cases_business b ON b.id = c.business_id
    WHERE c.next_reminder_on <= %(today)s
), planned AS (
    SELECT due.*,
           CASE kind WHEN 'acceptance_soon' THEN acceptance_due_on WHEN 'mediation_limit' THEN mediation_due_on
                ELSE due_on END AS deadline,
           CASE kind
               WHEN 'acceptance_soon' THEN acceptance_due_on + 1
               WHEN 'business_reminder' THEN due_on
               WHEN 'due_today' THEN due_on + 1
               WHEN 'first_urge' THEN due_on + 1 + %(second)s
               WHEN 'second_urge' THEN due_on + 1 + %(second)s + %(escalate)s
               WHEN 'escalation_candidate' THEN CASE WHEN state = 'mediating' THEN mediation_due_on END
           END AS next_on
    FROM due
), claimed AS (
    UPDATE cases_case c SET
        reminder_stage = CASE WHEN p.kind = 'mediation_limit' THEN c.reminder_stage ELSE p.kind END,
        reminder_stage_due_on = CASE WHEN p.kind = 'mediation_limit' THEN c.reminder_stage_due_on ELSE p.deadline END,
        reminder_stage_on = CASE WHEN p.kind = 'mediation_limit' THEN c.reminder_stage_on ELSE %(today)s END,
        next_reminder_on = p.next_on,
        supervisor_queue_since = CASE WHEN p.kind IN ('second_urge', 'escalation_candidate')
            THEN coalesce(c.supervisor_queue_since, %(today)s) ELSE c.supervisor_queue_since END,
        escalation_candidate_since = CASE WHEN p.kind = 'escalation_candidate' THEN %(today)s
            ELSE c.escalation_candidate_since END,
        mediation_limit_reached_on = CASE WHEN p.kind = 'mediation_limit' THEN p.deadline
            ELSE c.mediation_limit_reached_on END
    FROM planned p
    WHERE c.id = p.id AND c.next_reminder_on = p.next_reminder_on
    RETURNING c.id
), steps AS (
    INSERT INTO reminders_casereminder (case_id, kind, deadline, scheduled_on, case_state, taken_at, taken_by_id)
    SELECT p.id, p.kind, p.deadline, %(today)s, p.state, now(), %(system)s FROM planned p JOIN claimed USING (id)
    ON CONFLICT (case_id, kind, deadline) DO NOTHING
    RETURNING id, case_id, kind
), urging AS (
    SELECT s.id AS reminder_id, p.*, row_number() OVER (ORDER BY s.id) AS n, count(*) OVER () AS total
    FROM steps s JOIN planned p ON p.id = s.case_id
    WHERE s.kind IN ('first_urge', 'second_urge') AND p.state = 'transferred'
), counter AS (
    UPDATE cases_sequence SET last = last + (SELECT count(*) FROM urging)
    WHERE prefix = 'CB' AND year = %(year)s RETURNING last
), documents AS (
    INSERT INTO cases_document (case_id, kind, number, title, text, fields, footer, pdf, issued_by_id, issued_at,
                                issued_on)
    SELECT u.id, 'urging', 'CB-' || %(year)s || '-' || lpad((counter.last - u.total + u.n)::text, 6, '0'),
           '催办通知书',
           format(%(notice_text)s, u.business_name, to_char(u.transferred_at, 'YYYY"年"FMMM"月"FMDD"日"'), u.number,
                  u.product, to_char(u.deadline, 'YYYY"年"FMMM"月"FMDD"日"'), %(today)s::date - u.deadline,
                  to_char(%(today)s::date, 'YYYY"年"FMMM"月"FMDD"日"')),
           '[]'::jsonb, '', '', %(system)s, now(), %(today)s
    FROM urging u, counter
    RETURNING id, case_id, number, text
), document_history AS (
    INSERT INTO cases_historicaldocument (id, case_id, kind, number, title, text, fields, footer, pdf, issued_by_id,
                                          issued_at, issued_on, history_date, history_type, history_user_id,
                                          history_change_reason)
    SELECT d.id, d.case_id, 'urging', d.number, '催办通知书', d.text, '[]'::jsonb, '', '', %(system)s, now(),
           %(today)s, now(), '+', %(system)s, '已签发文书：' || d.number
    FROM documents d
), notices AS (
    INSERT INTO reminders_urgingnotice (number, case_id, reminder_id, round, business_name, sent_to, deadline,
                                        issued_on, issued_by_id, document_id)
    SELECT d.number, u.id, u.reminder_id, CASE u.kind WHEN 'first_urge' THEN 1 ELSE 2 END, u.business_name,
           u.business_email, u.deadline, %(today)s, %(system)s, d.id
    FROM urging u JOIN documents d ON d.case_id = u.id
    RETURNING case_id, number, (SELECT text FROM documents WHERE documents.number = reminders_urgingnotice.number) AS text, sent_to
), outbox AS (
    INSERT INTO notifications_notification (
        channel, recipient_user_id, to_address, template, context, language, subject, body, content_type_id,
        object_id, dedupe_key, status, attempts, last_error, transport_note, next_attempt_at, sent_at, created_at)
    SELECT x.channel, x.user_id, x.address, 'reminders/' || x.template,
           jsonb_build_object('case', x.number, 'product', x.product, 'business', x.business_name,
                              'deadline', x.deadline, 'days_left', x.deadline - %(today)s::date,
                              'days_overdue', %(today)s::date - x.deadline, 'association', %(association)s),
           'zh-hans', x.subject, x.body, %(case_type)s, x.id::text,
           'reminder:' || x.id || ':' || x.kind || ':' || x.deadline || ':' || coalesce('user:' || x.user_id, 'business'),
           CASE x.channel WHEN 'email' THEN 'pending' ELSE 'sent' END, 0, '',
           CASE x.channel WHEN 'email' THEN '' ELSE 'stored for the recipient to read in the application' END,
           CASE x.channel WHEN 'email' THEN now() END, CASE x.channel WHEN 'email' THEN NULL ELSE now() END, now()
    FROM (
        SELECT 'email' AS channel, NULL::bigint AS user_id, p.business_email AS address, s.kind AS template, p.*,
               format('【%%s】投诉 %%s 请于 %%s 前答复', %(association)s, p.number, p.deadline) AS subject,
               format(%(reminder_text)s, p.business_name, p.number, p.product, p.deadline, p.deadline - %(today)s::date,
                      %(phone)s, %(association)s) AS body
        FROM steps s JOIN planned p ON p.id = s.case_id WHERE s.kind = 'business_reminder' AND p.business_email <> ''
        UNION ALL
        SELECT 'email', NULL, n.sent_to, 'urging_notice', p.*,
               format('【%%s】催办通知书 %%s（案件 %%s）', %(association)s, n.number, p.number),
               n.text || format(E'\\n\\n——本邮件由%%s投诉处理系统发送，催办通知书编号 %%s。', %(association)s, n.number)
        FROM notices n JOIN planned p ON p.id = n.case_id WHERE n.sent_to <> ''
        UNION ALL
        SELECT 'in_app', r.user_id, '', CASE WHEN s.kind = 'business_reminder' THEN 'business_unreachable'
               ELSE s.kind END, p.*,
               format('案件提醒（%%s）：%%s', s.kind, coalesce(p.number, '#' || p.id)),
               format('案件 %%s（%%s，%%s）的期限为 %%s，逾期 %%s 天。系统已按催办规则处理，请及时跟进办理；如企业无邮箱，请打印后寄送。',
                      coalesce(p.number, '#' || p.id), p.business_name, p.product, p.deadline,
                      %(today)s::date - p.deadline)
        FROM steps s JOIN planned p ON p.id = s.case_id
        CROSS JOIN LATERAL (
            SELECT p.mediator_id AS user_id WHERE s.kind <> 'business_reminder' OR p.business_email = ''
            UNION ALL
            SELECT unnest(%(supervisors)s::bigint[]) WHERE s.kind = 'escalation_candidate'
        ) r
    ) x
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM steps), (SELECT count(*) FROM notices),
       (SELECT count(*) FROM outbox)
"""

NOTICE_TEXT = (
    "%s：\n\n本会于%s向贵单位转办了消费者投诉（案件编号：%s，涉及“%s”），并要求贵单位于%s前将处理结果答复本会。"
    "截至本通知发出之日，本会尚未收到贵单位的答复，已逾期%s日。\n\n根据《中华人民共和国消费者权益保护法》第三十七条，"
    "消费者协会受理消费者的投诉，并对投诉事项进行调查、调解。请贵单位收到本通知后，立即通过企业答复平台或来函来电"
    "答复本会，依法妥善处理消费者的诉求。\n\n联系电话：12315\n\n示范市消费者协会\n%s"
)
REMINDER_TEXT = (
    "%s：\n\n本会转办给贵单位的消费者投诉（案件编号 %s，涉及“%s”）的答复期限为 %s，距今还有 %s 天。请贵单位在期限内"
    "通过企业答复平台答复本会，并依法妥善处理消费者的诉求。\n\n如已答复，请忽略本提醒。联系电话：%s\n\n%s"
)


# --- the pieces (also run by reminders/tests/test_benchmark_smoke.py) -----------------------------------------


def prepare_people():
    """Mediators and supervisors in their groups; returns (mediator ids, supervisor ids, system user id)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cases.users import get_system_user

    user_model = get_user_model()
    ids = {}
    for group, count in (("mediator", MEDIATORS), ("supervisor", SUPERVISORS)):
        users = [
            user_model.objects.get_or_create(username=f"bench-{group}-{i}", defaults={"is_staff": True})[0]
            for i in range(count)
        ]
        Group.objects.get(name=group).user_set.add(*users)
        ids[group] = [u.pk for u in users]
    return ids["mediator"], ids["supervisor"], get_system_user().pk


def generate(cursor, *, cases, today, mediators):
    """Businesses, consumers and `cases` cases, a tenth of them due `today` (see GENERATE_SQL)."""
    cursor.execute(
        GENERATE_SQL,
        {
            "cases": cases,
            "businesses": max(1, cases // CASES_PER_BUSINESS),
            "today": today,
            "mediators": mediators,
            "mediator_count": len(mediators),
        },
    )


def fill(size, *, today, mediators):
    """Empty the tables, generate `size` cases, VACUUM ANALYZE, CHECKPOINT (so neither measurement pays for
    writing out the other's pages)."""
    from django.db import connection

    with connection.cursor() as cursor:
        reset(cursor)
        started = time.perf_counter()
        generate(cursor, cases=size, today=today, mediators=mediators)
        print(f"  generated {size:,} cases in {time.perf_counter() - started:.1f} s; VACUUM ANALYZE …", flush=True)
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def reset(cursor):
    cursor.execute(
        "TRUNCATE reminders_urgingnotice, cases_historicaldocument, cases_document, reminders_casereminder, notifications_notification, cases_case, "
        "cases_consumer, cases_business RESTART IDENTITY CASCADE"
    )
    cursor.execute("DELETE FROM cases_sequence WHERE prefix = 'CB'")


def run_baseline(cursor, *, today, supervisors, system_id):
    """The hand-written statement; returns (seconds, (claimed, steps, notices, outbox rows))."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    from cases.models import Case

    cursor.execute(
        "INSERT INTO cases_sequence (prefix, year, last) VALUES ('CB', %s, 0) ON CONFLICT DO NOTHING", [today.year]
    )
    params = {
        "today": today,
        "year": today.year,
        "second": settings.CASE_SECOND_URGE_AFTER_DAYS,
        "escalate": settings.CASE_ESCALATION_AFTER_DAYS,
        "system": system_id,
        "supervisors": supervisors,
        "case_type": ContentType.objects.get_for_model(Case).pk,
        "association": settings.ASSOCIATION_NAME,
        "phone": settings.ASSOCIATION_PHONE,
        "notice_text": NOTICE_TEXT,
        "reminder_text": REMINDER_TEXT,
    }
    started = time.perf_counter()
    cursor.execute(BASELINE_SQL, params)  # in autocommit mode: the time includes the commit
    counts = cursor.fetchone()
    return time.perf_counter() - started, counts


def run_sweep(*, today, batch_size):
    """The real sweep; returns (seconds, SweepResult, peak RSS growth in bytes)."""
    from reminders.services import deadlines_sweep

    with RssPeak() as peak:
        started = time.perf_counter()
        result = deadlines_sweep(today=today, batch_size=batch_size, dispatch=False)
        seconds = time.perf_counter() - started
    return seconds, result, peak.growth


def trace_sweep(*, today, batch_size):
    """The sweep again under tracemalloc (slower, so not timed); returns the peak of Python's heap in bytes."""
    from reminders.services import deadlines_sweep

    tracemalloc.start()
    try:
        deadlines_sweep(today=today, batch_size=batch_size, dispatch=False)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class RssPeak:
    """Samples the resident set size every 5 ms; `growth` is the peak minus the size at the start."""

    def __enter__(self):
        self.start = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())
        self.growth = self.peak - self.start


def _rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# --- the command ----------------------------------------------------------------------------------------------


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default="100000,1000000", help="comma-separated sizes (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.cases.split(",")]

    _create_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"Migrating {args.database_url} …", flush=True)
    call_command("migrate", verbosity=0)
    mediators, supervisors, system_id = prepare_people()
    today = date.today()
    rows = []
    for size in sizes:
        print(f"\n{size:,} cases", flush=True)
        fill(size, today=today, mediators=mediators)
        with connection.cursor() as cursor:
            baseline, counts = run_baseline(cursor, today=today, supervisors=supervisors, system_id=system_id)
        print(f"  hand-written SQL statement: {baseline:.2f} s (claimed, steps, notices, outbox rows) = {counts}")
        fill(size, today=today, mediators=mediators)  # the same data again, for the sweep
        seconds, result, growth = run_sweep(today=today, batch_size=args.batch_size)
        print(f"  sweep: {seconds:.2f} s, {result}, peak RSS growth {growth / 2**20:.1f} MiB", flush=True)
        if (result.claimed, result.steps, result.urging_notices, result.notifications) != tuple(counts):
            print(f"  WARNING: the sweep and the SQL statement did different work: {result} vs {counts}")
        fill(size, today=today, mediators=mediators)
        traced = trace_sweep(today=today, batch_size=args.batch_size)
        print(f"  sweep under tracemalloc: peak Python heap {traced / 2**20:.1f} MiB", flush=True)
        rows.append((size, result.steps, seconds, baseline, growth, traced))

    print(f"\nbatch size {args.batch_size}; ratio = sweep time / hand-written statement time")
    print("    cases  due steps  sweep s  s per 100k steps  SQL s  ratio  peak heap (tracemalloc)  peak RSS growth")
    for size, steps, seconds, baseline, growth, traced in rows:
        print(
            f"{size:>9,} {steps:>10,} {seconds:>8.2f} {seconds / steps * 100_000:>17.2f} {baseline:>6.2f}"
            f" {seconds / baseline:>5.2f}x {traced / 2**20:>20.1f} MiB {growth / 2**20:>12.1f} MiB"
        )
    return 0


def _create_database(url):
    """Drop and create the benchmark database (never the project's own)."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.endswith("_bench"):
        raise SystemExit(f"Refusing to recreate {name!r}: the benchmark database's name must end in _bench.")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

