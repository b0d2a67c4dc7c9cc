from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import join, make_workshop

CATALOGUES = Path(__file__).resolve().parent.parent / "translations"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_catalogue_is_complete(lang):
    template = read_po(open(CATALOGUES / "messages.pot", "rb"))
    catalogue = read_po(open(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", "rb"))
    expected = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue if m.id}
    assert expected <= set(translated), f"missing in {lang}: {expected - set(translated)}"
    for key in expected:
        message = translated[key]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"untranslated in {lang}: {key!r}"
        assert not message.fuzzy, f"fuzzy in {lang}: {key!r}"


def test_every_template_string_is_in_the_template_catalogue():
    """Strings added to code or templates must be extracted (make extract-messages)."""
    from babel.messages.extract import extract_from_dir

    root = CATALOGUES.parent
    method_map = [("workshop/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
                "plural_forms": (1, 2)}
    found = {m[2] if isinstance(m[2], str) else m[2][0]
             for m in extract_from_dir(str(root), method_map, keywords=keywords)}
    template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(open(CATALOGUES / "messages.pot", "rb")) if m.id}
    assert found <= template, f"run `make extract-messages`: {found - template}"


def test_french_is_the_default(client, facilitator):
    assert "Se connecter" in client.get("/login").get_data(as_text=True)


def test_a_person_can_switch_language(client, facilitator):
    response = client.post("/lang/en", data={"next": "/login"})
    assert response.headers["Location"] == "/login"
    assert "Sign in" in client.get("/login").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    assert client.post("/lang/en", data={"next": "https://evil.example/"}).headers["Location"] == "/"
    assert client.post("/lang/en", data={"next": "//evil.example/"}).headers["Location"] == "/"


def test_the_workshop_language_is_its_participants_default(app, facilitator):
    english = make_workshop(facilitator, language="en", groups=("Student", "Employer"))
    phone = app.test_client()
    assert "Join the workshop" in phone.get(f"/j/{english.join_code}").get_data(as_text=True)
    join(phone, english)
    assert "You are in!" in phone.get(f"/j/{english.join_code}/phone").get_data(as_text=True)
    # The person's own choice wins over the workshop's language.
    phone.post("/lang/fr", data={"next": "/"})
    assert "Vous y êtes" in phone.get(f"/j/{english.join_code}/phone").get_data(as_text=True)


def test_the_projector_speaks_the_workshops_language_not_the_facilitators(app, facilitator):
    """An English-speaking facilitator runs a French workshop: the projector (page,
    re-render and socket room) is French; the control view stays in English."""
    from tests.conftest import sign_in
    from tests.test_live import swaps, watcher

    french = make_workshop(facilitator)
    client = app.test_client()
    sign_in(client)
    client.post("/lang/en", data={"next": "/"})
    projector = client.get(f"/w/{french.id}/projector").get_data(as_text=True)
    assert '<html lang="fr">' in projector and 'data-lang="fr"' in projector
    assert "Rejoignez-nous sur" in projector and "Join at" not in projector
    stage = client.get(f"/w/{french.id}/stage/projector").get_data(as_text=True)
    assert "participant·e" in stage and "scan the code" not in stage
    control = client.get(f"/w/{french.id}/control").get_data(as_text=True)
    assert '<html lang="en">' in control and 'data-lang="en"' in control
    assert "Open the projector view" in control
    control_stage = client.get(f"/w/{french.id}/stage/control").get_data(as_text=True)
    assert "participant·e" not in control_stage and "participants" in control_stage
    # What the projector's room is pushed is French too.
    socket, answer = watcher(app, client, french, "projector", "fr")
    assert answer["ok"]
    join(app.test_client(), french)
    [count] = [s["html"] for s in swaps(socket) if s["id"] == "participant-count"]
    assert "participant·e" in count


def test_an_english_workshop_has_an_english_projector_for_a_french_facilitator(app, facilitator):
    from tests.conftest import sign_in

    english = make_workshop(facilitator, language="en", groups=("Student", "Employer"))
    client = app.test_client()
    sign_in(client)
    client.post("/lang/fr", data={"next": "/"})
    projector = client.get(f"/w/{english.id}/projector").get_data(as_text=True)
    assert '<html lang="en">' in projector and 'data-lang="en"' in projector and "Join at" in projector
    assert 'lang="fr"' in client.get(f"/w/{english.id}/control").get_data(as_text=True)
    # Its phones default to English; a participant's own choice still wins on their phone.
    phone = app.test_client()
    join(phone, english)
    assert 'data-lang="en"' in phone.get(f"/j/{english.join_code}/phone").get_data(as_text=True)
    phone.post("/lang/fr", data={"next": "/"})
    assert 'data-lang="fr"' in phone.get(f"/j/{english.join_code}/phone").get_data(as_text=True)
