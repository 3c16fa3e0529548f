"""Posting admin change forms in tests: take the inline management forms from the page as a browser would."""

import re

MANAGEMENT = re.compile(r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d+)"')


def management_data(client, url, *, extra_forms=None):
    """The inline formsets' management values as the page renders them; `extra_forms` sets TOTAL_FORMS by prefix."""
    page = client.get(url).content.decode()
    data = dict(MANAGEMENT.findall(page))
    for prefix, total in (extra_forms or {}).items():
        data[f"{prefix}-TOTAL_FORMS"] = str(total)
    return data
