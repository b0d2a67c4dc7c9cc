from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from workshop.extensions import Model

ROLES = ("facilitator", "coordinator", "admin")


class User(UserMixin, Model):
    """A person who runs workshops or follows projects up; participants have no account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default="facilitator")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    # The sign-in this object was loaded through (AccountSession.token): it is
    # what the session and the "remember me" cookie carry, so that signing out
    # revokes that one sign-in on the server. Set per request, not a column: an
    # annotation would make SQLAlchemy map it, so only mypy reads its type.
    if TYPE_CHECKING:
        login_token: str | None
    else:
        login_token = None

    def get_id(self) -> str:
        return self.login_token or ""

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class AccountSession(Model):
    """One sign-in of an account on one browser. Cookies carry only its random
    token: signing out revokes it here, so an old cookie or "remember me"
    token opens nothing afterwards; "sign out everywhere" revokes them all."""

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    revoked_at: Mapped[datetime | None]

    user = relationship("User")
