"""The organisations list at size: after a 50,000-row import it is a page of
50 with "previous / next", and the name search keeps working across pages."""

import re

import pytest
from sqlalchemy import insert, select

from workshop.extensions import db
from workshop.orphans.models import Organisation

ROW_LINK = re.compile(r'href="/orphans/organisations/(\d+)"')


def bulk_insert(names: list[str]) -> None:
    """As many rows as an import leaves, in one statement (the importer is tested elsewhere)."""
    db.session.execute(insert(Organisation), [
        {"name": name, "kind": "community", "sector": "Emploi", "territory": "Lac-Saint-Jean-Est",
         "contact_name": "", "contact_email": "", "mission": "", "interests": "", "archived": False}
        for name in names])
    db.session.commit()


def rows_on(client, query: str) -> tuple[list[int], str]:
    answer = client.get(f"/orphans/organisations{query}")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    return [int(found) for found in ROW_LINK.findall(page)], page


def test_50000_organisations_are_listed_50_to_a_page(coordinator_client):
    bulk_insert([f"Organisme {n:05d}" for n in range(50_007)])
    first, page = rows_on(coordinator_client, "")
    assert len(first) == 50
    assert "Organisme 00000" in page and "Organisme 00049" in page and "Organisme 00050" not in page
    assert "Page 1 sur 1001" in page and 'rel="next" href="/orphans/organisations?page=2"' in page
    assert 'rel="prev"' not in page
    assert "50\u202f007 organisations" in page or "50007 organisations" in page

    second, page = rows_on(coordinator_client, "?page=2")
    assert len(second) == 50 and not set(first) & set(second)
    assert "Organisme 00050" in page and 'rel="prev" href="/orphans/organisations?page=1"' in page

    last, page = rows_on(coordinator_client, "?page=1001")
    assert len(last) == 7 and "Organisme 50006" in page and "Page 1001 sur 1001" in page
    assert 'rel="next"' not in page

    # A page past the end (a link made before organisations were merged) shows the last one.
    beyond, page = rows_on(coordinator_client, "?page=99999")
    assert beyond == last and "Page 1001 sur 1001" in page
    nonsense, _ = rows_on(coordinator_client, "?page=abc")
    assert nonsense == first
    negative, _ = rows_on(coordinator_client, "?page=-3")
    assert negative == first


def test_the_name_search_keeps_working_across_pages(coordinator_client):
    bulk_insert([f"Organisme {n:05d}" for n in range(5_000)] + [f"Cégep {n:03d}" for n in range(120)])
    found, page = rows_on(coordinator_client, "?q=c%C3%A9gep")
    assert len(found) == 50 and "Page 1 sur 3" in page and "120 organisations" in page
    assert 'value="cégep"' in page  # the box keeps what was typed
    assert 'href="/orphans/organisations?page=2&amp;q=c%C3%A9gep"' in page
    rest = rows_on(coordinator_client, "?q=c%C3%A9gep&page=2")[0] + rows_on(coordinator_client, "?q=c%C3%A9gep&page=3")[0]
    names = set(db.session.scalars(select(Organisation.name).where(Organisation.id.in_(found + rest))))
    assert len(found + rest) == 120 and all(name.startswith("Cégep") for name in names)
    # Searched as the picker searches, punctuation set aside: "%" is no wildcard, "100%" is "100".
    hundred = rows_on(coordinator_client, "?q=100%25")[0]
    names = set(db.session.scalars(select(Organisation.name).where(Organisation.id.in_(hundred))))
    assert names and all("100" in name for name in names)
    nothing, page = rows_on(coordinator_client, "?q=xyz%25")
    assert nothing == [] and "Aucun nom d'organisation ne contient « xyz% »." in page


def test_equal_names_never_show_on_two_pages_or_on_none(coordinator_client):
    bulk_insert(["Centre d'action bénévole"] * 130)
    seen = [found for n in (1, 2, 3) for found in rows_on(coordinator_client, f"?page={n}")[0]]
    everyone = list(db.session.scalars(select(Organisation.id)))
    assert sorted(seen) == sorted(everyone) and len(set(seen)) == 130


def test_an_empty_list_says_so_and_has_no_pages(coordinator_client):
    found, page = rows_on(coordinator_client, "")
    assert found == [] and "Page 1" not in page and "Aucune organisation" in page


@pytest.mark.parametrize("typed", ["jonquiere", "JONQUIÈRE", "Jonquière", "cooperative", "COOPÉRATIVE"])
def test_the_organisation_list_searches_as_the_picker_does(app, typed):
    from workshop.orphans import logic as orphans

    for name in ("Cégep de Jonquière", "Coopérative « Les Bleuets » de Jonquière", "Centre d'Alma"):
        orphans.save_organisation(None, {"name": name, "kind": "community"})
    found = {o.name for o in orphans.organisations_page(1, typed).organisations}
    assert found and "Centre d'Alma" not in found
    assert found == {o.name for o in orphans.picked_organisations(typed).organisations}
