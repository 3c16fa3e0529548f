"""Log records never carry a signed portal link's token or a tracking code/secret typed into an address.

The development server (and any access log built on the "django.server" logger) writes each request line,
query string included; a portal link's `sesame=` token is a password for that sheet. The filter rewrites the
message before any handler sees it.
"""

import logging
import re

SECRET_QUERY = re.compile(r"((?:sesame|token|secret|code)=)[^&\s\"']+", re.IGNORECASE)


def redact_query_secrets(text: str) -> str:
    return SECRET_QUERY.sub(r"\1[***]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        cleaned = redact_query_secrets(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
