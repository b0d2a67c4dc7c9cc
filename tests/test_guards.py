"""guards.found_or_404: a part a feature says is unknown ("unknown_*") is no
such page, a 404; any other refusal of the read keeps its own status and
message, on the facilitator's routes (facilitated_part) as on the phones'
(joined_part)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from markupsafe import escape
from werkzeug.exceptions import NotFound

from workshop import guards
from workshop.extensions import db
from workshop.forces import logic as forces
from workshop.ideas import logic as ideas
from workshop.ideas.models import Idea
from workshop.refusals import Refused


class Example(Refused):
    messages = {"unknown_thing": "No such thing.", "not_yours": "This is not yours."}
    status = 409


def refusing(code: str):
    def read(*_within):
        raise Example(code)
    return read


def test_only_an_unknown_refusal_is_a_404(app):
    with app.test_request_context():
        assert guards.found_or_404(lambda a, b: a + b, 2, 3) == 5
        with pytest.raises(NotFound):
            guards.found_or_404(refusing("unknown_thing"))
        with pytest.raises(Example) as raised:
            guards.found_or_404(refusing("not_yours"))
    assert raised.value.code == "not_yours" and not raised.value.unknown
    assert Example("unknown_thing").unknown and not Example("unknown").unknown  # the prefix, underscore included


def message_in(app, refusal: Refused, language: str = "fr") -> str:
    with app.test_request_context(), force_locale(language):
        return str(escape(refusal.message()))  # as the page shows it


def test_a_facilitators_route_answers_a_refusal_with_its_own_status(app, facilitator_client, workshop, ideas_sent,
                                                                    monkeypatch):
    idea_id = db.session.scalar(db.select(Idea.id).where(Idea.activity_id == ideas_sent.id).limit(1))
    url = f"/w/{workshop.id}/ideas/{idea_id}/edit"
    assert facilitator_client.get(url).status_code == 200
    assert facilitator_client.get(f"/w/{workshop.id}/ideas/99999/edit").status_code == 404  # unknown: still a 404

    def closed(*_args):
        raise ideas.IdeaRejected("closed")

    monkeypatch.setattr(ideas, "idea_in", closed)
    answer = facilitator_client.get(url, headers={"HX-Request": "true"})
    assert answer.status_code == 422  # no longer passed off as a missing page
    assert message_in(app, ideas.IdeaRejected("closed")) in answer.get_data(as_text=True)
    assert answer.headers["HX-Retarget"] == "#form-message"


def test_a_phones_route_answers_a_refusal_with_its_own_status(app, workshop, phone, monkeypatch):
    url = f"/j/{workshop.join_code}/forces/99999/mine"
    assert phone.get(url).status_code == 404  # no such field: a 404, as before

    def closed(*_args):
        raise forces.ForcesRejected("closed")

    monkeypatch.setattr(forces, "field_in", closed)
    answer = phone.get(url)
    assert answer.status_code == 422
    assert message_in(app, forces.ForcesRejected("closed")) in answer.get_data(as_text=True)

    def unknown(*_args):
        raise forces.ForcesRejected("unknown_activity")

    monkeypatch.setattr(forces, "field_in", unknown)
    assert phone.get(url).status_code == 404
