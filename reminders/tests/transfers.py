"""A `make_case` whose transferred cases go through the real transfer action (mediation.services), which issues
the transfer sheet and sets the business's answer date: the root conftest's shortcut runs the core transition
only, so its cases have no sheet and no answer date. Import it into a test module to override the fixture."""

import pytest

from cases.models import Case


@pytest.fixture
def make_case(make_case, mediator):
    from mediation.services import case_transfer_with_sheet

    def make(state="submitted", **overrides):
        if state != "transferred":
            return make_case(state, **overrides)
        case = make_case("accepted", **overrides)
        case_transfer_with_sheet(case_id=case.pk, actor=overrides.get("actor") or mediator)
        return Case.objects.get(pk=case.pk)

    return make
