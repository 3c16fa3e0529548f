"""The evidence bundle for a lawsuit the association supports (支持起诉) or refers (公益诉讼): one PDF — a cover with
the case file, the members and their amounts, the evidence list and the list of documents, laid out by
documents.pdf, followed by every issued document's own PDF — and a ZIP of the originals (evidence files, signed
authorisations, the documents' PDFs)."""

import io
import zipfile
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from cases.choices import remedy_zh
from cases.documents import document_pdf
from cases.models import Document, Evidence
from core.dates import cn_date
from core.money import amount_in_figures
from documents.pdf import PdfDocument, render_pdf

from .models import GroupComplaint, GroupMember, MemberConsent


def _scope(*, group: GroupComplaint | None, case):
    """The cases the bundle covers: every member's (a group, left members too: their evidence is the dispute's)
    or the one case."""
    if group is not None:
        members = list(
            GroupMember.objects.filter(group=group).select_related("case__consumer", "case__business").order_by("pk")
        )
        return members, [m.case for m in members]
    return [], [case]


def bundle_pdf(*, group: GroupComplaint | None = None, case=None) -> bytes:
    members, cases = _scope(group=group, case=case)
    documents = list(Document.objects.filter(case__in=cases).order_by("issued_at", "pk"))
    evidence = list(Evidence.objects.filter(case__in=cases).select_related("case__consumer").order_by("case", "pk"))
    cover = render_pdf(_cover(group=group, case=case, members=members, cases=cases, documents=documents,
                              evidence=evidence))
    writer = PdfWriter()
    for part in [cover, *(document_pdf(d) for d in documents)]:
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _cover(*, group, case, members, cases, documents, evidence) -> PdfDocument:
    lead = group.lead_case if group is not None else case
    business = group.business if group is not None else case.business
    total_paid = sum((c.amount_paid or Decimal("0") for c in cases), Decimal("0"))
    recovered = sum((c.money_recovered or Decimal("0") for c in cases), Decimal("0"))
    fields = [
        ("共同投诉" if group else "案件编号", group.number if group else (case.number or "")),
        ("被投诉经营者", business.name if business else "—"),
        ("经营者地址", business.address if business else "—"),
        ("主办案件", lead.number if lead and lead.number else "—"),
        ("消费者人数", str(len(members) if group else 1)),
        ("支付金额合计", amount_in_figures(total_paid)),
        ("已挽回经济损失", amount_in_figures(recovered)),
    ]
    parts = []
    if group is not None:
        parts += [f"一、争议事实\n{group.dispute}"]
        lines = ["二、投诉人名单及金额"]
        for n, m in enumerate(members, 1):
            c = m.case
            status = f"已于{cn_date(m.left_on)}退出" if m.left_on else ("代表人" if m.is_representative else "成员")
            outcome = ""
            if m.outcome == GroupMember.Outcome.ACCEPTED:
                outcome = f"；接受和解：{remedy_zh(m.outcome_remedy)} {amount_in_figures(m.outcome_amount or 0)}"
            elif m.outcome == GroupMember.Outcome.REFUSED:
                outcome = "；拒绝和解"
            consents = "、".join(
                sorted({k.get_act_display() for k in MemberConsent.objects.filter(member=m, given=True)})
            )
            lines.append(
                f"{n}. {c.consumer.name}（{status}），电话 {c.consumer.phone}，案件 {c.number or f'WS{c.pk}'}，"
                f"支付 {amount_in_figures(c.amount_paid or 0)}，诉求：{c.demand}{outcome}"
                + (f"；已同意：{consents}" if consents else "")
            )
        parts.append("\n".join(lines))
    else:
        parts += [
            f"一、投诉事实\n{case.facts}",
            f"二、投诉人\n{case.consumer.name}，电话 {case.consumer.phone}，支付 "
            f"{amount_in_figures(case.amount_paid or 0)}，诉求：{case.demand}",
        ]
    ev = ["三、证据清单"] + [
        f"{n}. {e.case.consumer.name}：{e}（{e.content_type or '—'}，{e.size} 字节，{cn_date(timezone.localdate(e.uploaded_at))}）"
        for n, e in enumerate(evidence, 1)
    ]
    if len(ev) == 1:
        ev.append("（无）")
    docs = ["四、所附文书（按签发先后附于本页之后）"] + [
        f"{n}. {d.title} {d.number}（{cn_date(d.issued_on)}）" for n, d in enumerate(documents, 1)
    ]
    if len(docs) == 1:
        docs.append("（无）")
    parts += ["\n".join(ev), "\n".join(docs)]
    supports = (group.lawsuit_supports if group is not None else case.lawsuit_supports).order_by("decided_on")
    if supports.exists():
        parts.append("五、本会意见\n" + "\n".join(
            f"{cn_date(s.decided_on)} {s.get_kind_display()}：{s.addressee}。{s.reasons}" for s in supports
        ))
    return PdfDocument(
        title="证据材料汇编",
        number=group.number if group else (case.number or ""),
        fields=fields,
        body="\n\n".join(parts),
        issuer=settings.ASSOCIATION_NAME,
        date=cn_date(timezone.localdate()),
    )


def bundle_zip(*, group: GroupComplaint | None = None, case=None) -> bytes:
    """The originals: evidence/<case>/<file>, authorisations/<member>/<file>, documents/<number>.pdf."""
    members, cases = _scope(group=group, case=case)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in Evidence.objects.filter(case__in=cases).order_by("case", "pk"):
            with item.file.open("rb") as stored:
                archive.writestr(f"evidence/{_label(item.case)}/{item.pk}-{_name(item.file)}", stored.read())
        for consent in MemberConsent.objects.filter(member__in=members).exclude(document="").select_related(
            "member__case"
        ):
            with consent.document.open("rb") as stored:
                archive.writestr(
                    f"authorisations/{_label(consent.member.case)}/{consent.pk}-{_name(consent.document)}",
                    stored.read(),
                )
        for document in Document.objects.filter(case__in=cases).order_by("issued_at", "pk"):
            archive.writestr(f"documents/{document.number}.pdf", document_pdf(document))
    return out.getvalue()


def _label(case):
    return case.number or f"WS{case.pk}"


def _name(field_file):
    return field_file.name.rsplit("/", 1)[-1]
