import pytest
from django.core.exceptions import ValidationError

from mediation.models import FollowUp
from mediation.services.follow_up import follow_up_record

pytestmark = pytest.mark.django_db


def test_a_finished_case_is_rated_once(make_case, mediator):
    case = make_case("resolved")
    follow_up = follow_up_record(case_id=case.pk, channel="phone", satisfaction=5, comment="满意", actor=mediator)
    assert follow_up.history.get().history_user == mediator
    with pytest.raises(ValidationError):
        follow_up_record(case_id=case.pk, channel="online", satisfaction=1, actor=mediator)
    assert FollowUp.objects.get().satisfaction == 5


@pytest.mark.parametrize("rating", [0, 6, None])
def test_ratings_outside_1_to_5_are_refused(make_case, mediator, rating):
    case = make_case("resolved")
    with pytest.raises(ValidationError):
        follow_up_record(case_id=case.pk, channel="online", satisfaction=rating, actor=mediator)
    assert not FollowUp.objects.exists()


def test_an_open_case_cannot_be_rated(make_case, mediator):
    case = make_case("mediating")
    with pytest.raises(ValidationError):
        follow_up_record(case_id=case.pk, channel="online", satisfaction=4, actor=mediator)


def test_the_case_page_shows_the_follow_up(client, make_case, mediator):
    from django.urls import reverse

    case = make_case("closed")
    follow_up_record(case_id=case.pk, channel="phone", satisfaction=4, comment="基本满意", actor=mediator)
    client.force_login(mediator)
    assert "基本满意" in client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()


# --- the mediator's phone follow-up on the case page ---------------------------------------------------------


def test_phone_follow_up_from_the_case_page(client, make_case, mediator):
    from django.urls import reverse

    case = make_case("resolved")
    client.force_login(mediator)
    url = reverse("admin:cases_case_act", args=[case.pk, "follow_up_phone"])
    assert url in client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert client.post(url, {"comment": "没有评分"}).status_code == 200  # a rating is required
    response = client.post(url, {"satisfaction": "4", "comment": "电话回访，基本满意"})
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(case=case)
    assert (follow_up.channel, follow_up.satisfaction, follow_up.recorded_by) == ("phone", 4, mediator)
    assert url not in client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()


def test_phone_follow_up_is_not_offered_on_open_cases_nor_to_business_users(make_case, business_user):
    from mediation.services.follow_up import follow_up_by_phone

    case = make_case("mediating")
    with pytest.raises(ValidationError):
        follow_up_by_phone(case_id=case.pk, actor=case.mediator, satisfaction=5)
    finished = make_case("resolved")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        follow_up_by_phone(case_id=finished.pk, actor=business_user, satisfaction=5)
    assert not FollowUp.objects.exists()
