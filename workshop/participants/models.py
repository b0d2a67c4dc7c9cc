from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model


class Participant(Model):
    """A phone in a workshop. Pseudonymous: a nickname is optional."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    nickname: Mapped[str | None] = mapped_column(String(40))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_groups.id"))
    language: Mapped[str | None] = mapped_column(String(2))
    joined_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Set when the person leaves from their phone: hats are handed out among
    # those still here, and the projector counts them no more. Their ideas stay.
    left_at: Mapped[datetime | None]

    workshop = relationship("Workshop")
    group = relationship("StakeholderGroup")
