"""Demo data: users for each role, businesses, and a realistic recent three months of complaints.

Each demo case is a story: the steps people take (a consumer files online, a mediator accepts and transfers, the
business answers in the portal, the consumer accepts the offer, …), each through the same public service the admin,
the portal and the public pages call, on its own past day. Every morning of those months the deadline sweep and the
follow-up sweep run as they would in production, so the reminders, the urging notices (催办) on overdue transfer
sheets, the supervisors' queue and the follow-up closings that a real month produces are all there to look at, and
every finished case carries the documents its path implies.

Idempotent: users are ensured (and their demo passwords reset) on every run; businesses and cases are created once.
"""

import heapq
import itertools
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import StaffProfile
from api import events as api_events
from api import services as api
from api.models import Partner, Scope
from cases import services as cases
from cases.models import Business, Case, ConsentMethod, Region, RejectionGround, RuleSet, TerminationGround
from cases.users import BUSINESS_GROUP, MEDIATOR_GROUP, SUPERVISOR_GROUP
from demo import evidence
from groups.services import hotspot_alerts_send
from mediation.models import AppraisalBody, Escalation
from mediation.services import appraisal, escalation, follow_up, outcomes, performance, transfers
from mediation.services.follow_up import follow_up_sweep
from portal.services import complaint_submit_online
from reminders.services import deadlines_sweep

from ...group_stories import GroupStories

DEMO_USERS = [
    # username, password, groups, is_staff, real name (first name and StaffProfile.display_name), phone
    ("tiaojie", "tiaojie-demo-2026", [MEDIATOR_GROUP], True, "李晓梅", "021-55556101"),
    ("tiaojie2", "tiaojie2-demo-2026", [MEDIATOR_GROUP], True, "王建国", "021-55556102"),
    ("zhuguan", "zhuguan-demo-2026", [SUPERVISOR_GROUP], True, "赵志强", "021-55556100"),
    ("zhuguan2", "zhuguan2-demo-2026", [SUPERVISOR_GROUP], True, "钱丽华", "021-55556001"),
    ("qiye", "qiye-demo-2026", [BUSINESS_GROUP], False, "陈国栋", "021-55550001"),
]

BUSINESSES = [
    ("华联电器商场", "91310000MA1FL0DE01", "示范市中山路88号", "陈经理", "021-55550001", "service@hualian.example"),
    ("优购网络科技有限公司", "91310000MA1FL0DE02", "示范市科技园1号楼", "刘客服", "400-800-0002", "kf@yougou.example"),
    ("阳光汽车销售服务有限公司", "91310000MA1FL0DE03", "示范市汽车城9号", "孙经理", "021-55550003", "ss@yangguang.example"),
    ("美丽人生美容美发店", "91310000MA1FL0DE04", "示范市解放路12号", "周店长", "021-55550004", "mlrs@example.com"),
    ("学而优教育培训中心", "91310000MA1FL0DE05", "示范市文化街5号", "吴校长", "021-55550005", "xey@example.com"),
    ("鲜丰生鲜超市", "91310000MA1FL0DE06", "示范市菜市路3号", "郑店长", "021-55550006", "xf@example.com"),
    ("畅游国际旅行社", "91310000MA1FL0DE07", "示范市人民广场2号", "冯经理", "021-55550007", "cy@example.com"),
    ("安居家装工程有限公司", "91310000MA1FL0DE08", "示范市建设路66号", "蒋经理", "021-55550008", ""),
]

REGIONS = [("DC", "东城区"), ("XC", "西城区"), ("GX", "高新区")]

# business index, category, nature, product, amount, facts, demand type, demand
COMPLAINTS = [
    (0, "household_appliances", "quality", "双门冰箱", "4299.00", "购买后第十天冰箱冷藏室不制冷，售后上门两次未修好。", "replacement", "要求更换同型号新冰箱。"),
    (0, "household_appliances", "after_sales", "滚筒洗衣机", "3199.00", "洗衣机漏水，报修后一周无人上门。", "repair", "要求尽快上门维修并赔偿误工损失。"),
    (1, "internet", "false_advertising", "网购蓝牙耳机", "599.00", "商品页面宣传降噪40分贝，实际几乎无降噪效果。", "refund", "要求退货退款。"),
    (1, "internet", "contract", "会员年卡", "198.00", "自动续费未提前告知，扣款后拒绝退款。", "refund", "要求退还自动续费款项。"),
    (2, "vehicles", "quality", "家用轿车", "156800.00", "新车交付三个月内变速箱异响，多次维修未解决。", "replacement", "要求换车或退车。"),
    (2, "vehicles", "price", "车辆保养套餐", "2680.00", "保养套餐实际收费与宣传价格不符，多收费用。", "refund", "要求退还多收的费用。"),
    (3, "lifestyle", "contract", "美容预付卡", "5000.00", "店铺突然停业，预付卡余额无法使用。", "refund", "要求退还预付卡余额3200元。"),
    (3, "cosmetics", "safety", "面部护理服务", "880.00", "做完面部护理后皮肤红肿过敏，就医花费600元。", "compensation", "要求赔偿医疗费并退还服务费。"),
    (4, "education", "contract", "英语培训课程", "12800.00", "课程未上完机构更换授课老师且质量下降，要求退课被拒。", "refund", "要求按剩余课时退费。"),
    (4, "education", "false_advertising", "考研辅导班", "9800.00", "宣称“不过全额退款”，考试未通过后拒绝退款。", "refund", "要求按承诺全额退款。"),
    (5, "food", "quality", "冷冻水饺", "45.80", "购买的水饺已过保质期仍在销售。", "punitive_148", "要求退还货款并按食品安全法第一百四十八条支付赔偿金。"),
    (5, "food", "measurement", "散装大米", "120.00", "称重缺斤短两，10斤实际只有9斤。", "refund", "要求补足分量或退款。"),
    (6, "travel", "contract", "云南六日游", "6800.00", "行程中擅自增加购物点，减少景点。", "compensation", "要求赔偿未游览景点的费用。"),
    (6, "travel", "after_sales", "机票代订服务", "2350.00", "航班取消后旅行社拒绝办理退票。", "refund", "要求全额退票款。"),
    (7, "housing", "quality", "全屋装修", "86000.00", "墙面大面积开裂，瓷砖空鼓。", "repair", "要求返工维修并赔偿损失。"),
    (7, "housing", "contract", "定制橱柜", "15600.00", "交货时间超过合同约定两个月。", "compensation", "要求按合同支付违约金。"),
]

CONSUMERS = [
    ("张伟", "13900001001"), ("王芳", "13900001002"), ("李娜", "13900001003"), ("刘洋", "13900001004"),
    ("陈静", "13900001005"), ("杨磊", "13900001006"), ("赵敏", "13900001007"), ("黄强", "13900001008"),
    ("周丽", "13900001009"), ("吴刚", "13900001010"), ("徐婷", "13900001011"), ("孙明", "13900001012"),
    ("马超", "13900001013"), ("朱红", "13900001014"), ("胡军", "13900001015"), ("郭燕", "13900001016"),
]
DEMO_PHONE_PREFIX = "139000010"

# (story, days ago the complaint was received, complaint index). Every state of domain.md appears, and the
# paths that produce each document, notice and reminder.
PLANS = [
    ("online_new", 0, 2),  # an online complaint nobody has taken yet: a mediator claims or accepts it
    ("online_new", 1, 9),
    ("staff_new", 2, 1),
    ("supplement", 5, 6),  # waiting for the consumer's material (the acceptance clock waits)
    ("rejected", 12, 11),  # 不予受理告知书
    ("rejected", 20, 15),
    ("accepted", 3, 5),  # filed, not transferred yet
    ("sheet_waiting", 4, 0),  # the sheet's answer date lies ahead: the business gets a reminder first
    ("sheet_overdue", 19, 3),  # the business never answered: first urging notice
    ("sheet_ignored", 30, 14),  # ignored: two urging notices, the supervisors' queue, escalation and publicity
    ("offer_waiting", 10, 12),  # the business offered a remedy in the portal; the consumer has not answered
    ("disputed", 26, 7),  # the business disputed; the association mediates
    ("appraisal", 40, 4),  # quality question at an appraisal body: the clock is paused
    ("offer_accepted", 24, 8),  # the consumer accepted the offer online: agreement (调解协议书), rated
    ("terminated", 30, 13),  # no agreement: 终止调解告知书 (the follow-up window still open)
    ("terminated", 62, 15),  # terminated two months ago: closed by the follow-up sweep
    ("withdrawn", 18, 10),
    ("resolved_recent", 12, 11),  # the mediator recorded an agreement last week; follow-up pending
    ("closed_rated", 70, 0),  # resolved by the mediator, phone follow-up, closed
    ("closed_lapsed", 90, 1),  # resolved; nobody rated: the follow-up sweep closed it
    ("appraisal_resolved", 55, 2),  # appraisal concluded, then agreement
    ("mediation_limit", 85, 5),  # mediated past the limit without agreement
    ("punitive_resolved", 35, 10),  # expired food: refund and 1,000 元 under 食品安全法 art. 148 (加倍赔偿)
    ("extended_by_consent", 75, 14),  # 上海 art. 56: both parties consented to 30 more days of mediation
    ("agent_filed", 6, 9),  # filed online by the consumer's agent with a 授权委托书, with a 举报 referred on
    # The data exchange (api): complaints the 12315 platform forwarded, and a platform business (优购) with a key.
    ("forwarded_new", 1, 14),  # forwarded yesterday, not screened yet
    ("forwarded_rejected", 16, 11),  # the back-fill carries the rejection with its grounds and notice
    ("forwarded_platform_answered", 21, 3),  # forwarded, transferred to 优购, answered through its API, accepted
    ("platform_sheet_overdue", 17, 2),  # 优购 let a sheet lie: the 催办 reaches it as an event
]

# The demo's API partners: (key in settings.API_DEMO_KEYS, partner name, kind, business index, scopes).
DEMO_PARTNERS = [
    ("12315", "全国12315平台（示范市对接）", Partner.Kind.FORWARDER, None, [Scope.IMPORT, Scope.OPEN_DATA]),
    ("platform", "优购网络科技有限公司（平台接口）", Partner.Kind.BUSINESS, 1, [Scope.BUSINESS, Scope.OPEN_DATA]),
]
# The rules the demo association follows (README, "Rule sets"): its businesses are in 上海 (credit codes 9131…,
# 021 numbers), so the 上海市消费者权益保护条例 with its 60 days + 30 by consent.
DEMO_RULE_SET = "shanghai-2014"


def _demo_photo(name):
    """A small PNG standing for a consumer's photo."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), "#f4f1ea")
    ImageDraw.Draw(image).rectangle((20, 20, 300, 180), outline="#a33", width=6)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class Command(BaseCommand):
    help = "Create demo users, businesses and three months of realistic complaint handling (idempotent)."

    def handle(self, *args, **options):
        users = self._ensure_users()
        if Case.objects.filter(consumer__phone__startswith=DEMO_PHONE_PREFIX).exists():
            self.stdout.write("Demo cases exist already; users ensured.")
        else:
            with transaction.atomic():
                self._follow_rules(users["zhuguan"])
                demo = Demo(users)
                counts = demo.run()
            # What the partners are told: the events recorded on the way were published as each step committed;
            # the urging notices the sweeps issued to the platform business are collected now, as the beat does.
            api_events.urging_collect()
            api_events.events_publish()
            self.stdout.write(self.style.SUCCESS(f"Created {len(PLANS)} demo cases: {counts}."))
            self.api_keys = demo.api_keys
        self._print_logins()

    def _ensure_users(self):
        User = get_user_model()
        users = {}
        for username, password, groups, is_staff, real_name, phone in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.is_staff, user.is_active = real_name, is_staff, True
            user.email = f"{username}@xiehui.localhost"
            user.set_password(password)
            user.save()
            user.groups.set(Group.objects.filter(name__in=groups))
            StaffProfile.objects.update_or_create(user=user, defaults={"display_name": real_name, "phone": phone})
            users[username] = user
        return users

    @staticmethod
    def _follow_rules(supervisor):
        """What a supervisor does in the admin (Rule sets) before the first case: the association follows the 上海
        rule set; the national 暂行办法 row stays, switched off, for the record."""
        for rules in RuleSet.objects.filter(region__isnull=True):
            active = rules.code == DEMO_RULE_SET
            if rules.is_active != active:
                rules.is_active = active
                rules._history_user = supervisor
                rules._change_reason = "示范：本会适用上海市消费者权益保护条例"
                rules.save()

    def _print_logins(self):
        self.stdout.write("\nDemo logins (staff: http://127.0.0.1:8000/admin/, business: http://127.0.0.1:8000/portal/):")
        for username, password, groups, _staff, real_name, _phone in DEMO_USERS:
            self.stdout.write(f"  {groups[0]:<10} {username:<10} {password}   ({real_name})")
        self.stdout.write("\nDemo API keys (reference: http://127.0.0.1:8000/api/docs/):")
        keys = getattr(self, "api_keys", None) or getattr(settings, "API_DEMO_KEYS", {})
        for slot, name, _kind, _business, _scopes in DEMO_PARTNERS:
            key = keys.get(slot) or "(shown once when seeded; issue a new key in the admin: API keys → add)"
            self.stdout.write(f"  {name}: {key}")


class _Story:
    def __init__(self, gen, start):
        self.gen, self.start, self.started = gen, start, False


class Demo(GroupStories):
    """Runs the stories and the daily sweeps in the order their moments fall, each under the clock of its moment."""

    SWEEP_AT = time(7, 30)

    def __init__(self, users):
        self.mediators = [users["tiaojie"], users["tiaojie2"]]
        self.supervisor, self.second_supervisor = users["zhuguan"], users["zhuguan2"]
        self.rng = random.Random(2026)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.portal_user = users["qiye"]
        self.businesses = self._businesses(users["qiye"])
        self.body = self._appraisal_body()
        self.queue = []
        self.order = itertools.count()
        self.counts = {"sweeps": 0, "reminder_steps": 0, "urging_notices": 0, "closed_by_follow_up_sweep": 0}
        self.external_ids = itertools.count(1)
        self.api_keys = {}

    def run(self):
        first = self.today - timedelta(days=max(days for _story, days, _c in PLANS))
        with time_machine.travel(self._at(first, time(7)), tick=False):
            self.partners = self._api_partners()
        for index, (story, days_ago, complaint) in enumerate(PLANS):
            gen = getattr(self, f"story_{story}")(COMPLAINTS[complaint], CONSUMERS[index % len(CONSUMERS)],
                                                  self.mediators[index % 2])
            self._next(_Story(gen, self.today - timedelta(days=days_ago)), None)
        for gen, start in self.group_stories():  # demo/group_stories.py: the 共同投诉 and the hot spot
            self._next(_Story(gen, start), None)
        day = first
        while day <= self.today:
            self._push(self._at(day, self.SWEEP_AT), None, lambda d=day: self._sweep(d))
            day += timedelta(days=1)
        while self.queue:
            when, _n, story, step = heapq.heappop(self.queue)
            with time_machine.travel(when, tick=False):
                result = step()
                # What partners are told, published at the moment (as the on-commit publish and the beat would).
                if story is None:
                    api_events.urging_collect()
                api_events.events_publish()
            if story is not None:
                self._next(story, result)
        return self.counts

    # --- the scheduler -------------------------------------------------------------------------------------

    def _next(self, story, result):
        """Ask the story for its next step, (days after its first day, hour, callable), and queue it; a step
        whose day has not come yet ends the story there, as it would in reality."""
        try:
            days, hour, step = story.gen.send(result) if story.started else next(story.gen)
        except StopIteration:
            return
        story.started = True
        when = self._at(story.start + timedelta(days=days), time(hour, self.rng.randint(0, 59)))
        if when.date() > self.today:
            return
        self._push(min(when, self.now), story, step)

    def _push(self, when, story, step):
        heapq.heappush(self.queue, (when, next(self.order), story, step))

    @staticmethod
    def _at(day: date, at: time) -> datetime:
        return timezone.make_aware(datetime.combine(day, at))

    def _sweep(self, day):
        result = deadlines_sweep(today=day, dispatch=False)
        closed = follow_up_sweep(today=day)
        self.counts["hotspot_alerts"] = self.counts.get("hotspot_alerts", 0) + hotspot_alerts_send(on=day)
        self.counts["sweeps"] += 1
        self.counts["reminder_steps"] += result.steps
        self.counts["urging_notices"] += result.urging_notices
        self.counts["closed_by_follow_up_sweep"] += closed["closed_without_follow_up"] + closed["closed_after_follow_up"]

    # --- the steps of the stories ---------------------------------------------------------------------------

    def _register(self, complaint, person, mediator, *, online=False):
        business_index, category, nature, product, amount, facts, demand_type, demand = complaint
        business = self.businesses[business_index]
        fields = dict(
            product=product, purchased_on=timezone.localdate() - timedelta(days=20), amount_paid=Decimal(amount),
            nature=nature, category=category, facts=facts, demand_type=demand_type, demand=demand,
            amount_claimed=Decimal(amount),
        )
        # Every other consumer gave an email address (the documents are emailed); the others get them by letter.
        with_email = int(person[1][-1]) % 2 == 1
        consumer = {
            "name": person[0], "phone": person[1], "address": f"示范市幸福路{int(person[1][-2:])}号",
            "email": f"consumer{person[1][-4:]}@example.com" if with_email else "",
            "id_number": f"11010119900101{person[1][-4:]}" if with_email else "",
        }
        if online:
            bought = fields["purchased_on"]
            files = [
                evidence.receipt_photo(business.name, product, amount, bought),
                evidence.invoice_pdf(business.name, product, amount, bought),
            ]
            case, _secret = complaint_submit_online(
                consumer=consumer, business={"name": business.name, "address": business.address}, files=files,
                **fields,
            )
            return case
        return cases.case_register(
            actor=mediator, consumer=consumer, business=business, mediator=mediator,
            # a complaint by phone from someone without email: its documents go to the letter queue
            channel="phone" if not with_email else self.rng.choice(["phone", "walk_in", "letter"]),
            received_at=timezone.now(), **fields,
        )

    def _accept_and_transfer(self, case, mediator, *, transfer_after=1):
        yield 1, 10, lambda: cases.case_accept(case_id=case.pk, actor=mediator)
        yield 1 + transfer_after, 11, lambda: transfers.case_transfer(case_id=case.pk, actor=mediator)

    def _answer(self, case, day, **reply):
        def answer():
            sheet = Case.objects.get(pk=case.pk).transfer_sheet
            contact = transfers.business_contact_user(sheet.business)
            return transfers.business_reply_submit(sheet_id=sheet.pk, actor=contact, **reply)

        yield day, 15, answer

    # --- the stories ----------------------------------------------------------------------------------------

    def story_online_new(self, complaint, person, mediator):
        yield 0, 20, lambda: self._register(complaint, person, mediator, online=True)

    def story_staff_new(self, complaint, person, mediator):
        yield 0, 9, lambda: self._register(complaint, person, mediator)

    def story_supplement(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield 1, 10, lambda: cases.case_request_supplement(
            case_id=case.pk, actor=mediator, missing="预付卡购卡凭证；店铺停业的照片"
        )
        # the consumer uploads a photo on the tracking page; the mediator has yet to check it
        yield 3, 21, lambda: cases.case_supplement_upload(
            case_id=case.pk, files=[_demo_photo("店铺停业照片.png")], note="店铺门口贴的停业通知"
        )

    def story_rejected(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        grounds = list(RejectionGround.objects.filter(code__in=["AR17", "AP03"]))
        yield 2, 14, lambda: cases.case_reject(
            case_id=case.pk, actor=mediator, grounds=grounds,
            explanation="经核实，消费者尚未与经营者协商，且商品已过保修期。",
        )

    def story_accepted(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield 1, 10, lambda: cases.case_accept(case_id=case.pk, actor=mediator)

    def story_sheet_waiting(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)

    def story_sheet_overdue(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)

    def story_sheet_ignored(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield 20, 16, lambda: escalation.escalation_propose(
            case_id=case.pk, actor=mediator, kind=Escalation.Kind.PUBLICITY,
            reasons="经营者收到转办单和两次催办通知书后仍不予答复，同类投诉多起，建议媒体曝光。",
        )
        proposal = yield 21, 10, lambda: Escalation.objects.filter(case_id=case.pk).latest("pk")
        yield 21, 11, lambda: escalation.escalation_decide(
            case_id=case.pk, escalation_id=proposal.pk, actor=self.supervisor, approve=True, note="同意曝光。"
        )
        yield 24, 9, lambda: escalation.escalation_publication_record(
            case_id=case.pk, escalation_id=proposal.pk, actor=mediator, outlet="示范日报",
            published_on=timezone.localdate(), title="家装企业拒不答复消协转办投诉",
            summary="示范市消费者协会通报：安居家装工程有限公司对消费者投诉的装修质量问题，收到转办单和催办通知书后拒不答复。",
        )

    def story_offer_waiting(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield from self._answer(
            case, 5, kind="offer", remedy="compensation", amount=Decimal("1200.00"),
            explanation="行程变更属实，愿按未游览景点门票及餐费标准补偿。",
        )

    def story_disputed(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield from self._answer(case, 6, kind="dispute", explanation="过敏系消费者自身体质原因，本店操作规范，不同意赔偿。")
        yield 7, 10, lambda: cases.case_start_mediation(
            case_id=case.pk, actor=mediator, reason="经营者否认责任，转入直接调解，约双方到会。"
        )

    def story_appraisal(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield from self._answer(case, 6, kind="dispute", explanation="车辆异响属正常现象，不存在质量问题。")
        yield 7, 10, lambda: cases.case_start_mediation(case_id=case.pk, actor=mediator, reason="双方对是否存在质量问题有争议。")
        yield 9, 14, lambda: appraisal.appraisal_request(
            case_id=case.pk, actor=mediator, body=self.body, items="变速箱异响是否属于产品质量缺陷",
            fee=Decimal("3500.00"), fee_advanced_by="business",
        )

    def story_offer_accepted(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield from self._answer(
            case, 4, kind="offer", remedy="refund", amount=Decimal("6400.00"),
            explanation="同意按剩余课时退还学费6400元。",
        )
        yield 6, 19, lambda: transfers.consumer_offer_respond(case_id=case.pk, accept=True, comment="同意退费方案。")
        yield 8, 20, lambda: performance.agreement_performance_confirm(
            case_id=case.pk, by="consumer", performed=True, money_paid=Decimal("6400.00"), note="已收到退款。"
        )
        yield 9, 20, lambda: follow_up.consumer_rate(case_id=case.pk, satisfaction=5, comment="处理很及时，谢谢。")

    def story_terminated(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield from self._answer(case, 5, kind="dispute", explanation="行程变更已告知游客并经同意。")
        yield 6, 10, lambda: cases.case_start_mediation(case_id=case.pk, actor=mediator, reason="企业不同意赔偿，组织调解。")
        yield 20, 15, lambda: outcomes.outcome_terminate(
            case_id=case.pk, actor=mediator, ground=TerminationGround.objects.get(code="T01"), channel="court",
            explanation="双方对赔偿金额分歧较大，经两次调解无法达成一致。",
        )

    def story_withdrawn(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield 5, 16, lambda: cases.case_withdraw(case_id=case.pk, actor=mediator, reason="消费者与商家私下和解，申请撤诉。")

    def story_closed_rated(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield from self._answer(case, 5, kind="accept", explanation="同意更换同型号新冰箱，三日内送货上门。")
        yield 7, 11, lambda: outcomes.outcome_resolve(
            case_id=case.pk, actor=mediator, remedies=[{"kind": "replacement", "amount": Decimal("4299.00"),
                                                        "description": "同型号双门冰箱"}],
            terms="经营者为消费者更换同型号新冰箱，并承担上门安装费用。",
        )
        yield 9, 16, lambda: performance.agreement_performance_confirm(
            case_id=case.pk, by="business", actor=self.portal_user, performed=True, note="新冰箱已送货安装。"
        )
        yield 10, 15, lambda: follow_up.follow_up_by_phone(
            case_id=case.pk, actor=mediator, satisfaction=4, comment="电话回访：已更换，消费者满意。"
        )
        yield 11, 9, lambda: cases.case_close(case_id=case.pk, actor=mediator, note="回访满意，结案。")

    def story_resolved_recent(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield from self._answer(case, 3, kind="offer", remedy="refund", amount=Decimal("12.00"),
                                explanation="同意退还少称部分的货款。")
        yield 4, 18, lambda: transfers.consumer_offer_respond(case_id=case.pk, accept=False, comment="还要求补足分量。")
        yield 6, 10, lambda: outcomes.outcome_resolve(
            case_id=case.pk, actor=mediator,
            remedies=[{"kind": "refund", "amount": Decimal("12.00"), "description": "少称1斤的货款"},
                      {"kind": "apology", "amount": None, "description": "当面赔礼道歉"}],
            terms="经营者退还少称部分货款12元，并向消费者赔礼道歉。",
        )
        # the consumer reports on the tracking page that nothing was refunded yet: the mediator decides
        yield 11, 20, lambda: performance.agreement_performance_confirm(
            case_id=case.pk, by="consumer", performed=False, note="商家至今未退款。"
        )

    def story_closed_lapsed(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield 18, 10, lambda: cases.case_start_mediation(case_id=case.pk, actor=mediator, reason="企业逾期未答复，转入直接调解。")
        yield 22, 15, lambda: outcomes.outcome_resolve(
            case_id=case.pk, actor=mediator,
            remedies=[{"kind": "repair", "amount": None, "description": "免费上门维修"},
                      {"kind": "compensation", "amount": Decimal("200.00"), "description": "误工补偿"}],
        )

    def story_appraisal_resolved(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield from self._answer(case, 6, kind="dispute", explanation="耳机降噪性能符合产品标准。")
        yield 7, 10, lambda: cases.case_start_mediation(case_id=case.pk, actor=mediator, reason="双方对降噪效果有争议。")
        yield 8, 14, lambda: appraisal.appraisal_request(
            case_id=case.pk, actor=mediator, body=self.body, items="耳机主动降噪量是否达到宣传的40分贝",
            fee=Decimal("800.00"), fee_advanced_by="consumer",
        )
        yield 20, 10, lambda: appraisal.appraisal_conclude(
            case_id=case.pk, actor=mediator, conclusion="实测降噪量18分贝，与宣传不符。", responsible_party="business",
            fee_borne_by="business",
        )
        yield 22, 15, lambda: outcomes.outcome_resolve(
            case_id=case.pk, actor=mediator,
            remedies=[{"kind": "refund", "amount": Decimal("599.00")},
                      {"kind": "compensation", "amount": Decimal("800.00"), "description": "鉴定费由经营者承担"}],
        )

    def story_mediation_limit(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield from self._answer(case, 5, kind="dispute", explanation="保养价格已在店内公示。")
        yield 6, 10, lambda: cases.case_start_mediation(case_id=case.pk, actor=mediator, reason="双方各执一词，组织调解。")

    def story_punitive_resolved(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield from self._answer(case, 4, kind="dispute", explanation="水饺系供应商配送，本店不知情，仅同意退货。")
        yield 5, 10, lambda: cases.case_start_mediation(
            case_id=case.pk, actor=mediator, reason="经营者只同意退货，消费者依食品安全法主张赔偿，组织调解。"
        )
        yield 9, 15, lambda: outcomes.outcome_resolve(
            case_id=case.pk, actor=mediator,
            remedies=[{"kind": "refund", "amount": Decimal("45.80"), "description": "退还货款"},
                      {"kind": "punitive_148", "amount": Decimal("1000.00"),
                       "description": "价款十倍不足一千元，按一千元赔偿"}],
            terms="经营者退还货款45.80元，并依《食品安全法》第一百四十八条支付赔偿金1000元。",
        )

    def story_extended_by_consent(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)
        yield from self._answer(case, 5, kind="dispute", explanation="墙面开裂系房屋结构沉降所致，非施工质量问题。")
        yield 6, 10, lambda: cases.case_start_mediation(
            case_id=case.pk, actor=mediator, reason="双方对开裂原因各执一词，组织现场调解。"
        )
        yield 56, 16, lambda: cases.case_mediation_extend(
            case_id=case.pk, actor=mediator,
            consumer_consent_on=timezone.localdate() - timedelta(days=1), consumer_consent_method=ConsentMethod.SIGNED,
            business_consent_on=timezone.localdate(), business_consent_method=ConsentMethod.PHONE,
            note="第三次调解后双方均同意继续调解，约定由施工方出具返工方案。",
        )

    def story_agent_filed(self, complaint, person, mediator):
        def file_by_agent():
            business_index, category, nature, product, amount, facts, demand_type, demand = complaint
            business = self.businesses[business_index]
            case, _secret = complaint_submit_online(
                consumer={"name": person[0], "phone": person[1], "address": "示范市幸福路9号"},
                business={"name": business.name, "address": business.address},
                agent={"name": f"{person[0][0]}建国", "id_number": "310101196805051234", "phone": "13900009999",
                       "relationship": "父亲",
                       "power_of_attorney": _power_of_attorney(person[0], f"{person[0][0]}建国")},
                report_text="该机构在招生宣传中承诺“不过全额退款”，涉嫌虚假宣传，请求市场监管部门查处。",
                product=product, purchased_on=timezone.localdate() - timedelta(days=40), amount_paid=Decimal(amount),
                nature=nature, category=category, facts=facts, demand_type=demand_type, demand=demand,
                amount_claimed=Decimal(amount),
            )
            return case

        case = yield 0, 21, file_by_agent
        yield 1, 10, lambda: cases.case_claim(case_id=case.pk, actor=mediator)
        yield 1, 11, lambda: cases.case_accept(case_id=case.pk, actor=mediator)
        yield 1, 14, lambda: cases.case_report_refer(
            case_id=case.pk, actor=mediator, regulator="示范市市场监督管理局（12315）",
            note="举报部分与投诉分开处理，移送市场监管部门。",
        )

    # --- the data exchange (api) -------------------------------------------------------------------------------

    def _forward(self, complaint, person):
        """The 12315 platform forwards a complaint through the API's service (as the partner)."""
        business_index, category, nature, product, amount, facts, demand_type, demand = complaint
        business = self.businesses[business_index]
        handoff, _created = api.handoff_receive(
            partner=self.partners["12315"],
            external_id=f"1231520{timezone.localdate():%y%m%d}{next(self.external_ids):05d}",
            channel="12315",
            consumer={"name": person[0], "phone": person[1], "address": "示范市幸福路1号"},
            business={"name": business.name, "address": business.address, "credit_code": business.credit_code or ""},
            nature=nature, category=category, product=product, purchased_on=timezone.localdate() - timedelta(days=20),
            amount_paid=Decimal(amount), facts=facts, demand_type=demand_type, demand=demand,
            amount_claimed=Decimal(amount),
        )
        return handoff.case

    def story_forwarded_new(self, complaint, person, mediator):
        yield 0, 16, lambda: self._forward(complaint, person)

    def story_forwarded_rejected(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._forward(complaint, person)
        grounds = list(RejectionGround.objects.filter(code__in=["AR17"]))
        yield 3, 14, lambda: cases.case_reject(
            case_id=case.pk, actor=mediator, grounds=grounds,
            explanation="经核实，消费者尚未与经营者协商，请先与经营者协商解决。",
        )

    def story_forwarded_platform_answered(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._forward(complaint, person)
        yield from self._accept_and_transfer(case, mediator)
        platform = self.partners["platform"]

        def answer_through_the_api():
            sheet = Case.objects.get(pk=case.pk).transfer_sheet
            return transfers.business_reply_submit(
                sheet_id=sheet.pk, actor=platform.user, kind="offer", remedy="refund", amount=Decimal("198.00"),
                explanation="系统核实自动续费提醒未送达，同意全额退还续费款198元。",
            )

        yield 4, 11, answer_through_the_api
        yield 5, 20, lambda: transfers.consumer_offer_respond(case_id=case.pk, accept=True, comment="同意退款。")

    def story_platform_sheet_overdue(self, complaint, person, mediator):
        case = yield 0, 9, lambda: self._register(complaint, person, mediator)
        yield from self._accept_and_transfer(case, mediator)

    def _api_partners(self):
        """The 12315 connector and the platform business, with their keys: the fixed demo keys where the
        settings give them (config.settings.local only), else new random ones (printed once)."""
        fixed = getattr(settings, "API_DEMO_KEYS", {})
        partners = {}
        for slot, name, kind, business_index, scopes in DEMO_PARTNERS:
            partner = Partner.objects.filter(name=name).first() or api.partner_create(
                actor=self.supervisor, name=name, kind=kind,
                business=self.businesses[business_index] if business_index is not None else None,
            )
            if fixed.get(slot):
                api.api_key_install(actor=self.supervisor, partner=partner, name="演示密钥", scopes=scopes, plain=fixed[slot])
                self.api_keys[slot] = fixed[slot]
            else:
                _key, self.api_keys[slot] = api.api_key_issue(
                    actor=self.supervisor, partner=partner, name="演示密钥", scopes=scopes
                )
            partners[slot] = partner
        return partners

    # --- set-up -----------------------------------------------------------------------------------------------

    def _businesses(self, portal_user):
        regions = [Region.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in REGIONS]
        businesses = [
            Business.objects.get_or_create(
                credit_code=code,
                defaults=dict(
                    name=name, address=addr, contact_person=person, phone=phone, email=email,
                    legal_representative=f"{person[0]}某某",
                    region=regions[index % len(regions)],
                ),
            )[0]
            for index, (name, code, addr, person, phone, email) in enumerate(BUSINESSES)
        ]
        businesses[0].members.add(portal_user)
        portal_user.email = businesses[0].email  # the emailed sheet links sign in this account
        portal_user.save(update_fields=["email"])
        return businesses

    @staticmethod
    def _appraisal_body():
        body, _ = AppraisalBody.objects.get_or_create(
            name="示范市产品质量监督检验所",
            defaults={
                "qualification": "CMA 2026000123",
                "scope": "家用电器、汽车及零部件、电子产品、建材质量鉴定",
                "contact_person": "钱工",
                "phone": "021-66660001",
                "address": "示范市检测路8号",
            },
        )
        return body


def _power_of_attorney(consumer: str, agent: str):
    """The signed 授权委托书 the agent uploads (the demo's: typeset as a PDF, as a scan would be stored)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.pdf import PdfDocument, render_pdf

    pdf = render_pdf(PdfDocument(
        title="授权委托书",
        fields=[("委托人", consumer), ("受托人", agent), ("委托事项", "代为向消费者协会投诉、参加调解、签收文书")],
        body="委托人因消费争议，特委托上述受托人为代理人，代为办理投诉及调解事宜。",
        signatures=["委托人（签字）", "受托人（签字）"], seal=False,
    ))
    return SimpleUploadedFile("授权委托书.pdf", pdf, content_type="application/pdf")
