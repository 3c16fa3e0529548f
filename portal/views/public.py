"""The consumers' public pages (/complaint/): the online complaint form, the receipt, the tracking page and the
consumer's answers on it (the business's offer, the rating).

Access to a case is a grant kept in the consumer's session after the tracking number was proven with the
receipt's secret or an SMS code; the case's id never appears in an address, so there is nothing to tamper with.
"""

import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.choices import CaseState, PauseKind
from cases.documents import pdf_response
from cases.models import CONSUMER_KINDS, Case, DocumentKind
from cases.services import case_supplement_upload
from cases.users import get_system_user
from core.clientip import client_ip
from groups.models import ConsentAct, GroupComplaint, MemberConsent
from groups.selectors import member_of
from groups.services import consent_of, group_member_remove, member_consent_record, member_offer_answer
from mediation.services.follow_up import consumer_rate
from mediation.services.performance import agreement_performance_confirm
from mediation.services.transfers import consumer_offer_respond
from notifications.services import notification_enqueue

from .. import ratelimits, tracking
from ..forms import (
    ComplaintForm,
    OfferResponseForm,
    PerformanceForm,
    RatingForm,
    SupplementUploadForm,
    TrackCodeForm,
    TrackPhoneForm,
    TrackSecretForm,
)
from ..progress import case_progress
from ..services import PRIVACY_NOTICE_VERSION, complaint_submit_online

RECEIPT_KEY = "complaint_receipt"
GRANT_KEY = "tracking_grant"
CODE_KEY = "tracking_code"
GRANT_SECONDS = 30 * 60


def _rate_limited(request, seconds=0):
    return ratelimits.limited_response(request, seconds)


# --- filing ---------------------------------------------------------------------------------------------


def _complaint_page(request, form, *, status=200):
    """The form, with the open group complaints a consumer may join (business and title only: no one's data)."""
    number = ((form.data.get("group") if form.is_bound else form.initial.get("group")) or "").strip().upper()
    group = open_groups().filter(number=number).first() if number else None
    context = {"form": form, "group": group, "open_groups": list(open_groups()[:20])}
    return render(request, "portal/public/complaint_form.html", context, status=status)


@require_GET
def landing(request):
    """`/`: what a consumer comes for — file a complaint, follow one, the public list — and, discreetly, the
    staff's and the businesses' sign-in."""
    return render(request, "portal/public/landing.html")


@require_http_methods(["GET", "POST"])
def complaint_new(request):
    if request.method == "GET":
        group = open_groups().filter(number=request.GET.get("group", "").strip().upper()).first()
        initial = {}
        if group is not None:  # "join this group complaint": the business is the group's
            initial = {"group": group.number, "business_name": group.business.name,
                       "business_address": group.business.address, "category": group.category,
                       "nature": group.nature}
        return _complaint_page(request, ComplaintForm(initial=initial))
    if wait := ratelimits.exhausted(request, "complaint_ip"):
        return _rate_limited(request, wait)
    form = ComplaintForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            case, secret = complaint_submit_online(**form.service_kwargs())
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            ratelimits.hit(request, "complaint_ip")  # successful filings count; mistakes being fixed do not
            request.session[RECEIPT_KEY] = {"number": tracking.tracking_number(case), "secret": secret}
            _grant(request, case)
            return redirect("public:receipt")
    return _complaint_page(request, form, status=400)


@require_GET
def receipt(request):
    """Shown once: the secret is in the session only until this page is seen, and never stored in clear."""
    data = request.session.pop(RECEIPT_KEY, None)
    if data is None:
        return redirect("public:track")
    return render(request, "portal/public/receipt.html", data)


@require_GET
def privacy(request):
    return render(request, "portal/public/privacy.html", {"version": PRIVACY_NOTICE_VERSION})


# --- tracking -------------------------------------------------------------------------------------------


def _grant(request, case):
    request.session.cycle_key()  # a new session key whenever access is granted (no session fixation)
    request.session[GRANT_KEY] = {"case": case.pk, "until": time.time() + GRANT_SECONDS}


def granted_case_id(request) -> int | None:
    """The case the consumer's unexpired tracking grant opens, else None."""
    grant = request.session.get(GRANT_KEY)
    if not grant or grant.get("until", 0) < time.time():
        request.session.pop(GRANT_KEY, None)
        return None
    return grant["case"]


def _granted_case(request):
    case_id = granted_case_id(request)
    if case_id is None:
        return None
    return Case.objects.select_related("consumer", "business", "mediator").filter(pk=case_id).first()


def _tracking_forms(secret_form=None, phone_form=None):
    return {
        "secret_form": secret_form or TrackSecretForm(prefix="s"),
        "phone_form": phone_form or TrackPhoneForm(prefix="p"),
    }


@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        return render(request, "portal/public/track.html", _tracking_forms())
    by_secret = "s-number" in request.POST
    form = (
        TrackSecretForm(request.POST, prefix="s") if by_secret else TrackPhoneForm(request.POST, prefix="p")
    )
    number = tracking.normalize_number(request.POST.get("s-number" if by_secret else "p-number", ""))
    wait = ratelimits.hit(request, "tracking_ip") or ratelimits.hit(
        request, "tracking_number", value=f"{number}|{client_ip(request)}"
    )
    if wait:
        return _rate_limited(request, wait)
    if form.is_valid():
        case = tracking.find_case(form.cleaned_data["number"])
        if by_secret:
            if tracking.secret_matches(case, form.cleaned_data["secret"]):
                _grant(request, case)
                return redirect("public:status")
            form.add_error(None, _("The number and the secret do not match. Check both and try again."))
        else:
            return _send_code(request, case, form.cleaned_data["phone"], number)
    forms = _tracking_forms(secret_form=form) if by_secret else _tracking_forms(phone_form=form)
    return render(request, "portal/public/track.html", forms, status=400)


def _send_code(request, case, phone, number):
    """Send a code to the case's phone if the phone given is that phone. The answer is the same either way, so
    the form tells nobody whether a number and a phone belong together."""
    matched = tracking.phone_matches(case, phone)
    if matched and (wait := ratelimits.hit(request, "tracking_sms", value=number)):
        return _rate_limited(request, wait)
    code = tracking.new_code()
    request.session[CODE_KEY] = {
        "id": secrets.token_hex(16),
        "case": case.pk if matched else None,
        "hmac": tracking.code_hmac(code),
        "until": time.time() + tracking.CODE_TTL_SECONDS,
    }
    if matched:
        notification_enqueue(
            channel="sms",
            template="portal/tracking_code",
            to_address=case.consumer.phone,
            about=case,
            secret_keys=("code",),
            context={
                "code": code,
                "association": settings.ASSOCIATION_NAME,
                "minutes": tracking.CODE_TTL_SECONDS // 60,
            },
        )
    return redirect("public:track_code")


@require_http_methods(["GET", "POST"])
def track_code(request):
    pending = request.session.get(CODE_KEY)
    if not pending or pending["until"] < time.time():
        request.session.pop(CODE_KEY, None)
        messages.error(request, _("The code has expired. Ask for a new one."))
        return redirect("public:track")
    form = TrackCodeForm(request.POST or None)
    if request.method == "POST":
        if wait := ratelimits.hit(request, "tracking_ip"):
            return _rate_limited(request, wait)
        if form.is_valid():
            # The try is counted in the cache before the code is compared: of requests sent at once, only the
            # first CODE_MAX_TRIES are ever evaluated (a count kept in the session would be overwritten).
            attempt = tracking.code_try(pending.get("id") or pending["hmac"])
            if attempt > tracking.CODE_MAX_TRIES:
                request.session.pop(CODE_KEY, None)
                messages.error(request, _("Too many wrong codes. Ask for a new one."))
                return redirect("public:track")
            ok = pending["case"] is not None and tracking.secret_compare(
                pending["hmac"], tracking.code_hmac(form.cleaned_data["code"])
            )
            if ok:
                request.session.pop(CODE_KEY, None)
                _grant(request, Case(pk=pending["case"]))
                return redirect("public:status")
            if attempt >= tracking.CODE_MAX_TRIES:
                request.session.pop(CODE_KEY, None)
                messages.error(request, _("Too many wrong codes. Ask for a new one."))
                return redirect("public:track")
            form.add_error("code", _("The code is not right."))
        return render(request, "portal/public/track_code.html", {"form": form}, status=400)
    return render(request, "portal/public/track_code.html", {"form": form})


@require_GET
def status(request):
    case = _granted_case(request)
    if case is None:
        return redirect("public:track")
    return _render_status(request, case)


@require_GET
def document_pdf(request, pk):
    """A document addressed to the consumer of the granted case (CONSUMER_KINDS), as stored when issued."""
    case = _granted_case(request)
    if case is None:
        return redirect("public:track")
    document = case.documents.filter(pk=pk, kind__in=CONSUMER_KINDS).first()
    if document is None:
        raise Http404
    return pdf_response(document)


@require_POST
def supplement_upload(request):
    case = _granted_case(request)
    if case is None:
        return redirect("public:track")
    form = SupplementUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            case_supplement_upload(case_id=case.pk, files=form.cleaned_data["files"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Thank you. The association has received your material."))
            return redirect(reverse("public:status"))
    return _render_status(request, case, status=400, supplement_form=form)


@require_POST
def performance(request):
    return _answer(
        request,
        PerformanceForm,
        "performance_form",
        lambda case, data: agreement_performance_confirm(
            case_id=case.pk, by="consumer", performed=data["performed"], note=data["note"]
        ),
    )


@require_GET
def rejection_notice_pdf(request):
    """The rejection notice (不予受理告知书) of the consumer's granted case, as stored when it was issued."""
    case = _granted_case(request)
    if case is None:
        return redirect("public:track")
    document = case.documents.filter(kind=DocumentKind.REJECTION_NOTICE).first()
    if document is None:
        raise Http404
    return pdf_response(document)


def open_groups():
    return GroupComplaint.objects.filter(status=GroupComplaint.Status.OPEN).select_related("business").order_by("pk")


def _group_context(case):
    """The consumer's own membership: the group, its representatives (names only), and their consents."""
    member = member_of(case)
    if member is None:
        return {}
    reps = [m.case.consumer.name for m in member.group.members.filter(left_on__isnull=True, is_representative=True)
            .select_related("case__consumer")]
    consents = [(act, label, consent_of(member, act)) for act, label in ConsentAct.choices]
    return {"membership": member, "representatives": reps, "consents": consents}


def _render_status(
    request, case, *, offer_form=None, rating_form=None, supplement_form=None, performance_form=None, status=200
):
    progress = case_progress(case)
    waiting_for_material = case.pause_kind == PauseKind.SUPPLEMENT
    performance_open = (
        case.state == CaseState.RESOLVED and case.performance_due_on is not None and case.performed_on is None
        and not case.performance_confirmed_by
    )
    context = {
        **_group_context(case),
        "case": case,
        "progress": progress,
        "tracking_number": tracking.tracking_number(case),
        "offer_form": offer_form or (OfferResponseForm() if progress.offer_open else None),
        "rating_form": rating_form or (RatingForm() if progress.can_rate else None),
        "supplement_form": supplement_form or (SupplementUploadForm() if waiting_for_material else None),
        "performance_form": performance_form or (PerformanceForm() if performance_open else None),
        "documents": case.documents.filter(kind__in=CONSUMER_KINDS).order_by("issued_at", "pk"),
        "association_phone": settings.ASSOCIATION_PHONE,
    }
    return render(request, "portal/public/status.html", context, status=status)


def _answer(request, form_class, form_name, handle):
    """Record the consumer's answer on their granted case; a refused answer shows the page again with what they
    typed and the reason."""
    case = _granted_case(request)
    if case is None:
        return redirect("public:track")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            handle(case, form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Thank you. Your answer was recorded."))
            return redirect(reverse("public:status"))
    return _render_status(request, case, status=400, **{form_name: form})


@require_POST
def respond(request):
    return _answer(
        request,
        OfferResponseForm,
        "offer_form",
        lambda case, data: consumer_offer_respond(
            case_id=case.pk, accept=data["decision"] == "accept", comment=data["comment"]
        ),
    )


@require_POST
def rate(request):
    return _answer(
        request,
        RatingForm,
        "rating_form",
        lambda case, data: consumer_rate(
            case_id=case.pk, satisfaction=data["satisfaction"], comment=data["comment"]
        ),
    )


@require_POST
def group_answer(request):
    """The consumer's own word on their group complaint: answer the settlement put to them, give or withdraw a
    consent, or leave the group."""
    case = _granted_case(request)
    if case is None:
        return redirect("public:track")
    member = member_of(case)
    if member is None:
        raise Http404
    system = get_system_user()
    try:
        if request.POST.get("offer") in ("accept", "refuse"):
            member_offer_answer(member_id=member.pk, accepted=request.POST["offer"] == "accept", actor=system)
        elif request.POST.get("leave"):
            group_member_remove(
                member_id=member.pk, actor=system, by_consumer=True,
                reason=request.POST.get("reason", "").strip() or _("The consumer left on the tracking page"),
            )
        else:
            act = request.POST.get("act", "")
            if act not in ConsentAct.values:
                raise ValidationError(_("Choose what you agree to."))
            member_consent_record(
                member_id=member.pk, act=act, given=request.POST.get("given") == "1", actor=system,
                via=MemberConsent.Via.TRACKING_PAGE,
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you. Your answer was recorded."))
    return redirect(reverse("public:status") + "#group")


@require_POST
def track_leave(request):
    request.session.pop(GRANT_KEY, None)
    return redirect("public:track")
