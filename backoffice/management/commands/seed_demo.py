"""Demo data: users for each role, businesses, and cases in every state with a plausible history.

Idempotent: users are ensured (and their demo passwords reset) on every run; businesses and cases are created
once. Cases are walked through the real services at past dates, so their history reads like real work.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.models import Business, Case, Region, RejectionGround, TerminationGround
from cases.users import BUSINESS_GROUP, MEDIATOR_GROUP, SUPERVISOR_GROUP
from mediation.models import AppraisalBody
from mediation.services import appraisal, outcomes, transfers

DEMO_USERS = [
    # username, password, first name, groups, is_staff
    ("tiaojie", "tiaojie-demo-2026", "李调解", [MEDIATOR_GROUP], True),
    ("tiaojie2", "tiaojie2-demo-2026", "王承办", [MEDIATOR_GROUP], True),
    ("zhuguan", "zhuguan-demo-2026", "赵主管", [SUPERVISOR_GROUP], True),
    ("qiye", "qiye-demo-2026", "陈经理", [BUSINESS_GROUP], False),
]

BUSINESSES = [
    ("华联电器商场", "91310000MA1FL0DE01", "示范市中山路88号", "陈经理", "021-55550001", "service@hualian.example"),
    ("优购网络科技有限公司", "91310000MA1FL0DE02", "示范市科技园1号楼", "刘客服", "400-800-0002", "kf@yougou.example"),
    ("阳光汽车销售服务有限公司", "91310000MA1FL0DE03", "示范市汽车城9号", "孙经理", "021-55550003", "ss@yangguang.example"),
    ("美丽人生美容美发店", "91310000MA1FL0DE04", "示范市解放路12号", "周店长", "021-55550004", "mlrs@example.com"),
    ("学而优教育培训中心", "91310000MA1FL0DE05", "示范市文化街5号", "吴校长", "021-55550005", "xey@example.com"),
    ("鲜丰生鲜超市", "91310000MA1FL0DE06", "示范市菜市路3号", "郑店长", "021-55550006", "xf@example.com"),
    ("畅游国际旅行社", "91310000MA1FL0DE07", "示范市人民广场2号", "冯经理", "021-55550007", "cy@example.com"),
    ("安居家装工程有限公司", "91310000MA1FL0DE08", "示范市建设路66号", "蒋经理", "021-55550008", "aj@example.com"),
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
    (5, "food", "quality", "冷冻水饺", "45.80", "购买的水饺已过保质期仍在销售。", "compensation", "要求按食品安全法退一赔十。"),
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

# The path each demo case takes, and how many days ago it was received.
PLANS = [
    ("submitted", 1), ("submitted", 2), ("supplement", 5), ("rejected", 12), ("rejected", 20),
    ("accepted", 3), ("transferred", 6), ("transferred", 25), ("replied", 10), ("mediating", 30),
    ("appraisal", 40), ("resolved", 35), ("terminated", 60), ("withdrawn", 18), ("closed", 70), ("closed", 90),
    ("submitted", 0), ("transferred", 19), ("mediating", 16), ("closed", 45),
]


class Command(BaseCommand):
    help = "Create demo users, businesses and cases in every state (idempotent)."

    def handle(self, *args, **options):
        users = self._ensure_users()
        if Case.objects.filter(consumer__phone__startswith=DEMO_PHONE_PREFIX).exists():
            self.stdout.write("Demo cases exist already; users ensured.")
        else:
            self._create_cases(users)
        self._print_logins()

    def _ensure_users(self):
        User = get_user_model()
        users = {}
        for username, password, name, groups, is_staff in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.is_staff, user.is_active = name, is_staff, True
            user.email = f"{username}@xiehui.localhost"
            user.set_password(password)
            user.save()
            user.groups.set(Group.objects.filter(name__in=groups))
            users[username] = user
        return users

    @transaction.atomic
    def _create_cases(self, users):
        regions = [Region.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in REGIONS]
        businesses = [
            Business.objects.get_or_create(
                credit_code=code,
                defaults=dict(
                    name=name, address=addr, contact_person=person, phone=phone, email=email,
                    region=regions[index % len(regions)],
                ),
            )[0]
            for index, (name, code, addr, person, phone, email) in enumerate(BUSINESSES)
        ]
        businesses[0].members.add(users["qiye"])
        rng = random.Random(2026)
        mediators = [users["tiaojie"], users["tiaojie2"]]
        for index, (path, days_ago) in enumerate(PLANS):
            complaint = COMPLAINTS[index % len(COMPLAINTS)]
            name, phone = CONSUMERS[index % len(CONSUMERS)]
            self._walk(
                path, days_ago, complaint, businesses, (name, phone), mediators[index % 2], users["zhuguan"], rng
            )
        self.stdout.write(self.style.SUCCESS(f"Created {len(PLANS)} demo cases."))

    def _walk(self, path, days_ago, complaint, businesses, person, mediator, supervisor, rng):
        business_index, category, nature, product, amount, facts, demand_type, demand = complaint
        start = timezone.make_aware(
            datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(9, rng.randint(0, 59)))
        )

        def at(day):
            return time_machine.travel(start + timedelta(days=day, hours=rng.randint(0, 6)), tick=False)

        with at(0):
            case = services.case_register(
                actor=mediator, consumer={"name": person[0], "phone": person[1], "address": "示范市"},
                business=businesses[business_index], channel=rng.choice(["online", "phone", "walk_in", "letter"]),
                received_at=timezone.now(), product=product, purchased_on=timezone.localdate() - timedelta(days=20),
                amount_paid=Decimal(amount), nature=nature, category=category, facts=facts, demand_type=demand_type,
                demand=demand, amount_claimed=Decimal(amount), mediator=mediator,
            )
        pk = case.pk
        if path == "submitted":
            return
        if path == "supplement":
            with at(1):
                services.case_request_supplement(case_id=pk, actor=mediator, missing="请补充购物发票或付款记录。")
            return
        if path == "rejected":
            grounds = RejectionGround.objects.filter(code__in=["AR07", "AP03"])[:1 + rng.randint(0, 1)]
            with at(2):
                services.case_reject(
                    case_id=pk, actor=mediator, grounds=grounds,
                    explanation="经核实，消费者尚未与经营者协商，且商品已过保修期。",
                )
            return
        with at(1):
            services.case_accept(case_id=pk, actor=mediator)
        if path == "accepted":
            return
        with at(2):
            transfers.case_transfer(case_id=pk, actor=mediator)
        if path == "transferred":
            return
        if path in ("replied", "resolved", "closed") and days_ago != 45:
            with at(6):
                transfers.case_record_reply(
                    case_id=pk, actor=mediator, summary="企业来电答复：同意为消费者办理退款或更换。"
                )
            if path == "replied":
                return
        else:
            with at(17):
                services.case_start_mediation(case_id=pk, actor=mediator, reason="企业逾期未答复，转入直接调解。")
            if path == "mediating":
                return
            if path == "appraisal":
                with at(20):
                    appraisal.appraisal_request(
                        case_id=pk, actor=mediator, body=_demo_appraisal_body(), items="送检变速箱，判断是否存在质量缺陷。"
                    )
                return
            if path == "terminated":
                with at(40):
                    outcomes.outcome_terminate(
                        case_id=pk, actor=mediator, ground=TerminationGround.objects.get(code="T01"),
                        channel="court", explanation="双方对赔偿金额分歧较大，经多次调解无法达成一致。",
                    )
                return
            if path == "withdrawn":
                with at(9):
                    services.case_withdraw(case_id=pk, actor=mediator, reason="消费者与商家私下和解，申请撤诉。")
                return
        with at(8 if days_ago != 45 else 22):
            outcomes.outcome_resolve(
                case_id=pk, actor=mediator, terms="经调解，经营者同意退款并赔偿交通费。",
                remedies=[{"kind": "refund", "amount": Decimal(amount) if Decimal(amount) < 10000 else Decimal("5000.00")}],
            )
        if path == "closed":
            with at(15 if days_ago != 45 else 30):
                services.case_close(case_id=pk, actor=mediator, note="回访：消费者对处理结果满意。")

    def _print_logins(self):
        self.stdout.write("\nDemo logins (http://127.0.0.1:8000/admin/):")
        for username, password, name, groups, _staff in DEMO_USERS:
            self.stdout.write(f"  {groups[0]:<10} {username:<10} {password}   ({name})")


def _demo_appraisal_body():
    body, _ = AppraisalBody.objects.get_or_create(
        name="示范市产品质量监督检验所",
        defaults={"qualification": "CMA 2026000123", "scope": "家用电器、汽车及零部件、建材质量鉴定", "phone": "021-66660001"},
    )
    return body
