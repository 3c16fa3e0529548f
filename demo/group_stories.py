"""The demo's group complaint (共同投诉) and the complaints the hot-spots view clusters, as stories of seed_demo's
Demo (the same scheduler: each step a public service on its own past day).

- A gym closes with prepaid annual cards outstanding: six members, two representatives chosen in writing, one
  member joining online with consents on the form, one merged by the mediator, one leaving on the tracking page,
  one transfer sheet listing the members, the gym's offer in the portal, outcomes per member (one refusing and
  continuing alone, one representative still to answer, so the group stays open), per-member agreements, a
  public-interest referral and support for the lawsuit of the member who left.
- A training school closes: ten similar complaints within a week, not grouped — the cluster view finds them and
  the hot-spot alert tells the supervisors.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from cases import services as cases
from cases.models import Business, Case
from documents.pdf import PdfDocument, render_pdf
from groups import services as groups
from groups.models import ConsentAct, GroupComplaint, GroupMember, LawsuitSupport, MemberConsent
from portal.services import complaint_submit_online

GYM = ("力健健身俱乐部（已闭店）", "91310000MA1FL0DE09", "示范市体育路18号", "林经理", "021-55550009", "lj@example.com")
SCHOOL = ("启航少儿英语培训学校", "91310000MA1FL0DE10", "示范市学府路7号", "何校长", "021-55550010", "qh@example.com")

GYM_FACTS = "力健健身俱乐部于{day}突然闭店，门口张贴“装修暂停营业”，电话无人接听。本人{when}办理{card}，支付{paid}元，已使用{used}，剩余无法使用。"
GYM_MEMBERS = [
    # name, phone, card, paid, used, demand, how they come in, amount claimed
    ("张丽娟", "13900020001", "年卡", "3880.00", "约4个月", "退还剩余8个月会费2586元。", "phone", "2586"),
    ("周晓峰", "13900020002", "私教课包30节", "7200.00", "12节", "退还未上18节私教课费4320元。", "online", "4320"),
    ("王建国", "13900020003", "两年卡", "5600.00", "约7个月", "退还剩余会费3967元。", "walk_in", "3967"),
    ("刘思雨", "13900020004", "年卡", "3680.00", "约3个月", "退还剩余会费2760元。", "join_online", "2760"),
    ("陈浩然", "13900020005", "次卡100次", "2500.00", "31次", "退还剩余69次费用1725元。", "merge", "1725"),
    ("赵雪梅", "13900020006", "年卡", "3980.00", "约5个月", "退还剩余会费2322元。", "join_online_leaves", "2322"),
]
# What each member finally receives (the gym's offer: 70% of the remaining balance), or None: refuses.
# 周晓峰 (a representative) has not answered yet: he negotiates his private-training fee, so the lead case waits
# and the group stays open (late members still join).
GYM_OUTCOMES = {"张丽娟": "1810.00", "王建国": "2777.00", "刘思雨": "1932.00", "陈浩然": None}

SCHOOL_FACTS = [
    "启航少儿英语培训学校突然停课闭店，预付的课时费无法退还，联系校长不回复。孩子还剩{n}节课。",
    "启航少儿英语培训学校突然停课闭店，校长电话关机，预付课时费无法退还，还剩{n}节课没上。",
    "孩子报的启航少儿英语培训学校突然停课闭店，预付的课时费无法退还，还剩{n}节课。",
]
SCHOOL_PARENTS = ["郑美玲", "孙立新", "冯晓燕", "黄志强", "韩雪", "曹俊", "许静怡", "邓超然", "彭丽", "萧明"]


def _pdf(title, body):
    return ContentFile(render_pdf(PdfDocument(title=title, body=body)), name=f"{title}.pdf")


class GroupStories:
    """Mixed into seed_demo's Demo: `group_stories()` gives the (generator, first day) of each story."""

    def group_stories(self):
        gym, school = (self._demo_business(row) for row in (GYM, SCHOOL))
        yield self.story_group_gym(gym, self.mediators[0]), self.today - timedelta(days=24)
        for n, parent in enumerate(SCHOOL_PARENTS):
            yield (
                self.story_school_complaint(school, parent, n, self.mediators[n % 2]),
                self.today - timedelta(days=6 - n % 6),
            )

    def _demo_business(self, row):
        name, code, address, person, phone, email = row
        return Business.objects.get_or_create(
            credit_code=code,
            defaults=dict(name=name, address=address, contact_person=person, phone=phone, email=email),
        )[0]

    # --- the gym ------------------------------------------------------------------------------------------

    def _gym_fields(self, row, started):
        name, phone, card, paid, used, demand, _how, claimed = row
        closed = started - timedelta(days=2)
        return dict(
            product=f"健身{card}", purchased_on=started - timedelta(days=150), amount_paid=Decimal(paid),
            nature="contract", category="lifestyle",
            facts=GYM_FACTS.format(day=f"{closed.month}月{closed.day}日", when="去年", card=card, paid=paid, used=used),
            demand_type="refund", demand=demand, amount_claimed=Decimal(claimed),
        ), {"name": name, "phone": phone, "address": "示范市幸福路1号", "email": f"{phone}@demo.example"}

    def _gym_register(self, row, mediator, started, *, group=None, consents=()):
        fields, consumer = self._gym_fields(row, started)
        if row[6] in ("online", "join_online", "join_online_leaves"):
            case, _secret = complaint_submit_online(
                consumer=consumer, business={"name": GYM[0], "address": GYM[2]}, group=group, consents=consents,
                **fields,
            )
        else:
            case = cases.case_register(
                actor=mediator, consumer=consumer, business=Business.objects.get(credit_code=GYM[1]),
                mediator=mediator, channel="walk_in" if row[6] == "walk_in" else "phone",
                received_at=timezone.now(), **fields,
            )
        cases.evidence_add(
            case_id=case.pk, actor=mediator,
            file=_pdf("会员卡及付款凭证", f"{consumer['name']} {row[2]} 付款 {row[3]} 元（收据照片的扫描件）"),
            description="会员卡及付款凭证", shared_with_business=True,
        )
        return case

    def story_group_gym(self, gym, mediator):
        started = self.today - timedelta(days=24)
        rows = {row[0]: row for row in GYM_MEMBERS}
        first = []
        for name in ("张丽娟", "周晓峰", "王建国"):
            first.append((yield 0, 9 + len(first), lambda n=name: self._gym_register(rows[n], mediator, started)))
        for case in first:
            yield 1, 10, lambda c=case: cases.case_accept(case_id=c.pk, actor=mediator)
        group = yield 2, 10, lambda: groups.group_create(
            actor=mediator, business=gym, title="力健健身闭店预付卡退费",
            dispute="力健健身俱乐部突然闭店，会员预付的年卡、次卡、私教课费无法使用，经营者未公告退费安排。",
            category="lifestyle", nature="contract", case_ids=[c.pk for c in first],
        )
        chen = yield 3, 11, lambda: self._gym_register(rows["陈浩然"], mediator, started)
        liu = yield 3, 20, lambda: self._gym_register(
            rows["刘思雨"], mediator, started, group=group,
            consents=[ConsentAct.REPRESENTATION, ConsentAct.ACCEPT_SETTLEMENT],
        )
        yield 4, 9, lambda: cases.case_accept(case_id=chen.pk, actor=mediator)
        yield 4, 10, lambda: groups.group_member_add(
            group_id=group.pk, case_id=chen.pk, actor=mediator, via=GroupMember.Via.MERGED,
            reason="同一经营者、同一闭店纠纷，经消费者电话同意并入共同投诉。",
        )
        yield 4, 11, lambda: groups.group_member_admit(member_id=self._member(liu).pk, actor=mediator)
        zhao = yield 5, 21, lambda: self._gym_register(rows["赵雪梅"], mediator, started, group=group)
        yield 6, 9, lambda: groups.group_member_admit(member_id=self._member(zhao).pk, actor=mediator)
        # Two representatives chosen in writing: each represented member's signed authorisation.
        written = {
            "张丽娟": [ConsentAct.REPRESENTATION, ConsentAct.ACCEPT_SETTLEMENT, ConsentAct.CHANGE_DEMAND],
            "周晓峰": [ConsentAct.REPRESENTATION, ConsentAct.ACCEPT_SETTLEMENT],
            "王建国": [ConsentAct.REPRESENTATION, ConsentAct.ACCEPT_SETTLEMENT],
            "陈浩然": [ConsentAct.REPRESENTATION],  # represented, but settles only himself
        }
        for name, acts in written.items():
            for act in acts:
                yield 6, 14, lambda n=name, a=act: groups.member_consent_record(
                    member_id=self._member_named(group, n).pk, act=a, actor=mediator, via=MemberConsent.Via.WRITTEN,
                    document=_pdf("授权委托书", f"委托人{n}同意由张丽娟、周晓峰作为共同投诉代表人，代为：{a.label}。"),
                )
        yield 7, 9, lambda: groups.group_representatives_set(
            group_id=group.pk, actor=mediator,
            member_ids=[self._member_named(group, "张丽娟").pk, self._member_named(group, "周晓峰").pk],
        )
        lead = yield 7, 10, lambda: groups.group_transfer(group_id=group.pk, actor=mediator)
        yield from self._answer(
            lead, 12, kind="offer", remedy="refund", amount=Decimal("1810.00"),
            explanation="本店因资金链断裂闭店，愿按各会员剩余会费的70%分期退还，首期于调解后十日内支付。",
        )
        yield 13, 10, lambda: cases.case_start_mediation(
            case_id=lead.pk, actor=mediator, reason="共同投诉：约经营者与两名代表人到会集体调解。"
        )
        yield 14, 19, lambda: groups.group_member_remove(
            member_id=self._member_named(group, "赵雪梅").pk, actor=self.system, by_consumer=True,
            reason="已委托律师准备起诉，退出共同投诉单独处理。",
        )
        for name, amount in GYM_OUTCOMES.items():
            rep = None if name in ("张丽娟", "周晓峰", "陈浩然") else self._member_named(group, "张丽娟").pk
            yield 18, 15, lambda n=name, a=amount, r=rep: groups.member_outcome_record(
                member_id=self._member_named(group, n).pk, actor=mediator, accepted=a is not None,
                remedy="refund" if a else "", amount=Decimal(a) if a else None, representative_id=r,
            )
        yield 18, 16, lambda: groups.member_offer_propose(
            member_id=self._member_named(group, "周晓峰").pk, actor=mediator, remedy="refund", amount=Decimal("3024.00"),
        )  # put to him; he has not answered on the tracking page yet
        yield 19, 10, lambda: groups.group_settle(group_id=group.pk, actor=mediator)
        yield 20, 10, lambda: groups.lawsuit_support_record(
            actor=mediator, group_id=group.pk, kind=LawsuitSupport.Kind.PUBLIC_INTEREST,
            addressee="示范省消费者权益保护委员会",
            reasons="健身行业预付卡闭店跑路涉及消费者众多，建议省消保委考虑提起消费民事公益诉讼。",
        )
        yield 21, 10, lambda: groups.lawsuit_support_record(
            actor=mediator, case_id=Case.objects.get(consumer__phone=rows["赵雪梅"][1]).pk,
            kind=LawsuitSupport.Kind.SUPPORT, addressee="示范市人民法院",
            reasons="消费者拟就预付卡余额起诉经营者，本会依消法第三十七条第七项支持起诉并出具证据材料。",
        )

    @staticmethod
    def _member(case):
        return GroupMember.objects.get(case=case, left_on__isnull=True)

    @staticmethod
    def _member_named(group: GroupComplaint, name):
        return GroupMember.objects.get(group=group, case__consumer__name=name, left_on__isnull=True)

    # --- the training school: a hot spot not grouped yet -------------------------------------------------

    def story_school_complaint(self, school, parent, n, mediator):
        lessons = 20 + 7 * n
        fields = dict(
            product="少儿英语课程", purchased_on=self.today - timedelta(days=120), amount_paid=Decimal(150 * lessons),
            nature="contract", category="education", facts=SCHOOL_FACTS[n % 3].format(n=lessons), demand_type="refund",
            demand=f"退还剩余{lessons}节课时费{150 * lessons}元。", amount_claimed=Decimal(150 * lessons),
        )
        consumer = {"name": parent, "phone": f"139000300{n:02d}", "address": "示范市学府路"}
        case, _secret = yield 0, 19, lambda: complaint_submit_online(
            consumer=consumer, business={"name": school.name, "address": school.address}, **fields
        )
        if n % 2 == 0:
            yield 1, 10, lambda: cases.case_accept(case_id=case.pk, actor=mediator)

    @property
    def system(self):
        return groups.system_user()
