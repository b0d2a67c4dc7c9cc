"""Account rules, callable without HTTP (the CLI and the first-run page share them)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from workshop.accounts.messages import REFUSALS
from workshop.accounts.models import ROLES, AccountSession, User
from workshop.extensions import db
from workshop.refusals import Refused

MIN_PASSWORD_LENGTH = 10
# How long a sign-in lasts: a browser session (until the browser closes), or
# with "remember me", this long.
REMEMBERED_FOR = timedelta(days=30)
# A browser left open still signs out after this (its cookie lives on).
SESSION_FOR = timedelta(days=1)

# Passwords people choose first, long enough to pass the length rule; with
# repeated characters and keyboard runs, the first thing a guesser tries.
COMMON_PASSWORDS = frozenset("""
1234567890 0123456789 12345678910 1234567891 123456789a 1q2w3e4r5t qwertyuiop
azertyuiop password12 password123 password1234 motdepasse motdepasse1 motdepasse123
iloveyou12 qwerty1234 qwerty12345 azerty1234 azerty12345 abcdefghij abcd123456
abc1234567 football12 princess12 welcome123 bienvenue1 bienvenue123 sunshine12
passw0rd123 p@ssw0rd123 administrator admin12345 admin123456 letmein123 monkey1234
changeme123 q1w2e3r4t5 zaq12wsxcde 1qaz2wsx3edc qazwsxedcrfv 0987654321 9876543210
""".split())


def weak_password(password: str) -> bool:
    """Common, or too few different characters ("aaaaaaaaaa", "abababab12"),
    or a run (abcdefghij, 1234567890)."""
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return True
    steps = {ord(b) - ord(a) for a, b in zip(lowered, lowered[1:])}
    return steps <= {1} or steps <= {-1}


class AccountRejected(Refused):
    """The account was not created; `code` says why (workshop/accounts/messages.py)."""

    messages = REFUSALS


def has_any_user() -> bool:
    return db.session.execute(select(func.count(User.id))).scalar_one() > 0


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(email: str, name: str, password: str, role: str = "facilitator") -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise AccountRejected("invalid_email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountRejected("short_password")
    if weak_password(password):
        raise AccountRejected("weak_password")
    if role not in ROLES:
        raise AccountRejected("unknown_role")
    if find_by_email(email):
        raise AccountRejected("email_taken")
    user = User(email=email, name=name.strip() or email, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


_DUMMY_HASH: str | None = None


def authenticate(email: str, password: str) -> User | None:
    global _DUMMY_HASH
    user = find_by_email(email)
    if user is None:
        # As long as checking a real account's password, so that the time of
        # the answer does not say which emails have an account.
        _DUMMY_HASH = _DUMMY_HASH or generate_password_hash(secrets.token_urlsafe(16))
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password):
        return None
    return user


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start_session(user: User, remember: bool) -> User:
    """A new sign-in (a new token every time: nothing from before it carries over)."""
    token = secrets.token_urlsafe(32)
    db.session.add(AccountSession(user_id=user.id, token=token, remember=remember))
    db.session.commit()
    user.login_token = token
    return user


def user_of_session(token: str) -> User | None:
    """The account signed in by this token, while it is neither revoked nor expired."""
    if not token or len(token) > 64:
        return None
    found = db.session.scalar(select(AccountSession).where(
        AccountSession.token == token, AccountSession.revoked_at.is_(None)))
    if found is None:
        return None
    lasts = REMEMBERED_FOR if found.remember else SESSION_FOR
    if found.created_at is not None and found.created_at < _now() - lasts:
        return None
    user = db.session.get(User, found.user_id)
    if user is not None:
        user.login_token = token
    return user


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(update(AccountSession).where(AccountSession.token == token)
                           .values(revoked_at=_now()))
        db.session.commit()


def end_every_session(user: User) -> int:
    """Sign this account out on every browser; how many sign-ins were ended."""
    ended = db.session.execute(update(AccountSession).where(
        AccountSession.user_id == user.id, AccountSession.revoked_at.is_(None)).values(revoked_at=_now()))
    db.session.commit()
    return cast(CursorResult, ended).rowcount  # an UPDATE's result, which Session.execute's annotation does not say
