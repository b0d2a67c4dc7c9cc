"""The force fields as a table (forces.csv): one row per force, then one per
impact, written by the one export layer of workshop/reports/logic.py (formulas
neutralised, the reader's separator and language). Pseudonymous like every
export: participants by reference, nicknames only when asked (names=1), and
no author at all for an activity set to anonymous (workshop/anonymity.py)."""

from __future__ import annotations

from flask_babel import gettext as _

from workshop import anonymity, dates
from workshop.forces import logic
from workshop.reports import logic as reports
from workshop.workshops.models import Workshop

# Codes the shared layer already labels (activity, subject, project, item, text,
# hidden, merged_into, participant, group, created_at, nickname) and this table's
# own; "theme" is the group the facilitator put a force in ("group" is the
# author's stakeholder group, as in every export).
COLUMNS = ("activity", "subject", "project", "part", "item", "side", "strength", "agreements", "weight", "text",
           "explanation", "affected", "hidden", "merged_into", "participant", "group", "created_at", "theme")


def _own_labels() -> dict[str, str]:
    return {"part": _("Part"), "side": _("Side"), "strength": _("Strength"), "agreements": _("Agreements"),
            "weight": _("Weight"), "explanation": _("Explanation"), "affected": _("Who is affected"),
            "theme": _("Force group")}


def _value_labels() -> dict[str, str]:
    return {"force": _("force"), "impact": _("impact"), "driving": _("driving"), "restraining": _("restraining"),
            "positive": _("positive"), "negative": _("negative"), logic.EVERYONE: _("everyone")}


def header(names: bool, layout: reports.Layout) -> list[str]:
    """Column codes, this table's own put in the reader's language (the shared
    layer labels the others); codes as they are for programs."""
    codes = list(COLUMNS) + (["nickname"] if names else [])
    if layout.language == "codes":
        return codes
    with reports.in_language(layout):
        own = _own_labels()
        return [own.get(code, code) for code in codes]


def rows(workshop: Workshop, names: bool, layout: reports.Layout) -> list[list]:
    """Every force (hidden and merged ones included: the record) with its weight
    as the room weighed it, then every impact, field by field in agenda order."""
    refs = reports.refs_of(workshop)
    people = {p.id: p for p in reports.participants_of(workshop)}
    with reports.in_language(layout):
        words = _value_labels() if layout.language != "codes" else {}
    said = lambda value: words.get(value, value)  # noqa: E731
    table = []
    for field in logic.fields_of(workshop):
        start = [field.activity.prompt, field.subject, refs.projects.get(field.project_id, "")]
        level = anonymity.level_of(field.activity)
        every = logic.view(field, include_hidden=True)
        weighed = {d.force.id: d.weighed for d in every.driving + every.restraining}
        forces = logic.forces_of(field)
        ref: reports.RefMap = {f.id: f"F{n}" for n, f in enumerate(forces, start=1)}
        for force in forces:
            w = weighed.get(force.id)  # a merged duplicate counts in the force it joined
            who = _author(people.get(force.participant_id), refs.participants, force.participant_id, names, level)
            table.append(start + [said("force"), ref[force.id], said(force.side), force.strength,
                                  w.agreements if w else "", round(w.weight, 2) if w else "", force.text,
                                  force.explanation, "", "yes" if force.hidden else "no",
                                  ref.get(force.merged_into_id, "")] + who[:2] + [_time(force.created_at)]
                         + [logic.kept(force).theme or ""] + who[2:])
        for n, impact in enumerate(logic.impacts_of(field), start=1):
            who = _author(people.get(impact.participant_id), refs.participants, impact.participant_id, names, level)
            table.append(start + [said("impact"), f"E{n}", said(impact.effect), "", "", "", impact.text, "",
                                  impact.group.name if impact.group else said(logic.EVERYONE),
                                  "yes" if impact.hidden else "no", ""] + who[:2]
                         + [_time(impact.created_at), ""] + who[2:])
    return table


@reports.kind_sheet("forces", lambda: _("Forces"))
def sheet(workshop: Workshop, names: bool, layout: reports.Layout) -> tuple[list[str], list[list]] | None:
    """forces.csv as a sheet of the workshop's workbook, the same rows under the
    same anonymity; none for a workshop without a force field."""
    if not logic.fields_of(workshop):
        return None
    return header(names, layout), rows(workshop, names, layout)


def _author(person, refs: reports.RefMap, participant_id: int, names: bool, level: str) -> list[str]:
    """Reference and group, and the nickname only when asked and the activity
    names people; all blank under an anonymous activity: not even a pseudonym
    other rows could name."""
    if level == "anonymous":
        return ["", ""] + ([""] if names else [])
    cells = [refs.get(participant_id, ""), person.group.name if person and person.group else ""]
    if names and level == "nickname":
        cells.append((person.nickname or "") if person else "")
    elif names:
        cells.append("")
    return cells


def _time(moment) -> str:
    return dates.local_text(moment)  # the facilitator's clock, as every other export
