"""Correct the seeded grounds against their sources (issue 11; 市场监督管理投诉举报处理暂行办法 arts. 15 and 21).

A row a notice may already have quoted is never rewritten: each correction deactivates the old row (it stays
readable on old cases and their notices) and adds a new row under a new code. Rows that were right get only their
article (metadata no notice quoted). No advised channel points the consumer back to this association.
"""

from django.db import migrations

ZANXING = "《市场监督管理投诉举报处理暂行办法》"
SHISHI = "《中华人民共和国消费者权益保护法实施条例》"

# Old code -> the rows that replace it (empty: withdrawn without replacement, another row covers it).
# (code, zh, en, source, article, channel, advice zh, advice en, fact check, sort)
REJECTION = {
    "AR01": [("AR11", "投诉人与所投诉事项无直接利害关系（非交易当事人）",
              "The complainant has no stake in the matter (not a party to the transaction)",
              "acceptance_rules", "", "none",
              "请由交易当事人（消费者本人）或其委托代理人提出投诉。",
              "The party to the transaction, or their agent, should file the complaint.", "", 10)],
    "AR02": [("AR12", "投诉内容含糊不清，无具体线索可供查证", "The complaint is vague, with no usable lead to verify",
              "acceptance_rules", "", "settle",
              "可先与经营者协商；补充具体的购买时间、金额、经过和证据后，可重新投诉。",
              "You may raise it with the business; with the date, amount, facts and evidence you may file again.",
              "", 20)],
    "AR03": [("AR13", "投诉人无真实姓名、签名或有效联系方式", "No real name, signature or valid contact",
              "acceptance_rules", f"{ZANXING}第九条", "settle",
              "可先与经营者协商；提供真实姓名和有效联系方式后，可重新投诉。",
              "You may raise it with the business; with your real name and a valid contact you may file again.",
              "", 30)],
    "AR04": [("AR14", "以单位名义投诉但无法定代表人签字和单位盖章",
              "Complaint in an organisation's name without the legal representative's signature and seal",
              "acceptance_rules", "", "settle",
              "可先与经营者协商；由法定代表人签字并加盖单位公章后，可重新提交。",
              "You may raise it with the business; signed by the legal representative and sealed you may resubmit.",
              "", 40)],
    # "超过投诉时效" was vague and duplicated the three-year rule (AD04 -> AD14).
    "AR05": [],
    # One row held two grounds, and called administrative reconsideration a judicial procedure.
    "AR07": [
        ("AR17", "未先与经营者协商", "Not first raised with the business", "acceptance_rules", "", "settle",
         "请先与经营者协商解决；协商不成的，可再投诉。", "Raise it with the business first; if that fails, file again.",
         "", 70),
        ("AR18", "争议已申请行政复议，或者已进入仲裁、诉讼程序",
         "The dispute is in administrative reconsideration, arbitration or litigation",
         "acceptance_rules", "", "none",
         "请按已启动的行政复议、仲裁或诉讼程序处理。",
         "Follow the reconsideration, arbitration or court procedure already started.", "", 75),
    ],
    # "其他违反法律法规的情形" read as if the consumer acted unlawfully.
    "AP09": [("AP19", "不符合法律、法规规定的其他情形", "Other cases not meeting the requirements of laws and regulations",
              "association_practice", "", "court",
              "可咨询律师，依法维护权益。", "You may consult a lawyer to protect your rights by law.", "", 170)],
    # It dropped "除法律另有规定外".
    "AD04": [("AD14", "除法律另有规定外，投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年",
              "Save as the law provides otherwise, over three years since the complainant knew or should have known "
              "of the harm",
              "admin_rules_art15", f"{ZANXING}第十五条第（四）项", "court",
              "可咨询律师，依法向人民法院起诉（诉讼时效依法律规定）。",
              "You may consult a lawyer and sue in a people's court (limitation as the law provides).", "", 240)],
    "AD05": [("AD15", "未提供本办法第九条第一款和第十条规定的材料",
              "The materials of arts. 9(1) and 10 were not provided", "admin_rules_art15",
              f"{ZANXING}第十五条第（五）项", "settle",
              "可先与经营者协商；补齐姓名、电话、地址，被投诉人名称和地址，具体诉求和事实（委托代理的附授权委托书）后，可重新投诉。",
              "You may raise it with the business; with name, phone, address, the business's name and address, the "
              "demand and the facts (an agent: with the power of attorney) you may file again.", "", 250)],
}
REJECTION_NEW = [
    ("AD06", "法律、法规、规章规定不予受理的其他情形",
     "Other grounds on which laws, regulations or rules exclude acceptance", "admin_rules_art15",
     f"{ZANXING}第十五条第（六）项", "administrative",
     "可向市场监督管理部门（12315）或其他有关行政部门咨询。",
     "Ask market regulation (12315) or the competent department.", "", 260),
]
# Articles of the rows that stay (art. 15 (1)–(3)).
REJECTION_ARTICLES = {
    "AD01": f"{ZANXING}第十五条第（一）项",
    "AD02": f"{ZANXING}第十五条第（二）项",
    "AD03": f"{ZANXING}第十五条第（三）项",
}

TERMINATION = {
    # It cited art. 15 for the 45-day rule (art. 21(五)); the limit is the case's rule set's.
    "T03": [("T13", "自投诉受理之日起调解期限届满，未能达成调解协议",
             "The mediation time limit counted from acceptance ended without agreement", "admin_rules_art21",
             f"{ZANXING}第二十一条第（五）项；{SHISHI}第四十六条第（三）项", "court",
             "可依据仲裁协议申请仲裁，或向人民法院起诉。", "Arbitrate under an arbitration agreement, or sue in a court.",
             "past_mediation_limit", 30)],
    # It covered only the consumer; art. 21(三) covers either party absent and the business refusing.
    "T06": [("T16", "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
             "A party does not attend mediation without good reason, or the business refuses mediation",
             "admin_rules_art21", f"{ZANXING}第二十一条第（三）项", "administrative",
             "可向市场监督管理部门（12315）投诉，申请仲裁，或向人民法院起诉。",
             "Complain to market regulation (12315), arbitrate, or sue in a court.", "", 60)],
}
TERMINATION_NEW = [
    ("T17", "受理投诉后，发现存在不予受理情形", "After acceptance, a ground for not accepting the complaint came to light",
     "admin_rules_art21", f"{ZANXING}第二十一条第（六）项（第十五条规定的情形）", "administrative",
     "可向有处理权限的部门或机构反映，或依法向人民法院起诉。",
     "Turn to the body competent for it, or sue in a people's court.", "after_acceptance", 90),
]
TERMINATION_UPDATES = {
    # Metadata only: the article and the check, not the text a notice quoted.
    "T04": dict(article=f"{ZANXING}第二十一条第（二）项", source="admin_rules_art21", fact_check="appraisal_in_dispute"),
}


def _add(model, row):
    code, zh, en, source, article, channel, advice_zh, advice_en, check, sort = row
    model.objects.update_or_create(code=code, defaults=dict(
        label_zh=zh, label_en=en, source=source, article=article, advised_channel=channel, advice_zh=advice_zh,
        advice_en=advice_en, fact_check=check, sort_order=sort, is_active=True,
    ))


def correct(apps, schema_editor):
    Rejection = apps.get_model("cases", "RejectionGround")
    Termination = apps.get_model("cases", "TerminationGround")
    for model, replaced, new in ((Rejection, REJECTION, REJECTION_NEW), (Termination, TERMINATION, TERMINATION_NEW)):
        for old_code, rows in replaced.items():
            model.objects.filter(code=old_code).update(is_active=False)
            for row in rows:
                _add(model, row)
        for row in new:
            _add(model, row)
    for code, article in REJECTION_ARTICLES.items():
        Rejection.objects.filter(code=code).update(article=article)
    for code, values in TERMINATION_UPDATES.items():
        Termination.objects.filter(code=code).update(**values)


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_ground_articles_and_checks")]
    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
