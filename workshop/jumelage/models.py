from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model

STATUSES = ("pending", "accepted", "on_hold", "refused")


class Program(Model):
    """A matching program (one cohort, one season): its own sign-up page."""

    __tablename__ = "jumelage_programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    open: Mapped[bool] = mapped_column(default=True)  # the public sign-up takes answers
    # How long a sign-up is kept after the program ends, said on the consent text.
    retention_months: Mapped[int] = mapped_column(default=24)
    # The last day of the program: the retention period and the evaluation count from it.
    ends_on: Mapped[date | None] = mapped_column(default=None)
    # The coordinator opened the evaluation before its window (the program's last weeks).
    evaluation_open: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The coordinator's weights of the last run, as JSON ("" = the defaults).
    weights: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Signup(Model):
    """One person's sign-up: a student, a citizen (host) or an employer."""

    __tablename__ = "jumelage_signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("jumelage_programs.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    languages: Mapped[str] = mapped_column(String(300), default="")  # comma-separated
    french_level: Mapped[str] = mapped_column(String(15), default="native")
    interests: Mapped[str] = mapped_column(String(500), default="")  # comma-separated codes or words
    field: Mapped[str] = mapped_column(String(120), default="")  # field of study or sector
    place: Mapped[str] = mapped_column(String(120), default="")  # the MRC
    slots: Mapped[str] = mapped_column(String(300), default="")  # "mon-am tue-ev…"
    goals: Mapped[str] = mapped_column(String(200), default="")  # comma-separated codes
    group_size: Mapped[str] = mapped_column(String(10), default="either")
    meetings_per_month: Mapped[int] = mapped_column(default=2)
    constraints: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(default=1)  # employers: trios they can join
    consent_text: Mapped[str] = mapped_column(Text)  # the words the person agreed to, as shown
    consent_at: Mapped[datetime] = mapped_column(server_default=func.now())
    status: Mapped[str] = mapped_column(String(10), default="pending")
    status_message: Mapped[str] = mapped_column(Text, default="")  # the coordinator's word to the person
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the private link; the only key
    language: Mapped[str] = mapped_column(String(5), default="fr")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class NeverTogether(Model):
    """Two people the coordinator will not put together (the lower id first)."""

    __tablename__ = "jumelage_never"
    __table_args__ = (UniqueConstraint("first_id", "second_id", name="uq_jumelage_never_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("jumelage_programs.id"), index=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("jumelage_signups.id", ondelete="CASCADE"))
    second_id: Mapped[int] = mapped_column(ForeignKey("jumelage_signups.id", ondelete="CASCADE"))


class Match(Model):
    """A duo (student + citizen) or a trio (+ employer): proposed until the
    coordinator accepts the proposal; a locked one survives re-runs."""

    __tablename__ = "jumelage_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("jumelage_programs.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("jumelage_signups.id", ondelete="CASCADE"))
    citizen_id: Mapped[int] = mapped_column(ForeignKey("jumelage_signups.id", ondelete="CASCADE"))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("jumelage_signups.id", ondelete="SET NULL"))
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of [code, detail]
    locked: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="proposed")  # proposed | accepted
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # When the coordinator accepted it: a match that never met counts its weeks from here,
    # not from the matching run that proposed it (which may be weeks older).
    accepted_at: Mapped[datetime | None]
    # The contract the members write together; changing it asks everyone to confirm again.
    contract_goals: Mapped[str] = mapped_column(Text, default="", server_default="")
    contract_commitments: Mapped[str] = mapped_column(Text, default="", server_default="")
    # When the coordinator calls or writes to the match next, as for an orphan project's offer.
    next_follow_up: Mapped[date | None]

    student = relationship("Signup", foreign_keys=[student_id], lazy="joined")
    citizen = relationship("Signup", foreign_keys=[citizen_id], lazy="joined")
    employer = relationship("Signup", foreign_keys=[employer_id], lazy="joined")

    @property
    def kind(self) -> str:
        return "trio" if self.employer_id else "duo"

    @property
    def members(self) -> list:
        return [m for m in (self.student, self.citizen, self.employer) if m is not None]


class Confirmation(Model):
    """One member confirmed (signed) the match's contract as it reads now."""

    __tablename__ = "jumelage_confirmations"
    __table_args__ = (UniqueConstraint("match_id", "signup_id", name="uq_jumelage_confirmations_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("jumelage_matches.id", ondelete="CASCADE"), index=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("jumelage_signups.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(server_default=func.now())


class CheckIn(Model):
    """A meeting logged by a member: when, what they did, how it went (1–5)."""

    __tablename__ = "jumelage_checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("jumelage_matches.id", ondelete="CASCADE"), index=True)
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("jumelage_signups.id", ondelete="SET NULL"))
    met_on: Mapped[date]
    what: Mapped[str] = mapped_column(String(300))
    satisfaction: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


EVENT_KINDS = ("activity_day", "cultural", "talent_sharing", "organisation_meeting")


class Event(Model):
    """An activity day, a cultural outing, a talent-sharing meeting or a meeting with organisations."""

    __tablename__ = "jumelage_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("jumelage_programs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(25))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Invitation(Model):
    """One person invited to an event, and whether they came (recorded after)."""

    __tablename__ = "jumelage_invitations"
    __table_args__ = (UniqueConstraint("event_id", "signup_id", name="uq_jumelage_invitations_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("jumelage_events.id", ondelete="CASCADE"), index=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("jumelage_signups.id", ondelete="CASCADE"))
    attended: Mapped[bool] = mapped_column(default=False)


class SurveyAnswer(Model):
    """A member's end-of-program evaluation: impacts, what helped, what hindered (one per person, editable)."""

    __tablename__ = "jumelage_survey_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("jumelage_programs.id"), index=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("jumelage_signups.id", ondelete="CASCADE"), unique=True)
    overall: Mapped[int]  # 1–5
    impacts: Mapped[str] = mapped_column(Text, default="")
    helped: Mapped[str] = mapped_column(Text, default="")  # driving forces
    hindered: Mapped[str] = mapped_column(Text, default="")  # restraining forces
    answered_at: Mapped[datetime] = mapped_column(server_default=func.now())
