import pytest
from django.core.exceptions import ValidationError

from mediation.models import FollowUp
from mediation.services import follow_up_record

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
