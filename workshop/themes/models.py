from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from workshop.extensions import Model

MAX_LABEL_LENGTH = 80
MAX_KEYWORDS_LENGTH = 300


class Theme(Model):
    """A labelled group of an activity's ideas."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    label: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH))
    # The words the grouping found most specific to this theme, " · " between
    # them: shown to the facilitator beside the name, to judge or rename it.
    keywords: Mapped[str] = mapped_column(String(MAX_KEYWORDS_LENGTH), default="", server_default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
