"""The transfer sheet as a printable PDF, laid out from its frozen text (never re-rendered from the case)."""

from django.http import HttpResponse

from documents.pdf import PdfDocument, render_pdf

from .models import TransferSheet

FIELD_SEPARATOR = "："


def transfer_sheet_document(sheet: TransferSheet) -> PdfDocument:
    """Split the text as issued (mediation/transfer_sheet.txt) into the PDF's parts.

    Steps: the first paragraph is the title; the second holds one "label：value" per line, shown as a table (a
    line without the separator continues the previous value); the rest, minus the closing two lines (the
    association and the date), is the body, and those two lines are the footer.
    """
    paragraphs = sheet.content.replace("\r\n", "\n").strip().split("\n\n")
    title, header, rest = paragraphs[0].strip(), paragraphs[1] if len(paragraphs) > 1 else "", paragraphs[2:]
    fields = []
    for line in header.splitlines():
        label, found, value = line.partition(FIELD_SEPARATOR)
        if found:
            fields.append((label.strip(), value.strip()))
        elif fields:
            fields[-1] = (fields[-1][0], f"{fields[-1][1]} {line.strip()}")
    number = next((value for label, value in fields if label == "编号"), sheet.number)
    fields = [(label, value) for label, value in fields if label != "编号"]
    footer = ""
    if rest:
        lines = rest[-1].splitlines()
        if len(lines) >= 2:
            footer, rest[-1] = "\n".join(lines[-2:]), "\n".join(lines[:-2])
    return PdfDocument(
        title=title,
        number=number,
        fields=fields,
        body="\n\n".join(p for p in rest if p.strip()),
        footer=footer,
    )


def transfer_sheet_pdf(sheet: TransferSheet) -> bytes:
    return render_pdf(transfer_sheet_document(sheet))


def pdf_response(sheet: TransferSheet, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(transfer_sheet_pdf(sheet), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{sheet.number}.pdf"'
    return response
