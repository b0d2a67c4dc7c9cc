"""The accessibility statement is served and linked from every page's footer."""

from pathlib import Path

STATEMENT = Path(__file__).resolve().parent.parent / "docs" / "accessibility.md"


def test_the_statement_is_served_as_written(client):
    response = client.get("/accessibility")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == STATEMENT.read_text(encoding="utf-8")
    assert "WCAG 2.1" in response.get_data(as_text=True)


def test_every_page_links_the_statement_and_starts_with_a_skip_link(client):
    for path in ("/setup", "/join", "/catalogue"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="/accessibility"' in page, path
        assert page.index('class="skip-link" href="#main"') < page.index("<header"), path
        assert 'id="main"' in page, path
