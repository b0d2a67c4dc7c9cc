"""Jumelage over HTTP: the public sign-up with its consent, the coordinator's
review, the proposal (run, lock, swap, accept), a member's private link, Law 25
export and erasure; who may do what, at the size of a real cohort."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from werkzeug.datastructures import MultiDict

from tests.conftest import make_user, sign_in
from workshop import dates
from workshop.extensions import db
from workshop.jumelage import logic
from workshop.jumelage.models import Match, NeverTogether, Program, Signup


def form_for(i: int, role: str, rng: random.Random, **extra) -> MultiDict:
    data = MultiDict({"role": role, "name": f"{role.title()} {i}", "email": f"{role}{i}@example.org",
                      "languages": rng.choice(["français, anglais", "anglais, espagnol", "français"]),
                      "french_level": "beginner" if role == "student" else "native",
                      "field": rng.choice(["génie", "santé", "gestion"]), "place": rng.choice(logic.PLACES),
                      "group_size": rng.choice(logic.GROUP_SIZES), "meetings_per_month": "2",
                      "capacity": "2", "consent": "yes"})
    for slot in rng.sample(logic.SLOTS[:12], 4):  # weekdays Mon–Thu: enough overlap to pair most
        data.add("slots", slot)
    for goal in rng.sample(logic.GOALS, 2):
        data.add("goals", goal)
    for interest in rng.sample(logic.INTERESTS, 3):
        data.add("interests", interest)
    for key, value in extra.items():
        data[key] = value
    return data


def cohort(client, program, students=16, citizens=14, employers=4) -> list[Signup]:
    rng = random.Random(7)
    for role, count in (("student", students), ("citizen", citizens), ("employer", employers)):
        for i in range(count):
            response = client.post(f"/jumelage/{program.id}/inscription", data=form_for(i, role, rng))
            assert response.status_code == 200, response.data
    return list(db.session.query(Signup).filter_by(program_id=program.id))


def test_the_public_sign_up_keeps_the_consent_as_shown_and_gives_a_private_link(client, program):
    page = client.get(f"/jumelage/{program.id}/inscription", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="consent"' in html and "24" in html  # what is kept, for how long, who sees it
    rng = random.Random(1)
    refused = client.post(f"/jumelage/{program.id}/inscription", data=form_for(1, "student", rng, consent="no"))
    assert refused.status_code == 422 and db.session.query(Signup).count() == 0
    no_slot = form_for(1, "student", rng)
    no_slot.poplist("slots")
    assert client.post(f"/jumelage/{program.id}/inscription", data=no_slot).status_code == 422
    done = client.post(f"/jumelage/{program.id}/inscription", data=form_for(1, "student", rng))
    assert done.status_code == 200
    signup = db.session.query(Signup).one()
    assert signup.status == "pending" and str(program.retention_months) in signup.consent_text
    assert signup.token in done.get_data(as_text=True)
    assert len(signup.slots.split()) == 4 and signup.role == "student"
    member = client.get(f"/jumelage/m/{signup.token}")
    assert member.status_code == 200 and member.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/jumelage/m/not-a-token").status_code == 404


def test_a_closed_program_takes_no_sign_up(client, program):
    logic.set_open(program, False)
    assert client.get(f"/jumelage/{program.id}/inscription").status_code == 410
    response = client.post(f"/jumelage/{program.id}/inscription", data=form_for(1, "citizen", random.Random(2)))
    assert response.status_code == 422 and db.session.query(Signup).count() == 0


PUBLIC = ("jumelage.signup", "jumelage.member", "jumelage.complete", "jumelage.contract", "jumelage.confirm",
          "jumelage.check_in", "jumelage.evaluation")


def coordinator_routes(app, program_id: int, signup_id: int, match_id: int, event_id: int):
    """Every jumelage route but the public sign-up and the private-link ones, read from the app itself."""
    adapter = app.url_map.bind("workshop.test")
    ids = {"program_id": program_id, "signup_id": signup_id, "match_id": match_id, "event_id": event_id}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("jumelage.") and rule.endpoint not in PUBLIC:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method.lower(), adapter.build(rule.endpoint, {k: ids[k] for k in rule.arguments})


def test_only_coordinators_reach_the_program(app, client, program):
    people = cohort(client, program, 3, 3, 1)
    for s in people:
        logic.review(s, "accepted")
    logic.run(program)
    first, match = people[0], logic.matches(program)[0]
    event = logic.create_event(program, "activity_day", "Journée d'accueil", date(2027, 9, 20))
    routes = list(coordinator_routes(app, program.id, first.id, match.id, event.id))
    assert len(routes) >= 22
    for method, url in routes:  # anonymous, or a member with a private link: the same cookie-less client
        assert getattr(client, method)(url).status_code in (302, 401), url
    make_user("facilitator@example.org")
    sign_in(client, "facilitator@example.org")
    for method, url in routes:
        assert getattr(client, method)(url).status_code == 403, url
    assert db.session.get(Signup, first.id) is not None


def test_another_programs_people_and_matches_are_not_found_through_this_one(coordinator, program):
    other = logic.create_program("Autre cohorte")
    theirs = cohort(coordinator, other, 2, 2, 0)
    for s in theirs:
        logic.review(s, "accepted")
    logic.run(other)
    match = db.session.query(Match).filter_by(program_id=other.id).first()
    assert coordinator.get(f"/jumelage/{program.id}/inscriptions/{theirs[0].id}").status_code == 404
    assert coordinator.get(f"/jumelage/{program.id}/inscriptions/{theirs[0].id}/export").status_code == 404
    assert coordinator.post(f"/jumelage/{program.id}/proposition/{match.id}/lock",
                            data={"locked": "1"}).status_code == 404
    assert coordinator.post(f"/jumelage/{program.id}/never",
                            data={"first": theirs[0].id, "second": theirs[1].id}).status_code == 422
    assert coordinator.get("/jumelage/999999").status_code == 404


def test_a_coordinator_creates_a_program_reviews_and_edits(coordinator):
    response = coordinator.post("/jumelage", data={"name": "Jumelage hiver", "retention_months": "12"})
    assert response.status_code == 302
    program = db.session.query(Program).filter_by(name="Jumelage hiver").one()
    assert coordinator.post("/jumelage", data={"name": " "}).status_code == 422
    people = cohort(coordinator, program, 14, 12, 4)
    assert len(people) == 30
    page = coordinator.get(f"/jumelage/{program.id}")
    assert page.status_code == 200 and page.get_data(as_text=True).count('id="signup-') == 30
    target = people[0]
    url = f"/jumelage/{program.id}/inscriptions/{target.id}/status"
    assert coordinator.post(url, data={"status": "refused"}).status_code == 422  # a refusal says why
    refused = coordinator.post(url, data={"status": "refused", "message": "Le programme est complet."},
                               headers={"HX-Request": "true"})
    assert refused.status_code == 200 and "Le programme est complet." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Signup, target.id).status == "refused"
    member = coordinator.get(f"/jumelage/m/{target.token}").get_data(as_text=True)
    assert "Le programme est complet." in member
    assert coordinator.post(url, data={"status": "on_hold"}).status_code == 302
    edit_page = coordinator.get(f"/jumelage/{program.id}/inscriptions/{target.id}")
    assert edit_page.status_code == 200 and target.email in edit_page.get_data(as_text=True)
    changed = form_for(0, "student", random.Random(3), name="Aïcha Benali", place="Maria-Chapdelaine")
    assert coordinator.post(f"/jumelage/{program.id}/inscriptions/{target.id}", data=changed).status_code == 302
    db.session.expire_all()
    edited = db.session.get(Signup, target.id)
    assert edited.name == "Aïcha Benali" and edited.place == "Maria-Chapdelaine"
    export = coordinator.get(f"/jumelage/{program.id}/export")
    assert export.status_code == 200 and "Aïcha Benali" in export.get_data(as_text=True)
    assert coordinator.get(f"/jumelage/{program.id}/export?format=xlsx").data[:2] == b"PK"
    assert coordinator.post(f"/jumelage/{program.id}/open", data={"open": "0"}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(Program, program.id).open


def accepted_cohort(client, program, *sizes):
    people = cohort(client, program, *sizes)
    for s in people:
        logic.review(s, "accepted")
    return people


def test_the_proposal_runs_locks_swaps_and_is_accepted(coordinator, program):
    people = accepted_cohort(coordinator, program, 18, 16, 5)
    students = [s for s in people if s.role == "student"]
    citizens = [s for s in people if s.role == "citizen"]
    same = coordinator.post(f"/jumelage/{program.id}/never", data={"first": students[0].id, "second": students[0].id})
    assert same.status_code == 422 and "deux personnes différentes" in same.get_data(as_text=True)
    never = coordinator.post(f"/jumelage/{program.id}/never",
                             data={"first": students[0].id, "second": citizens[0].id})
    assert never.status_code == 302
    run = coordinator.post(f"/jumelage/{program.id}/proposition/run", data={"w_interests": "5", "w_place": "1"})
    assert run.status_code == 302
    db.session.expire_all()
    proposed = logic.matches(program, "proposed")
    assert 12 <= len(proposed) <= 16
    assert logic.weights_of(program)["interests"] == 5.0
    for m in proposed:
        assert {m.student_id, m.citizen_id} != {students[0].id, citizens[0].id}
        assert m.student.role == "student" and m.citizen.role == "citizen"
        assert set(m.student.slots.split()) & set(m.citizen.slots.split())
    page = coordinator.get(f"/jumelage/{program.id}/proposition")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count('class="jumelage-match') == len(proposed)
    assert "available together" in html or "disponibles ensemble" in html  # reasons, worded

    kept = proposed[0]
    assert coordinator.post(f"/jumelage/{program.id}/proposition/{kept.id}/lock",
                            data={"locked": "1"}).status_code == 302
    pair = (kept.student_id, kept.citizen_id)
    coordinator.post(f"/jumelage/{program.id}/proposition/run", data={"w_interests": "0", "w_goals": "9"})
    db.session.expire_all()
    again = logic.matches(program, "proposed")
    assert any((m.student_id, m.citizen_id) == pair and m.locked for m in again)

    # Swap the citizens of two matches that share a moment with each other's student.
    swappable = next(((a, b) for a in again for b in again if a.id < b.id and not a.employer_id
                      and not b.employer_id
                      and set(a.student.slots.split()) & set(b.citizen.slots.split())
                      and set(b.student.slots.split()) & set(a.citizen.slots.split())), None)
    if swappable:
        a, b = swappable
        a_citizen, b_citizen = a.citizen_id, b.citizen_id
        response = coordinator.post(f"/jumelage/{program.id}/proposition/swap",
                                    data={"first": a.id, "second": b.id, "role": "citizen"})
        assert response.status_code == 302
        db.session.expire_all()
        assert db.session.get(Match, a.id).citizen_id == b_citizen
        assert db.session.get(Match, b.id).citizen_id == a_citizen and db.session.get(Match, b.id).locked
    bad = coordinator.post(f"/jumelage/{program.id}/proposition/swap",
                           data={"first": again[0].id, "second": again[0].id, "role": "citizen"})
    assert bad.status_code == 422

    count = len(logic.matches(program, "proposed"))
    assert coordinator.post(f"/jumelage/{program.id}/proposition/accept", data={"confirm": "1"}).status_code == 302
    db.session.expire_all()
    accepted = logic.matches(program, "accepted")
    assert len(accepted) == count and not logic.matches(program, "proposed")
    # A re-run only places those left: the accepted matches stay.
    coordinator.post(f"/jumelage/{program.id}/proposition/run", data={})
    placed = [x for m in logic.matches(program) for x in (m.student_id, m.citizen_id)]
    assert len(placed) == len(set(placed))
    member = accepted[0].student
    html = coordinator.get(f"/jumelage/m/{member.token}").get_data(as_text=True)
    assert accepted[0].citizen.email in html


def test_law_25_export_and_erasure_of_one_sign_up(coordinator, program):
    people = accepted_cohort(coordinator, program, 12, 12, 6)
    logic.run(program)
    logic.accept_proposal(program)
    match = logic.matches(program, "accepted")[0]
    person = match.student
    logic.never_together(program, person, people[-1])
    exported = coordinator.get(f"/jumelage/{program.id}/inscriptions/{person.id}/export")
    data = json.loads(exported.get_data(as_text=True))
    assert data["email"] == person.email and data["consent_text"] == person.consent_text
    assert data["matches"][0]["with"][0] == match.citizen.name
    url = f"/jumelage/{program.id}/inscriptions/{person.id}/erase"
    wrong = coordinator.post(url, data={"confirm": "wrong"})
    assert wrong.status_code == 422 and "tapez son courriel" in wrong.get_data(as_text=True)  # in words, in French
    email, token, match_id, program_id = person.email, person.token, match.id, program.id
    assert coordinator.post(url, data={"confirm": f" {email.upper()} "}).status_code == 302  # as typed: case aside
    db.session.expire_all()
    assert db.session.query(Signup).filter_by(email=email).count() == 0
    assert db.session.query(NeverTogether).count() == 0
    db.session.expunge_all()
    assert db.session.get(Match, match_id) is None
    assert coordinator.get(f"/jumelage/m/{token}").status_code == 404
    assert email not in coordinator.get(f"/jumelage/{program_id}/export").get_data(as_text=True)
    assert db.session.query(Signup).count() == 29


def test_a_trio_writes_and_confirms_its_contract_logs_meetings_and_an_idle_pair_is_flagged(coordinator, program):
    from datetime import timedelta

    accepted_cohort(coordinator, program, 12, 12, 6)
    logic.run(program)
    logic.accept_proposal(program)
    matches = logic.matches(program, "accepted")
    trio = next(m for m in matches if m.employer_id)
    idle = next(m for m in matches if m.id != trio.id)
    tokens = [m.token for m in trio.members]
    anonymous = coordinator.application.test_client()
    empty = anonymous.post(f"/jumelage/m/{tokens[0]}/contract", data={"goals": "", "commitments": ""})
    assert empty.status_code == 422
    assert anonymous.post(f"/jumelage/m/{tokens[0]}/confirm").status_code == 422  # nothing written yet
    written = {"goals": "Aïcha : pratiquer le français; Julie : découvrir le Sénégal; l'employeur : recruter",
               "commitments": "Deux fois par mois, au café du centre-ville, d'octobre à avril"}
    assert anonymous.post(f"/jumelage/m/{tokens[0]}/contract", data=written).status_code == 302
    for token in tokens[:2]:
        assert anonymous.post(f"/jumelage/m/{token}/confirm").status_code == 302
    db.session.expire_all()
    contract = logic.contract_of(db.session.get(Match, trio.id))
    assert len(contract["confirmed"]) == 2 and not contract["complete"]
    assert anonymous.post(f"/jumelage/m/{tokens[2]}/confirm").status_code == 302
    db.session.expire_all()
    assert logic.contract_of(db.session.get(Match, trio.id))["complete"]
    # A change asks everyone again.
    changed = {**written, "commitments": "Une fois par semaine, en ligne le mardi soir"}
    anonymous.post(f"/jumelage/m/{tokens[1]}/contract", data=changed)
    db.session.expire_all()
    assert logic.contract_of(db.session.get(Match, trio.id))["confirmed"] == {}

    today = dates.today()
    base = {"what": "Marche au parc de la Rivière-du-Moulin", "satisfaction": "5", "note": "Très bien"}
    assert anonymous.post(f"/jumelage/m/{tokens[0]}/check-in",
                          data={**base, "met_on": (today + timedelta(days=2)).isoformat()}).status_code == 422
    assert anonymous.post(f"/jumelage/m/{tokens[0]}/check-in",
                          data={**base, "met_on": today.isoformat(), "satisfaction": "9"}).status_code == 422
    assert anonymous.post(f"/jumelage/m/{tokens[0]}/check-in",
                          data={**base, "met_on": today.isoformat()}).status_code == 302
    page = anonymous.get(f"/jumelage/m/{tokens[2]}").get_data(as_text=True)
    assert "Rivière-du-Moulin" in page and "5/5" in page
    # A person of another match, or nobody, reaches nothing of this one.
    assert anonymous.post("/jumelage/m/nope/check-in", data={**base, "met_on": today.isoformat()}).status_code == 404
    outsider = next(s for s in logic.signups(program) if logic.match_of(s) is None)
    assert anonymous.post(f"/jumelage/m/{outsider.token}/contract", data=written).status_code == 404

    # Five weeks pass for the idle pair: flagged, the trio that met is not.
    db.session.get(Match, idle.id).accepted_at -= timedelta(weeks=5)
    db.session.commit()
    page = coordinator.get(f"/jumelage/{program.id}/suivi")
    assert page.status_code == 200
    rows = {r["match"].id: r for r in logic.follow_up(program)}
    assert rows[idle.id]["inactive"] and not rows[trio.id]["inactive"]
    assert rows[trio.id]["last"] == today
    html = page.get_data(as_text=True)
    assert html.count('class="jumelage-inactive"') == sum(r["inactive"] for r in rows.values()) >= 1
    assert not {r["match"].id: r for r in logic.follow_up(program, weeks=8)}[idle.id]["inactive"]
    assert anonymous.get(f"/jumelage/{program.id}/suivi").status_code in (302, 401)
    figures = logic.figures(program, logic.follow_up(program))
    assert figures["matches"] == len(rows) and figures["meetings"] == 1 and figures["satisfaction"] == 5.0
    assert figures["contracts"] == 0 and figures["active"] == len(rows) - sum(r["inactive"] for r in rows.values())
    export = coordinator.get(f"/jumelage/{program.id}/suivi/export").get_data(as_text=True)
    assert len(export.strip().splitlines()) == len(rows) + 1 and trio.employer.name in export
    exported = json.loads(coordinator.get(
        f"/jumelage/{program.id}/inscriptions/{trio.members[0].id}/export").get_data(as_text=True))
    assert exported["check_ins"][0]["what"] == base["what"]


def test_a_list_from_excel_in_french_is_invited_and_each_person_consents_on_their_link(coordinator, program):
    import io

    lines = ["Nom;Courriel;Rôle;MRC;Téléphone"]
    roles = ["Étudiante internationale", "Citoyen", "Employeur"]
    for i in range(36):
        lines.append(f"Personne {i};personne{i}@example.org;{roles[i % 3]};MRC du Fjord-du-Saguenay;418 555-01{i:02d}")
    lines.append("Personne 0;PERSONNE0@example.org;Citoyen;;")  # already in the list: skipped
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")  # what Excel saves as "CSV (séparateur : point-virgule)"
    url = f"/jumelage/{program.id}/import"
    done = coordinator.post(url, data={"file": (io.BytesIO(data), "liste.csv")}, content_type="multipart/form-data")
    assert done.status_code == 200
    invited = logic.signups(program)
    assert len(invited) == 36 and all(s.consent_text == "" and s.status == "pending" for s in invited)
    student = next(s for s in invited if s.name == "Personne 0")
    assert student.role == "student" and student.place == "Le Fjord-du-Saguenay"
    bad = "Nom;Courriel;Rôle\r\nQuelqu'un;q@example.org;Stagiaire\r\n".encode()
    refused = coordinator.post(url, data={"file": (io.BytesIO(bad), "x.csv")}, content_type="multipart/form-data")
    assert refused.status_code == 422 and "Stagiaire" in refused.get_data(as_text=True)
    assert len(logic.signups(program)) == 36

    # Accepted before consenting, nobody is matched.
    for s in invited:
        logic.review(s, "accepted")
    logic.run(program)
    assert logic.matches(program) == []

    anonymous = coordinator.application.test_client()
    page = anonymous.get(f"/jumelage/m/{student.token}")
    assert page.status_code == 200 and 'name="consent"' in page.get_data(as_text=True)
    form = form_for(0, "student", random.Random(5), name="Personne 0", email="personne0@example.org")
    form.pop("consent")
    assert anonymous.post(f"/jumelage/m/{student.token}/complete", data=form).status_code == 422
    form["consent"] = "yes"
    assert anonymous.post(f"/jumelage/m/{student.token}/complete", data=form).status_code == 302
    db.session.expire_all()
    assert str(program.retention_months) in db.session.get(Signup, student.id).consent_text

    # The coordinator revokes the link: the old address is gone, the new one works.
    old = student.token
    assert coordinator.post(f"/jumelage/{program.id}/inscriptions/{student.id}/link").status_code == 302
    db.session.expire_all()
    assert anonymous.get(f"/jumelage/m/{old}").status_code == 404
    assert anonymous.get(f"/jumelage/m/{db.session.get(Signup, student.id).token}").status_code == 200
    assert anonymous.post(f"/jumelage/{program.id}/import").status_code in (302, 401)


def test_the_sign_up_export_reads_in_the_coordinators_excel_and_imports_back(coordinator, program):
    """60 sign-ups exported for a French browser: semicolons, French headers, the
    codes in words (never "mon-am" or "beginner"); imported into a new program,
    the same people come back with their role and territory."""
    import csv
    import io

    cohort(coordinator, program, students=26, citizens=26, employers=8)
    first = logic.signups(program)[0]
    first.phone = "+1 418 555-0142"  # an international number: the export neutralises its "+"
    db.session.commit()
    response = coordinator.get(f"/jumelage/{program.id}/export", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert len(body) == 60 and {"Nom", "Courriel", "Rôle", "Niveau de français", "Disponibilités"} <= set(header)
    column = {name: header.index(name) for name in header}
    assert {row[column["Rôle"]] for row in body} == {"Étudiant·e international·e", "Citoyen·ne (accueil)", "Employeur"}
    assert "Débutant" in {row[column["Niveau de français"]] for row in body}
    slots = body[0][column["Disponibilités"]]
    assert slots.split(", ")[0].split()[0] in ("Lun", "Mar", "Mer", "Jeu") and "-am" not in slots
    assert not any(code in text for code in ("beginner", "mon-am", ";student;", "pending"))
    english = coordinator.get(f"/jumelage/{program.id}/export?lang=en&sep=comma").get_data(as_text=True)
    assert english.lstrip("\ufeff").startswith("Number,Role,Name,Email") and "International student" in english
    codes = coordinator.get(f"/jumelage/{program.id}/export?lang=codes").get_data(as_text=True)
    assert codes.lstrip("\ufeff").startswith("id,role,name,email") and ",student," in codes

    again = logic.create_program("Jumelage hiver 2028")
    done = coordinator.post(f"/jumelage/{again.id}/import", content_type="multipart/form-data",
                            data={"file": (io.BytesIO(response.data), "jumelage.csv")})
    assert done.status_code == 200, done.get_data(as_text=True)
    before = {s.email: (s.name, s.role, s.place, s.phone) for s in logic.signups(program)}
    assert {s.email: (s.name, s.role, s.place, s.phone) for s in logic.signups(again)} == before
    assert "+1 418 555-0142" in {s.phone for s in logic.signups(again)}
    twice = coordinator.post(f"/jumelage/{again.id}/import", content_type="multipart/form-data",
                             data={"file": (io.BytesIO(response.data), "jumelage.csv")})
    assert f"0 personne invitée. {len(before)} étaient déjà dans le programme (même courriel)." in \
        twice.get_data(as_text=True)


def test_activity_days_invite_the_accepted_and_record_who_came(coordinator, program):
    people = accepted_cohort(coordinator, program, 10, 10, 3)
    logic.run(program)
    logic.accept_proposal(program)
    url = f"/jumelage/{program.id}/activites"
    assert coordinator.post(url, data={"kind": "cultural", "title": "", "held_on": "2027-10-12"}).status_code == 422
    assert coordinator.post(url, data={"kind": "cultural", "title": "Sortie au Festival des rythmes du monde",
                                       "held_on": "2027-08-05", "place": "Chicoutimi"}).status_code == 302
    event = logic.events(program)[0]
    invite = f"/jumelage/{program.id}/activites/{event.id}/invite"
    coordinator.post(invite, data={"roles": ["student", "citizen"], "matched_only": "1"})
    matched = {m.id for match in logic.matches(program, "accepted") for m in match.members if m.role != "employer"}
    assert {i.signup_id for i in logic.invitations(event)} == matched
    coordinator.post(invite, data={"roles": ["student", "citizen", "employer"]})  # everyone accepted, never twice
    assert len(logic.invitations(event)) == len(people)
    came = [people[0].id, people[5].id, people[12].id]
    assert coordinator.post(f"/jumelage/{program.id}/activites/{event.id}/attendance",
                            data={"present": [str(x) for x in came]}).status_code == 302
    db.session.expire_all()
    assert {i.signup_id for i in logic.invitations(event) if i.attended} == set(came)
    page = coordinator.get(url).get_data(as_text=True)
    assert "Festival des rythmes du monde" in page and page.count('name="present"') == len(people)
    member = coordinator.application.test_client().get(f"/jumelage/m/{people[0].token}").get_data(as_text=True)
    assert "Festival des rythmes du monde" in member
    other = logic.create_program("Autre")
    assert coordinator.post(f"/jumelage/{other.id}/activites/{event.id}/attendance").status_code == 404
    logic.erase(db.session.get(Signup, people[0].id))
    assert len(logic.invitations(event)) == len(people) - 1


def test_members_evaluate_and_the_report_sums_up_in_both_languages(coordinator, program):
    people = accepted_cohort(coordinator, program, 12, 12, 4)
    logic.run(program)
    logic.accept_proposal(program)
    members = [m for match in logic.matches(program, "accepted") for m in match.members]
    ends_on = dates.today() + timedelta(weeks=2)  # in the program's last weeks: the evaluation is open
    assert coordinator.post(f"/jumelage/{program.id}/schedule",
                            data={"ends_on": ends_on.isoformat()}).status_code == 302
    anonymous = coordinator.application.test_client()
    url = f"/jumelage/m/{members[0].token}/evaluation"
    assert anonymous.post(url, data={"impacts": "x"}).status_code == 422  # the overall mark is needed
    answers = [("4", "Mon français s'est amélioré", "Les sorties ensemble", "Les horaires de travail"),
               ("5", "Un stage trouvé", "La confiance de l'employeur", ""),
               ("2", "", "", "La distance entre Alma et Chicoutimi")]
    for member, (overall, impacts, helped, hindered) in zip(members, answers):
        done = anonymous.post(f"/jumelage/m/{member.token}/evaluation",
                              data={"overall": overall, "impacts": impacts, "helped": helped, "hindered": hindered})
        assert done.status_code == 302
    anonymous.post(url, data={"overall": "3", "impacts": "Mon français s'est beaucoup amélioré"})  # again: replaced
    report = logic.report(program)
    assert report["answers"] == 3 and report["overall"] == round((3 + 5 + 2) / 3, 1)
    assert report["placed"] == len(members) and report["accepted"] == len(people)
    assert [t for _, t in report["hindered"]] == ["La distance entre Alma et Chicoutimi"]
    # Drawn as a force field: what helped the one who marked 5 weighs 5, what hindered the one who marked 2 weighs 4.
    field = report["field"]
    assert [t for (_, t), _ in field["driving"]] == ["La confiance de l'employeur"]
    assert field["balance"] == 1.0 and field["driving"][0][1].length == 1.0 and field["restraining"][0][1].length == 0.8
    fr = coordinator.get(f"/jumelage/{program.id}/rapport", headers={"Accept-Language": "fr"})
    assert fr.status_code == 200
    assert "Ce qui a nui" in fr.get_data(as_text=True) and "Inscriptions acceptées" in fr.get_data(as_text=True)
    assert "(3,3 / 5)" in fr.get_data(as_text=True)  # French decimals: a comma
    assert fr.get_data(as_text=True).count('class="force-arrow"') == 2 and "+1" in fr.get_data(as_text=True)
    coordinator.post("/lang/en", data={"next": "/"})
    en = coordinator.get(f"/jumelage/{program.id}/rapport").get_data(as_text=True)
    assert "Driving and restraining forces" in en and "Un stage trouvé" in en
    assert "(3.3 / 5)" in en and "3,3" not in en
    exported = json.loads(coordinator.get(
        f"/jumelage/{program.id}/inscriptions/{members[0].id}/export").get_data(as_text=True))
    assert exported["evaluation"]["overall"] == 3
    logic.erase(db.session.get(Signup, members[1].id))
    assert logic.report(program)["answers"] == 2


def test_hostile_input_gets_an_answer_not_a_crash(coordinator, client, program):
    """A languages field that grows when its words are re-joined, a list with a stray
    quote or an over-long field, and an attendance list with a non-ASCII digit."""
    import io

    rng = random.Random(7)
    long_languages = form_for(1, "student", rng, languages="a," * 149 + "a", email="long@example.org")
    assert client.post(f"/jumelage/{program.id}/inscription", data=long_languages).status_code in (200, 302)
    url = f"/jumelage/{program.id}/import"
    for body in ('Nom;Courriel;Rôle\r\n"Quel"qu\'un;q@example.org;Citoyen\r\n',
                 "Nom;Courriel;Rôle\r\n" + "x" * 140_000 + ";q@example.org;Citoyen\r\n"):
        answer = coordinator.post(url, data={"file": (io.BytesIO(body.encode()), "liste.csv")},
                                  content_type="multipart/form-data")
        assert 200 <= answer.status_code < 500, answer.status_code
    people = accepted_cohort(coordinator, program, 4, 4, 1)
    logic.run(program)
    logic.accept_proposal(program)
    coordinator.post(f"/jumelage/{program.id}/activites", data={"kind": "cultural", "title": "Sortie",
                                                                 "held_on": "2027-08-05", "place": "Alma"})
    event = logic.events(program)[0]
    answer = coordinator.post(f"/jumelage/{program.id}/activites/{event.id}/attendance",
                              data={"present": ["²", str(people[0].id)]})
    assert answer.status_code == 302


def test_a_person_refused_after_matching_no_longer_sees_their_partners(coordinator, program):
    accepted_cohort(coordinator, program, 10, 10, 2)
    logic.run(program)
    logic.accept_proposal(program)
    match = logic.matches(program, "accepted")[0]
    person, partner = match.members[0], match.members[1]
    link = coordinator.application.test_client()
    assert partner.name in link.get(f"/jumelage/m/{person.token}").get_data(as_text=True)
    logic.review(person, "refused", "Vous avez quitté la région.")
    page = link.get(f"/jumelage/m/{person.token}").get_data(as_text=True)
    assert partner.name not in page and partner.email not in page


def test_one_email_signs_up_once_and_a_double_tap_gets_the_same_link(app, program):
    client = app.test_client()
    form = form_for(0, "student", random.Random(3), email="double@mail.ca")
    first = client.post(f"/jumelage/{program.id}/inscription", data=form)
    again = client.post(f"/jumelage/{program.id}/inscription", data=form)  # a double tap
    assert first.status_code == again.status_code == 200
    token = db.session.query(Signup).filter_by(email="double@mail.ca").one().token
    assert token in again.get_data(as_text=True)
    other = form_for(1, "student", random.Random(4), email=" DOUBLE@mail.ca ")  # someone else typing that email
    refused = client.post(f"/jumelage/{program.id}/inscription", data=other)
    assert refused.status_code == 422 and token not in refused.get_data(as_text=True)
    assert db.session.query(Signup).filter(Signup.email == "double@mail.ca").count() == 1


def test_the_report_counts_the_matches_that_ended_as_formed_and_not_retained(coordinator, program):
    people = accepted_cohort(coordinator, program, 12, 12, 4)
    logic.run(program)
    logic.accept_proposal(program)
    formed = logic.matches(program, "accepted")
    before = logic.report(program)
    members = {m.id for match in formed for m in match.members}
    assert before["figures"]["matches"] == len(formed) and before["placed"] == len(members)
    for match in formed[:3]:  # stopped meeting: the coordinator ends them
        logic.end_match(match)
    after = logic.report(program)
    assert after["figures"]["matches"] == len(formed)  # formed they were: the count does not drop
    assert after["figures"]["trios"] == before["figures"]["trios"]
    assert after["placed"] == len(members) <= len(people)
    assert after["figures"]["active"] == before["figures"]["active"] - 3
    assert after["retention"] == round(100 * (before["figures"]["active"] - 3) / len(formed))
    assert after["retention"] < (before["retention"] or 0)
