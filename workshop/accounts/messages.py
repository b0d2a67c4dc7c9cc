"""What a person is told when an account is refused, by the refusal's code
(workshop.accounts.logic.AccountRejected): the first-run page's messages, and
the `create-user` command's, which the terminal shows untranslated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.refusals import Message

# The first-run page checks the email and the password's length in its form;
# what the rules refuse beyond that is told in one sentence, except a weak password.
NOT_CREATED = _l("This account could not be created; check the email and password.")

REFUSALS: dict[str, Message] = {
    "invalid_email": NOT_CREATED,
    "short_password": NOT_CREATED,
    "weak_password": _l("This password is too common or too simple: choose another."),
    "unknown_role": NOT_CREATED,
    "email_taken": NOT_CREATED,
}

# `workshop create-user`, in English like the rest of the command line.
COMMAND_LINE: dict[str, str] = {
    "invalid_email": "That email address is not valid.",
    "short_password": "The password needs {min_length} characters or more.",
    "weak_password": "This password is too common or too simple: choose another.",
    "email_taken": "An account with this email already exists.",
}
