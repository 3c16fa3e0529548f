"""The staff pages at a million cases (issue 12): the workbench, the case list with its filters, the search, the
case page and the statistics year view, timed warm through the test client against PostgreSQL.

    .venv/bin/python -m benchmarks workbench                       # fill 1,000,000 cases, then measure
    .venv/bin/python -m benchmarks workbench --cases 100000
    .venv/bin/python -m benchmarks workbench --reuse               # measure the database filled before

The database (default `xiehui_workbench_bench`, --database-url / BENCH_WORKBENCH_DATABASE_URL; the name must end
in _bench) is recreated, migrated and filled with set-based SQL (INSERT … SELECT generate_series, one statement per
table), with realistic spreads:
- 20,000 businesses, a few of them with many complaints (business = 20,000·u^2.5 for uniform u), in 16 regions;
- 60 mediators and 4 supervisors, the caseload uneven between them;
- three years of receipts, more in recent months; a case received recently is more likely still open (85% of
  those under 15 days, 25% at 15–30 days, 8% at 30–60 days, 1% older: some of them overdue), the finished ones
  resolved, terminated, withdrawn, rejected, mostly closed;
- one consumer per case and 3% who complain twice; Chinese names from common surnames and given names, mobile
  numbers, ID numbers for 60%; goods from 60 products, facts combined from 42 sentence parts, their search words
  as cases.search cuts them (jieba, computed per part in Python); one complaint of years ago only (an ofo deposit,
  a tenth of the cases older than 900 days), so that a search finds matches that are all old;
- escalations waiting for a decision and cases in the supervisors' queue.
Then VACUUM ANALYZE, the monthly totals of the statistics built once (reports.totals), and each page is rendered
once to warm up and then `--runs` times (median), with its query count.
"""

import argparse
import os
import statistics as stats
import sys
import time
from datetime import date

from .sweep import _create_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xiehui_workbench_bench"
BUSINESSES = 20_000
MEDIATORS = 60
SUPERVISORS = 4
YEARS = 3

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
    "霞", "平", "刚", "桂英", "建华", "建国", "志强", "晓东", "海燕", "丽娟", "文博", "思远", "雨桐", "子涵",
    "浩然", "欣怡", "梓萱", "俊杰", "佳怡", "宇航", "一鸣", "婷婷",
]
PRODUCTS = [
    "海尔双门冰箱", "美的变频空调", "格力挂式空调", "小米智能手机", "华为笔记本电脑", "苹果平板电脑", "老板抽油烟机",
    "方太燃气灶", "九阳豆浆机", "苏泊尔电饭煲", "西门子洗衣机", "松下电视机", "戴森吸尘器", "飞利浦电动牙刷",
    "公牛插线板", "奔驰轿车", "比亚迪电动汽车", "雅迪电动自行车", "米其林轮胎", "耐克运动鞋", "安踏跑鞋",
    "羽绒服", "真丝连衣裙", "婴儿奶粉", "进口红酒", "月饼礼盒", "生鲜牛肉", "有机蔬菜套餐", "保健品",
    "面膜套装", "精华液", "染发剂", "健身年卡", "英语培训课程", "驾校培训", "宽带套餐", "手机话费套餐",
    "网络游戏充值", "外卖订单", "网约车服务", "家政保洁服务", "装修工程", "实木地板", "定制衣柜", "瓷砖",
    "二手房中介服务", "物业服务", "美容美发服务", "牙齿矫正", "体检套餐", "跟团旅游", "机票", "酒店预订",
    "快递服务", "共享单车押金", "预付卡", "理财产品", "车险理赔", "燃气热水器", "净水器",
]
FACTS_A = [
    "购买后第三天出现故障，无法正常使用。", "收到的商品与网页宣传不符，存在虚假宣传。", "使用一周后发现质量问题，外壳开裂。",
    "商品送达时包装破损，内部零件缺失。", "服务人员态度恶劣，未按约定提供服务。", "商家收取定金后迟迟不发货。",
    "产品在保修期内反复出现同样的问题。", "经营者擅自提高价格，与合同约定不一致。", "食用后出现腹泻等不适症状。",
    "充电时机身严重发热并冒烟，存在安全隐患。", "办理会员卡后商家突然关门停业。", "培训机构承诺的课程未按时开设。",
    "车辆行驶中多次自动熄火，经检测为发动机故障。", "装修完工后墙面大面积开裂渗水。", "实际到手的数量少于订单数量，计量不足。",
    "网络平台自动续费，未提前告知消费者。", "商品为假冒注册商标的产品。", "酒店入住时被告知预订的房型已满。",
    "快递丢失后快递公司拒绝按价赔偿。", "预付卡余额无法退还，商家推诿责任。",
]
FACTS_B = [
    "多次联系客服均被推诿。", "售后两次上门维修仍未修好。", "商家只同意维修，拒绝退货。", "经营者以已过七天为由拒绝处理。",
    "客服承诺三日内回复，至今没有答复。", "门店经理表示需要厂家鉴定。", "商家要求消费者自行承担运费。",
    "商家仅愿意补偿小额优惠券。", "经营者否认销售过该商品。", "平台称是第三方商家的责任。",
    "商家同意换货但一直没有货源。", "对方要求消费者提供专业检测报告。",
]
FACTS_C = [
    "消费者保留了购物发票和聊天记录。", "有维修单据和照片为证。", "消费者已在十二三一五平台反映过。",
    "家中有老人和小孩，影响正常生活。", "涉及金额较大，消费者情绪激动。", "同一小区多名业主遇到相同问题。",
    "消费者要求按照消法第五十五条赔偿。", "已超过约定的交付期限一个月。", "消费者提供了检测机构的报告。",
    "商家承认产品存在批次质量问题。",
]


OLD_FACT = "ofo小黄车押金至今未退。"
OLD_AGE_DAYS = 900


def _words(parts):
    from cases.search import words

    return [" ".join(words(part)) for part in parts]


FILL_SQL = """
SELECT setseed(0.42);
INSERT INTO cases_region (name, code)
SELECT '示范市第' || g || '区', 'B' || lpad(g::text, 2, '0') FROM generate_series(1, 16) g;
INSERT INTO cases_business (name, credit_code, address, contact_person, phone, email, region_id, created_at)
SELECT (%(cities)s::text[])[1 + g %% 12] || (%(shops)s::text[])[1 + (g / 12) %% 20] || g || '号店',
       NULL, '示范市中山路' || g || '号', '店长', '021-' || lpad((5550000 + g)::text, 8, '0'),
       'shop' || g || '@example.com', (SELECT min(id) FROM cases_region) + g %% 16, now()
FROM generate_series(1, %(businesses)s) g;

INSERT INTO cases_consumer (name, phone, id_number, address, email, created_at)
SELECT (%(surnames)s::text[])[1 + g %% %(n_surnames)s] || (%(given)s::text[])[1 + (g / 7) %% %(n_given)s],
       '1' || (ARRAY['3','5','7','8','9'])[1 + g %% 5] || lpad(((g::bigint * 982451653) %% 1000000000)::text, 9, '0'),
       CASE WHEN g %% 5 < 3 THEN '3101' || lpad((g %% 100)::text, 2, '0')
            || to_char(date '1960-01-01' + (g * 37) %% 16000, 'YYYYMMDD') || lpad((g %% 10000)::text, 4, '0')
            ELSE '' END,
       '示范市示范路' || g || '弄', '', now()
FROM generate_series(1, %(cases)s) g;

CREATE TEMP TABLE bench_draw ON COMMIT DROP AS
SELECT g,
       %(today)s::date - %(days)s + floor(%(days)s * sqrt(random()))::int AS received_on,
       random() AS u_state, random() AS u_open, random() AS u_business, random() AS u_mediator,
       1 + floor(random() * %(n_products)s)::int AS p, 1 + floor(random() * %(n_a)s)::int AS a,
       1 + floor(random() * %(n_b)s)::int AS b, 1 + floor(random() * %(n_c)s)::int AS c
FROM generate_series(1, %(cases)s) g;

CREATE TEMP TABLE bench_case ON COMMIT DROP AS
SELECT d.*, %(today)s::date - d.received_on AS age,
       CASE WHEN d.u_open < CASE WHEN %(today)s::date - d.received_on <= 15 THEN 0.85
                                 WHEN %(today)s::date - d.received_on <= 30 THEN 0.25
                                 WHEN %(today)s::date - d.received_on <= 60 THEN 0.08 ELSE 0.01 END
            THEN CASE WHEN %(today)s::date - d.received_on <= 7 AND d.u_state < 0.45 THEN 'submitted'
                      WHEN d.u_state < 0.55 THEN 'accepted' WHEN d.u_state < 0.75 THEN 'transferred'
                      WHEN d.u_state < 0.85 THEN 'replied' WHEN d.u_state < 0.97 THEN 'mediating'
                      ELSE 'appraisal' END
            ELSE CASE WHEN d.u_state < 0.08 THEN 'rejected' WHEN d.u_state < 0.11 THEN 'resolved'
                      WHEN d.u_state < 0.13 THEN 'terminated' WHEN d.u_state < 0.14 THEN 'withdrawn'
                      ELSE 'closed' END END AS state
FROM bench_draw d;

INSERT INTO cases_case (
    id, state, number, channel, nature, category, consumer_id, business_id, product, purchased_on, amount_paid,
    facts, demand_type, demand, amount_claimed, mediator_id, received_at, acceptance_due_on, filed_on, due_on,
    answer_due_on, deadlines_provisional, pause_kind, paused_on, mediation_due_on, reminder_stage,
    answer_reminder_stage, supervisor_queue_since, decided_on, rejection_explanation, transferred_at,
    reply_summary, replied_at, agreement_terms, money_recovered, termination_ground_id, advised_channel,
    termination_explanation, withdrawal_reason, outcome_on, closing_note, closed_at, tracking_secret_hash,
    search_words, created_at, updated_at)
SELECT k.g, k.state,
       CASE WHEN k.state <> 'submitted' THEN 'TS-' || extract(year FROM k.received_on) || '-'
            || lpad((k.g %% 1000000)::text, 6, '0') END,
       (ARRAY['online','online','phone','letter','walk_in','transferred_in'])[1 + k.g %% 6],
       (ARRAY['after_sales','contract','quality','quality','price','false_advertising','safety','counterfeit',
              'measurement','other'])[1 + (k.g * 7) %% 10],
       (ARRAY['household_appliances','vehicles','food','clothing','daily_goods','housing','cosmetics',
              'education','internet','telecom','lifestyle','medical','travel','finance','transport',
              'other'])[1 + (k.p * 13) %% 16],
       CASE WHEN k.g %% 33 = 0 THEN k.g - 1 ELSE k.g END,
       1 + floor(%(businesses)s * power(k.u_business, 2.5))::int,
       (%(products)s::text[])[k.p], k.received_on - 20, 100 + (k.g %% 9000),
       (%(facts_a)s::text[])[k.a] || (%(facts_b)s::text[])[k.b] || (%(facts_c)s::text[])[k.c]
           || CASE WHEN k.age > %(old_age)s AND k.g %% 10 = 0 THEN %(old_fact)s ELSE '' END,
       (ARRAY['refund','return','replacement','repair','compensation'])[1 + k.g %% 5], '退货退款并赔偿损失。',
       100 + (k.g %% 9000),
       CASE WHEN k.state = 'submitted' AND k.g %% 2 = 0 THEN NULL
            ELSE (%(mediators)s::int[])[1 + floor(%(n_mediators)s * power(k.u_mediator, 1.6))::int] END,
       (k.received_on + time '09:00' + (k.g %% 480) * interval '1 minute') AT TIME ZONE %(tz)s,
       k.received_on + 9,
       CASE WHEN k.state NOT IN ('submitted', 'rejected') THEN k.received_on + 1 + k.g %% 3 END,
       CASE WHEN k.state NOT IN ('submitted', 'rejected') THEN k.received_on + 16 + k.g %% 3 END,
       CASE WHEN k.state NOT IN ('submitted', 'rejected', 'accepted') THEN k.received_on + 11 END,
       false,
       CASE WHEN k.state = 'appraisal' THEN 'appraisal'
            WHEN k.state = 'submitted' AND k.g %% 10 = 0 THEN 'supplement' ELSE '' END,
       CASE WHEN k.state = 'appraisal' OR (k.state = 'submitted' AND k.g %% 10 = 0) THEN k.received_on + 3 END,
       CASE WHEN k.state NOT IN ('submitted', 'rejected') THEN k.received_on + 64 END,
       '', '',
       CASE WHEN k.state IN ('transferred', 'replied', 'mediating') AND k.age > 25 THEN k.received_on + 25 END,
       CASE WHEN k.state <> 'submitted' THEN k.received_on + 1 + k.g %% 3 END,
       CASE WHEN k.state = 'rejected' THEN '不属于消协受理范围。' ELSE '' END,
       CASE WHEN k.state NOT IN ('submitted', 'rejected', 'accepted')
            THEN (k.received_on + 4 + time '15:00') AT TIME ZONE %(tz)s END,
       CASE WHEN k.state NOT IN ('submitted', 'rejected', 'accepted', 'transferred') THEN '同意协商处理。' ELSE '' END,
       CASE WHEN k.state NOT IN ('submitted', 'rejected', 'accepted', 'transferred')
            THEN (k.received_on + 9 + time '11:00') AT TIME ZONE %(tz)s END,
       CASE WHEN k.state = 'resolved' OR (k.state = 'closed' AND k.u_state < 0.75) THEN '退款并赔偿。' ELSE '' END,
       CASE WHEN k.state = 'resolved' OR (k.state = 'closed' AND k.u_state < 0.75) THEN (k.g %% 5000) + 0.5 END,
       CASE WHEN k.state = 'terminated' OR (k.state = 'closed' AND k.u_state BETWEEN 0.75 AND 0.9)
            THEN (SELECT min(id) FROM cases_terminationground) + k.g %% 5 END,
       CASE WHEN k.state = 'terminated' OR (k.state = 'closed' AND k.u_state BETWEEN 0.75 AND 0.9)
            THEN 'court' ELSE '' END, '',
       CASE WHEN k.state = 'withdrawn' OR (k.state = 'closed' AND k.u_state >= 0.9) THEN '已与商家和解。' ELSE '' END,
       CASE WHEN k.state IN ('resolved', 'terminated', 'withdrawn', 'closed') THEN k.received_on + 5 + k.g %% 20 END,
       '',
       CASE WHEN k.state = 'closed' THEN (k.received_on + 30 + time '16:00') AT TIME ZONE %(tz)s END,
       '',
       (%(product_words)s::text[])[k.p] || ' ' || (%(words_a)s::text[])[k.a] || ' ' || (%(words_b)s::text[])[k.b]
           || ' ' || (%(words_c)s::text[])[k.c]
           || CASE WHEN k.age > %(old_age)s AND k.g %% 10 = 0 THEN ' ' || %(old_words)s ELSE '' END,
       now(), now()
FROM bench_case k;
SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %(cases)s);
SELECT setval(pg_get_serial_sequence('cases_consumer', 'id'), %(cases)s);

INSERT INTO mediation_escalation (case_id, business_id, kind, reasons, status, proposed_by_id, proposed_at,
                                  decision_note)
SELECT c.id, c.business_id, 'report', '多次催办仍不答复，影响众多消费者。', 'proposed', c.mediator_id, now(), ''
FROM cases_case c WHERE c.supervisor_queue_since IS NOT NULL AND c.id %% 50 = 0 AND c.mediator_id IS NOT NULL;
"""


def _people():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    ids = {}
    for group, count in (("mediator", MEDIATORS), ("supervisor", SUPERVISORS)):
        users = []
        for i in range(count):
            user, _ = user_model.objects.get_or_create(
                username=f"bench-{group}-{i}",
                defaults={"is_staff": True, "first_name": GIVEN[i % len(GIVEN)], "last_name": SURNAMES[i % len(SURNAMES)]},
            )
            users.append(user)
        Group.objects.get(name=group).user_set.add(*users)
        ids[group] = [u.pk for u in users]
    return ids["mediator"], ids["supervisor"]


def fill(cases, *, today):
    from django.db import connection, transaction

    mediators, supervisors = _people()
    params = {
        "cases": cases,
        "businesses": BUSINESSES,
        "today": today,
        "days": 365 * YEARS,
        "tz": "Asia/Shanghai",
        "cities": ["华东", "华南", "东方", "金桥", "新华", "长江", "黄河", "阳光", "恒通", "联华", "百佳", "永辉"],
        "shops": ["电器", "数码", "汽车销售", "服饰", "超市", "家居", "装饰工程", "教育培训", "旅行社", "通信",
                  "餐饮", "健身", "美容", "药房", "物业", "房产中介", "快递", "酒店", "网络科技", "食品"],
        "surnames": SURNAMES, "n_surnames": len(SURNAMES), "given": GIVEN, "n_given": len(GIVEN),
        "products": PRODUCTS, "n_products": len(PRODUCTS), "product_words": _words(PRODUCTS),
        "facts_a": FACTS_A, "n_a": len(FACTS_A), "words_a": _words(FACTS_A),
        "facts_b": FACTS_B, "n_b": len(FACTS_B), "words_b": _words(FACTS_B),
        "facts_c": FACTS_C, "n_c": len(FACTS_C), "words_c": _words(FACTS_C),
        "mediators": mediators + supervisors[:1], "n_mediators": len(mediators) + 1,
        # A complaint of years ago only (a bike-sharing deposit): a word whose matches are all old cases.
        "old_age": OLD_AGE_DAYS, "old_fact": OLD_FACT, "old_words": " ".join(_words([OLD_FACT])),
    }
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(FILL_SQL, params)
    print(f"  filled {cases:,} cases in {time.perf_counter() - started:.0f} s; VACUUM ANALYZE …", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  ready after {time.perf_counter() - started:.0f} s", flush=True)


# --- measuring ---------------------------------------------------------------------------------------------------


def _timed(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm
    assert response.status_code == 200, (url, response.status_code)
    timings, sql = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        sql.append(sum(float(q["time"]) for q in ctx.captured_queries))
    return stats.median(timings), len(ctx.captured_queries), stats.median(sql)


def _timed_call(fn, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            timings.append(time.perf_counter() - started)
    return stats.median(timings), len(ctx.captured_queries)


def measure(runs):
    from urllib.parse import urlencode

    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from cases.models import Business, Case

    user_model = get_user_model()
    busiest = (  # the mediator with most open cases
        Case.objects.filter(state__in=["accepted", "transferred", "replied", "mediating"], mediator__isnull=False)
        .values("mediator")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("mediator", flat=True)
        .first()
    )
    mediator = user_model.objects.get(pk=busiest)
    supervisor = user_model.objects.get(username="bench-supervisor-1")
    as_mediator, as_supervisor = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    as_mediator.force_login(mediator)
    as_supervisor.force_login(supervisor)

    open_case = Case.objects.filter(state="mediating").order_by("-pk").values("pk", "number").first()
    sample = Case.objects.select_related("consumer", "business").get(pk=open_case["pk"])
    big_business = Business.objects.order_by("pk").first()
    year = date.today().year - 1
    lists = "/admin/cases/case/"
    rows = [
        ("workbench, mediator", as_mediator, "/admin/", 150),
        ("workbench, supervisor", as_supervisor, "/admin/", 150),
        ("case list", as_supervisor, lists, 100),
        ("case list, overdue", as_supervisor, lists + "?work=overdue", 100),
        ("case list, state transferred", as_supervisor, lists + "?state__exact=transferred", 100),
        ("case list, one mediator", as_supervisor, lists + f"?mediator__id__exact={mediator.pk}", 100),
        ("case list, largest business", as_supervisor, lists + f"?business__id__exact={big_business.pk}", 100),
        ("search case number", as_supervisor, lists + "?" + urlencode({"q": open_case["number"]}), 50),
        ("search WS number", as_supervisor, lists + "?" + urlencode({"q": f"WS{open_case['pk']:08d}"}), 50),
        ("search whole phone", as_supervisor, lists + "?" + urlencode({"q": sample.consumer.phone}), 50),
        ("search phone, last 4 digits", as_supervisor, lists + "?" + urlencode({"q": sample.consumer.phone[-4:]}), 50),
        ("search consumer name", as_supervisor, lists + "?" + urlencode({"q": sample.consumer.name}), 300),
        ("search business name part", as_supervisor, lists + "?" + urlencode({"q": sample.business.name[:6]}), 300),
        ("search product", as_supervisor, lists + "?" + urlencode({"q": "戴森吸尘器"}), 300),
        ("search facts words", as_supervisor, lists + "?" + urlencode({"q": "冒烟 安全隐患"}), 300),
        ("search facts word, common", as_supervisor, lists + "?" + urlencode({"q": "鉴定"}), 300),
        ("search a word of old cases only", as_supervisor, lists + "?" + urlencode({"q": "ofo"}), 300),
        ("case page", as_supervisor, f"/admin/cases/case/{open_case['pk']}/change/", 150),
        ("case page's audit trail (opened)", as_supervisor, f"/admin/cases/case/{open_case['pk']}/trail/", 150),
        ("overdue view (with summaries)", as_supervisor, "/admin/reminders/overduecase/", 150),
        ("statistics, last year", as_supervisor,
         "/admin/reports/statistics/?" + urlencode({"start": f"{year}-01-01", "end": f"{year}-12-31"}), 500),
    ]
    results = []
    for label, client, url, target in rows:
        seconds, queries, sql = _timed(client, url, runs)
        results.append((label, seconds, queries, sql, target))
        print(f"  {label:<32} {seconds * 1000:8.0f} ms  {queries:3d} queries  {sql * 1000:6.0f} ms in SQL"
              f"  (target {target} ms)", flush=True)
    return results


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks workbench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure the database filled by an earlier run")
    parser.add_argument("--fill-only", action="store_true", help="fill the database, measure nothing")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_WORKBENCH_DATABASE_URL", DEFAULT_URL)
    )
    args = parser.parse_args(argv)
    if not args.reuse:
        _create_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    today = date.today()
    if not args.reuse:
        print(f"Filling {args.database_url} with {args.cases:,} cases …", flush=True)
        fill(args.cases, today=today)
    from reports.models import MonthlyTotal
    from reports.totals import monthly_totals_rebuild

    if not args.reuse or not MonthlyTotal.objects.exists():
        started = time.perf_counter()
        monthly_totals_rebuild()
        from django.db import connection

        with connection.cursor() as cursor:  # as autovacuum would soon: the planner needs the new rows' spread
            cursor.execute("ANALYZE reports_monthlytotal")
        print(f"  monthly totals built in {time.perf_counter() - started:.1f} s", flush=True)
    if args.fill_only:
        return 0
    print(f"\nwarm, median of {args.runs} runs (including the test client's own work); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    measure(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

