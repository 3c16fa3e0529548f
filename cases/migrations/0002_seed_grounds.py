"""Seed the rejection and termination grounds of domain.md. They are data: supervisors edit them later."""

from django.db import migrations

# (code, zh label, en label, source, advised channel, advice zh, advice en)
REJECTION_GROUNDS = [
    # From the complaint-acceptance rules the project started from.
    ("AR01", "投诉人与所投诉事项无直接利害关系（非交易当事人）",
     "The complainant has no stake in the matter (not a party to the transaction)",
     "acceptance_rules", "association",
     "请由交易当事人（消费者本人）提出投诉。", "The party to the transaction should file the complaint."),
    ("AR02", "投诉内容含糊不清，无具体线索可供查证",
     "The complaint is vague, with no usable lead to verify",
     "acceptance_rules", "association",
     "请补充具体的购买时间、金额、经过和证据后重新投诉。",
     "Add the date, amount, what happened and evidence, then file again."),
    ("AR03", "投诉人无真实姓名、签名或有效联系方式",
     "No real name, signature or valid contact",
     "acceptance_rules", "association",
     "请提供真实姓名和有效联系电话后重新投诉。", "File again with your real name and a valid phone number."),
    ("AR04", "以单位名义投诉但无法定代表人签字和单位盖章",
     "Complaint in an organisation's name without the legal representative's signature and seal",
     "acceptance_rules", "association",
     "请由法定代表人签字并加盖单位公章后重新提交。",
     "Resubmit signed by the legal representative and sealed by the organisation."),
    ("AR05", "超过投诉时效", "Filed past the time limit", "acceptance_rules", "court",
     "可咨询律师，依法向人民法院提起诉讼。", "You may consult a lawyer and bring a lawsuit in a people's court."),
    ("AR06", "已经处理过且无新证据、新情况", "Already decided, and no new evidence",
     "acceptance_rules", "court",
     "如有新的证据可重新投诉；否则可依法向人民法院提起诉讼。",
     "File again if you have new evidence; otherwise you may sue in a people's court."),
    ("AR07", "未先与经营者协商，或已进入行政复议、诉讼等司法程序",
     "Should first have been raised with the business, or is already in administrative reconsideration or litigation",
     "acceptance_rules", "settle",
     "请先与经营者协商解决；协商不成的，可再向本会投诉。已进入司法程序的，请按该程序处理。",
     "Raise it with the business first and come back if that fails; if it is already before a court or in "
     "reconsideration, follow that procedure."),
    # Consumer-association practice.
    ("AP01", "经营者之间的购销纠纷", "A dispute between businesses", "association_practice", "court",
     "经营者之间的合同纠纷可协商、申请仲裁或向人民法院起诉。",
     "A contract dispute between businesses can be negotiated, arbitrated or taken to a court."),
    ("AP02", "消费者个人之间的私下交易", "A private deal between individuals", "association_practice", "court",
     "个人之间的交易纠纷可协商或向人民法院起诉。", "Negotiate, or sue in a people's court."),
    ("AP03", "商品超过保修期或保证期", "Goods past their warranty or guarantee period",
     "association_practice", "settle",
     "可与经营者协商有偿维修等解决办法。", "You may negotiate paid repair or another solution with the business."),
    ("AP04", "处理品（已明示处理原因）", "Goods sold as clearance with the reason disclosed",
     "association_practice", "settle",
     "处理品的已明示瑕疵不属于投诉范围；其他问题可与经营者协商。",
     "Disclosed defects of clearance goods are not grounds for complaint; raise other problems with the business."),
    ("AP05", "未按说明书要求安装、使用或自行拆装造成损坏",
     "Damage from installing or using against the instructions, or self-dismantling",
     "association_practice", "settle",
     "可与经营者协商有偿维修。", "You may negotiate paid repair with the business."),
    ("AP06", "被投诉方不明确", "The business cannot be identified", "association_practice", "administrative",
     "请查明经营者名称和地址后重新投诉，或向市场监管部门（12315）反映。",
     "Identify the business's name and address and file again, or report to market regulation (12315)."),
    ("AP07", "双方已达成并履行调解协议且无新情况",
     "The parties already reached and carried out a mediation agreement, and nothing is new",
     "association_practice", "court",
     "如对协议履行有争议，可向人民法院起诉。", "If carrying out the agreement is disputed, you may sue in a court."),
    ("AP08", "法院、仲裁机构或有关行政部门已受理",
     "A court, arbitration body or government department already accepted it",
     "association_practice", "none",
     "请等待已受理机构的处理结果。", "Wait for the decision of the body that accepted it."),
    ("AP09", "其他违反法律法规的情形", "Otherwise unlawful", "association_practice", "court",
     "可咨询律师，依法维护权益。", "You may consult a lawyer to protect your rights by law."),
    # 市场监督管理投诉举报处理暂行办法 art. 15.
    ("AD01", "不属于本机构职责范围", "Outside the remit", "admin_rules_art15", "administrative",
     "请向有管辖权的行政部门反映。", "Report it to the competent administrative department."),
    ("AD02", "同一纠纷已被其他机构受理或处理", "The same dispute was already accepted elsewhere",
     "admin_rules_art15", "none",
     "请等待已受理机构的处理结果。", "Wait for the decision of the body that accepted it."),
    ("AD03", "非为生活消费需要或不能证明存在消费者权益争议",
     "Not for personal consumption, or no provable consumer dispute",
     "admin_rules_art15", "court",
     "可通过民事诉讼或仲裁解决。", "This can be resolved by a civil lawsuit or arbitration."),
    ("AD04", "自知道或应当知道权益受到侵害之日起超过三年",
     "Over three years since the consumer knew of the harm",
     "admin_rules_art15", "court",
     "可咨询律师，依法向人民法院起诉。", "You may consult a lawyer and sue in a people's court."),
    ("AD05", "未提供必要的投诉材料", "Required materials missing", "admin_rules_art15", "association",
     "请补齐身份、联系方式、购买凭证和事实证据后重新投诉。",
     "File again with identity, contact, proof of purchase and evidence of the facts."),
]

TERMINATION_GROUNDS = [
    ("T01", "双方分歧较大，无法达成调解协议", "The parties are too far apart to agree", "mediation_rules", "court",
     "可依据仲裁协议申请仲裁，或向人民法院起诉。", "Arbitrate under an arbitration agreement, or sue in a court."),
    ("T02", "一方拒绝继续调解", "A party refuses to continue mediation", "mediation_rules", "administrative",
     "可向市场监管部门（12315）投诉，或向人民法院起诉。",
     "Complain to market regulation (12315), or sue in a court."),
    ("T03", "调解期限届满仍未达成协议", "The mediation period ended without agreement",
     "admin_rules_art15", "court",
     "可依据仲裁协议申请仲裁，或向人民法院起诉。", "Arbitrate under an arbitration agreement, or sue in a court."),
    ("T04", "双方对鉴定机构或鉴定费用承担无法达成一致",
     "The parties cannot agree on the appraisal body or the fee", "mediation_rules", "court",
     "可向人民法院起诉，由法院委托鉴定。", "Sue in a court, which can commission the appraisal."),
    ("T05", "经营者下落不明或无法联系", "The business cannot be found or contacted", "mediation_rules",
     "administrative",
     "可向市场监管部门（12315）反映。", "Report it to market regulation (12315)."),
    ("T06", "消费者无正当理由不配合调解", "The consumer does not cooperate without good reason",
     "mediation_rules", "court",
     "可依法向人民法院起诉。", "You may sue in a people's court."),
    ("T07", "争议已进入诉讼、仲裁或其他行政程序",
     "The dispute went to court, arbitration or another administrative procedure",
     "mediation_rules", "none",
     "请按该程序处理。", "Follow that procedure."),
    ("T08", "其他无法继续调解的情形", "Mediation cannot continue for another reason", "mediation_rules", "court",
     "可依据仲裁协议申请仲裁，或向人民法院起诉。", "Arbitrate under an arbitration agreement, or sue in a court."),
]


def seed(apps, schema_editor):
    for model_name, rows in (("RejectionGround", REJECTION_GROUNDS), ("TerminationGround", TERMINATION_GROUNDS)):
        model = apps.get_model("cases", model_name)
        for order, (code, zh, en, source, channel, advice_zh, advice_en) in enumerate(rows, start=1):
            model.objects.update_or_create(
                code=code,
                defaults=dict(
                    label_zh=zh, label_en=en, source=source, advised_channel=channel,
                    advice_zh=advice_zh, advice_en=advice_en, sort_order=order * 10,
                ),
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
