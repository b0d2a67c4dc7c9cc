from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model


class Participant(Model):
    """A phone in a workshop. Pseudonymous: a nickname is optional."""

    __tablename__ = "participants"
    # A second tap on "Join" (the first answer slow on the venue's Wi-Fi) carries
    # the form's key again: it finds the participant the first one made.
    __table_args__ = (UniqueConstraint("workshop_id", "join_key", name="uq_participants_join_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    nickname: Mapped[str | None] = mapped_column(String(40))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_groups.id"))
    language: Mapped[str | None] = mapped_column(String(2))
    joined_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Set when the person leaves from their phone: hats are handed out among
    # those still here, and the projector counts them no more. Their ideas stay.
    left_at: Mapped[datetime | None]
    join_key: Mapped[str | None] = mapped_column(String(64))

    workshop = relationship("Workshop")
    group = relationship("StakeholderGroup")
