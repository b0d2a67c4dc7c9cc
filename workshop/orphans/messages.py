"""What a coordinator (or a partner, on the public catalogue) is told when an
orphan-project command is refused, by the refusal's code: the rules'
(workshop.orphans.logic.OrphansRejected), the pipeline's
(workshop.orphans.pipeline.StageRefused) and the organisations import's
(workshop.orphans.logic.ImportRefused, with the line and the value)."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop.refusals import Message

# An organisation's fields as its form labels them (templates/orphans/_organisation_fields.html).
FIELD_LABELS = {"name": lambda: _("Name"), "kind": lambda: _("Type"), "sector": lambda: _("Sector"),
                "territory": lambda: _("Territory"), "contact_name": lambda: _("Contact person"),
                "contact_email": lambda: _("Contact email"), "mission": lambda: _("Mission"),
                "interests": lambda: _("Interests")}

REFUSALS: dict[str, Message] = {
    "organisation_exists": _l("An organisation of this name is already in the list: search for it to change it."),
    # the pipeline's moves
    "note_required": _l("Going back, or reopening a closed adoption, needs a note that says why."),
    "same_stage": _l("The adoption is at this stage already."),
    "unknown_stage": _l("Choose a stage from the list."),
    "reason_required": _l("Choose why it was declined or abandoned."),
    "others_choice_required": _l("Other organisations have open offers on this project: choose what happens to them."),
    "decline_note_required": _l("Declining the other offers needs a note that says why."),
    # organisations
    "name_required": _l("An organisation needs a name."),
    "bad_kind": _l("Choose a type of organisation from the list."),
    "bad_email": _l("This email address does not look right."),
    "archived": _l("This organisation is archived."),
    "merged": _l("This organisation was merged into another one."),
    "merge_same": _l("Choose another organisation to merge into."),
    "pick_organisation": _l("Choose an organisation in the list (search it by name)."),
    "contact_required": _l("Give the person's email or name."),
    "erase_unconfirmed": _l("Tick the box to confirm: erasing cannot be undone."),
    # offers, follow-ups, the catalogue
    "already_offered": _l("This project is already offered to this organisation."),
    "not_offered": _l("This project is not, or no longer, looking for a partner."),
    "interest_incomplete": _l("Give your organisation's name, your name and a valid email."),
    "closed_adoption": _l("This adoption is closed: no follow-up needed."),
    "long_description": lambda limit: _("The description and the needs are limited to %(num)d characters each.",
                                        num=limit),
    "field_too_long": lambda field, limit: _("%(field)s: %(limit)d characters at most. Shorten it, then save again.",
                                             field=FIELD_LABELS[field](), limit=limit),
    "bad_date": _l("Type the date as 2027-03-15 or 15/03/2027 (day/month/year)."),
    "follow_up_past": _l("The next follow-up is today or later: this date has passed."),
    "not_yet": _l("This date has not come yet: what is logged happened today or before. Check the year."),
    "before_offer": lambda offered: _(
        "This date is before the offer was made (%(offered)s): check the year, or say in the note when you spoke.",
        offered=format_date(offered, "long")),
    "unknown_entry": _l("Choose call, email, meeting or note."),
    "entry_note_required": _l("Say what was said or done."),
    "description_required": _l("Describe the project for partners before publishing it."),
    "update_required": _l("Write the update first."),
    "not_adopted": _l("Public updates start once a partner adopts the project."),
    # the organisations import: nothing is imported
    "csv_columns": lambda found: _("No “name” (or “nom”) column in the first line. Columns found: %(found)s.",
                                   found=found),
    "csv_kind": lambda line, value: _(
        "Line %(line)s: “%(value)s” is not a known type of organisation. Nothing was imported.",
        line=line, value=value),
    "csv_email": lambda line, value: _(
        "Line %(line)s: “%(value)s” does not look like an email address. Nothing was imported.",
        line=line, value=value),
    "csv_too_long": lambda line, value: _("Line %(line)s: the “%(value)s” column is too long. Nothing was imported.",
                                          line=line, value=value),
    "csv_too_many": lambda line, value: _("More than %(value)s lines: split the file. Nothing was imported.",
                                          value=value),
    "csv_too_large": lambda value: _("This file is over %(value)s MB: split it. Nothing was imported.", value=value),
}
