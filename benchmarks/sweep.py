"""The deadline sweep at scale (issue 4, re-measured for the two-track ladder): N cases in PostgreSQL, a tenth of them
due today at every step of both ladders (the business's answer ladder and the association's acceptance and handling
ladders, cases.ladder) and the mediation limit; one sweep claims and records every due step (the case's ladder
fields, the step rows, the urging notices with their numbers and frozen text, the outbox rows), and the same work
done by one hand-written SQL statement, measured in the same run.

    .venv/bin/python -m benchmarks sweep                      # 100,000 then 1,000,000 cases
    .venv/bin/python -m benchmarks sweep --cases 200000 --batch-size 2000

It creates (and at the end keeps) its own database, `xiehui_bench` on the local server by default
(--database-url / BENCH_DATABASE_URL; the name must end in _bench), migrates it, and fills it with set-based SQL
(INSERT ... SELECT generate_series): businesses, consumers, cases, the transfer sheet of every case that was
transferred, and for the cases due for a second urging notice the first notice (and its step) that it cites.
Per size, each on freshly generated data (then VACUUM ANALYZE, CHECKPOINT):
1. the hand-written statement, committed;
2. the sweep (`reminders.services.deadlines_sweep`), timed; the growth of the process's resident set during it is
   sampled every 5 ms;
3. the sweep again under tracemalloc (slower, not timed), for the peak of Python's heap.
Flat memory means bounded by the batch, not by the number of due cases.
"""

import argparse
import os
import re
import sys
import threading
import time
import tracemalloc
from datetime import date, timedelta

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xiehui_bench"
MEDIATORS = 20
SUPERVISORS = 2
CASES_PER_BUSINESS = 50
TZ = "Asia/Shanghai"
HANDLING = ("accepted", "transferred", "replied", "mediating", "appraisal")  # cases.choices.HANDLING_STATES
MEDIATION_LIMIT = ("accepted", "transferred", "replied", "mediating")  # cases.choices.MEDIATION_LIMIT_STATES

# Which step a due case (case id % 10 = 0) is at, by (id / 10) % 20, in realistic proportions: the business's
# reminder 20%, first urging notice 15%, second 10%; handling: due today 10%, overdue 15% (a third of them still
# waiting for the business, whose ladder is done), supervisors' queue 5%, escalation candidate 5%; acceptance
# soon 5%, overdue 5%; the mediation limit 10%. Of the cases not due, 60% are finished and 30% open with their next
# step days ahead. CATEGORIES gives each kind of case its state and ladder fields, as days from today.
DUE_SLOTS = ["br"] * 4 + ["fu"] * 3 + ["su"] * 2 + ["ho_t"] + ["dt"] * 2 + ["ho"] * 2 + ["sq", "ec", "as", "ao"] + ["ml"] * 2


def categories(today, *, first_on, first_answer_by):
    """{name: column values} of every kind of generated case; dates are absolute. Each case's next_reminder_on is
    what cases.ladder.plan gives it (the smoke test checks), and at most one step per ladder is due today."""
    from django.conf import settings

    t = today
    second, escalate = settings.CASE_SECOND_URGE_AFTER_DAYS, settings.CASE_ESCALATION_AFTER_DAYS
    before, accept = settings.CASE_REMIND_BUSINESS_DAYS_BEFORE, settings.CASE_ACCEPTANCE_REMIND_DAYS_BEFORE
    d = timedelta
    su_answer = first_on - d(1)
    cats = {
        # the business's ladder (transferred; the association's deadline comes later)
        "br": dict(state="transferred", answer=t + d(before), due=t + d(before + 5), med=t + d(50), next=t),
        "fu": dict(state="transferred", answer=t - d(1), due=t + d(6), med=t + d(45), next=t,
                   b_stage=("business_reminder", t - d(1), t - d(1 + before))),
        "su": dict(state="transferred", answer=su_answer, due=t + d(3), med=t + d(40),
                   next=max(su_answer + d(1 + second), first_on + d(second), first_answer_by + d(1)),
                   b_stage=("first_urge", su_answer, first_on), first_notice=True),
        "ho_t": dict(state="transferred", answer=t - d(12), due=t - d(1), med=t + d(35), next=t,
                     a_stage=("due_today", t - d(1), t - d(1)), b_stage=("second_urge", t - d(12), t - d(6))),
        # the association's handling ladder
        "dt": dict(state="mediating", answer=t - d(8), due=t, med=t + d(48), next=t),
        "ho": dict(state="replied", answer=t - d(6), due=t - d(1), med=t + d(47), next=t,
                   a_stage=("due_today", t - d(1), t - d(1))),
        "sq": dict(state="mediating", answer=t - d(12), due=t - d(1 + second), med=t + d(42), next=t,
                   a_stage=("handling_overdue", t - d(1 + second), t - d(second))),
        "ec": dict(state="mediating", answer=t - d(22), due=t - d(1 + second + escalate), med=t + d(20), next=t,
                   a_stage=("supervisor_queue", t - d(1 + second + escalate), t - d(escalate)),
                   queue=t - d(escalate)),
        # acceptance (no mediator yet)
        "as": dict(state="submitted", acceptance=t + d(accept), next=t),
        "ao": dict(state="submitted", acceptance=t - d(1), next=t,
                   a_stage=("acceptance_soon", t - d(1), t - d(1 + accept))),
        # the mediation limit (the handling ladder done long ago)
        "ml": dict(state="mediating", answer=t - d(54), due=t - d(50), med=t - d(1), next=t,
                   a_stage=("escalation_candidate", t - d(50), t - d(50 - 1 - second - escalate)),
                   queue=t - d(50 - 1 - second), escalation=t - d(50 - 1 - second - escalate)),
        # not due
        "closed": dict(state="closed", answer=t - d(40), due=t - d(30), med=None, next=None),
        "open": dict(state="transferred", answer=t + d(10), due=t + d(13), med=t + d(55), next=t + d(10 - before)),
    }
    return cats


def first_urge_day(today):
    """The day the first notices that today's second ones cite were issued: five days ago, or earlier if the new
    answer date it set (deadlines.urged_answer_due) has not passed yet; returns (that day, that answer date)."""
    from django.conf import settings

    from cases.deadlines import urged_answer_due

    day = today - timedelta(days=settings.CASE_SECOND_URGE_AFTER_DAYS)
    while (answer_by := urged_answer_due(day).on) >= today:
        day -= timedelta(days=1)
    return day, answer_by


CATEGORY_COLUMNS = [
    "name", "state", "acceptance_due_on", "due_on", "answer_due_on", "mediation_due_on",
    "reminder_stage", "reminder_stage_due_on", "reminder_stage_on",
    "answer_reminder_stage", "answer_reminder_stage_due_on", "answer_reminder_stage_on",
    "next_reminder_on", "supervisor_queue_since", "escalation_candidate_since", "first_notice",
]


def category_rows(cats):
    rows = []
    for name, c in cats.items():
        a_stage = c.get("a_stage", ("", None, None))
        b_stage = c.get("b_stage", ("", None, None))
        rows.append((
            name, c["state"], c.get("acceptance"), c.get("due"), c.get("answer"), c.get("med"), *a_stage, *b_stage,
            c["next"], c.get("queue"), c.get("escalation"), c.get("first_notice", False),
        ))
    return rows


GENERATE_SQL = """
CREATE TEMP TABLE bench_category (
    name text PRIMARY KEY, state text, acceptance_due_on date, due_on date, answer_due_on date, mediation_due_on date,
    reminder_stage text, reminder_stage_due_on date, reminder_stage_on date, answer_reminder_stage text,
    answer_reminder_stage_due_on date, answer_reminder_stage_on date, next_reminder_on date,
    supervisor_queue_since date, escalation_candidate_since date, first_notice boolean
) ON COMMIT DROP;
INSERT INTO bench_category SELECT * FROM unnest(
    %(c_name)s::text[], %(c_state)s::text[], %(c_acceptance)s::date[], %(c_due)s::date[], %(c_answer)s::date[],
    %(c_med)s::date[], %(c_stage)s::text[], %(c_stage_due)s::date[], %(c_stage_on)s::date[], %(c_bstage)s::text[],
    %(c_bstage_due)s::date[], %(c_bstage_on)s::date[], %(c_next)s::date[], %(c_queue)s::date[],
    %(c_escalation)s::date[], %(c_first)s::boolean[]);

INSERT INTO cases_business (name, address, contact_person, phone, email, created_at)
SELECT '示范商贸有限公司' || g || '号店', '示范市中山路' || g || '号', '经理', '021-5555' || lpad(g::text, 4, '0'),
       CASE WHEN g %% 10 = 0 THEN '' ELSE 'shop' || g || '@example.com' END, now()
FROM generate_series(1, %(businesses)s) g;

INSERT INTO cases_consumer (name, phone, id_number, address, email, created_at)
SELECT '消费者' || g, '139' || lpad(g::text, 8, '0'), '', '示范市', '', now()
FROM generate_series(1, %(cases)s) g;

INSERT INTO cases_case (
    id, state, number, channel, nature, category, consumer_id, business_id, product, facts, demand_type, demand,
    mediator_id, received_at, acceptance_due_on, filed_on, due_on, answer_due_on, deadlines_provisional, pause_kind,
    mediation_due_on, reminder_stage, reminder_stage_due_on, reminder_stage_on, answer_reminder_stage,
    answer_reminder_stage_due_on, answer_reminder_stage_on, next_reminder_on, supervisor_queue_since,
    escalation_candidate_since, rejection_explanation, transferred_at, reply_summary,
    agreement_terms, advised_channel, termination_explanation, withdrawal_reason, closing_note, tracking_secret_hash,
    created_at, updated_at, mediation_extended_days, report_referred_to, report_text
)
SELECT g, k.state, CASE WHEN k.state = 'submitted' THEN NULL ELSE 'TS-' || %(year)s || '-' || lpad(g::text, 7, '0') END,
       'online', 'quality', 'household_appliances', g, 1 + g %% %(businesses)s, '双门冰箱', '冰箱不制冷，售后两次未修好。',
       'replacement', '更换同型号新冰箱。',
       CASE WHEN k.state <> 'submitted' THEN (%(mediators)s::bigint[])[1 + g %% %(mediator_count)s] END,
       (coalesce(k.acceptance_due_on - 9, k.due_on - 18) + time '10:00') AT TIME ZONE %(tz)s,
       k.acceptance_due_on, k.due_on - 15, k.due_on, k.answer_due_on, false, '', k.mediation_due_on,
       k.reminder_stage, k.reminder_stage_due_on, k.reminder_stage_on, k.answer_reminder_stage,
       k.answer_reminder_stage_due_on, k.answer_reminder_stage_on, k.next_reminder_on, k.supervisor_queue_since,
       k.escalation_candidate_since, '',
       CASE WHEN k.state <> 'submitted' THEN (k.answer_due_on - 7 + time '15:00') AT TIME ZONE %(tz)s END,
       '', '', '', '', '', '', '', now(), now(), 0, '', ''
FROM generate_series(1, %(cases)s) g
JOIN bench_category k ON k.name = CASE
    WHEN g %% 10 = 0 THEN (%(slots)s::text[])[1 + (g / 10) %% %(slot_count)s]
    WHEN g %% 10 <= 6 THEN 'closed' ELSE 'open' END;
SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %(cases)s);

-- Every case that was transferred has its sheet (mediation.TransferSheet), with the answer date it told.
WITH sheet_documents AS (
    INSERT INTO cases_document (case_id, kind, number, title, text, fields, footer, pdf, issued_by_id, issued_at,
                                issued_on)
    SELECT c.id, 'transfer_sheet', 'ZB-' || %(year)s || '-' || lpad(c.id::text, 7, '0'), '消费者投诉转办单',
           c.number || '：消费者投诉转办单。请于' || c.answer_due_on || '前答复本会。', '[]'::jsonb, '', '', %(system)s,
           c.transferred_at, (c.transferred_at AT TIME ZONE %(tz)s)::date
    FROM cases_case c WHERE c.transferred_at IS NOT NULL
    RETURNING id, case_id, number, issued_at
)
INSERT INTO mediation_transfersheet (number, answer_by, document_id, issued_at, business_id, case_id, issued_by_id)
SELECT d.number, c.answer_due_on, d.id, d.issued_at, c.business_id, c.id, %(system)s
FROM sheet_documents d JOIN cases_case c ON c.id = d.case_id;

-- The first urging notices (and their steps) that today's second ones cite.
WITH firsts AS (
    INSERT INTO reminders_casereminder (case_id, kind, deadline, scheduled_on, case_state, taken_at, taken_by_id)
    SELECT c.id, 'first_urge', c.answer_due_on, c.answer_due_on + 1, 'transferred',
           (c.answer_reminder_stage_on + time '00:05') AT TIME ZONE %(tz)s, %(system)s
    FROM cases_case c JOIN bench_category k ON k.name = 'su'
    WHERE c.id %% 10 = 0 AND (%(slots)s::text[])[1 + (c.id / 10) %% %(slot_count)s] = 'su'
    RETURNING id, case_id, deadline
), numbered AS (
    SELECT f.*, 'CB-' || %(first_year)s || '-' || lpad((row_number() OVER (ORDER BY f.id))::text, 6, '0') AS number
    FROM firsts f
), documents AS (
    INSERT INTO cases_document (case_id, kind, number, title, text, fields, footer, pdf, issued_by_id, issued_at,
                                issued_on)
    SELECT n.case_id, 'urging', n.number, '催办通知书', '贵单位逾期未答复，请于' || %(first_answer_by)s || '前答复本会。',
           '[]'::jsonb, '', '', %(system)s, (%(first_on)s::date + time '00:05') AT TIME ZONE %(tz)s, %(first_on)s
    FROM numbered n
    RETURNING id, case_id
)
INSERT INTO reminders_urgingnotice (number, case_id, reminder_id, round, business_name, sent_to, deadline, answer_by,
                                    issued_on, issued_by_id, document_id)
SELECT n.number, n.case_id, n.id, 1, b.name, b.email, n.deadline, %(first_answer_by)s, %(first_on)s, %(system)s, d.id
FROM numbered n JOIN documents d USING (case_id) JOIN cases_case c ON c.id = n.case_id
JOIN cases_business b ON b.id = c.business_id;
INSERT INTO cases_sequence (prefix, year, last)
SELECT 'CB', %(first_year)s, count(*) FROM reminders_urgingnotice
ON CONFLICT (prefix, year) DO UPDATE SET last = excluded.last;
"""

# The same work as one sweep, written by hand as one statement (data-modifying CTEs). It plans both ladders the way
# cases.ladder does for one step per ladder (the generated data never has two steps of one ladder due at once, so
# it needs no skipping of overtaken steps); the texts are the sweep's own templates turned into format() strings
# (pg_format), so both sides write the same rows (the smoke test compares them).
BASELINE_SQL = """
WITH ladder_step (ladder, kind, ord, days, gap) AS (
    SELECT * FROM unnest(%(l_ladder)s::text[], %(l_kind)s::text[], %(l_ord)s::int[], %(l_days)s::int[],
                         %(l_gap)s::int[])
), due AS (
    SELECT c.id, c.state, c.number, c.product, c.mediator_id, c.received_at, c.transferred_at, c.pause_kind,
           c.acceptance_due_on, c.due_on, c.answer_due_on, c.mediation_due_on, c.reminder_stage,
           c.reminder_stage_due_on, c.reminder_stage_on, c.answer_reminder_stage, c.answer_reminder_stage_due_on,
           c.answer_reminder_stage_on, c.next_reminder_on, c.supervisor_queue_since, c.escalation_candidate_since,
           c.mediation_limit_reached_on, b.name AS business_name, b.email AS business_email, ts.number AS sheet
    FROM cases_case c
    LEFT JOIN cases_business b ON b.id = c.business_id
    LEFT JOIN mediation_transfersheet ts ON ts.case_id = c.id
    WHERE c.next_reminder_on <= %(today)s
), track AS (  -- the ladders running now: the association's (acceptance or handling) and the business's
    SELECT id, 'association' AS track, CASE WHEN state = 'submitted' THEN 'A' ELSE 'H' END AS ladder,
           CASE WHEN state = 'submitted' THEN acceptance_due_on ELSE due_on END AS deadline,
           reminder_stage AS stage, reminder_stage_due_on AS stage_due_on, reminder_stage_on AS stage_on
    FROM due
    WHERE pause_kind = '' AND ((state = 'submitted' AND acceptance_due_on IS NOT NULL)
                               OR (state = ANY(%(handling)s) AND due_on IS NOT NULL))
    UNION ALL
    SELECT id, 'business', 'B', answer_due_on, answer_reminder_stage, answer_reminder_stage_due_on,
           answer_reminder_stage_on
    FROM due WHERE pause_kind = '' AND state = 'transferred' AND answer_due_on IS NOT NULL
), position AS (  -- the stage's place on its ladder; 0 when the ladder starts over (a new deadline)
    SELECT t.*, coalesce(s.ord, 0) AS ord, CASE WHEN s.ord IS NOT NULL THEN t.stage_on END AS after_on
    FROM track t LEFT JOIN ladder_step s ON s.ladder = t.ladder AND s.kind = t.stage AND t.stage_due_on = t.deadline
), following AS (  -- the next step and its day (a second notice also waits for the first one's answer date)
    SELECT p.*, s.kind,
           greatest(p.deadline + s.days, p.after_on + s.gap, f.answer_by + 1) AS on_day
    FROM position p
    LEFT JOIN ladder_step s ON s.ladder = p.ladder AND s.ord = p.ord + 1
    LEFT JOIN reminders_urgingnotice f
        ON s.kind = 'second_urge' AND f.case_id = p.id AND f.round = 1 AND f.deadline = p.deadline
), track_plan AS (
    SELECT f.*, coalesce(f.on_day <= %(today)s, false) AS take,
           CASE WHEN f.on_day <= %(today)s
                THEN greatest(f.deadline + s.days, %(today)s + s.gap,
                              CASE WHEN s.kind = 'second_urge' THEN %(urge_answer_by)s::date + 1 END)
                ELSE f.on_day END AS upcoming
    FROM following f LEFT JOIN ladder_step s ON s.ladder = f.ladder AND s.ord = f.ord + 2
), planned AS (
    SELECT d.*, a.kind AS a_kind, a.take AS a_take, a.deadline AS a_deadline, a.on_day AS a_on,
           b.kind AS b_kind, b.take AS b_take, b.deadline AS b_deadline, b.on_day AS b_on,
           CASE WHEN a.id IS NULL THEN d.reminder_stage WHEN a.take THEN a.kind WHEN a.ord = 0 THEN ''
                ELSE d.reminder_stage END AS new_stage,
           CASE WHEN a.id IS NULL THEN d.reminder_stage_due_on WHEN a.take THEN a.deadline WHEN a.ord = 0 THEN NULL
                ELSE d.reminder_stage_due_on END AS new_stage_due_on,
           CASE WHEN a.id IS NULL THEN d.reminder_stage_on WHEN a.take THEN %(today)s WHEN a.ord = 0 THEN NULL
                ELSE d.reminder_stage_on END AS new_stage_on,
           CASE WHEN b.id IS NULL THEN d.answer_reminder_stage WHEN b.take THEN b.kind WHEN b.ord = 0 THEN ''
                ELSE d.answer_reminder_stage END AS new_b_stage,
           CASE WHEN b.id IS NULL THEN d.answer_reminder_stage_due_on WHEN b.take THEN b.deadline
                WHEN b.ord = 0 THEN NULL ELSE d.answer_reminder_stage_due_on END AS new_b_stage_due_on,
           CASE WHEN b.id IS NULL THEN d.answer_reminder_stage_on WHEN b.take THEN %(today)s WHEN b.ord = 0 THEN NULL
                ELSE d.answer_reminder_stage_on END AS new_b_stage_on,
           CASE WHEN a.take AND a.kind IN ('supervisor_queue', 'escalation_candidate')
                THEN coalesce(CASE WHEN a.ord > 0 THEN d.supervisor_queue_since END, %(today)s)
                WHEN a.ord = 0 THEN NULL ELSE d.supervisor_queue_since END AS new_queue,
           CASE WHEN a.take AND a.kind = 'escalation_candidate'
                THEN coalesce(CASE WHEN a.ord > 0 THEN d.escalation_candidate_since END, %(today)s)
                WHEN a.ord = 0 THEN NULL ELSE d.escalation_candidate_since END AS new_escalation,
           m.runs, m.reached, m.runs AND m.reached IS NULL AND d.mediation_due_on + 1 <= %(today)s AS m_take,
           least(a.upcoming, b.upcoming,
                 CASE WHEN m.runs AND m.reached IS NULL AND d.mediation_due_on + 1 > %(today)s
                      THEN d.mediation_due_on + 1 END) AS new_next
    FROM due d
    LEFT JOIN track_plan a ON a.id = d.id AND a.track = 'association'
    LEFT JOIN track_plan b ON b.id = d.id AND b.track = 'business'
    CROSS JOIN LATERAL (
        SELECT runs, CASE WHEN d.mediation_limit_reached_on IS DISTINCT FROM d.mediation_due_on OR NOT runs
                          THEN NULL ELSE d.mediation_limit_reached_on END AS reached
        FROM (SELECT d.state = ANY(%(mediation_states)s) AND d.pause_kind = '' AND d.mediation_due_on IS NOT NULL
              AS runs) r
    ) m
), claimed AS (
    UPDATE cases_case c SET
        reminder_stage = p.new_stage, reminder_stage_due_on = p.new_stage_due_on, reminder_stage_on = p.new_stage_on,
        answer_reminder_stage = p.new_b_stage, answer_reminder_stage_due_on = p.new_b_stage_due_on,
        answer_reminder_stage_on = p.new_b_stage_on, next_reminder_on = p.new_next,
        supervisor_queue_since = p.new_queue, escalation_candidate_since = p.new_escalation,
        mediation_limit_reached_on = CASE WHEN p.m_take THEN p.mediation_due_on ELSE p.reached END
    FROM planned p
    WHERE c.id = p.id AND c.next_reminder_on = p.next_reminder_on AND c.state = p.state
      AND c.reminder_stage = p.reminder_stage AND c.answer_reminder_stage = p.answer_reminder_stage
    RETURNING c.id
), taken AS (
    SELECT p.id, p.a_kind AS kind, p.a_deadline AS deadline, p.a_on AS on_day FROM planned p WHERE p.a_take
    UNION ALL
    SELECT p.id, p.b_kind, p.b_deadline, p.b_on FROM planned p WHERE p.b_take
    UNION ALL
    SELECT p.id, 'mediation_limit', p.mediation_due_on, p.mediation_due_on + 1 FROM planned p WHERE p.m_take
), steps AS (
    INSERT INTO reminders_casereminder (case_id, kind, deadline, scheduled_on, case_state, taken_at, taken_by_id)
    SELECT t.id, t.kind, t.deadline, t.on_day, p.state, now(), %(system)s
    FROM taken t JOIN claimed USING (id) JOIN planned p USING (id)
    ON CONFLICT (case_id, kind, deadline) DO NOTHING
    RETURNING id, case_id, kind, deadline
), urging AS (
    SELECT s.id AS reminder_id, s.kind, s.deadline, p.*, f.number AS first_number, f.issued_on AS first_issued_on,
           CASE s.kind WHEN 'first_urge' THEN 1 ELSE 2 END AS round,
           to_char((p.transferred_at AT TIME ZONE %(tz)s)::date, 'YYYY"年"FMMM"月"FMDD"日"') AS transferred_on,
           row_number() OVER (ORDER BY p.next_reminder_on, p.id) AS n, count(*) OVER () AS total
    FROM steps s JOIN planned p ON p.id = s.case_id
    LEFT JOIN reminders_urgingnotice f
        ON s.kind = 'second_urge' AND f.case_id = p.id AND f.round = 1 AND f.deadline = s.deadline
    WHERE s.kind IN ('first_urge', 'second_urge') AND p.state = 'transferred'
), counter AS (  -- numbered in the sweep's order
    UPDATE cases_sequence SET last = last + (SELECT count(*) FROM urging)
    WHERE prefix = 'CB' AND year = %(year)s RETURNING last
), numbered AS (
    SELECT u.*, 'CB-' || %(year)s || '-' || lpad((counter.last - u.total + u.n)::text, 6, '0') AS notice_number,
           ARRAY[u.business_name, u.sheet, u.number, u.product, u.transferred_on,
                 to_char(u.deadline, 'YYYY"年"FMMM"月"FMDD"日"'), (%(today)s::date - u.deadline)::text,
                 coalesce(u.first_number, ''),
                 coalesce(to_char(u.first_issued_on, 'YYYY"年"FMMM"月"FMDD"日"'), '')] AS args
    FROM urging u, counter
), texts AS (
    SELECT n.*,
           format(CASE n.round WHEN 1 THEN %(notice_1)s ELSE %(notice_2)s END, VARIADIC n.args) AS full_text,
           format(CASE n.round WHEN 1 THEN %(document_1)s ELSE %(document_2)s END, VARIADIC n.args) AS document_text
    FROM numbered n
), documents AS (
    INSERT INTO cases_document (case_id, kind, number, title, text, fields, footer, pdf, issued_by_id, issued_at,
                                issued_on)
    SELECT t.id, %(document_kind)s, t.notice_number, %(title)s, t.document_text,
           jsonb_build_array(
               jsonb_build_array('案件编号', t.number), jsonb_build_array('转办单编号', coalesce(t.sheet, '—')),
               jsonb_build_array('被催办单位', coalesce(t.business_name, '')),
               jsonb_build_array('原答复期限', to_char(t.deadline, 'YYYY"年"FMMM"月"FMDD"日"')),
               jsonb_build_array('新答复期限', to_char(%(urge_answer_by)s::date, 'YYYY"年"FMMM"月"FMDD"日"')),
               jsonb_build_array('催办次数', '第' || t.round || '次')),
           '', '', %(system)s, now(), %(today)s
    FROM texts t
    RETURNING *
), document_history AS (
    INSERT INTO cases_historicaldocument (id, case_id, kind, number, title, text, fields, footer, pdf, issued_by_id,
                                          issued_at, issued_on, history_date, history_type, history_user_id,
                                          history_change_reason)
    SELECT d.id, d.case_id, d.kind, d.number, d.title, d.text, d.fields, d.footer, d.pdf, d.issued_by_id,
           d.issued_at, d.issued_on, d.issued_at, '+', %(system)s, %(history_reason)s || d.number
    FROM documents d
), notices AS (
    INSERT INTO reminders_urgingnotice (number, case_id, reminder_id, round, business_name, sent_to, deadline,
                                        answer_by, document_id, issued_on, issued_by_id)
    SELECT t.notice_number, t.id, t.reminder_id, t.round, coalesce(t.business_name, ''),
           coalesce(t.business_email, ''), t.deadline, %(urge_answer_by)s, d.id, %(today)s, %(system)s
    FROM texts t JOIN documents d ON d.number = t.notice_number
    RETURNING case_id, reminder_id, number, sent_to, round
), issued AS (
    SELECT n.*, t.full_text AS text FROM notices n JOIN texts t USING (reminder_id)
), message AS (  -- who hears of each new step, on which channel, with which template
    SELECT s.*, 'email' AS channel, NULL::int AS user_id, p.business_email AS address, 'business_reminder' AS template
    FROM steps s JOIN planned p ON p.id = s.case_id WHERE s.kind = 'business_reminder' AND p.business_email <> ''
    UNION ALL
    SELECT s.*, 'email', NULL, n.sent_to, 'urging_notice'
    FROM steps s JOIN issued n ON n.reminder_id = s.id WHERE n.sent_to <> ''
    UNION ALL
    SELECT s.*, 'in_app', r.user_id, '',
           CASE WHEN s.kind = 'business_reminder' THEN 'business_unreachable' ELSE s.kind END
    FROM steps s JOIN planned p ON p.id = s.case_id
    CROSS JOIN LATERAL (
        SELECT user_id FROM unnest(CASE WHEN p.mediator_id IS NULL THEN %(supervisors)s::int[]
                                        ELSE ARRAY[p.mediator_id] END) AS staff(user_id)
        WHERE s.kind <> 'business_reminder' OR coalesce(p.business_email, '') = ''
        UNION ALL
        SELECT user_id FROM unnest(%(supervisors)s::int[]) AS boss(user_id)
        WHERE s.kind = 'escalation_candidate' AND user_id IS DISTINCT FROM p.mediator_id
    ) r
), outbox AS (
    INSERT INTO notifications_notification (
        channel, recipient_user_id, to_address, template, context, language, subject, body, secret_keys,
        content_type_id, object_id, dedupe_key, status, attempts, last_error, transport_note, next_attempt_at,
        sent_at, created_at)
    SELECT m.channel, m.user_id, m.address, 'reminders/' || m.template,
           jsonb_build_object('case', x.case_label, 'product', p.product, 'business', x.business,
                              'deadline', m.deadline::text, 'days_left', m.deadline - %(today)s::date,
                              'days_overdue', %(today)s::date - m.deadline, 'received_on', x.received_on,
                              'association', %(association)s, 'phone', %(phone)s)
           || CASE WHEN n.number IS NOT NULL THEN jsonb_build_object('notice', n.number, 'emailed', n.sent_to)
                   ELSE '{}' END
           || CASE WHEN m.template = 'urging_notice' THEN jsonb_build_object('round', n.round, 'text', n.text)
                   ELSE '{}' END,
           %(language)s,
           format(t.subject, x.case_label, p.product, x.business, m.deadline, m.deadline - %(today)s::date,
                  %(today)s::date - m.deadline, x.received_on, n.number, n.sent_to, n.text),
           format(t.body, x.case_label, p.product, x.business, m.deadline, m.deadline - %(today)s::date,
                  %(today)s::date - m.deadline, x.received_on, n.number, n.sent_to, n.text),
           '[]'::jsonb,  -- reminders carry no secrets (notifications.services: secret_keys)
           %(case_type)s, m.case_id::text,
           'reminder:' || m.case_id || ':' || m.kind || ':' || m.deadline || ':'
               || coalesce('user:' || m.user_id, 'business'),
           CASE m.channel WHEN 'email' THEN 'pending' ELSE 'sent' END, 0, '',
           CASE m.channel WHEN 'email' THEN '' ELSE %(in_app_note)s END,
           CASE m.channel WHEN 'email' THEN now() END, CASE m.channel WHEN 'email' THEN NULL ELSE now() END, now()
    FROM message m
    JOIN planned p ON p.id = m.case_id
    LEFT JOIN issued n ON n.reminder_id = m.id
    CROSS JOIN LATERAL (
        SELECT coalesce(p.number, '#' || p.id) AS case_label, coalesce(p.business_name, '') AS business,
               ((p.received_at AT TIME ZONE %(tz)s)::date)::text AS received_on
    ) x
    JOIN unnest(%(t_template)s::text[], %(t_emailed)s::boolean[], %(t_subject)s::text[], %(t_body)s::text[])
        AS t(template, emailed, subject, body)
        ON t.template = m.template AND t.emailed = (coalesce(n.sent_to, '') <> '')
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM steps), (SELECT count(*) FROM notices),
       (SELECT count(*) FROM outbox)
"""


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


def generate(cursor, *, cases, today, mediators, system_id):
    """Businesses, consumers, `cases` cases (a tenth of them due `today`, see DUE_SLOTS), their transfer sheets
    and the first urging notices the second ones cite (see GENERATE_SQL)."""
    first_on, first_answer_by = first_urge_day(today)
    rows = category_rows(categories(today, first_on=first_on, first_answer_by=first_answer_by))
    columns = list(zip(*rows, strict=True))
    keys = ["c_name", "c_state", "c_acceptance", "c_due", "c_answer", "c_med", "c_stage", "c_stage_due",
            "c_stage_on", "c_bstage", "c_bstage_due", "c_bstage_on", "c_next", "c_queue", "c_escalation", "c_first"]
    cursor.execute(
        GENERATE_SQL,
        {
            **{key: list(values) for key, values in zip(keys, columns, strict=True)},
            "cases": cases,
            "businesses": max(1, cases // CASES_PER_BUSINESS),
            "year": today.year,
            "first_year": first_on.year,
            "first_on": first_on,
            "first_answer_by": first_answer_by,
            "slots": DUE_SLOTS,
            "slot_count": len(DUE_SLOTS),
            "mediators": mediators,
            "mediator_count": len(mediators),
            "system": system_id,
            "tz": TZ,
        },
    )


def fill(size, *, today, mediators, system_id):
    """Empty the tables, generate `size` cases, VACUUM ANALYZE, CHECKPOINT (so neither measurement pays for
    writing out the other's pages)."""
    from django.db import connection

    with connection.cursor() as cursor:
        reset(cursor)
        started = time.perf_counter()
        generate(cursor, cases=size, today=today, mediators=mediators, system_id=system_id)
        print(f"  generated {size:,} cases in {time.perf_counter() - started:.1f} s; VACUUM ANALYZE …", flush=True)
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def reset(cursor):
    cursor.execute(
        "TRUNCATE reminders_urgingnotice, cases_historicaldocument, cases_document, reminders_casereminder, "
        "notifications_notification, "
        "mediation_transfersheet, cases_case, cases_consumer, cases_business RESTART IDENTITY CASCADE"
    )
    cursor.execute("DELETE FROM cases_sequence WHERE prefix = 'CB'")


def pg_format(render, names):
    """A text the sweep renders from a template, as a PostgreSQL format() string taking `names` in that order:
    `render` gets a marker for each name and the output's markers become %1$s, %2$s, …"""
    marked = render({name: f"\x01{i}\x02" for i, name in enumerate(names, 1)})
    return re.sub("\x01(\\d+)\x02", r"%\1$s", marked.replace("%", "%%"))


def notice_formats(today):
    """The urging notice's text (reminders/urging_notice.txt) for the first and the second round."""
    from django.conf import settings
    from django.template import Context, Engine

    from cases.deadlines import urged_answer_due
    from cases.documents import without_closing
    from core.dates import cn_date as _cn_date

    answer = urged_answer_due(today)
    template = Engine.get_default().get_template("reminders/urging_notice.txt")
    names = ["business", "sheet", "case", "product", "transferred_on", "deadline", "days_overdue", "first_number",
             "first_issued_on"]
    constants = {
        "answer_days": settings.CASE_URGE_ANSWER_DAYS, "answer_by": _cn_date(answer.on),
        "provisional": answer.provisional, "issued_on": _cn_date(today), "association": settings.ASSOCIATION_NAME,
        "phone": settings.ASSOCIATION_PHONE,
    }
    def text(marks, round_):
        return template.render(Context({**marks, **constants, "round": round_})).strip()

    full = [pg_format(lambda marks, r=r: text(marks, r), names) for r in (1, 2)]
    closing = _cn_date(today)
    document = [pg_format(lambda marks, r=r: without_closing(text(marks, r), date=closing), names) for r in (1, 2)]
    return answer.on, full, document


OUTBOX_TEMPLATES = [
    "business_reminder", "business_unreachable", "urging_notice", "first_urge", "second_urge", "due_today",
    "handling_overdue", "supervisor_queue", "escalation_candidate", "acceptance_soon", "acceptance_overdue",
    "mediation_limit",
]
OUTBOX_ARGS = ["case", "product", "business", "deadline", "days_left", "days_overdue", "received_on", "notice",
               "emailed", "text"]


def outbox_formats():
    """Subject and body of each outbox template (notifications/reminders/*), with and without an email address for
    the urging notice: arrays (template, emailed, subject, body) for BASELINE_SQL."""
    from django.conf import settings
    from django.template import Context, Engine, TemplateDoesNotExist

    engine = Engine.get_default()
    constants = {"association": settings.ASSOCIATION_NAME, "phone": settings.ASSOCIATION_PHONE}
    table = {"t_template": [], "t_emailed": [], "t_subject": [], "t_body": []}
    for name in OUTBOX_TEMPLATES:
        for emailed in (False, True):
            urging = name in ("urging_notice", "first_urge", "second_urge")

            def render(marks, part, name=name, emailed=emailed, urging=urging):
                if not urging:
                    marks = {k: v for k, v in marks.items() if k not in ("notice", "emailed", "text")}
                elif not emailed:
                    marks = {**marks, "emailed": ""}
                try:
                    template = engine.get_template(f"notifications/reminders/{name}/{part}.txt")
                except TemplateDoesNotExist:
                    return ""
                return template.render(Context({**marks, **constants}, autoescape=False))

            subject = pg_format(lambda marks, render=render: " ".join(render(marks, "subject").split()), OUTBOX_ARGS)
            body = pg_format(lambda marks, render=render: render(marks, "body").strip(), OUTBOX_ARGS)
            for key, value in zip(table, (name, emailed, subject, body), strict=True):
                table[key].append(value)
    return table


def ladder_table():
    """cases.ladder's steps as rows (ladder, kind, place, days from the deadline, least gap) for BASELINE_SQL."""
    from cases import ladder

    days = ladder.offsets()
    table = {"l_ladder": [], "l_kind": [], "l_ord": [], "l_days": [], "l_gap": []}
    for code, steps in (("A", ladder.ACCEPTANCE_LADDER), ("H", ladder.HANDLING_LADDER), ("B", ladder.ANSWER_LADDER)):
        for place, kind in enumerate(steps, 1):
            for key, value in zip(table, (code, str(kind), place, days.days[kind], days.gaps.get(kind)), strict=True):
                table[key].append(value)
    return table


def run_baseline(cursor, *, today, supervisors, system_id):
    """The hand-written statement; returns (seconds, (claimed, steps, notices, outbox rows))."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.utils.translation import gettext_lazy

    from cases.models import Case, DocumentKind
    from core.audit import record_text
    from notifications.channels import InAppChannel

    cursor.execute(
        "INSERT INTO cases_sequence (prefix, year, last) VALUES ('CB', %s, 0) ON CONFLICT DO NOTHING", [today.year]
    )
    answer_by, (notice_1, notice_2), (document_1, document_2) = notice_formats(today)
    params = {
        **ladder_table(),
        **outbox_formats(),
        "today": today,
        "year": today.year,
        "handling": list(HANDLING),
        "mediation_states": list(MEDIATION_LIMIT),
        "urge_answer_by": answer_by,
        "notice_1": notice_1,
        "notice_2": notice_2,
        "document_1": document_1,
        "document_2": document_2,
        "document_kind": DocumentKind.URGING_NOTICE.value,
        "title": DocumentKind.URGING_NOTICE.title_zh,
        "history_reason": str(record_text(gettext_lazy("Document issued: %(n)s"), n="")),
        "system": system_id,
        "supervisors": supervisors,
        "case_type": ContentType.objects.get_for_model(Case).pk,
        "association": settings.ASSOCIATION_NAME,
        "phone": settings.ASSOCIATION_PHONE,
        "language": settings.LANGUAGE_CODE,
        "in_app_note": InAppChannel.note,
        "tz": TZ,
    }
    # Its row estimates are far off (CTEs), which would make PostgreSQL spend seconds on JIT compilation; the sweep's
    # small statements never reach the JIT's threshold.
    cursor.execute("SET jit = off")
    started = time.perf_counter()
    cursor.execute(BASELINE_SQL, params)  # in autocommit mode: the time includes the commit
    counts = cursor.fetchone()
    seconds = time.perf_counter() - started
    cursor.execute("RESET jit")
    return seconds, counts


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
        fill(size, today=today, mediators=mediators, system_id=system_id)
        with connection.cursor() as cursor:
            baseline, counts = run_baseline(cursor, today=today, supervisors=supervisors, system_id=system_id)
        print(f"  hand-written SQL statement: {baseline:.2f} s (claimed, steps, notices, outbox rows) = {counts}")
        fill(size, today=today, mediators=mediators, system_id=system_id)  # the same data again, for the sweep
        seconds, result, growth = run_sweep(today=today, batch_size=args.batch_size)
        print(f"  sweep: {seconds:.2f} s, {result}, peak RSS growth {growth / 2**20:.1f} MiB", flush=True)
        if (result.claimed, result.steps, result.urging_notices, result.notifications) != tuple(counts):
            print(f"  WARNING: the sweep and the SQL statement did different work: {result} vs {counts}")
        fill(size, today=today, mediators=mediators, system_id=system_id)
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

