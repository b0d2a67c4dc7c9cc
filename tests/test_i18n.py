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
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
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
