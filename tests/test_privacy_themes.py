"""Law 25: a theme's name or keywords that name someone are found by a person's
request, placed under their question (a theme is read with its activity's prompt)."""

from __future__ import annotations

from workshop.extensions import db
from workshop.privacy import mentions
from workshop.themes.models import Theme


def test_a_theme_naming_someone_is_found_under_its_question(workshop):
    question = workshop.activities[0]
    db.session.add(Theme(activity_id=question.id, label="Les idées de Zorglub Tremblay", keywords="local · stage"))
    db.session.commit()
    found = [m for m in mentions(workshop, ["Zorglub Tremblay"], []) if m.kind == "theme"]
    assert [(m.source.text, m.source.where, m.certain) for m in found] == [
        ("Les idées de Zorglub Tremblay — local · stage", question.prompt, True)]
