"""One stylesheet for every page: static/css/app.css, then each kind's own
style.css from its package (workshop/stylesheet.py), at a URL that changes
with its text and is kept a year."""

from __future__ import annotations

import dataclasses
import os
import re

import pytest

from workshop import kinds, stylesheet
from workshop.config import PROJECT_ROOT

# A rule only voting's style.css has, one only app.css has.
VOTING_RULE = ".ballot-bar .ballot-save { padding: .7rem 1rem; }"
APP_RULE = ".skip-link:focus { top: .5rem; transform: none; }"


def bundle_url(app) -> str:
    with app.test_request_context():
        return stylesheet.url()


def linked(page: str) -> str:
    hrefs = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert len(hrefs) == 1, hrefs  # one request, whatever the kinds
    return hrefs[0]


def test_every_page_links_the_one_stylesheet(app, client, phone, facilitator_client, workshop):
    url = bundle_url(app)
    assert re.fullmatch(r"/static-bundle/app\.[0-9a-f]{12}\.css", url)
    for page in (client.get("/", follow_redirects=True), phone.get(f"/j/{workshop.join_code}/phone"),
                 facilitator_client.get(f"/w/{workshop.id}/control")):
        assert page.status_code == 200
        assert linked(page.get_data(as_text=True)) == url
    assert "css/app.css" not in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_it_holds_app_css_and_every_kind_s_own_rules(app, client):
    text = client.get(bundle_url(app)).get_data(as_text=True)
    assert VOTING_RULE in (PROJECT_ROOT / "workshop" / "voting" / "style.css").read_text()
    assert VOTING_RULE not in stylesheet.APP_CSS.read_text()
    assert APP_RULE in text and VOTING_RULE in text
    styled = [kind for kind in kinds.kinds() if kind.style is not None]
    assert {kind.key for kind in styled} >= {kinds.VOTE, kinds.HATS, kinds.CELLS}
    for kind in styled:
        assert kind.style.parent.name in kind.style.as_posix()  # its own package's file
        assert kind.style.read_text().strip() in text, kind.key
    # app.css first: a kind's rules come after the shared ones they refine.
    assert text.index(APP_RULE) < text.index(VOTING_RULE)


def test_it_is_kept_a_year_as_css(app, client, facilitator_client):
    for who in (client, facilitator_client):  # a signed-in page is no-store; its stylesheet is not
        answer = who.get(bundle_url(app), headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == "text/css; charset=utf-8"
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["Content-Encoding"] == "gzip"  # Flask-Compress: 50 kB of text
        assert "style-src 'self'" in answer.headers["Content-Security-Policy"]


def test_an_outdated_url_gets_the_text_but_not_kept(app, client):
    answer = client.get("/static-bundle/app.000000000000.css")
    assert answer.status_code == 200
    assert VOTING_RULE in answer.get_data(as_text=True)
    assert answer.headers["Cache-Control"] == "no-cache"


@pytest.fixture
def voting_style(app, tmp_path, monkeypatch):
    """Voting's CSS as a copy the test may edit."""
    vote = kinds._REGISTRY[kinds.VOTE]
    copy = tmp_path / "style.css"
    copy.write_text(vote.style.read_text())
    monkeypatch.setitem(kinds._REGISTRY, kinds.VOTE, dataclasses.replace(vote, style=copy))
    return copy


def test_the_url_changes_when_a_kind_s_css_changes(app, client, voting_style):
    before = bundle_url(app)
    voting_style.write_text(voting_style.read_text() + ".ballot-new-rule { color: #123456; }\n")
    stamp = voting_style.stat().st_mtime_ns + 1_000_000_000
    os.utime(voting_style, ns=(stamp, stamp))  # a second later, whatever the file system's clock grain
    after = bundle_url(app)
    assert after != before
    assert linked(client.get("/", follow_redirects=True).get_data(as_text=True)) == after
    assert ".ballot-new-rule { color: #123456; }" in client.get(after).get_data(as_text=True)


def test_a_kind_without_style_css_is_served_without_one(app, client, tmp_path):
    assert "style" not in kinds.parts_of("workshop.ideas")  # the wall and themes are shared: app.css
    assert kinds._REGISTRY[kinds.IDEAS].style is None
    styled = tmp_path / "styled"
    styled.mkdir()
    (styled / "__init__.py").write_text("")
    (styled / "style.css").write_text(".styled-kind { color: #000; }\n")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        assert kinds.parts_of("styled")["style"] == styled / "style.css"
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("styled", None)
    answer = client.get(bundle_url(app))
    assert answer.status_code == 200 and VOTING_RULE in answer.get_data(as_text=True)
