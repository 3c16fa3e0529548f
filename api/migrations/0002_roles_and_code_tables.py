"""Supervisors manage partners and keys; the mapping of our vocabularies to the national tables, as data.

The national labels are the 中消协 statistics' classes (问题类别 by nature, 商品/服务大类 by category); the codes
are left empty for the association to enter from the table its 12315 connector uses (CodeMapping in the admin)."""

from django.db import migrations

from cases.roles import grant

SUPERVISOR = [
    "api.add_partner", "api.change_partner", "api.view_partner",
    "api.add_apikey", "api.change_apikey", "api.view_apikey",
    "api.view_handoff", "api.view_apievent", "api.view_apicall",
    "api.change_codemapping", "api.view_codemapping",
]
MEDIATOR = ["api.view_handoff", "api.view_codemapping"]

NATURE = {
    "after_sales": "售后服务问题", "contract": "合同问题", "quality": "质量问题", "price": "价格问题",
    "false_advertising": "虚假宣传问题", "safety": "安全问题", "counterfeit": "假冒问题",
    "dignity": "人格尊严问题", "measurement": "计量问题", "other": "其他问题",
}
CATEGORY = {
    "household_appliances": "家用电子电器类", "vehicles": "交通工具类", "food": "食品类", "clothing": "服装鞋帽类",
    "daily_goods": "日用商品类", "housing": "房屋及建材类", "cosmetics": "日用商品类（化妆品）",
    "education": "教育培训服务", "internet": "互联网服务", "telecom": "电信服务", "lifestyle": "生活、社会服务类",
    "medical": "卫生保健服务", "travel": "旅游服务", "finance": "金融服务", "transport": "公共设施服务（交通运输）",
    "other": "其他商品和服务",
}
CHANNEL = {"12315": "全国12315平台", "12345": "12345政务服务便民热线"}


def seed(apps, schema_editor):
    grant(apps, {"supervisor": SUPERVISOR, "mediator": MEDIATOR})
    CodeMapping = apps.get_model("api", "CodeMapping")
    for table, values in (("nature", NATURE), ("category", CATEGORY), ("channel", CHANNEL)):
        for value, label in values.items():
            CodeMapping.objects.get_or_create(table=table, value=value, defaults={"national_label": label})


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial"), ("cases", "0003_roles")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
