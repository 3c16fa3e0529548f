import factory

from mediation.models import AppraisalBody


class AppraisalBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppraisalBody

    name = factory.Sequence(lambda n: f"示范市产品质量监督检验所{n}")
    qualification = "CMA 2026000123"
    scope = "家用电器、汽车零部件质量鉴定"
    contact_person = "钱工"
    phone = "021-66660001"
