"""Three URL sets: the business portal (/portal/, namespace "portal"), the consumers' pages (/complaint/,
namespace "public") and the public list of businesses (/public/, namespace "mediation_public"); config/urls.py
mounts them."""

from django.urls import path

from .views import accounts, business, businesses, public

business_patterns = [
    path("", business.home, name="home"),
    path("history/", business.history, name="history"),
    path("login/", business.PortalLoginView.as_view(), name="login"),
    path("logout/", business.portal_logout, name="logout"),
    path("set-password/<uidb64>/<token>/", accounts.SetPasswordView.as_view(), name="set_password"),
    path("set-password/done/", accounts.set_password_done, name="set_password_done"),
    path("link/<int:pk>/", business.sheet_link, name="sheet_link"),
    path("sheets/<int:pk>/", business.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/reply/", business.sheet_reply, name="sheet_reply"),
    path("sheets/<int:pk>/message/", business.sheet_message, name="sheet_message"),
    path("sheets/<int:pk>/evidence/", business.sheet_evidence_upload, name="sheet_evidence_upload"),
    path("sheets/<int:pk>/evidence/<int:evidence_pk>/", business.sheet_evidence, name="sheet_evidence"),
    path("sheets/<int:pk>/pdf/", business.sheet_pdf, name="sheet_pdf"),
    path("sheets/<int:pk>/documents/<int:document_pk>/", business.sheet_document, name="sheet_document"),
    path("sheets/<int:pk>/performance/", business.sheet_performance, name="sheet_performance"),
]

public_patterns = [
    path("", public.complaint_new, name="complaint"),
    path("receipt/", public.receipt, name="receipt"),
    path("privacy/", public.privacy, name="privacy"),
    path("track/", public.track, name="track"),
    path("track/code/", public.track_code, name="track_code"),
    path("track/case/", public.status, name="status"),
    path("track/case/respond/", public.respond, name="respond"),
    path("track/case/rate/", public.rate, name="rate"),
    path("track/case/group/", public.group_answer, name="group_answer"),
    path("track/case/rejection.pdf", public.rejection_notice_pdf, name="rejection_pdf"),
    path("track/case/documents/<int:pk>.pdf", public.document_pdf, name="document_pdf"),
    path("track/case/supplement/", public.supplement_upload, name="supplement_upload"),
    path("track/case/performance/", public.performance, name="performance"),
    path("track/leave/", public.track_leave, name="track_leave"),
]

businesses_patterns = [
    path("businesses/", businesses.public_businesses, name="businesses"),
]
