import factory
from django.contrib.auth import get_user_model

from cases.models import Business
from mediation.models import AppraisalBody


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"示范电器商场{n}号店")
    credit_code = factory.Sequence(lambda n: f"91310000MA{n:08d}")
    address = "示范市中山路88号"
    contact_person = "陈经理"
    phone = "021-55550001"
    email = factory.Sequence(lambda n: f"shop{n}@example.com")

class AppraisalBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppraisalBody

    name = factory.Sequence(lambda n: f"示范市产品质量监督检验所{n}")
    qualification = "CMA 2026000123"
    scope = "家用电器、汽车零部件质量鉴定"
    contact_person = "钱工"
    phone = "021-66660001"
