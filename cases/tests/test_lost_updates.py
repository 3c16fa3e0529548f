"""An edit racing a transition loses nothing (issue "One truth", item 6): every write locks the case's row, a
transition writes only the columns it changed, and a double submit is refused with a message, not a 500."""

from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cases import services, transitions
from cases.models import Case, CasePause
from cases.tests.test_concurrency import _race
from mediation.services.transfers import case_transfer

ROUNDS = 10


@pytest.mark.django_db
def test_a_transition_saved_from_a_stale_copy_keeps_the_other_columns(make_case, mediator, other_mediator, supervisor):
    case = make_case("accepted")
    stale = Case.objects.get(pk=case.pk)  # loaded before the colleagues' edits, as a racing transfer would
    edited = Case.objects.get(pk=case.pk)
    edited.facts = "更正：冰箱冷藏室不制冷，冷冻室正常"
    services.case_update(case=edited, actor=mediator, reason="更正事实", changed=["facts"])
    services.case_assign_mediator(case_ids=[case.pk], mediator=other_mediator, actor=supervisor, reason="调整")

    with transaction.atomic():
        transitions.run(stale, "transfer", actor=mediator, reason="转办", at=stale.received_at)

    final = Case.objects.get(pk=case.pk)
    assert final.state == "transferred" and final.transferred_at == stale.received_at
    assert final.facts == "更正：冰箱冷藏室不制冷，冷冻室正常"
    assert final.mediator == other_mediator


@pytest.mark.django_db
def test_a_transition_writes_only_what_it_changed(make_case, mediator, django_assert_num_queries):
    case = make_case("accepted")
    assert case.changed_fields() == []
    case.facts = "x"
    assert case.changed_fields() == ["facts"]
    case.refresh_from_db()
    assert case.changed_fields() == []
    with transaction.atomic():
        transitions.run(case, "transfer", actor=mediator, reason="转办", at=case.received_at)
    assert case.changed_fields() == []  # saved: nothing pending


@pytest.mark.django_db
def test_an_edit_of_a_case_loaded_before_a_transfer_keeps_the_transfer(make_case, mediator):
    case = make_case("accepted")
    edited = Case.objects.get(pk=case.pk)  # the admin's form was built on this copy
    case_transfer(case_id=case.pk, actor=mediator)
    edited.demand = "退货退款"
    saved = services.case_update(case=edited, actor=mediator, reason="消费者改变诉求", changed=["demand"])
    final = Case.objects.get(pk=case.pk)
    assert final.state == saved.state == "transferred" and final.demand == "退货退款"


@pytest.mark.django_db
def test_a_mediator_cannot_change_the_mediator_of_an_assigned_case(make_case, mediator, other_mediator):
    case = make_case("accepted")
    edited = Case.objects.get(pk=case.pk)
    edited.mediator = other_mediator
    with pytest.raises(PermissionDenied):
        services.case_update(case=edited, actor=other_mediator, reason="我来办", changed=["mediator"])
    assert Case.objects.get(pk=case.pk).mediator == mediator


def _edit_facts(case_id, actor, facts):
    copy = Case.objects.get(pk=case_id)
    copy.facts = facts
    return services.case_update(case=copy, actor=actor, reason="更正事实", changed=["facts"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_edit_and_a_reassignment_racing_a_transfer_all_survive(make_case, mediator, other_mediator, supervisor):
    """Three colleagues act on one accepted case at the same moment, ROUNDS times: a correction of the facts, a
    supervisor's reassignment and the transfer. Every round, all three changes are in the database."""
    lost = []
    for n in range(ROUNDS):
        case = make_case("accepted")
        facts = f"第{n}轮更正的事实"
        results = _race([
            partial(_edit_facts, case.pk, mediator, facts),
            partial(
                services.case_assign_mediator,
                case_ids=[case.pk], mediator=other_mediator, actor=supervisor, reason="调整分工",
            ),
            partial(case_transfer, case_id=case.pk, actor=mediator),
        ])
        final = Case.objects.get(pk=case.pk)
        errors = [r for r in results if isinstance(r, Exception)]
        if errors or (final.facts, final.mediator_id, final.state) != (facts, other_mediator.pk, "transferred"):
            lost.append((n, final.facts, final.mediator_id, final.state, errors))
    assert lost == [], f"{len(lost)} of {ROUNDS} races lost an update: {lost}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_material_received_twice_at_once_counts_once(make_case, mediator):
    case = make_case()
    services.case_request_supplement(case_id=case.pk, actor=mediator, missing="购物发票")
    results = _race([
        lambda: services.case_supplement_received(case_id=case.pk, actor=mediator, note="发票已补"),
        lambda: services.case_supplement_received(case_id=case.pk, actor=mediator, note="发票已补"),
    ])
    assert sum(isinstance(r, Case) for r in results) == 1, results
    [refusal] = [r for r in results if isinstance(r, ValidationError)]
    assert "补充材料" in str(refusal) or "supplementary" in str(refusal)
    assert CasePause.objects.filter(case=case, ended_on__isnull=False).count() == 1
    assert CasePause.history.filter(case_id=case.pk, ended_on__isnull=False).count() == 1
    assert Case.objects.get(pk=case.pk).history.filter(history_change_reason__contains="补充材料").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_material_requested_twice_at_once_opens_one_pause(make_case, mediator):
    case = make_case()
    results = _race([
        lambda: services.case_request_supplement(case_id=case.pk, actor=mediator, missing="购物发票"),
        lambda: services.case_request_supplement(case_id=case.pk, actor=mediator, missing="购物发票"),
    ])
    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert CasePause.objects.filter(case=case).count() == 1
