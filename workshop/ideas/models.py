from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model

MAX_IDEA_LENGTH = 500


class Idea(Model):
    __tablename__ = "ideas"
    # A phone that resends after a dropped connection reuses its key: the
    # constraint makes the second send find the first instead of a copy.
    __table_args__ = (
        UniqueConstraint("participant_id", "submission_key", name="uq_ideas_submission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    submission_key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    # Kept when the facilitator fixes a typo, so the record shows what was sent.
    original_text: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(default=False)
    # A merged duplicate stays in the record and points at the idea it joined.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id"), index=True)
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="SET NULL", name="fk_ideas_theme_id"), index=True
    )
    # Place within its theme, most central first (as the grouping ordered it).
    theme_position: Mapped[int] = mapped_column(default=0, server_default="0")
    # Text features for grouping (analysis.clustering.TextFeatures as JSON),
    # computed once and kept: grouping 1,000 ideas must not redo them.
    features: Mapped[str | None] = mapped_column(Text, deferred=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    participant = relationship("Participant")
    activity = relationship("Activity")
    merged: Mapped[list[Idea]] = relationship(
        foreign_keys=[merged_into_id], order_by="Idea.id"
    )

    @property
    def on_wall(self) -> bool:
        return not self.hidden and self.merged_into_id is None

    @property
    def authors(self) -> list:
        """Everyone who wrote this idea or a duplicate merged into it."""
        people = [self.participant]
        for duplicate in self.merged:
            people.extend(p for p in duplicate.authors if p not in people)
        return people
