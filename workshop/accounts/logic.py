"""Account rules, callable without HTTP (the CLI and the first-run page share them)."""

from __future__ import annotations

from sqlalchemy import func, select

from workshop.accounts.models import ROLES, User
from workshop.extensions import db

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    pass


def has_any_user() -> bool:
    return db.session.scalar(select(func.count(User.id))) > 0


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(email: str, name: str, password: str, role: str = "facilitator") -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError("invalid_email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("short_password")
    if role not in ROLES:
        raise AccountError("unknown_role")
    if find_by_email(email):
        raise AccountError("email_taken")
    user = User(email=email, name=name.strip() or email, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_by_email(email)
    if user is None or not user.check_password(password):
        return None
    return user
