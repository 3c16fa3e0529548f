"""Seed the rule sets of domain.md ("Deadlines", "Sources and time limits") and pin every existing case to the one
whose periods are the settings it was counted by until now (暂行办法: 7 working / 15 days / 7 days / 45 working),
so no open case's due date changes. Supervisors switch rule sets on or enter new ones in the admin."""

from datetime import date

from django.db import migrations

from cases.roles import grant

ZANXING = "《市场监督管理投诉举报处理暂行办法》"
SHISHI = "《中华人民共和国消费者权益保护法实施条例》"
SHANGHAI = "《上海市消费者权益保护条例》"
ZHEJIANG = "《浙江省实施〈中华人民共和国消费者权益保护法〉办法》"
# The association's own acceptance rules (domain.md): "一般情况下在正式立案后的十五日内处理完毕"; the answer date on
# the transfer sheet is the association's practice, capped by the handling deadline.
HANDLING = "本会投诉受理规则：一般情况下在正式立案后的十五日内处理完毕"
ANSWER = "本会转办规则：经营者自转办之日起七日内答复（不晚于处理期限）"

RULE_SETS = [
    dict(
        code="zanxing-banfa-2022",
        name="市场监督管理投诉举报处理暂行办法（2022年修订）",
        law="市场监督管理投诉举报处理暂行办法",
        law_date="2019年11月30日国家市场监督管理总局令第20号公布，2022年3月24日总局令第55号修订",
        effective_from=date(2020, 1, 1),
        is_active=True,
        acceptance_days=7, acceptance_unit="working", acceptance_article=f"{ZANXING}第十四条",
        handling_days=15, handling_unit="calendar", handling_excludes_appraisal=True, handling_article=HANDLING,
        answer_days=7, answer_unit="calendar", answer_article=ANSWER,
        mediation_days=45, mediation_unit="working", mediation_excludes_appraisal=True,
        mediation_article=f"{ZANXING}第二十一条第（五）项（自投诉受理之日起四十五个工作日）；鉴定时间不计入：第二十条",
        extension_days=0, extension_article="",
        notes="该办法规定市场监管部门处理投诉的程序；本会参照执行。据报道2026年有新的总局令（第121号）替代本办法，"
              "其文本在此未能核对；核对后可作为新的规则集录入，并以其施行日期为生效日期。",
    ),
    dict(
        code="shishi-tiaoli-2024",
        name="消费者权益保护法实施条例（2024）",
        law="中华人民共和国消费者权益保护法实施条例",
        law_date="2024年3月15日国务院令第778号公布，自2024年7月1日起施行",
        effective_from=date(2024, 7, 1),
        is_active=False,
        acceptance_days=7, acceptance_unit="working", acceptance_article=f"{SHISHI}第四十六条第（二）项",
        handling_days=15, handling_unit="calendar", handling_excludes_appraisal=True, handling_article=HANDLING,
        answer_days=7, answer_unit="calendar", answer_article=ANSWER,
        mediation_days=60, mediation_unit="calendar", mediation_excludes_appraisal=True,
        mediation_article=f"{SHISHI}第四十六条第（三）项（自受理之日起六十日内，鉴定时间不计算在内）",
        extension_days=0, extension_article="",
        notes="",
    ),
    dict(
        code="shanghai-2014",
        name="上海市消费者权益保护条例",
        law="上海市消费者权益保护条例",
        law_date="2002年10月28日上海市人大常委会通过，2014年11月20日修正",
        effective_from=date(2014, 11, 20),
        is_active=False,
        acceptance_days=7, acceptance_unit="working",
        acceptance_article=f"{SHANGHAI}第五十五条（及时受理）；期限：{ZANXING}第十四条",
        handling_days=15, handling_unit="calendar", handling_excludes_appraisal=True, handling_article=HANDLING,
        answer_days=7, answer_unit="calendar", answer_article=ANSWER,
        mediation_days=60, mediation_unit="calendar", mediation_excludes_appraisal=False,
        mediation_article=f"{SHANGHAI}第五十六条第一款（调解应当在六十日内完成）",
        extension_days=30,
        extension_article=f"{SHANGHAI}第五十六条第一款（双方同意继续调解的，调解期限可以延长三十日）",
        notes="第五十六条未规定鉴定时间是否计入调解期限，故此处计入；如本会另有规定，请录入新的规则集。",
    ),
    dict(
        code="zhejiang",
        name="浙江省实施《消费者权益保护法》办法",
        law="浙江省实施《中华人民共和国消费者权益保护法》办法",
        law_date="第三十一条至第三十三条（公布日期在此未核对）",
        effective_from=date(2020, 1, 1),
        is_active=False,
        acceptance_days=5, acceptance_unit="working",
        acceptance_article=f"{ZHEJIANG}第三十一条至第三十三条（五个工作日内受理）",
        handling_days=15, handling_unit="calendar", handling_excludes_appraisal=True, handling_article=HANDLING,
        answer_days=5, answer_unit="calendar",
        answer_article=f"{ZHEJIANG}第三十一条至第三十三条（经营者接到通知五日内不答复的，视为故意拖延）",
        mediation_days=45, mediation_unit="working", mediation_excludes_appraisal=True,
        mediation_article=f"{ZANXING}第二十一条第（五）项（浙江办法规定受理后十个工作日内开始调解，未规定调解期限）",
        extension_days=0, extension_article="",
        notes="浙江办法：受理后十个工作日内开始调解；条文编号按第三十一至三十三条合并引用，逐条未核对。",
    ),
]


def seed(apps, schema_editor):
    RuleSet = apps.get_model("cases", "RuleSet")
    Case = apps.get_model("cases", "Case")
    for row in RULE_SETS:
        RuleSet.objects.update_or_create(code=row["code"], defaults=row)
    Case.objects.filter(rule_set__isnull=True).update(rule_set=RuleSet.objects.get(code="zanxing-banfa-2022"))
    grant(apps, {
        "mediator": ["cases.view_ruleset", "cases.view_mediationextension"],
        "supervisor": [
            "cases.view_ruleset", "cases.add_ruleset", "cases.change_ruleset", "cases.view_mediationextension",
        ],
    })


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_rule_sets")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
