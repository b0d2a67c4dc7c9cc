from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from analysis.tally import VoteKind
from workshop.extensions import Model

VOTE_KINDS = tuple(kind.value for kind in VoteKind)  # a round's `kind`: how people vote
SCORED = (VoteKind.DOTS, VoteKind.IMPACT_FEASIBILITY)  # ballots that score items (a JSON object), not list them
# candidate: in the funnel; priority: retained by the facilitator;
# orphan_candidate: not retained at the end, offered to partners later.
PROJECT_STATUSES = ("candidate", "priority", "orphan_candidate")


class Project(Model):
    """Something the room votes on: an idea or a theme made a candidate project."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    # Written by the coordinator for partner organisations.
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    needs: Mapped[str] = mapped_column(Text, default="", server_default="")
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    # The theme an item brought in from a list or a spreadsheet came with (it is
    # no theme of this workshop): phones group and tell items apart by it.
    theme_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default="candidate")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Round(Model):
    """A voting round; it is the content of an agenda activity of kind "vote"."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="dots")
    dots_per_participant: Mapped[int] = mapped_column(default=5)
    max_dots_per_item: Mapped[int] = mapped_column(default=3)
    top_k: Mapped[int] = mapped_column(default=3)  # ranking: how many places; approval: how many choices
    # Approval and ranking: a ballot holds at least this many choices or none (Decidim's minimum votes per user).
    min_choices: Mapped[int] = mapped_column(default=0, server_default="0")
    impact_label: Mapped[str] = mapped_column(String(40), default="")
    feasibility_label: Mapped[str] = mapped_column(String(40), default="")
    # Hidden by default: live bars invite a bandwagon.
    show_live_results: Mapped[bool] = mapped_column(default=False)
    previous_round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"))

    activity = relationship("Activity")
    # Loaded when a screen lists them (one query, with their projects): a
    # phone's page and its votes read a round of 200 items without them.
    items: Mapped[list[RoundItem]] = relationship(order_by="RoundItem.position", cascade="all, delete-orphan",
                                                  lazy="select")


class RoundItem(Model):
    __tablename__ = "round_items"
    __table_args__ = (UniqueConstraint("round_id", "project_id", name="uq_round_items"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    position: Mapped[int] = mapped_column(default=0)

    project: Mapped[Project] = relationship(lazy="joined")


class Ballot(Model):
    """A participant's whole ballot for a round, in one row: a budget is a
    property of one row, so no two requests can overspend it together. The
    version makes every change a compare-and-set."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("round_id", "participant_id", name="uq_ballots_round_participant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    content: Mapped[str] = mapped_column(Text, default="{}")  # JSON, as analysis.tally expects
    version: Mapped[int] = mapped_column(default=0)
    # The phone numbers each change it sends (increasing); a change whose
    # number is not above this one was applied already (a resend after a lost
    # answer) or is older than what is stored (a late duplicate): it is
    # answered with the ballot as it is, never applied twice.
    last_seq: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
