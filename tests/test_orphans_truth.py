"""The follow-up tells the truth after the coordinator's less common moves: two
rows of one organisation merged with an offer each on one project, an interest
confirmed on an offer that was declined, a move straight past "adopted", an
end with a date typed in, a contact dated in the future; suggestions leave out
who was asked already; dates on the workshop's clock, in the page's language."""

from datetime import date, datetime, timedelta

import pytest

from workshop import dates
from workshop.extensions import db
from workshop.orphans import logic
from workshop.orphans.models import Adoption, Interest, Organisation
from workshop.voting.models import Project

BY = "coord@example.org"


@pytest.fixture
def partners(app):
    return [logic.save_organisation(None, {"name": name, "kind": kind, "territory": "Saguenay",
                                           "interests": interests})
            for name, kind, interests in [
                ("Cégep de Jonquière", "education", "stages, étudiants internationaux, foire"),
                ("Carrefour jeunesse-emploi", "community", "emploi, immigration, foire"),
                ("Ville de Saguenay", "municipality", "accueil, foire, emploi"),
            ]]


def duplicate_of(name: str) -> Organisation:
    return logic.save_organisation(None, {"name": name, "kind": "education"})


def test_merging_two_rows_keeps_an_adoption_made_on_the_duplicate(orphan, partners):
    kept = logic.offer(orphan, partners[0], BY)  # proposed, on the row that stays
    duplicate = duplicate_of("Cegep Jonquiere")
    adopted = logic.offer(orphan, duplicate, BY)
    logic.move(adopted, "adopted", "Signé avec la direction", BY, others="keep")
    logic.merge(duplicate, partners[0], BY)
    db.session.expire_all()
    offer = db.session.get(Adoption, kept.id)
    assert offer.stage == "adopted"  # not back to "proposed", nor back in the catalogue
    assert orphan.id in logic.carried_ids()
    assert "Signé avec la direction" in [e.note for e in offer.events]
    assert offer.next_follow_up is not None  # adopted is still open: followed up


def test_merging_moves_a_confirmed_interest_to_the_kept_offer(orphan, partners):
    logic.offer(orphan, partners[0], BY)
    interest = Interest(project_id=orphan.id, organisation_name="Cégep Jonquière (formation continue)",
                        contact_name="Dominique", contact_email="dominique@example.org", message="Intéressés")
    db.session.add(interest)
    db.session.commit()
    confirmed = logic.confirm_interest(interest, BY, create=True)  # a new row for the same cégep
    assert confirmed.organisation_id != partners[0].id
    logic.merge(confirmed.organisation, partners[0], BY)  # was a 500: the interest pointed at the deleted offer
    db.session.expire_all()
    interest = db.session.get(Interest, interest.id)
    kept = db.session.get(Adoption, interest.confirmed_adoption_id)
    assert kept.organisation_id == partners[0].id and kept.stage == "interested"


def test_merging_two_open_offers_keeps_the_one_that_changed_last(orphan, partners):
    kept = logic.offer(orphan, partners[0], BY)
    duplicate = duplicate_of("Cegep de Jonquiere")
    other = logic.offer(orphan, duplicate, BY)
    logic.move(kept, "declined", "Pas de budget cette année", BY, reason="no_budget")
    other_events = other.events
    other_events[-1].at = datetime.now() + timedelta(hours=1)  # they wrote back since
    logic.move(other, "interested", "Finalement, la formation continue est partante", BY)
    logic.merge(duplicate, partners[0], BY)
    db.session.expire_all()
    assert db.session.get(Adoption, kept.id).stage == "interested"


def test_an_interest_on_a_declined_offer_reopens_it(orphan, partners):
    offer = logic.offer(orphan, partners[1], BY)
    logic.move(offer, "declined", "Pas de budget", BY, reason="no_budget")
    assert offer.next_follow_up is None
    interest = Interest(project_id=orphan.id, organisation_name="Carrefour jeunesse-emploi",
                        contact_name="Alex", contact_email="alex@example.org", message="Finalement oui")
    db.session.add(interest)
    db.session.commit()
    assert logic.confirm_interest(interest, BY).id == offer.id
    db.session.expire_all()
    offer = db.session.get(Adoption, offer.id)
    assert offer.stage == "interested" and offer.next_follow_up is not None
    assert offer.events[-1].note == "Finalement oui"


@pytest.mark.parametrize("target", ["adopted", "in_progress", "realised"])
def test_moving_past_adopted_asks_about_the_other_open_offers(coordinator_client, orphan, partners, target):
    first = logic.offer(orphan, partners[0], BY)
    second = logic.offer(orphan, partners[1], BY)
    answer = coordinator_client.post(f"/orphans/adoptions/{first.id}/move",
                                     data={"stage": target, "note": "Convention signée"})
    assert answer.status_code == 422  # asked, nothing decided for the coordinator
    page = answer.get_data(as_text=True)
    assert f'name="stage" value="{target}"' in page and 'name="others"' in page
    db.session.expire_all()
    assert db.session.get(Adoption, first.id).stage == "proposed"
    answer = coordinator_client.post(f"/orphans/adoptions/{first.id}/move",
                                     data={"stage": target, "note": "Convention signée", "others": "decline"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert (db.session.get(Adoption, first.id).stage, db.session.get(Adoption, second.id).stage) == (
        target, "declined")


def test_a_board_drag_past_adopted_asks_on_the_project_page(coordinator_client, orphan, partners):
    first = logic.offer(orphan, partners[0], BY)
    logic.offer(orphan, partners[1], BY)
    answer = coordinator_client.post(f"/orphans/adoptions/{first.id}/move", data={"stage": "in_progress"},
                                     headers={"HX-Request": "true"})
    assert answer.status_code == 204
    asked = answer.headers["HX-Redirect"]
    assert f"adopt={first.id}" in asked and "stage=in_progress" in asked


def test_an_end_ignores_a_follow_up_typed_in_the_same_form(orphan, partners):
    offer = logic.offer(orphan, partners[0], BY)
    logic.move(offer, "declined", "Pas cette année", BY, next_follow_up=date(2000, 1, 1), reason="no_budget")
    assert offer.stage == "declined" and offer.next_follow_up is None


def test_a_closed_offer_does_not_ask_for_a_follow_up_when_logging_a_contact(coordinator_client, orphan, partners):
    offer = logic.offer(orphan, partners[0], BY)
    logic.move(offer, "declined", "Pas cette année", BY, reason="no_budget")
    page = coordinator_client.get(f"/orphans/projects/{orphan.id}").get_data(as_text=True)
    article = page[page.index(f'id="adoption-{offer.id}"'):]
    contact_form = article[article.index("/log"):article.index("</form>")]
    assert 'name="next_follow_up"' not in contact_form


def test_contacts_and_public_updates_are_not_dated_in_the_future(orphan, partners):
    offer = logic.offer(orphan, partners[0], BY)
    next_year = dates.today() + timedelta(days=365)
    with pytest.raises(logic.OrphansRejected, match="not_yet"):
        logic.log_contact(offer, "call", "Appel", BY, on=next_year)
    logic.log_contact(offer, "call", "Appel", BY, on=dates.today())  # today is fine
    logic.move(offer, "adopted", "Signé", BY)
    with pytest.raises(logic.OrphansRejected, match="not_yet"):
        logic.add_progress_update(orphan, "Premier stage en cours", BY, on=next_year)


def test_suggestions_leave_out_who_was_asked_and_what_is_carried(coordinator_client, workshop, orphan, partners):
    logic.describe(orphan, "Une foire de l'emploi pour les étudiants internationaux.", "")
    logic.offer(orphan, partners[1], BY)
    page = coordinator_client.get(f"/orphans/projects/{orphan.id}").get_data(as_text=True)
    suggestions = page[page.index('class="suggestions"'):]
    suggestions = suggestions[:suggestions.index("</ol>")]
    assert "Carrefour jeunesse-emploi" not in suggestions and "Ville de Saguenay" in suggestions
    carried = Project(workshop_id=workshop.id, title="Une foire de l'emploi régionale", status="orphan_candidate")
    db.session.add(carried)
    db.session.commit()
    logic.move(logic.offer(carried, partners[0], BY), "adopted", "Signé", BY)
    page = coordinator_client.get(f"/orphans/organisations/{partners[2].id}").get_data(as_text=True)
    fits = page[page.index("/orphans/projects/"):] if "/orphans/projects/" in page else ""
    assert f"/orphans/projects/{carried.id}\"" not in fits  # carried by the cégep: no longer looking
    assert f"/orphans/projects/{orphan.id}\"" in fits


def test_a_follow_up_moved_reads_as_a_date_in_the_page_language(coordinator_client, orphan, partners):
    offer = logic.offer(orphan, partners[0], BY)
    when = date(dates.today().year + 1, 3, 15)
    logic.set_follow_up(offer, when, BY)
    page = coordinator_client.get(f"/orphans/projects/{orphan.id}").get_data(as_text=True)
    assert f"15 mars {when.year}" in page and f"— {when.isoformat()}" not in page


def test_the_privacy_page_says_when_nothing_is_held(coordinator_client):
    page = coordinator_client.get("/orphans/privacy?email=personne@example.org").get_data(as_text=True)
    assert "Rien n'est conservé sur cette personne" in page.replace("&#39;", "'")
    assert 'value="erase"' not in page


@pytest.mark.parametrize("field, limit", [("sector", 120), ("contact_name", 120), ("mission", 5000),
                                          ("interests", 5000), ("name", 200)])
def test_an_organisation_field_past_its_size_is_refused_with_what_was_typed(coordinator_client, field, limit):
    form = {"name": "Chambre de commerce du Saguenay", "kind": "business", "sector": "Commerce",
            "contact_name": "Sam", "mission": "Soutenir les entreprises", "interests": "emploi"}
    form[field] = "é" * (limit + 1)
    answer = coordinator_client.post("/orphans/organisations", data=form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and f"{limit} caractères au maximum" in page
    assert "Soutenir les entreprises" in page or field == "mission"  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0
    form[field] = "é" * limit  # at the limit: saved, and the export can be imported back
    assert coordinator_client.post("/orphans/organisations", data=form).status_code == 302
