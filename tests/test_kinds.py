"""The activity-kind registry: a kind declared in one place reaches every screen,
the agenda, the opening of an activity and the JSON archive, with no other
code changed. The test registers a small "check-in" kind of its own (its
templates come from a dictionary loader) and drives it through the app."""

from __future__ import annotations

import io
import json
import pathlib
import re

import pytest
from jinja2 import ChoiceLoader, DictLoader

from tests.conftest import join
from workshop import kinds
from workshop.extensions import db
from workshop.workshops.models import Activity

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture
def checkin(app):
    """A "check-in" kind (how is everyone feeling?) registered for one test."""
    opened, restored = [], []

    def export(activity, refs, names):
        return {"checkin": {"scale": 5}}

    def restore(importer, activity, entry):
        restored.append((activity.prompt, entry))

    kind = kinds.register(kinds.ActivityKind(
        key="checkin",
        name="Check-in",
        stage={"projector": "checkin/projector.html", "control": "checkin/control.html",
               "phone": "checkin/phone.html"},
        label=lambda activity: f"Check-in: {activity.prompt}",
        heading=lambda activity: f"How do you feel about {activity.prompt}?",
        announce=lambda activity: "Check-in open" if activity.is_open else "Check-in closed",
        on_open=lambda activity: opened.append(activity.id),
        # Its stage's view-model: what the templates show, read here, not by them.
        view=lambda activity, audience: {"faces": 5 if audience == "projector" else 3},
        archive_key="checkin",
        export=export,
        restore=restore,
    ))
    app.jinja_env.loader = ChoiceLoader([DictLoader({
        "checkin/projector.html": '<p class="checkin-big">{{ stage.faces }} big faces for {{ activity.prompt }}</p>',
        "checkin/control.html": '<p class="checkin-tools">Facilitator tools</p>',
        "checkin/phone.html": '<h1 id="activity-title">{{ kind_of(activity).heading(activity) }}</h1>'
                              '<p class="checkin-faces">Tap a face</p>',
    }), app.jinja_env.loader])
    yield kind, opened, restored
    kinds._REGISTRY.pop("checkin", None)


def test_a_kind_registered_in_one_place_reaches_every_screen_and_the_archive(
        app, facilitator_client, workshop, checkin):
    _kind, opened, restored = checkin
    activity = Activity(workshop_id=workshop.id, kind="checkin", prompt="the morning", position=1)
    db.session.add(activity)
    db.session.commit()
    phone = app.test_client()
    join(phone, workshop)

    agenda = facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open").get_data(as_text=True)
    assert "Check-in: the morning" in agenda
    assert opened == [activity.id]  # the kind's own opening work ran

    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    assert "How do you feel about the morning?" in projector and "5 big faces for the morning" in projector
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert "Check-in: the morning" in control and "Facilitator tools" in control
    panel = phone.get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert 'data-announce="Check-in open"' in panel and "Tap a face" in panel

    document = facilitator_client.get(f"/w/{workshop.id}/export/workshop.json").get_json(force=True)
    entry = next(a for a in document["activities"] if a["kind"] == "checkin")
    assert entry["checkin"] == {"scale": 5}
    response = facilitator_client.post("/workshops/import", content_type="multipart/form-data",
                                       data={"file": (io.BytesIO(json.dumps(document).encode()), "w.json")})
    assert response.status_code == 302
    assert restored == [("the morning", {"scale": 5})]


def test_an_archive_part_of_another_kind_is_refused(facilitator_client, workshop):
    document = facilitator_client.get(f"/w/{workshop.id}/export/workshop.json").get_json(force=True)
    document["activities"][0]["hats"] = {"mode": "free"}  # a question carrying a six-hats part
    response = facilitator_client.post("/workshops/import", content_type="multipart/form-data",
                                       data={"file": (io.BytesIO(json.dumps(document).encode()), "w.json")})
    assert response.status_code == 400
    assert "activities.hats" in response.get_data(as_text=True)


def test_every_registered_kind_has_its_templates(app):
    for kind in kinds.kinds():
        for template in [*kind.stage.values(), kind.add_form]:
            if template:
                assert (ROOT / "templates" / template).is_file(), (kind.key, template)
        assert bool(kind.archive_key) == (kind.export is not None) == (kind.restore is not None), kind.key


def test_a_kind_s_parts_come_from_its_package_s_usual_modules(app):
    """kinds.parts_of: each installed kind's commands, view-model, privacy
    answers, purge and archive are its own package's, found by module name."""
    import importlib
    import importlib.util

    for installed in kinds.INSTALLED:
        package = installed.rsplit(".", 1)[0]
        kind = next(k for k in kinds.kinds() if k.blueprint is importlib.import_module(f"{package}.views").bp)
        assert kind.view is importlib.import_module(f"{package}.stage").view, package
        # A kind that holds nothing of people's has neither (a break: workshop/pause).
        has_privacy = importlib.util.find_spec(f"{package}.privacy") is not None
        assert kind.privacy is (importlib.import_module(f"{package}.privacy") if has_privacy else None), package
        logic = importlib.import_module(f"{package}.logic")
        assert kind.remove_participants is getattr(logic, "remove_participants", None), package
        has_archive = importlib.util.find_spec(f"{package}.archive") is not None
        assert (kind.export is not None) == has_archive, package
        if has_archive:
            assert kind.restore is importlib.import_module(f"{package}.archive").restore, package
        style = pathlib.Path(importlib.import_module(package).__file__).parent / "style.css"
        assert kind.style == (style if style.is_file() else None), package  # its own CSS (workshop/stylesheet.py)
    assert "export" not in kinds.parts_of("workshop.ideas")  # no archive module: nothing of its own to keep
    with pytest.raises(ModuleNotFoundError):
        kinds.parts_of("workshop.no_such_kind_package.inner")


def test_a_kind_cannot_be_registered_twice_or_without_a_stage():
    ideas = kinds.kinds()[0]
    with pytest.raises(ValueError):
        kinds.register(kinds.ActivityKind(key=ideas.key, name="x", stage=ideas.stage, label=str, heading=str,
                                          announce=str))
    with pytest.raises(ValueError):
        kinds.register(kinds.ActivityKind(key="half", name="x", stage={"projector": "a.html"}, label=str,
                                          heading=str, announce=str))


def test_outside_the_kinds_no_code_compares_an_activity_kind_to_a_string():
    """Kinds are named by the registry's keys (kinds.IDEAS...), never by a bare string."""
    pattern = re.compile(r"""activity\.kind\s*[!=]=\s*["']|\ba\.kind\s*[!=]=\s*["']|kind\s+in\s+\(["']ideas""")
    found = [f"{path.relative_to(ROOT)}:{number}"
             for folder in ("workshop", "templates")
             for path in (ROOT / folder).rglob("*.*") if path.suffix in (".py", ".html")
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if pattern.search(line)]
    assert found == []


def test_a_kind_s_free_texts_reach_a_person_s_privacy_request(app, workshop):
    """A kind that registers its free texts has them searched for a person's names
    and erased on request, privacy.py unchanged (Law 25 reaches every kind)."""
    from types import ModuleType, SimpleNamespace

    from workshop import privacy

    notes = [SimpleNamespace(id=n, note=text) for n, text in enumerate(
        ["Bonjour de la part de Zorglub Tremblay", "Zorglub a apporté le café", "Rien à signaler"], start=1)]
    notes_privacy = ModuleType("notes_privacy")  # its privacy module defines `texts` alone
    notes_privacy.texts = lambda _workshop: [  # type: ignore[attr-defined]
        kinds.FreeText("note", n, ("note",), n.note, "Note", "the morning") for n in notes]
    kinds.register(kinds.ActivityKind(
        key="notes", name="Notes", stage={"projector": "a.html", "control": "a.html", "phone": "a.html"},
        label=str, heading=str, announce=str, privacy=notes_privacy,
    ))
    try:
        person = privacy.person_data(workshop, None, "Zorglub Tremblay")
        assert [(m.key, m.label, m.certain) for m in person.mentions] == [("note:1", "Note", True),
                                                                         ("note:2", "Note", False)]
        assert privacy.erase_person(workshop, person, reviewed={"note:2"}) == 2
    finally:
        kinds._REGISTRY.pop("notes", None)
    assert [n.note for n in notes] == ["Bonjour de la part de [effacé]", "[effacé] a apporté le café",
                                       "Rien à signaler"]


@pytest.mark.parametrize(("key", "opened", "closed", "fr_closed"), [
    (kinds.IDEAS, "New question: l'accueil", "This activity is closed.", "Cette activité est fermée."),
    (kinds.VOTE, "Vote open: l'accueil", "The vote is closed.", "Le vote est fermé."),
    (kinds.CELLS, "Innovation cells: the sign-up is open.", "The sign-up is closed.", "L'inscription est fermée."),
    ("forces", "Force field: l'accueil", "This activity is closed.", "Cette activité est fermée."),
])
def test_a_kind_announces_its_opening_and_its_closing_in_the_phone_s_language(app, key, opened, closed, fr_closed):
    from types import SimpleNamespace

    from flask_babel import force_locale

    kind = next(kind for kind in kinds.kinds() if kind.key == key)
    with app.test_request_context():
        with force_locale("en"):
            assert kind.announce(SimpleNamespace(is_open=True, prompt="l'accueil")) == opened
            assert kind.announce(SimpleNamespace(is_open=False, prompt="l'accueil")) == closed
        with force_locale("fr"):
            assert kind.announce(SimpleNamespace(is_open=False, prompt="l'accueil")) == fr_closed
