"""What a coordinator, or a person signing up, is told when a jumelage
command is refused, by the refusal's code (workshop.jumelage.logic.JumelageRefused,
and ImportRefused with the line and the value of a refused list)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop.refusals import Message

REFUSALS: dict[str, Message] = {
    # programs
    "name_required": _l("A program needs a name."),
    "bad_end": _l("Give the program's last day as a date."),
    "already_signed_up": _l("This email is already signed up to this program: use the private link you "
                            "received, or ask the coordinator to send it again."),
    "purge_at_once": _l("With this last day, the retention period is over already: every sign-up would be "
                        "erased at the next daily purge. Check the year, or tick the box to confirm."),
    # sign-ups and their review
    "role_required": _l("Choose whether you sign up as a student, a citizen or an employer."),
    "contact_required": _l("Give your name and a valid email."),
    "email_taken": _l("Another person of this program already has this email: each person needs their own."),
    "slots_required": _l("Tick at least one moment when you are available."),
    "consent_required": _l("Sign-up needs your consent: tick the box after reading what is kept."),
    "closed": _l("This program no longer takes sign-ups."),
    "bad_status": _l("Choose accept, on hold or refuse."),
    "message_required": _l("A refusal needs a message to the person."),
    # the proposal and the follow-up
    "never_same": _l("Choose two different people of this program."),
    "not_accepted": _l("This match is no longer under way."),
    "accept_unconfirmed": _l("Tick the box to confirm that you accept the proposal."),
    "role_in_match": _l("This person is in a match under way in their current role: end that match on the "
                        "follow-up page first, then change their role."),
    "end_unconfirmed": _l("Tick the box to confirm that this match ends."),
    "not_proposed": _l("Only a proposed match can be locked or unlocked."),
    "swap_refused": _l("Choose two different proposed matches."),
    "swap_infeasible": _l("This swap breaks a rule (no shared availability, or never together)."),
    "bad_follow_up_date": _l("Type the date as 2027-03-15 or 15/03/2027 (day/month/year)."),
    # events, contracts, check-ins, the evaluation
    "event_kind": _l("Choose the kind of event from the list."),
    "event_incomplete": _l("An event needs a title and a date."),
    "contract_incomplete": _l("Write the goals and the commitments first."),
    "bad_date": _l("Give the date of the meeting (not in the future)."),
    "what_required": _l("Say in a few words what you did."),
    "satisfaction_required": _l("Choose how it went, from 1 to 5."),
    "evaluation_closed": _l("The evaluation is not open yet: it opens in the program's last weeks."),
    # a list of people to invite: nothing is imported
    "csv_columns": _l("The first line needs the columns name (nom), email (courriel) and role (rôle)."),
    "csv_too_large": _l("This file is too large: split it. Nothing was imported."),
    "csv_role": lambda line, value: _(
        "Line %(line)s: “%(value)s” is not a role (student, citizen or employer). Nothing was imported.",
        line=line, value=value),
    "csv_contact": lambda line, value: _(
        "Line %(line)s: a name and a valid email are needed (“%(value)s”). Nothing was imported.",
        line=line, value=value),
    "csv_too_many": lambda line, value: _("More than %(value)s lines: split the file. Nothing was imported.",
                                          value=value),
}
