"""Issuing a document on a case: one service numbers it, lays it out (documents.pdf), stores its PDF and saves it
audited. Every issued document (不予受理告知书, 转办单, 催办通知书, 调解协议书, 终止调解告知书) is a cases.Document.

- `document_issue` issues one document inside the caller's transaction, its PDF rendered and stored at once (the
  stored file is what the checked file view serves).
- `document_rows_issue` issues a batch in a fixed number of statements (the deadline sweep's urging notices): the
  numbers from one counter update, the documents and their history rows each in one INSERT. Their PDFs are
  rendered once, the first time one is read (`document_pdf`), from the same frozen parts and through the same
  layout: ReportLab takes about 10 ms a page, which would add 10 s to a sweep batch of 1,000 notices and write a
  thousand files inside its transaction.
- `document_pdf` returns a document's PDF, storing it the first time if it was issued in a batch.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core import bulk
from core.association import association
from core.audit import record_text, save_audited
from core.dates import cn_date
from documents.pdf import PdfDocument, render_pdf

from .models import Case, Document, DocumentKind
from .numbering import next_number, next_numbers

K = DocumentKind

# Where a kind needs signatures (暂行办法 art. 22: the agreement is signed or sealed by both parties and sealed by
# the association; its mediator signs).
SIGNATURES = {
    K.AGREEMENT: ["甲方（消费者）签字", "乙方（经营者）签章", "调解员签字"],
    K.TRANSFER_SHEET: ["经营者签收"],
    K.SETTLEMENT_RECORD: ["消费者签字（或网上确认）", "经营者签章（或网上确认）", "记录人签字"],
}


def document_issue(
    *,
    case: Case,
    kind: str,
    text: str,
    actor,
    fields: list[tuple[str, str]] = (),
    footer: str = "",
    number: str | None = None,
    issued_at: datetime | None = None,
    title: str | None = None,
) -> Document:
    """Number (unless `number` was taken already, e.g. to be quoted in `text`), lay out and store a document;
    its text, table, footer and PDF never change after this. The caller holds the transaction."""
    kind = DocumentKind(kind)
    issued_at = issued_at or timezone.now()
    issued_on = timezone.localdate(issued_at)
    document = Document(
        case=case,
        kind=kind,
        number=number or next_number(prefix=kind.prefix, year=issued_on.year),
        title=title or kind.title_zh,
        text=text.strip(),
        fields=[[label, value] for label, value in fields],
        footer=footer.strip(),
        issued_by=actor,
        issued_at=issued_at,
        issued_on=issued_on,
    )
    _store_pdf(document)
    return save_audited(
        document, actor, reason=record_text(gettext_lazy("Document issued: %(n)s"), n=document.number)
    )


def document_numbers(*, kind: str, year: int, count: int = 1) -> list[str]:
    """Numbers of documents about to be issued, when the text must quote its own number."""
    return next_numbers(prefix=DocumentKind(kind).prefix, year=year, count=count)


@dataclass
class DocumentRow:
    """One document of a batch (document_rows_issue)."""

    case_id: int
    number: str
    text: str
    fields: list
    footer: str = ""


def document_rows_issue(*, kind: str, rows: list[DocumentRow], actor_id: int, issued_at: datetime) -> dict:
    """Issue a batch of documents of one kind in two statements (the documents, their history rows); their PDFs
    are stored on first reading (document_pdf). Returns {number: document id}."""
    if not rows:
        return {}
    kind = DocumentKind(kind)
    issued_on = timezone.localdate(issued_at)
    values = [
        (r.case_id, kind.value, r.number, kind.title_zh, r.text.strip(), r.fields, r.footer, "", actor_id,
         issued_at, issued_on)
        for r in rows
    ]
    fields = ["case", "kind", "number", "title", "text", "fields", "footer", "pdf", "issued_by", "issued_at",
              "issued_on"]
    inserted = bulk.insert_ignoring_conflicts(
        Document, fields=fields, rows=values, conflict_fields=["number"], returning=["id", "number"]
    )
    ids = {number: pk for pk, number in inserted}
    history = Document.history.model
    reason = record_text(gettext_lazy("Document issued: %(n)s"), n="")
    bulk.insert_ignoring_conflicts(
        history,
        fields=["id", *fields, "history_date", "history_type", "history_user", "history_change_reason"],
        rows=[(ids[v[2]], *v, issued_at, "+", actor_id, f"{reason}{v[2]}") for v in values if v[2] in ids],
        conflict_fields=["history_id"],
        returning=["history_id"],
    )
    return ids


def document_pdf(document: Document) -> bytes:
    """The document's PDF as stored; a document issued in a batch has it rendered and stored here, once."""
    if not document.pdf:
        with transaction.atomic():
            document = Document.objects.select_for_update().get(pk=document.pk)
            if not document.pdf:
                _store_pdf(document)
                # the file of a document already recorded as issued: no new history row (nothing changed in it)
                Document.objects.filter(pk=document.pk).update(pdf=document.pdf.name)
    with document.pdf.open("rb") as stored:
        return stored.read()


def layout(document: Document) -> PdfDocument:
    """The PDF's parts from the document's frozen ones."""
    particulars = association()
    return PdfDocument(
        title=document.title,
        number=document.number,
        official_number=document.official_number,
        fields=[(label, value) for label, value in document.fields],
        body=document.text,
        footer=document.footer,
        issuer=particulars.name,
        date=cn_date(document.issued_on),
        signatures=SIGNATURES.get(document.kind, []),
        seal=document.kind != K.CASE_FILE,
        seal_image=particulars.seal_image,
    )


def plain_text(document: Document) -> str:
    """The document as plain text (emails): title, number, table, text, footer, issuer and date."""
    lines = [document.title, f"文号：{document.official_number}", f"编号：{document.number}", ""]
    lines += [f"{label}：{value}" for label, value in document.fields]
    parts = ["\n".join(lines), document.text, document.footer, f"{settings.ASSOCIATION_NAME}\n{cn_date(document.issued_on)}"]
    return "\n\n".join(p.strip() for p in parts if p.strip()) + "\n"


def _store_pdf(document):
    document.pdf.save(f"{document.number}.pdf", ContentFile(render_pdf(layout(document))), save=False)


def without_closing(text: str, *, date: str) -> str:
    """A text without its closing lines (the association's name, then the date): the layout writes them, with the
    seal place, under every document."""
    lines = text.rstrip().splitlines()
    if len(lines) >= 2 and lines[-1].strip() == date and lines[-2].strip() == settings.ASSOCIATION_NAME:
        lines = lines[:-2]
    return "\n".join(lines).rstrip()


def pdf_response(document: Document, *, inline: bool = False) -> HttpResponse:
    """The stored PDF as a download; the caller has checked that the reader may see it."""
    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{document.number}.pdf"'
    return response
