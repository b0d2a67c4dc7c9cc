from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model

HAT_MODES = ("balanced", "sequence", "rotation", "manual")


class HatsActivity(Model):
    """The six-hats settings of an agenda activity of kind "hats"."""

    __tablename__ = "hats_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), unique=True)
    mode: Mapped[str] = mapped_column(String(12), default="balanced")
    current_subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("hat_subjects.id", use_alter=True, name="fk_hats_activities_current_subject"))
    # Sequence mode: the step of the sequence the whole room is on.
    sequence_step: Mapped[int] = mapped_column(default=0)
    # Rotation: each new round hands out hats not yet worn on the subject.
    round_no: Mapped[int] = mapped_column(default=0)

    activity = relationship("Activity")
    subjects: Mapped[list[HatSubject]] = relationship(
        order_by="HatSubject.position", cascade="all, delete-orphan", foreign_keys="HatSubject.hats_activity_id")
    current_subject: Mapped[HatSubject | None] = relationship(foreign_keys=[current_subject_id], post_update=True)


class HatSubject(Model):
    """What is discussed: a project or idea of the workshop, or a typed subject."""

    __tablename__ = "hat_subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    hats_activity_id: Mapped[int] = mapped_column(ForeignKey("hats_activities.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    position: Mapped[int] = mapped_column(default=0)


class HatAssignment(Model):
    """Who wears which hat on a subject, per round (rotation makes new rounds)."""

    __tablename__ = "hat_assignments"
    __table_args__ = (UniqueConstraint("subject_id", "participant_id", "round_no", name="uq_hat_assignments"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("hat_subjects.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    round_no: Mapped[int] = mapped_column(default=0)
    hat: Mapped[str] = mapped_column(String(10))


class HatComment(Model):
    """A comment under a hat; the record keeps hat, author's group and time."""

    __tablename__ = "hat_comments"
    __table_args__ = (UniqueConstraint("participant_id", "submission_key", name="uq_hat_comments_submission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("hat_subjects.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    hat: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    submission_key: Mapped[str] = mapped_column(String(64))
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    participant = relationship("Participant")
