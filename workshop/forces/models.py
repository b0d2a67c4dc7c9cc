from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model

MAX_FORCE_LENGTH = 200
MAX_EXPLANATION_LENGTH = 500
MAX_THEME_LENGTH = 80


class ForceField(Model):
    """The subject of an agenda activity of kind "forces": typed, or a retained priority."""

    __tablename__ = "force_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), unique=True)
    subject: Mapped[str] = mapped_column(Text)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))

    activity = relationship("Activity")


class Force(Model):
    """A force a phone posted; a duplicate merged into another points at it and stays on record."""

    __tablename__ = "forces"
    __table_args__ = (UniqueConstraint("participant_id", "submission_key", name="uq_forces_submission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("force_fields.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    side: Mapped[str] = mapped_column(String(12))
    strength: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="", server_default="")
    submission_key: Mapped[str] = mapped_column(String(64))
    hidden: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("forces.id"))
    # The group the facilitator put it in ("Transport"), on its side; None: not grouped.
    # Set on a kept force only: a merged duplicate belongs to the group of the force it joined.
    theme: Mapped[str | None] = mapped_column(String(MAX_THEME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ForceAgreement(Model):
    """One phone's "+1" on someone else's force: once per phone and force."""

    __tablename__ = "force_agreements"
    __table_args__ = (UniqueConstraint("force_id", "participant_id", name="uq_force_agreements"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


MAX_IMPACT_LENGTH = 200


class ForceImpact(Model):
    """An impact a phone observed: positive or negative, on one stakeholder group
    of the workshop or on everyone (no group)."""

    __tablename__ = "force_impacts"
    __table_args__ = (UniqueConstraint("participant_id", "submission_key", name="uq_force_impacts_submission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("force_fields.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    effect: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    # None: everyone is affected.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_groups.id"))
    submission_key: Mapped[str] = mapped_column(String(64))
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    group = relationship("StakeholderGroup")
