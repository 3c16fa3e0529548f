"""The business portal (/portal/): sign in, the business's open transfer sheets, one sheet and its answer.

Every view finds the sheet through mediation.selectors scoped to the viewer's businesses (a sheet of another
business is "not found", exactly like a sheet that does not exist) and writes only through mediation.services,
which check membership again.
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.delivery import portal_document_read
from cases.documents import pdf_response
from cases.models import Evidence
from groups.selectors import led_group_members
from mediation import selectors
from mediation.links import portal_link_user
from mediation.models import TransferSheet
from mediation.services import transfers
from mediation.services.performance import agreement_performance_confirm

from .. import ratelimits
from ..access import LINK_SCOPE_KEY, business_portal
from ..forms import EvidenceUploadForm, MessageForm, PerformanceForm, PortalLoginForm, ReplyForm

SHEETS_PER_PAGE = 50


class PortalLoginView(LoginView):
    template_name = "portal/business/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = False

    def post(self, request, *args, **kwargs):
        """Only failures count: per account and IP address (django-axes, portal.lockout) and per IP address
        whatever the account (RATE_PORTAL_LOGIN_IP, against password spraying). A success is never counted."""
        if wait := ratelimits.exhausted(request, "portal_login_ip"):
            return ratelimits.limited_response(request, wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("__all__", "invalid_login"):
            ratelimits.hit(self.request, "portal_login_ip")
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(
            LINK_SCOPE_KEY, None
        )  # a password sign-in acts for all the user's businesses
        return response

    def get_default_redirect_url(self):
        return reverse("portal:home")


@require_POST
def portal_logout(request):
    logout(request)
    return redirect("portal:login")


@require_GET
def sheet_link(request, pk):
    """The emailed link: a valid token for this very sheet signs the business's contact account in, keeps the
    session to the sheet's business, and lands on the sheet (the token leaves the address bar)."""
    user = portal_link_user(request, pk)
    sheet = TransferSheet.objects.filter(pk=pk, business__members=user).first() if user is not None else None
    if sheet is None:
        return render(request, "portal/business/link_invalid.html", status=403)
    login(request, user, backend="sesame.backends.ModelBackend")
    request.session[LINK_SCOPE_KEY] = sheet.business_id
    return redirect("portal:sheet", pk=sheet.pk)


@business_portal
@require_GET
def home(request):
    page = Paginator(
        selectors.portal_sheets(business_ids=request.portal_business_ids), SHEETS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "portal/business/home.html", {"page_obj": page, "today": timezone.localdate()})


@business_portal
@require_GET
def history(request):
    """The answered and finished sheets of the business, with the documents it received."""
    page = Paginator(
        selectors.portal_sheet_history(business_ids=request.portal_business_ids), SHEETS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "portal/business/history.html", {"page_obj": page, "today": timezone.localdate()})


def _sheet_or_404(request, pk):
    sheet = selectors.portal_sheet(sheet_id=pk, business_ids=request.portal_business_ids)
    if sheet is None:
        raise Http404
    return sheet


def _render_sheet(
    request, sheet, *, reply_form=None, message_form=None, evidence_form=None, performance_form=None, status=200
):
    case = sheet.case
    performance_open = (
        case.state == "resolved" and case.performance_due_on is not None and case.performed_on is None
        and not case.performance_confirmed_by
    )
    reply = getattr(sheet, "reply", None)
    can_reply = reply is None and case.state == "transferred"
    group, group_members = led_group_members(case)
    context = {
        "group": group,
        "group_members": group_members,
        "group_total": sum((m.case.amount_paid or 0 for m in group_members), 0),
        "sheet": sheet,
        "case": case,
        "reply": reply,
        "today": timezone.localdate(),
        "evidence": selectors.portal_sheet_evidence(sheet=sheet),
        "messages_list": selectors.portal_sheet_messages(sheet=sheet),
        "can_reply": can_reply,
        "can_add": case.is_open,
        "reply_form": reply_form or (ReplyForm() if can_reply else None),
        "message_form": message_form or MessageForm(),
        "evidence_form": evidence_form or EvidenceUploadForm(),
        "documents": selectors.portal_sheet_documents(sheet=sheet),
        "performance_form": performance_form or (PerformanceForm() if performance_open else None),
    }
    return render(request, "portal/business/sheet.html", context, status=status)


@business_portal
@require_GET
def sheet_detail(request, pk):
    return _render_sheet(request, _sheet_or_404(request, pk))


def _run(request, form, service, **kwargs):
    """Call a service; its refusals become form errors (nothing typed is lost)."""
    try:
        service(actor=request.user, **kwargs)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
    return not form.errors


@business_portal
@require_POST
def sheet_reply(request, pk):
    sheet = _sheet_or_404(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid() and _run(
        request, form, transfers.business_reply_submit, sheet_id=sheet.pk, **form.cleaned_data
    ):
        messages.success(request, _("Your answer was sent to the consumer association."))
        return redirect("portal:sheet", pk=sheet.pk)
    return _render_sheet(request, sheet, reply_form=form, status=400)


@business_portal
@require_POST
def sheet_message(request, pk):
    sheet = _sheet_or_404(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid() and _run(
        request, form, transfers.sheet_message_add, sheet_id=sheet.pk, body=form.cleaned_data["body"]
    ):
        messages.success(request, _("Your message was sent."))
        return redirect("portal:sheet", pk=sheet.pk)
    return _render_sheet(request, sheet, message_form=form, status=400)


@business_portal
@require_POST
def sheet_evidence_upload(request, pk):
    sheet = _sheet_or_404(request, pk)
    form = EvidenceUploadForm(request.POST, request.FILES)
    if form.is_valid() and _run(
        request,
        form,
        transfers.business_evidence_add,
        sheet_id=sheet.pk,
        file=form.cleaned_data["file"],
        description=form.cleaned_data["description"],
    ):
        messages.success(request, _("The file was uploaded."))
        return redirect("portal:sheet", pk=sheet.pk)
    return _render_sheet(request, sheet, evidence_form=form, status=400)


@business_portal
@require_GET
def sheet_evidence(request, pk, evidence_pk):
    sheet = _sheet_or_404(request, pk)
    item = Evidence.objects.filter(pk=evidence_pk, case_id=sheet.case_id, shared_with_business=True).first()
    if item is None:
        raise Http404
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.file.name.rsplit("/", 1)[-1],
        content_type=item.content_type or "application/octet-stream",
    )


@business_portal
@require_GET
def sheet_pdf(request, pk):
    """The sheet's stored PDF; a business reads only its own sheets (a foreign or missing one is a 404)."""
    sheet = _sheet_or_404(request, pk)
    portal_document_read(document=sheet.document, actor=request.user)
    return pdf_response(sheet.document)


@business_portal
@require_GET
def sheet_document(request, pk, document_pk):
    """A document of the sheet's case addressed to the business (its 催办, the agreement …); opening it is the
    portal delivery's arrival."""
    sheet = _sheet_or_404(request, pk)
    document = selectors.portal_sheet_documents(sheet=sheet).filter(pk=document_pk).first()
    if document is None:
        raise Http404
    portal_document_read(document=document, actor=request.user)
    return pdf_response(document)


@business_portal
@require_POST
def sheet_performance(request, pk):
    sheet = _sheet_or_404(request, pk)
    form = PerformanceForm(request.POST)
    if form.is_valid() and _run(
        request, form, agreement_performance_confirm, case_id=sheet.case_id, by="business",
        performed=form.cleaned_data["performed"], note=form.cleaned_data["note"],
    ):
        messages.success(request, _("Thank you. The association has been told."))
        return redirect(reverse("portal:sheet", args=[sheet.pk]))
    return _render_sheet(request, sheet, performance_form=form, status=400)
