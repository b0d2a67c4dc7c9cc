"""The coordinator's follow-up over months: contacts logged apart from stages,
dates typed in Québec, adoption rules (co-adoption, never a silent decline,
reasons), a catalogue that tells the truth, organisations without duplicates,
the organisation import from French Excel, and the calendar."""

import re
from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from babel.dates import format_date

from workshop import dates
from workshop.extensions import db
from workshop.orphans import logic
from workshop.orphans.models import Adoption, AdoptionEvent, Interest, Organisation
from workshop.voting.models import Project

BY = "coord@example.org"
# A year to come, for follow-ups (a past one is refused) and dates typed in forms.
NEXT = dates.today().year + 1


@pytest.fixture
def partners(app):
    return [logic.save_organisation(None, {"name": name, "kind": kind, "territory": territory,
                                           "contact_email": email})
            for name, kind, territory, email in [
                ("Cégep de Jonquière", "education", "Saguenay", "sai@cegepjonquiere.ca"),
                ("Carrefour jeunesse-emploi", "community", "Alma", "info@cje.example"),
                ("Ville de Saguenay", "municipalité", "Ville de Saguenay", ""),
            ]]


# --- dates as typed in Québec ----------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("2027-03-15", date(2027, 3, 15)), ("15/03/2027", date(2027, 3, 15)), ("5/3/2027", date(2027, 3, 5)),
    ("15-03-2027", date(2027, 3, 15)), (" 2027/03/15 ", date(2027, 3, 15)), ("", None), (None, None),
])
def test_dates_are_read_as_typed_in_quebec(typed, expected):
    assert logic.parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["31/02/2027", "03/15/2027", "demain", "2027-13-01", "15 mars 2027"])
def test_a_date_that_cannot_be_read_is_refused_not_replaced(typed):
    with pytest.raises(logic.OrphansRejected, match="bad_date"):
        logic.parse_date(typed)


# --- contact log and follow-ups apart from stages --------------------------------------

def test_a_call_is_logged_without_a_stage_change_and_moves_the_follow_up(orphan, partners):
    adoption = logic.offer(orphan, partners[0], BY)
    entry = logic.log_contact(adoption, "call", "Intéressés, à rappeler après leur CA", BY, contact="Julie Gagnon",
                              on=dates.today(), next_follow_up=logic.parse_date(f"15/03/{NEXT}"))
    assert adoption.stage == "proposed" and adoption.next_follow_up == date(NEXT, 3, 15)
    assert (entry.kind, entry.contact, entry.at.date()) == ("call", "Julie Gagnon", dates.today())
    with pytest.raises(logic.OrphansRejected, match="entry_note_required"):
        logic.log_contact(adoption, "meeting", "  ", BY)
    with pytest.raises(logic.OrphansRejected, match="unknown_entry"):
        logic.log_contact(adoption, "fax", "x", BY)
    logic.set_follow_up(adoption, date(NEXT, 4, 1), BY)
    assert adoption.next_follow_up == date(NEXT, 4, 1)
    assert [e.kind for e in adoption.events] == ["stage", "call", "follow_up"]
    assert logic.counts([adoption])["interested"] == 0  # a call is not a stage


def test_the_timeline_is_in_the_order_things_happened(orphan, partners):
    adoption = logic.offer(orphan, partners[0], BY)
    adoption.created_at = adoption.events[0].at = datetime(2026, 9, 1, 15)  # offered in September,
    logic.log_contact(adoption, "note", "Relancer en janvier", BY)  # a note today,
    logic.log_contact(adoption, "email", "Courriel de présentation", BY, on=date(2026, 9, 8))  # an email logged late
    assert [e.kind for e in logic.timeline(adoption)] == ["stage", "email", "note"]


def test_a_contact_before_the_offer_or_a_past_follow_up_is_refused_not_kept(coordinator_client, orphan, partners):
    """A call dated before the offer, or a next follow-up already passed, is a
    typo (the year, most often): refused with the offer's date, nothing saved."""
    adoption = logic.offer(orphan, partners[0], BY)
    adoption.created_at = adoption.events[0].at = datetime(2026, 9, 1, 15)
    db.session.commit()
    with pytest.raises(logic.OrphansRejected, match="before_offer"):
        logic.log_contact(adoption, "call", "Appel", BY, on=date(2025, 9, 8))
    yesterday = dates.today() - timedelta(days=1)
    with pytest.raises(logic.OrphansRejected, match="follow_up_past"):
        logic.set_follow_up(adoption, yesterday, BY)
    with pytest.raises(logic.OrphansRejected, match="follow_up_past"):
        logic.move(adoption, "interested", "", BY, next_follow_up=yesterday)
    base = f"/orphans/adoptions/{adoption.id}"
    answer = coordinator_client.post(f"{base}/log", data={"kind": "call", "note": "Appel à Julie", "on": "08/09/2025"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "1 septembre 2026" in page and "Appel à Julie" in page  # the draft kept
    answer = coordinator_client.post(f"{base}/follow-up", data={"next_follow_up": yesterday.strftime("%d/%m/%Y")})
    assert answer.status_code == 422 and "passée" in answer.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(Adoption, adoption.id)
    assert [e.kind for e in kept.events] == ["stage"] and kept.stage == "proposed"
    assert kept.next_follow_up >= dates.today()
    assert coordinator_client.post(f"{base}/follow-up", data={"next_follow_up": dates.today().isoformat()}
                                   ).status_code == 302  # today is not past


def test_a_closed_adoption_takes_notes_but_no_follow_up(orphan, partners):
    adoption = logic.offer(orphan, partners[0], BY)
    logic.move(adoption, "declined", "", BY, reason="no_budget")
    logic.log_contact(adoption, "note", "Reparler au prochain budget", BY)
    with pytest.raises(logic.OrphansRejected, match="closed_adoption"):
        logic.set_follow_up(adoption, date(NEXT, 1, 1), BY)


def test_log_and_reschedule_over_http_with_quebec_dates(coordinator_client, orphan, partners):
    adoption = logic.offer(orphan, partners[0], BY)
    logged = coordinator_client.post(f"/orphans/adoptions/{adoption.id}/log", data={
        "kind": "call", "note": "Rappel fait", "contact": "Julie", "on": f"{dates.today():%d/%m/%Y}",
        "next_follow_up": f"15/03/{NEXT}"})
    assert logged.status_code == 302
    refused = coordinator_client.post(f"/orphans/adoptions/{adoption.id}/follow-up", data={"next_follow_up": "15 mars"})
    assert refused.status_code == 422 and f"15/03/{NEXT}" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Adoption, adoption.id).next_follow_up == date(NEXT, 3, 15)  # not silently replaced
    page = coordinator_client.get(f"/orphans/projects/{orphan.id}").get_data(as_text=True)
    logged_line = next(line for line in page.split("<li>") if "Rappel fait" in line)
    today = format_date(dates.today(), "medium", locale="fr")
    today = "1er" + today[1:] if today.startswith("1 ") else today
    assert "Julie" in logged_line and logged_line.startswith(today)  # as French writes it


# --- adoption rules --------------------------------------------------------------------

def test_co_adoption_keeps_both_organisations(orphan, partners):
    first, second, third = (logic.offer(orphan, p, BY) for p in partners)
    logic.move(second, "interested", "", BY)
    logic.move(third, "declined", "", BY, reason="outside_mission")
    logic.move(first, "adopted", "Portage à deux", BY, others="co_adopt")
    assert (first.stage, second.stage, third.stage) == ("adopted", "adopted", "declined")
    assert {o.name for o in logic.progress(orphan)["partners"]} == {"Cégep de Jonquière", "Carrefour jeunesse-emploi"}


def test_adopting_without_a_choice_declines_nobody(orphan, partners):
    first, second = logic.offer(orphan, partners[0], BY), logic.offer(orphan, partners[1], BY)
    logic.move(first, "adopted", "", BY)
    assert (first.stage, second.stage) == ("adopted", "proposed")


def test_adopting_can_keep_the_other_offers_open(orphan, partners):
    first, second = logic.offer(orphan, partners[0], BY), logic.offer(orphan, partners[1], BY)
    logic.move(second, "interested", "", BY)
    logic.move(first, "adopted", "", BY, others="keep")
    assert (first.stage, second.stage) == ("adopted", "interested")
    logic.move(second, "adopted", "", BY)  # a later co-adopter: nobody else is waiting
    assert second.stage == "adopted"


def test_declining_or_abandoning_says_why(orphan, partners):
    adoption = logic.offer(orphan, partners[0], BY)
    with pytest.raises(logic.OrphansRejected, match="reason_required"):
        logic.move(adoption, "declined", "", BY)
    with pytest.raises(logic.OrphansRejected, match="reason_required"):
        logic.move(adoption, "declined", "", BY, reason="because")
    logic.move(adoption, "declined", "Budget 2027 déjà engagé", BY, reason="no_budget")
    assert adoption.events[-1].reason == "no_budget"


def test_a_board_drag_to_adopted_asks_what_to_do_with_the_others(coordinator_client, orphan, partners):
    first, second = logic.offer(orphan, partners[0], BY), logic.offer(orphan, partners[1], BY)
    dragged = coordinator_client.post(f"/orphans/adoptions/{first.id}/move", data={"stage": "adopted"},
                                      headers={"HX-Request": "true"})
    assert dragged.status_code == 204 and f"adopt={first.id}" in dragged.headers["HX-Redirect"]
    db.session.expire_all()
    assert (db.session.get(Adoption, first.id).stage, db.session.get(Adoption, second.id).stage) == \
        ("proposed", "proposed")
    page = coordinator_client.get(f"/orphans/projects/{orphan.id}?adopt={first.id}").get_data(as_text=True)
    assert 'value="co_adopt"' in page and 'value="decline"' in page
    chosen = coordinator_client.post(f"/orphans/adoptions/{first.id}/move", data={
        "stage": "adopted", "others": "co_adopt", "from_page": "1"})
    assert chosen.status_code == 302
    db.session.expire_all()
    assert db.session.get(Adoption, second.id).stage == "adopted"
    reason = coordinator_client.post(f"/orphans/adoptions/{first.id}/move", data={"stage": "abandoned"},
                                     headers={"HX-Request": "true"})
    assert reason.status_code == 204 and f"why={first.id}" in reason.headers["HX-Redirect"]  # the page asks why
    asked = coordinator_client.get(reason.headers["HX-Redirect"].split("#")[0]).get_data(as_text=True)
    form = asked[asked.index(f'id="adoption-{first.id}"'):].split("</article>")[0]
    assert '<details class="adoption-actions" open>' in form and '<option value="abandoned" selected>' in form
    assert "Choisissez pourquoi" in asked


# --- the catalogue tells the truth -----------------------------------------------------

def test_a_stage_change_refused_from_the_page_keeps_what_was_typed(coordinator_client, orphan, partners):
    """Going back without a note, declining without a reason, adopting with other offers
    open, declining those without a note: each time the page asks, beside the offer,
    with the note, the date and the choices as typed; nothing is lost or defaulted."""
    first, second = logic.offer(orphan, partners[0], BY), logic.offer(orphan, partners[1], BY)
    logic.move(first, "interested", "", BY)
    move = f"/orphans/adoptions/{first.id}/move"

    def offer_part(response) -> str:
        page = response.get_data(as_text=True)
        return page[page.index(f'id="adoption-{first.id}"'):].split("</article>")[0]

    back = coordinator_client.post(move, data={"stage": "proposed", "next_follow_up": f"{NEXT}-02-20"})
    part = offer_part(back)
    assert back.status_code == 422 and 'role="alert"' in part and f'value="{NEXT}-02-20"' in part
    assert '<details class="adoption-actions" open>' in part and '<option value="proposed" selected>' in part
    declined = coordinator_client.post(move, data={"stage": "declined", "note": "Le CA a refusé le budget."})
    part = offer_part(declined)
    assert declined.status_code == 422 and 'value="Le CA a refusé le budget."' in part
    assert "Choisissez pourquoi" in part and '<option value="declined" selected>' in part
    adopting = coordinator_client.post(move, data={"stage": "adopted", "note": "Signé.", "next_follow_up": f"15/03/{NEXT}"})
    part = offer_part(adopting)
    assert adopting.status_code == 422 and 'value="co_adopt"' in part
    choice = part[part.index("adopt-choice"):]
    assert 'value="Signé."' in choice and f'value="15/03/{NEXT}"' in choice
    no_note = coordinator_client.post(move, data={"stage": "adopted", "others": "decline", "next_follow_up": f"15/03/{NEXT}"})
    choice = offer_part(no_note)[offer_part(no_note).index("adopt-choice"):]
    assert no_note.status_code == 422 and 'value="decline" checked' in choice and f'value="15/03/{NEXT}"' in choice
    db.session.expire_all()
    assert (db.session.get(Adoption, first.id).stage, db.session.get(Adoption, second.id).stage) == \
        ("interested", "proposed")
    done = coordinator_client.post(move, data={"stage": "adopted", "others": "keep", "note": "Signé.",
                                               "next_follow_up": f"15/03/{NEXT}"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Adoption, first.id).next_follow_up == date(NEXT, 3, 15)  # the date typed, not today + 14


def test_publishing_needs_a_description_and_withdrawing_hides(app, orphan):
    visitor = app.test_client()
    assert "foire de l" not in visitor.get("/catalogue").get_data(as_text=True)  # not until published
    with pytest.raises(logic.OrphansRejected, match="description_required"):
        logic.publish(orphan, True, BY)
    logic.describe(orphan, "Une foire annuelle.", "Une salle")
    logic.publish(orphan, True, BY)
    assert "foire de l" in visitor.get("/catalogue").get_data(as_text=True)
    logic.publish(orphan, False, BY)
    assert "foire de l" not in visitor.get("/catalogue").get_data(as_text=True)
    refused = visitor.post(f"/catalogue/{orphan.id}/interest", data={
        "organisation": "Org", "contact": "A", "email": "a@example.org"})
    assert refused.status_code == 422 and db.session.query(Interest).count() == 0


def test_an_adopted_project_moves_to_its_public_progress_page(app, orphan, partners, workshop):
    visitor = app.test_client()
    logic.describe(orphan, "Une foire annuelle.", "")
    logic.publish(orphan, True, BY)
    assert visitor.get(f"/catalogue/projects/{orphan.id}").status_code == 404  # nobody carries it yet
    with pytest.raises(logic.OrphansRejected, match="not_adopted"):
        logic.add_progress_update(orphan, "Trop tôt", BY)
    adoption = logic.offer(orphan, partners[0], BY)
    logic.move(adoption, "in_progress", "", BY)
    catalogue = visitor.get("/catalogue").get_data(as_text=True)
    assert f'id="project-{orphan.id}"' not in catalogue and f"/catalogue/projects/{orphan.id}" in catalogue
    logic.add_progress_update(orphan, "Première édition prévue en mai", BY, on=dates.today())
    page = visitor.get(f"/catalogue/projects/{orphan.id}").get_data(as_text=True)
    assert "Première édition prévue en mai" in page and f"{dates.today():%Y-%m-%d}" in page
    assert "Cégep de Jonquière" in page and workshop.title in page and "sai@cegepjonquiere.ca" not in page
    with pytest.raises(logic.OrphansRejected, match="not_offered"):
        logic.express_interest(orphan, "Org", "A", "a@example.org", "")


def test_an_adopted_project_is_public_only_while_published(app, orphan, partners):
    visitor = app.test_client()
    adoption = logic.offer(orphan, partners[0], BY)  # adopted without ever being published
    logic.move(adoption, "adopted", "", BY)
    assert visitor.get(f"/catalogue/projects/{orphan.id}").status_code == 404
    assert f"/catalogue/projects/{orphan.id}" not in visitor.get("/catalogue").get_data(as_text=True)
    logic.describe(orphan, "Une foire annuelle.", "")
    logic.publish(orphan, True, BY)
    assert visitor.get(f"/catalogue/projects/{orphan.id}").status_code == 200
    logic.publish(orphan, False, BY)  # withdrawn: the progress page goes too
    assert visitor.get(f"/catalogue/projects/{orphan.id}").status_code == 404


def test_an_imported_copy_is_marked_and_publishes_nothing(app, coordinator_client, facilitator, workshop, orphan):
    from workshop.reports import archive

    logic.describe(orphan, "Une foire annuelle.", "")
    logic.publish(orphan, True, BY)
    copy = archive.import_json(archive.export_json(workshop), facilitator)
    copied = db.session.query(Project).filter_by(workshop_id=copy.id, title=orphan.title).one()
    assert logic.original_of(copied).id == orphan.id and logic.original_of(orphan) is None
    catalogue = app.test_client().get("/catalogue").get_data(as_text=True)
    assert catalogue.count("foire de l") == 1
    page = coordinator_client.get(f"/orphans/projects/{copied.id}").get_data(as_text=True)
    assert "Copie importée" in page


def test_the_interest_form_says_what_happens_to_the_contact_details(app, orphan):
    logic.describe(orphan, "Une foire annuelle.", "")
    logic.publish(orphan, True, BY)
    page = app.test_client().get("/catalogue").get_data(as_text=True)
    assert "jamais publiés" in page


# --- organisations without duplicates --------------------------------------------------

@pytest.mark.parametrize("typed, email", [
    ("cégep de jonquière", ""), ("CEGEP DE JONQUIERE", ""), ("Cegep de Jonquiere (SAI)", ""),
    ("Cégep de Jonquière.", ""), ("Service aux entreprises", "SAI@cegepjonquiere.ca"),
])
def test_organisations_match_on_normalised_name_or_email(partners, typed, email):
    assert logic.matching_organisations(typed, email) == [partners[0]]


def test_no_match_for_another_organisation(partners):
    assert logic.matching_organisations("Cégep de Chicoutimi", "info@cegepchicoutimi.qc.ca") == []


def test_types_and_territories_come_from_controlled_lists(partners):
    assert partners[2].kind == "municipality" and partners[2].territory == "Saguenay"
    assert partners[1].territory == "MRC de Lac-Saint-Jean-Est"
    with pytest.raises(logic.OrphansRejected, match="bad_kind"):
        logic.save_organisation(None, {"name": "X", "kind": "club de golf"})


def test_the_territory_list_is_a_setting_of_the_install(app):
    app.config["TERRITORIES"] = ["MRC de La Matanie", "MRC de La Mitis"]
    assert logic.territory_of("la mitis") == "MRC de La Mitis"
    assert logic.territory_of("Alma") != "MRC de La Matanie"  # the default region's synonyms lead nowhere here
    assert logic.territories() == ["MRC de La Matanie", "MRC de La Mitis"]


def test_a_confirmed_interest_joins_the_existing_organisation(orphan, partners):
    logic.describe(orphan, "Une foire annuelle.", "")
    logic.publish(orphan, True, BY)
    archived = partners[0]
    logic.archive(archived)
    for typed in ("cégep de jonquière", "Cegep de Jonquiere (SAI)"):
        interest = logic.express_interest(orphan, typed, "Julie", "julie@example.org", "")
        adoption = logic.confirm_interest(interest, BY)
        assert adoption.organisation_id == archived.id
    assert db.session.query(Organisation).count() == 3 and not archived.archived  # reactivated, not duplicated
    other = logic.express_interest(orphan, "Cégep de Jonquière", "Léa", "lea@example.org", "")
    logic.confirm_interest(other, BY, create=True)  # the coordinator says it is another one
    assert db.session.query(Organisation).count() == 4


def test_the_person_behind_a_confirmed_interest_stays_on_the_offer(coordinator_client, orphan, partners):
    """The organisation has its own contact already: the one who wrote from the catalogue
    is still on the offer, with when and how to reach them, and the erasure takes it off."""
    logic.describe(orphan, "Une foire annuelle.", "")
    logic.publish(orphan, True, BY)
    interest = logic.express_interest(orphan, "Cegep de Jonquiere", "Paul Nouveau", "paul@example.org",
                                      "Notre département de génie aimerait la porter.")
    adoption = logic.confirm_interest(interest, BY, organisation=partners[0])
    assert partners[0].contact_email == "sai@cegepjonquiere.ca"  # the organisation's own contact is kept
    page = coordinator_client.get(f"/orphans/projects/{orphan.id}").get_data(as_text=True)
    offer = page[page.index(f'id="adoption-{adoption.id}"'):]
    assert "Paul Nouveau" in offer and 'href="mailto:paul@example.org"' in offer
    assert "Notre département de génie aimerait la porter." in offer and "Intérêt envoyé du catalogue le" in offer
    logic.erase_partner_contact("paul@example.org")
    page = coordinator_client.get(f"/orphans/projects/{orphan.id}").get_data(as_text=True)
    assert "Paul Nouveau" not in page and "paul@example.org" not in page


def test_merging_keeps_every_offer_and_its_history(orphan, partners, workshop):
    other_project = Project(workshop_id=workshop.id, title="Un répertoire des stages", status="orphan_candidate")
    db.session.add(other_project)
    db.session.commit()
    duplicate = logic.save_organisation(None, {"name": "Cegep Jonquiere", "contact_name": "Julie"})
    kept = logic.offer(orphan, partners[0], BY)
    doubled = logic.offer(orphan, duplicate, BY)
    logic.log_contact(doubled, "call", "Appel au doublon", BY)
    moved = logic.offer(other_project, duplicate, BY)
    logic.merge(duplicate, partners[0], BY)
    db.session.expire_all()
    assert db.session.get(Adoption, doubled.id) is None
    assert "Appel au doublon" in [e.note for e in db.session.get(Adoption, kept.id).events]
    assert db.session.get(Adoption, moved.id).organisation_id == partners[0].id
    assert db.session.query(AdoptionEvent).count() == 5  # 3 offers, 1 call, 1 merge note: nothing lost
    duplicate = db.session.get(Organisation, duplicate.id)
    assert duplicate.archived and duplicate.merged_into_id == partners[0].id
    assert db.session.get(Organisation, partners[0].id).contact_name == "Julie"  # an empty field filled
    with pytest.raises(logic.OrphansRejected, match="merged"):
        logic.unarchive(duplicate)


def test_an_organisation_page_lists_its_offers_and_contacts(coordinator_client, orphan, partners):
    adoption = logic.offer(orphan, partners[0], BY)
    logic.log_contact(adoption, "meeting", "Rencontre au cégep", BY, contact="Julie")
    page = coordinator_client.get(f"/orphans/organisations/{partners[0].id}").get_data(as_text=True)
    assert "foire de l" in page and "Rencontre au cégep" in page
    coordinator_client.post(f"/orphans/organisations/{partners[0].id}/archive")
    coordinator_client.post(f"/orphans/organisations/{partners[0].id}/unarchive")
    db.session.expire_all()
    assert not db.session.get(Organisation, partners[0].id).archived


# --- the organisation import accepts what Excel writes in French -----------------------

FRENCH_CSV = ("Nom;Type;Territoire;Personne contact;Courriel;Mission\r\n"
              "Société d'aide au développement des collectivités;Organisme communautaire;MRC de Maria-Chapdelaine;"
              "Élise Côté;elise@sadc.example;Développement économique\r\n"
              "Municipalité de Péribonka;municipalité;Maria-Chapdelaine;;;\r\n")


@pytest.mark.parametrize("encoded", [FRENCH_CSV.encode("cp1252"), FRENCH_CSV.encode("utf-8-sig"),
                                     FRENCH_CSV.encode("utf-8")])
def test_the_import_reads_excel_french_csv(app, encoded):
    assert logic.import_organisations(encoded) == 2
    sadc = db.session.query(Organisation).filter(Organisation.name.like("Soci%")).one()
    assert sadc.name == "Société d'aide au développement des collectivités"
    assert (sadc.kind, sadc.territory, sadc.contact_name) == ("community", "MRC de Maria-Chapdelaine", "Élise Côté")
    assert db.session.query(Organisation).filter_by(kind="municipality").count() == 1
    assert logic.import_organisations(encoded) == 2 and db.session.query(Organisation).count() == 2  # updated


def registry_csv(count: int) -> str:
    """A directory of organisations as a public registry publishes it (invented rows):
    its own headers, legal forms for types, a region and a town, columns the tool does not keep."""
    forms = ["Organisme sans but lucratif", "Entreprise privée", "Coopérative de solidarité", "Cégep",
             "Municipalité régionale de comté", "Organisme public", "Centre de recherche", "Entreprise d'économie sociale"]
    towns = ["Alma", "Roberval", "Chicoutimi", "Dolbeau-Mistassini", "Saint-Félicien"]
    lines = ["Nom de l'organisme;Forme juridique;Région administrative;Ville;Téléphone;Courriel général;"
             "Site Web;Mission de l'organisme"]
    for n in range(count):
        lines.append(f"Organisme régional {n};{forms[n % len(forms)]};Saguenay–Lac-Saint-Jean;{towns[n % 5]};"
                     f"418 555-{1000 + n};info{n}@organisme{n}.example;https://organisme{n}.example;"
                     f"Soutenir la communauté, volet {n}")
    return "\r\n".join(lines) + "\r\n"


def test_a_public_registry_s_directory_imports_with_its_own_headers(app):
    assert logic.import_organisations(registry_csv(36).encode("cp1252")) == 36
    found = {o.name: o for o in db.session.query(Organisation)}
    first, fifth = found["Organisme régional 0"], found["Organisme régional 4"]
    assert (first.kind, first.contact_email, first.mission) == ("community", "info0@organisme0.example",
                                                                "Soutenir la communauté, volet 0")
    assert fifth.kind == "municipality" and found["Organisme régional 6"].kind == "research"
    assert {o.kind for o in found.values()} == {"community", "business", "education", "municipality", "ministry",
                                                "research"}
    assert found["Organisme régional 1"].territory == "MRC du Domaine-du-Roy"  # Roberval, the region's first


def test_an_import_refusal_says_exactly_what_is_wrong(coordinator_client):
    def send(text):
        return coordinator_client.post("/orphans/organisations/import",
                                       data={"file": (BytesIO(text.encode("cp1252")), "orgs.csv")},
                                       content_type="multipart/form-data")

    no_name = send("Organisme à but;Ville\r\nX;Alma\r\n")
    assert no_name.status_code == 422 and "Organisme à but, Ville" in no_name.get_data(as_text=True)
    bad_kind = send("Nom;Type\r\nA;entreprise\r\nB;club de golf\r\n")
    text = bad_kind.get_data(as_text=True)
    assert bad_kind.status_code == 422 and "Ligne 3" in text and "club de golf" in text
    assert db.session.query(Organisation).count() == 0  # all or nothing


# --- board and calendar ----------------------------------------------------------------

def test_overdue_shows_on_the_board_and_the_project_page(coordinator_client, orphan, partners, workshop):
    adoption = logic.offer(orphan, partners[0], BY)
    adoption.next_follow_up = dates.today() - timedelta(days=3)  # months go by (a past date is not typed)
    db.session.commit()
    board = coordinator_client.get("/orphans").get_data(as_text=True)
    card = board[board.index(f'id="adoption-{adoption.id}"') - 60:]
    assert "board-card is-overdue" in card[:200] and workshop.title[:20] in card[:800]
    page = coordinator_client.get(f"/orphans/projects/{orphan.id}").get_data(as_text=True)
    assert "follow-up-badge is-overdue" in page


def test_the_board_filters(coordinator_client, orphan, partners):
    for partner in partners[:2]:
        logic.offer(orphan, partner, BY)
    by_kind = coordinator_client.get("/orphans?kind=education").get_data(as_text=True)
    board = by_kind[by_kind.index('class="board"'):]
    assert "Cégep de Jonquière" in board and "Carrefour jeunesse-emploi" not in board
    by_territory = coordinator_client.get("/orphans?territory=MRC+de+Lac-Saint-Jean-Est").get_data(as_text=True)
    board = by_territory[by_territory.index('class="board"'):]
    assert "Carrefour jeunesse-emploi" in board and "Cégep de Jonquière" not in board


def test_the_figures_count_what_the_board_shows(coordinator_client, orphan, partners, workshop):
    """Filtered by organisation, the figures are that organisation's, in French words that agree."""
    others = [Project(workshop_id=workshop.id, title=f"Projet orphelin {n}", status="orphan_candidate")
              for n in range(3)]
    db.session.add_all(others)
    db.session.commit()
    for project in [orphan, *others]:
        adoption = logic.offer(project, partners[0], BY)
        logic.move(adoption, "adopted", "", BY)
    logic.offer(orphan, partners[1], BY)

    def figures(query: str) -> list[str]:
        page = coordinator_client.get(f"/orphans{query}").get_data(as_text=True)
        section = page[page.index('class="figures"'):page.index("</section>", page.index('class="figures"'))]
        return [" ".join(p.split()) for p in re.findall(r'<p class="figure">(.*?)</p>', section, re.S)]

    everyone = figures("")
    assert '<span class="figure-value">5</span> offres' in everyone[0]
    assert '<span class="figure-value">4</span> adoptés' in everyone[2]
    one = figures(f"?organisation={partners[1].id}")
    assert '<span class="figure-value">1</span> offre' in one[0] and '<span class="figure-value">0</span> adopté' in one[2]
    # The list of projects says which still need work.
    lonely = Project(workshop_id=workshop.id, title="Un projet que personne n'a vu", status="orphan_candidate")
    db.session.add(lonely)
    db.session.commit()
    page = coordinator_client.get("/orphans").get_data(as_text=True)
    rows = [" ".join(re.sub(r"<[^>]+>", "", row).split())
            for row in re.findall(r"<li><a href=\"/orphans/projects/\d+\">(.*?)</li>", page, re.S)]
    assert [row.split(" · ")[-2:] for row in rows] == [["2 offres", "pas dans le catalogue"]] + [
        ["1 offre", "pas dans le catalogue"]] * 3 + [["jamais offert", "pas dans le catalogue"]]


def test_the_calendar_folds_lines_and_reads_back(app, orphan, partners):
    icalendar = pytest.importorskip("icalendar")
    orphan.title = "Un projet au titre très long, avec des virgules; des accents éèàç et encore " * 3
    db.session.commit()
    adoption = logic.offer(orphan, partners[0], BY)
    with app.test_request_context():  # a calendar app's request: no session, no language asked
        body = logic.follow_ups_ics(install="a1b2@one.example", link=lambda a: f"https://one.example/p/{a.id}")
        other = logic.follow_ups_ics(install="c3d4@two.example")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["UID"]) == f"adoption-{adoption.id}-a1b2@one.example"
    # Cut between two words, 60 characters with the "…", never mid-word ("des accen").
    assert str(event["SUMMARY"]) == f"Un projet au titre très long, avec des virgules; des… — {partners[0].name}"
    assert f"https://one.example/p/{adoption.id}" in str(event["DESCRIPTION"])
    # Words, never the stage's code, in the language the calendar is read in (French by default).
    assert f"{partners[0].name} · proposé" in str(event["DESCRIPTION"]) and "proposed" not in body
    assert "Projets orphelins : suivi" in body
    assert event["DTSTART"].dt == adoption.next_follow_up
    assert str(icalendar.Calendar.from_ical(other).walk("VEVENT")[0]["UID"]) != str(event["UID"])


def test_looking_at_the_calendar_page_makes_no_address(app, coordinator_client):
    from workshop.orphans.models import CalendarFeed

    page = coordinator_client.get("/orphans/calendar").get_data(as_text=True)
    assert "calendar-address" not in page and 'value="make"' in page and 'name="csrf_token"' in page
    assert db.session.query(CalendarFeed).count() == 0
    made = coordinator_client.post("/orphans/calendar", data={"action": "make"}).get_data(as_text=True)
    assert "calendar-address" in made and db.session.query(CalendarFeed).count() == 1
    again = coordinator_client.get("/orphans/calendar").get_data(as_text=True)
    assert again.split('class="calendar-address"')[1][:120] == made.split('class="calendar-address"')[1][:120]


def test_the_calendar_address_is_made_only_by_a_form_with_its_csrf_token(app, database_url):
    import re

    from tests.conftest import PASSWORD, base_config, make_user, new_app
    from workshop.orphans.models import CalendarFeed

    make_user("coordination@example.org", role="coordinator")
    client = new_app({**base_config(database_url), "WTF_CSRF_ENABLED": True}).test_client()

    def token(path: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)

    assert client.post("/login", data={"email": "coordination@example.org", "password": PASSWORD,
                                       "csrf_token": token("/login")}).status_code == 302
    form_token = token("/orphans/calendar")
    assert client.post("/orphans/calendar", data={"action": "make"}).status_code == 400
    db.session.expire_all()
    assert db.session.query(CalendarFeed).count() == 0
    assert client.post("/orphans/calendar", data={"action": "make", "csrf_token": form_token}).status_code == 200
    db.session.expire_all()
    assert db.session.query(CalendarFeed).count() == 1


def test_the_calendar_subscription_is_private_and_revocable(app, coordinator_client, orphan, partners):
    logic.offer(orphan, partners[0], BY)
    page = coordinator_client.post("/orphans/calendar", data={"action": "make"}).get_data(as_text=True)
    address = page.split('class="calendar-address" readonly value="')[1].split('"')[0]
    path = address.replace("http://workshop.test", "")
    calendar = app.test_client()  # a calendar app: no session
    assert calendar.get(path).status_code == 200 and b"BEGIN:VEVENT" in calendar.get(path).data
    # Made by a coordinator reading in English, the feed speaks English to an app with no cookie.
    coordinator_client.post("/lang/en")
    english = coordinator_client.get("/orphans/calendar").get_data(as_text=True)
    english_path = english.split('class="calendar-address" readonly value="')[1].split('"')[0].replace(
        "http://workshop.test", "").replace("&amp;", "&")
    assert english_path.endswith("lang=en") and english_path.split("?")[0] == path.split("?")[0]
    feed = calendar.get(english_path).get_data(as_text=True).replace("\r\n ", "")  # lines unfolded
    assert "Orphan projects: follow-up" in feed and "proposed" in feed
    assert "Projets orphelins" in calendar.get(path).get_data(as_text=True)  # the French address stays French
    assert calendar.get("/calendar/guessed.ics").status_code == 404
    renewed = coordinator_client.post("/orphans/calendar", data={"action": "renew"}).get_data(as_text=True)
    assert calendar.get(path).status_code == 404  # the old address stops
    new_path = renewed.split('class="calendar-address" readonly value="')[1].split('"')[0].replace(
        "http://workshop.test", "")
    assert new_path != path and calendar.get(new_path).status_code == 200
    revoked = coordinator_client.post("/orphans/calendar", data={"action": "revoke"}).get_data(as_text=True)
    assert "calendar-address" not in revoked and calendar.get(new_path).status_code == 404


# --- Law 25: a partner contact -----------------------------------------------------------

def test_a_partner_contact_is_exported_then_erased_everywhere(coordinator_client, orphan, partners):
    logic.describe(orphan, "Une foire annuelle.", "")
    logic.publish(orphan, True, BY)
    interest = logic.express_interest(orphan, "Cégep de Jonquière", "Julie Gagnon", "Julie@Example.org",
                                      "Joignez-moi au 418 555-0101")
    adoption = logic.confirm_interest(interest, BY)
    logic.log_contact(adoption, "call", "Julie Gagnon rappellera; Julie aime l'idée", BY, contact="Julie Gagnon")
    partners[1].contact_name, partners[1].contact_email = "Julie Gagnon", "julie@example.org"
    db.session.commit()
    exported = coordinator_client.get("/orphans/privacy?email=julie@example.org&format=json").get_json()
    assert exported["names"] == ["Julie Gagnon"] and len(exported["interests"]) == 1
    assert len(exported["organisations"]) == 1 and len(exported["log_entries"]) == 1
    unticked = coordinator_client.post("/orphans/privacy", data={"action": "erase", "email": "julie@example.org"})
    assert unticked.status_code == 422 and "Julie Gagnon" in unticked.get_data(as_text=True)  # asked, nothing erased
    erased = coordinator_client.post("/orphans/privacy", data={"action": "erase", "email": "julie@example.org",
                                                               "confirm": "1"})
    assert erased.status_code == 200
    db.session.expire_all()
    everything = " ".join([*(f"{i.contact_name} {i.contact_email} {i.message}" for i in db.session.query(Interest)),
                           *(f"{o.contact_name} {o.contact_email}" for o in db.session.query(Organisation)),
                           *(f"{e.contact} {e.note}" for e in db.session.query(AdoptionEvent))])
    assert "Gagnon" not in everything and "julie@example.org" not in everything.lower() and "418" not in everything
    assert db.session.get(Adoption, adoption.id).stage == "interested"  # the offer and its history stay
    assert db.session.query(Organisation).count() == 3
    # The erasure reads in the page's language; the stored mark is one.
    page = f"/orphans/projects/{orphan.id}"
    assert "[effacé] rappellera" in coordinator_client.get(page).get_data(as_text=True)
    coordinator_client.post("/lang/en")
    english = coordinator_client.get(page).get_data(as_text=True)
    assert "[erased] rappellera" in english and "effacé" not in english


def test_a_dismissed_interest_can_be_brought_back(coordinator_client, orphan):
    """Dismissing is one click away from a real partner's interest: it is kept
    aside, said so, and brought back to be confirmed."""
    logic.describe(orphan, "Une foire annuelle.", "")
    logic.publish(orphan, True, BY)
    interests = [logic.express_interest(orphan, f"Organisme {n}", f"Personne {n}", f"p{n}@example.org", "")
                 for n in range(12)]
    target = interests[7]
    answer = coordinator_client.post(f"/orphans/interests/{target.id}/dismiss", follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "Organisme 7" in page and "Marque d'intérêt écartée (1)" in page
    waiting = page[page.index("Marques d'intérêt à confirmer"):page.index("Marque d'intérêt écartée")]
    assert "Organisme 7" not in waiting and "Organisme 8" in waiting
    coordinator_client.post(f"/orphans/interests/{target.id}/restore")
    db.session.expire_all()
    assert not db.session.get(Interest, target.id).dismissed
    assert [i.id for i in logic.pending_interests()] == [i.id for i in interests]
    assert "écartée" not in coordinator_client.get("/orphans").get_data(as_text=True)


def test_only_coordinators_act_on_a_contact_request(app, facilitator_client, orphan):
    assert facilitator_client.post("/orphans/privacy", data={"action": "erase", "email": "a@b.c",
                                                             "confirm": "1"}).status_code == 403
    assert app.test_client().get("/orphans/privacy?email=a@b.c&format=json").status_code in (302, 401)


def test_a_contact_s_name_is_matched_as_whole_words_only(coordinator_client, orphan, partners):
    """Law 25: exporting or erasing "Julie Tremblay1" touches no note about "Julie Tremblay10"."""
    first, second = logic.offer(orphan, partners[0], BY), logic.offer(orphan, partners[1], BY)
    logic.log_contact(first, "call", "Julie Tremblay1 confirme le budget", BY, contact="Julie Tremblay1")
    logic.log_contact(second, "call", "Julie Tremblay10 confirme le budget de 20 000 $", BY, contact="Julie Tremblay10")
    partners[0].contact_name, partners[0].contact_email = "Julie Tremblay1", "contact1@org1.qc.ca"
    db.session.commit()
    exported = coordinator_client.get("/orphans/privacy?email=contact1@org1.qc.ca&format=json").get_json()
    assert [e["with"] for e in exported["log_entries"]] == ["Julie Tremblay1"]
    coordinator_client.post("/orphans/privacy", data={"action": "erase", "email": "contact1@org1.qc.ca", "confirm": "1"})
    db.session.expire_all()
    notes = {e.note for e in db.session.query(AdoptionEvent) if e.note and "budget" in e.note}
    assert notes == {"Julie Tremblay10 confirme le budget de 20 000 $",  # another person's note, untouched
                     "[effacé] confirme le budget"}


def test_an_interest_confirmed_twice_or_towards_a_merged_organisation_makes_one_offer(coordinator_client, orphan,
                                                                                      partners):
    logic.describe(orphan, "Une foire annuelle.", "")
    logic.publish(orphan, True, BY)
    interest = logic.express_interest(orphan, "Clic Double SENC", "Léa", "lea@example.org", "")
    url = f"/orphans/interests/{interest.id}/confirm"
    for _click in range(2):  # a double click
        assert coordinator_client.post(url, data={"organisation": "new"}).status_code == 302
    db.session.expire_all()
    assert db.session.query(Organisation).filter_by(name="Clic Double SENC").count() == 1
    assert db.session.query(Adoption).filter_by(project_id=orphan.id).count() == 1
    source, target = partners[0], partners[1]
    logic.merge(source, target, BY)
    late = logic.express_interest(orphan, "Autre nom", "Max", "max@example.org", "")
    adoption = logic.confirm_interest(late, BY, organisation=db.session.get(Organisation, source.id))  # a stale page
    assert adoption.organisation_id == target.id
    db.session.expire_all()
    assert db.session.get(Organisation, source.id).merged_into_id == target.id


def test_an_organisation_added_twice_is_listed_once(coordinator_client):
    form = {"name": "Festival Double Clic", "kind": "community"}
    assert coordinator_client.post("/orphans/organisations", data=form).status_code == 302
    again = coordinator_client.post("/orphans/organisations", data={**form, "name": "festival  double-clic"})
    assert again.status_code == 422 and "déjà" in again.get_data(as_text=True)
    assert db.session.query(Organisation).count() == 1


def test_a_refused_organisation_form_keeps_what_was_typed_and_no_rename_makes_two(coordinator_client, partners):
    typed = {"name": "Cégep de Jonquière", "kind": "education", "sector": "Enseignement supérieur",
             "mission": "Former des techniciens en génie.", "contact_name": "Marie Côté",
             "contact_email": "marie@example.org", "interests": "stages, alternance"}
    again = coordinator_client.post("/orphans/organisations", data=typed)
    page = again.get_data(as_text=True)
    assert again.status_code == 422
    form = page[page.index("Ajouter une organisation"):]
    for value in ("Enseignement supérieur", "Former des techniciens en génie.", "Marie Côté", "marie@example.org",
                  "stages, alternance"):
        assert value in form
    # Editing: a bad email keeps every field as typed; a rename onto another's name is refused.
    ville = partners[2]
    edit = coordinator_client.post(f"/orphans/organisations/{ville.id}", data={
        "name": "Ville de Saguenay", "kind": "municipalité", "mission": "Services aux citoyens.",
        "contact_email": "pas-un-courriel"})
    assert edit.status_code == 422 and "Services aux citoyens." in edit.get_data(as_text=True)
    renamed = coordinator_client.post(f"/orphans/organisations/{ville.id}", data={
        "name": "cegep de jonquiere", "kind": "municipalité"})
    assert renamed.status_code == 422 and "déjà" in renamed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, ville.id).name == "Ville de Saguenay"
    kept = coordinator_client.post(f"/orphans/organisations/{ville.id}", data={  # its own name, other case: fine
        "name": "VILLE DE SAGUENAY", "kind": "municipalité"})
    assert kept.status_code == 200


def test_organisations_are_in_the_order_a_french_reader_expects_everywhere(coordinator_client):
    for name in ("École des métiers", "CIUSSS du Saguenay", "Coop de solidarité", "Caisse Desjardins", "Cégep d'Alma"):
        logic.save_organisation(None, {"name": name, "kind": "community"})
    expected = ["Caisse Desjardins", "Cégep d'Alma", "CIUSSS du Saguenay", "Coop de solidarité", "École des métiers"]
    assert [o.name for o in logic.organisations()] == expected
    page = coordinator_client.get("/orphans/organisations").get_data(as_text=True)
    assert sorted(expected, key=lambda name: page.index(name.replace("'", "&#39;"))) == expected


def test_an_interest_sent_twice_is_one_to_confirm(app, orphan):
    logic.describe(orphan, "Une foire annuelle.", "")
    logic.publish(orphan, True, BY)
    client = app.test_client()
    form = {"organisation": "Coop du Fjord", "contact": "Léa", "email": "lea@example.org", "message": "Intéressées"}
    for _tap in range(2):
        client.post(f"/catalogue/{orphan.id}/interest", data=form)
    assert len(logic.pending_interests()) == 1
