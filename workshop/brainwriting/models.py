from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model

MAX_BUILD_LENGTH = 300
BUILD_KINDS = ("yes_and", "what_if")
# A new idea inspired by the one handed: kept as a build of that idea (round,
# author, the link) and, at once, an idea of the source question (promoted_idea_id).
INSPIRED = "inspired"
NOTE_KINDS = (*BUILD_KINDS, INSPIRED)
# The stored kind of its activities (activity.kind).
KEY = "brainwriting"


class Brainwriting(Model):
    """The settings of an agenda activity of kind "brainwriting": the question whose
    ideas go round, how long a round lasts and which round the room is in."""

    __tablename__ = "brainwriting_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), unique=True)
    source_activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    round_minutes: Mapped[int] = mapped_column(default=5)
    # 0 until the facilitator opens it; each "next round" adds one.
    round_no: Mapped[int] = mapped_column(default=0)

    activity = relationship("Activity", foreign_keys=[activity_id])
    source = relationship("Activity", foreign_keys=[source_activity_id])


class Serve(Model):
    """The idea a phone was handed in a round. Never the same idea twice to the
    same person: the constraint holds it even when two requests race."""

    __tablename__ = "brainwriting_serves"
    __table_args__ = (
        UniqueConstraint("brainwriting_id", "round_no", "participant_id", name="uq_brainwriting_serves_round"),
        UniqueConstraint("brainwriting_id", "participant_id", "idea_id", name="uq_brainwriting_serves_idea"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brainwriting_id: Mapped[int] = mapped_column(ForeignKey("brainwriting_activities.id"), index=True)
    round_no: Mapped[int] = mapped_column()
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    # An idea removed with its author takes its serves and builds with it.
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)

    idea = relationship("Idea")


class Build(Model):
    """A build-on ("Oui, et…", "Et si…") added to an idea, or a new idea inspired
    by it; the record keeps its round and author. Promoted (an inspired idea is
    from the start), it also became an idea of the source question."""

    __tablename__ = "brainwriting_builds"
    __table_args__ = (UniqueConstraint("participant_id", "submission_key", name="uq_brainwriting_builds_submission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brainwriting_id: Mapped[int] = mapped_column(ForeignKey("brainwriting_activities.id"), index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    round_no: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(10), default="yes_and")
    text: Mapped[str] = mapped_column(Text)
    submission_key: Mapped[str] = mapped_column(String(64))
    hidden: Mapped[bool] = mapped_column(default=False)
    promoted_idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    participant = relationship("Participant")
    idea = relationship("Idea", foreign_keys=[idea_id])
