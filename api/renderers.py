import csv
import io

from rest_framework.renderers import BaseRenderer


class CSVRenderer(BaseRenderer):
    """A list of flat rows (the open data) as CSV with a header; UTF-8 with BOM so spreadsheet programs read
    the Chinese right. Values that a spreadsheet would run as a formula are quoted with a leading apostrophe."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(rows, dict):  # an error body
            rows = [rows]
        out = io.StringIO()
        out.write("\ufeff")
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _safe(v) for k, v in row.items()})
        return out.getvalue().encode("utf-8")


def _safe(value):
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
