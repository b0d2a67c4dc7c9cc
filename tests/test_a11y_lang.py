"""What the markup says without a browser: the workshop's words carry its
language in the other language's pages (WCAG 3.1.2), and the account forms
say what each field holds (WCAG 1.3.5). Rendered through the app, on SQLite
and PostgreSQL, at a session's size: a 40-item ballot over 8 themes."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.conftest import PASSWORD, join, make_user, make_workshop

THEMES = ["Emploi et stages", "Langue française", "Reconnaissance des diplômes", "Logement",
          "Accueil et parrainage", "Réseautage avec les employeurs", "Immigration et permis",
          "Transport en région"]


class Elements(HTMLParser):
    """Every start tag of a page, with its attributes and the classes of its ancestors."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "area", "col", "embed", "track"}

    def __init__(self, html: str):
        super().__init__()
        self.found: list[dict] = []
        self.open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, **{name: value or "" for name, value in attrs}, "parents": list(self.open)}
        self.found.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()["tag"] == tag:
                break

    def with_class(self, name: str) -> list[dict]:
        return [e for e in self.found if name in e.get("class", "").split()]


def english(client) -> None:
    """The participant's own choice of English, as the language button makes it."""
    assert client.post("/lang/en", data={"next": "/"}).status_code == 302


def french_round(workshop, kind: str, items: int = 40):
    """A round over `items` projects spread over the 8 themes, each with a description."""
    from workshop.extensions import db
    from workshop.voting.logic import create_round
    from workshop.voting.models import Project
    from workshop.workshops.logic import open_activity

    projects = [Project(workshop_id=workshop.id, title=f"Projet {n + 1} : guichet unique d'accueil en région",
                        description="Un seul endroit pour les démarches d'installation",
                        theme_name=THEMES[n % len(THEMES)]) for n in range(items)]
    round_ = create_round(workshop, "Priorisation", kind, projects, dots=5, max_per_item=3, top_k=5)
    open_activity(workshop, round_.activity)
    db.session.commit()
    return round_


@pytest.mark.parametrize("kind", ["dots", "approval", "impact_feasibility"])
def test_ballot_titles_carry_the_workshops_language_in_an_english_ui(app, facilitator, kind):
    workshop = make_workshop(facilitator, language="fr")
    round_ = french_round(workshop, kind)
    phone = app.test_client()
    join(phone, workshop)
    english(phone)
    response = phone.get(f"/j/{workshop.join_code}/rounds/{round_.id}/ballot")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Search the 40 items" in html  # the page speaks English
    page = Elements(html)

    titles = page.with_class("ballot-title")
    assert len(titles) == 40
    assert [t.get("lang") for t in titles] == ["fr"] * 40
    # The theme headings (8 groups) and each description: the theme's name and the
    # description in French, "Question 2"-like words of the page around them are not.
    headings = page.with_class("ballot-group-name")
    assert len(headings) == len(THEMES)
    theme_names = [e for e in page.found if e.get("lang") == "fr" and e["tag"] == "span"
                   and any("ballot-group-name" in p.get("class", "") for p in e["parents"])]
    assert len(theme_names) == len(THEMES)
    descriptions = [e for e in page.found if e.get("lang") == "fr" and e["tag"] == "span"
                    and any("ballot-detail" in p.get("class", "") for p in e["parents"])]
    assert len(descriptions) == 40
    themes_filter = [o for o in page.found if o["tag"] == "option" and o.get("value") is None
                     and any("data-ballot-theme" in p for p in o["parents"])]
    assert [o.get("lang") for o in themes_filter] == ["fr"] * len(THEMES)
    # The controls are the page's: no lang of their own.
    assert not [e for e in page.found if e["tag"] in ("button", "input") and "lang" in e]


def test_ranking_choices_carry_the_workshops_language(app, facilitator):
    workshop = make_workshop(facilitator, language="fr")
    round_ = french_round(workshop, "ranking")
    phone = app.test_client()
    join(phone, workshop)
    english(phone)
    page = Elements(phone.get(f"/j/{workshop.join_code}/rounds/{round_.id}/ballot").get_data(as_text=True))
    choices = [o for o in page.found if o["tag"] == "option" and o.get("value")]
    assert len(choices) == 5 * 40  # five places, forty items each
    assert {o.get("lang") for o in choices} == {"fr"}


def test_the_sign_in_form_says_what_each_field_holds(app, client):
    make_user()
    page = Elements(client.get("/login").get_data(as_text=True))
    fields = {e["name"]: e.get("autocomplete") for e in page.found if e["tag"] == "input" and e.get("name")}
    assert fields["email"] == "username"
    assert fields["password"] == "current-password"
    assert client.post("/login", data={"email": "facilitator@example.org", "password": PASSWORD}).status_code == 302


def test_the_first_account_form_asks_for_a_new_password(app, client):
    page = Elements(client.get("/setup").get_data(as_text=True))
    fields = {e["name"]: e.get("autocomplete") for e in page.found if e["tag"] == "input" and e.get("name")}
    assert (fields["name"], fields["email"], fields["password"]) == ("name", "username", "new-password")


def test_a_phones_own_ideas_and_the_control_heading_carry_the_workshops_language(app, facilitator,
                                                                                 facilitator_client):
    from tests.conftest import open_first_activity

    workshop = make_workshop(facilitator, language="fr", prompts=("Comment accueillir les étudiants ?",))
    open_first_activity(workshop)
    phones = []
    for n in range(40):
        phone = app.test_client()
        join(phone, workshop, nickname=f"P{n}")
        english(phone)
        phone.post(f"/j/{workshop.join_code}/ideas", data={"text": f"Idée numéro {n}", "key": f"k-lang-{n:03d}"})
        phones.append(phone)
    mine = Elements(phones[7].get(f"/j/{workshop.join_code}/mine").get_data(as_text=True)).with_class("my-idea")
    assert mine and all(e.get("lang") == "fr" for e in mine)
    facilitator_client.post("/lang/en", data={"next": "/"})
    page = Elements(facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True))
    stage = [e for e in page.found if e["tag"] == "h2" and any(p.get("id") == "stage" for p in e["parents"])]
    assert [e.get("lang") for e in stage] == ["fr"]


def test_the_catalogues_interest_form_says_what_each_field_holds(app, facilitator):
    from workshop.extensions import db
    from workshop.orphans.logic import publish
    from workshop.voting.models import Project

    workshop = make_workshop(facilitator)
    project = Project(workshop_id=workshop.id, title="Guichet unique", description="Un seul endroit",
                      status="orphan_candidate")
    db.session.add(project)
    db.session.commit()
    publish(project, True, "coordination")
    page = Elements(app.test_client().get("/catalogue").get_data(as_text=True))
    fields = {e.get("name"): e.get("autocomplete") for e in page.found if e["tag"] == "input"}
    assert {k: fields.get(k) for k in ("organisation", "contact", "email")} == {
        "organisation": "organization", "contact": "name", "email": "email"}
