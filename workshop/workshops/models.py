from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model

if TYPE_CHECKING:  # the kinds' models import these ones
    from workshop.cells.models import CellSignup
    from workshop.hats.models import HatsActivity
    from workshop.themes.models import Theme
    from workshop.voting.models import Round

# An activity is pending until the facilitator opens it; closing it keeps it on
# screen (phones show "closed") until another one opens.
ACTIVITY_STATES = ("pending", "open", "closed")


class Workshop(Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    join_code: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    current_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", use_alter=True, name="fk_workshops_current_activity")
    )
    # What the projector and the control view show when it is not the current
    # activity (an earlier question's wall or themes); phones keep the current
    # one. Cleared when an activity is opened.
    projector_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", use_alter=True, name="fk_workshops_projector_activity", ondelete="SET NULL")
    )
    # The server owns the countdown: every screen counts to the same instant.
    timer_ends_at: Mapped[datetime | None]
    # Pseudonymous by default: the projector shows ideas without nicknames.
    show_names_on_projector: Mapped[bool] = mapped_column(default=False)
    # The facilitator closed joining (everyone expected is here, or someone
    # floods the workshop with new participants): phones already in carry on.
    joining_locked: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # An archived workshop (a test, a session long done) leaves the home list and
    # the program totals; nothing of it is deleted and it can be restored.
    archived_at: Mapped[datetime | None]

    owner = relationship("User")
    groups: Mapped[list[StakeholderGroup]] = relationship(
        back_populates="workshop", order_by="StakeholderGroup.position",
        cascade="all, delete-orphan",
    )
    activities: Mapped[list[Activity]] = relationship(
        back_populates="workshop", order_by="Activity.position",
        cascade="all, delete-orphan", foreign_keys="Activity.workshop_id",
    )
    current_activity: Mapped[Activity | None] = relationship(
        foreign_keys=[current_activity_id], post_update=True
    )
    projector_activity: Mapped[Activity | None] = relationship(
        foreign_keys=[projector_activity_id], post_update=True
    )

    def end_of_agenda(self) -> int:
        """The position of an activity added now: after every other one."""
        return 1 + max((activity.position for activity in self.activities), default=-1)

    @property
    def stage_activity(self) -> Activity | None:
        """The activity the projector and the control view show."""
        return self.projector_activity or self.current_activity


class StakeholderGroup(Model):
    __tablename__ = "stakeholder_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="groups")


def _anonymity_default(context) -> str:
    from workshop.anonymity import column_default
    return column_default(context)


class Activity(Model):
    """One step of the agenda; idea generation carries its prompt question."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20), default="ideas")
    prompt: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    # Who is named beside what participants write: "anonymous", "group" or
    # "nickname" (workshop.anonymity); only strengthened once content exists.
    anonymity: Mapped[str] = mapped_column(String(10), default=_anonymity_default, server_default="group")

    workshop: Mapped[Workshop] = relationship(
        back_populates="activities", foreign_keys=[workshop_id]
    )

    # Set while the tool groups this activity's ideas (a progress bar shows).
    grouping_started_at: Mapped[datetime | None]
    # The last grouping's near-duplicate pairs, offered to the facilitator to
    # merge: JSON [[idea id, idea id, similarity], ...], most similar first.
    duplicate_pairs: Mapped[str | None] = mapped_column(Text)
    # Grouped over several questions: this activity's ideas sit in the themes
    # of that activity (the one the grouping was run from, which owns them).
    grouped_into_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", name="fk_activities_grouped_into"))
    grouped_into: Mapped[Activity | None] = relationship(remote_side="Activity.id", foreign_keys=[grouped_into_id])

    themes: Mapped[list[Theme]] = relationship(
        "Theme", order_by="Theme.position", cascade="all, delete-orphan"
    )

    round: Mapped[Round | None] = relationship("Round", uselist=False, viewonly=True)
    hats: Mapped[HatsActivity | None] = relationship("HatsActivity", uselist=False, viewonly=True)
    signup: Mapped[CellSignup | None] = relationship("CellSignup", uselist=False, viewonly=True)

    @property
    def is_open(self) -> bool:
        return self.state == "open"
