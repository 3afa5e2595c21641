"""Partly authorised requests: the item header is a few sentences, in one of two forms.

A: `<orig> was the original request. <auth> was authorized by the Claims Administrator. The
   remaining IMR eligible portion of the original request, <service> is`
B: `<orig> was the original request. The Claims Administrator authorized <auth>, leaving the
   original request IMR eligible. The original request, <service> is`
(`is` before the colon is sometimes missing.) The disputed part is the item's service.
"""

from __future__ import annotations

import re

_FORMS = (
    re.compile(
        r"^(?P<orig>.+?) was the original request\.\s*(?P<auth>.+?) was authorized by the"
        r" Claims Administrator\.\s*The remaining IMR eligible portion of the original"
        r" request,?\s*(?P<service>.+?)(?:\s+is)?$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?P<orig>.+?) was the original request\.\s*The Claims Administrator authorized"
        r" (?P<auth>.+?),? leaving the original request IMR eligible\.\s*The original"
        r" request,?\s*(?P<service>.+?)(?:\s+is)?$",
        re.IGNORECASE,
    ),
)


def split_partial(head: str) -> tuple[str | None, str | None, str]:
    """(original_request, authorized_portion, service); the first two None when not partial."""
    if "original request" in head.lower():
        for form in _FORMS:
            match = form.match(head)
            if match:
                return match["orig"], match["auth"], match["service"]
    return None, None, head
