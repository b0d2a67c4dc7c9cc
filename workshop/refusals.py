"""One way to refuse a command, and one way to say why.

A feature's logic raises its own subclass of `Refused` with a code and the
numbers the message needs (`VoteRejected("too_many_approved", limit=3)`).
The subclass names the feature's message table: code -> a lazy string, or a
function of those numbers for a plural. Views either let the refusal go up
(workshop/errors.py answers it: a 422 with the message in the page's message
area), or catch it to show `error.message()` in their own
fragment (a form shown again with what was typed).

A code starting with "unknown_" says the thing asked for is not there (or is
another workshop's): guards.found_or_404 answers those, and only those, 404.

tests/test_code_rules.py checks that every code raised has its message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeAlias

from flask_babel import LazyString
from flask_babel import gettext as _

# The prefix of the codes that mean "no such thing" (Refused.unknown).
UNKNOWN = "unknown_"

# A message: a lazy string, or a function of the refusal's params (plurals).
Message: TypeAlias = LazyString | Callable[..., str]


class Refused(ValueError):
    """A command refused for a reason the person can act on. `code` picks the
    message in the subclass's `messages`; `params` fill it in."""

    messages: ClassVar[Mapping[str, Message]] = {}
    status: ClassVar[int] = 422

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def unknown(self) -> bool:
        """The thing asked for is not there (or not the asker's to see): codes
        "unknown_*" ("unknown_idea"), which a read answers as no such page
        (guards.found_or_404). Other refusals keep their own status and message."""
        return self.code.startswith(UNKNOWN)

    def message(self) -> str:
        entry = self.messages.get(self.code)
        if entry is None:
            return _("This could not be done.")
        return entry(**self.params) if callable(entry) else str(entry)
