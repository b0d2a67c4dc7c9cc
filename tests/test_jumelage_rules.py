"""Jumelage rules added after the first version: an employer in several trios,
decimals in the reader's language, the employer-only capacity, rate limits on
private links, the retention purge, the evaluation's window and the privacy
search; at the size of a real cohort."""

from __future__ import annotations

import random
from datetime import date, timedelta

from tests.conftest import without_form_token
from tests.test_jumelage import accepted_cohort, form_for
from workshop import dates
from workshop.extensions import db
from workshop.jumelage import logic
from workshop.jumelage.models import CheckIn, Match, Signup, SurveyAnswer


def page_without(response, link: str) -> str:
    """The page as text without its own address (the language switch names it) nor its form token."""
    return without_form_token(response.get_data(as_text=True)).replace(link, "")


def three_trios(program, people):
    """One employer of capacity 3 in three accepted trios, the rest of the cohort in duos."""
    students = [s for s in people if s.role == "student"]
    citizens = [s for s in people if s.role == "citizen"]
    employer = next(s for s in people if s.role == "employer")
    employer.capacity = 3
    trios = [Match(program_id=program.id, student_id=students[i].id, citizen_id=citizens[i].id,
                   employer_id=employer.id, score=4.0, status="accepted") for i in range(3)]
    duos = [Match(program_id=program.id, student_id=s.id, citizen_id=c.id, score=3.0, status="accepted")
            for s, c in zip(students[3:], citizens[3:])]
    db.session.add_all(trios + duos)
    db.session.commit()
    return employer, trios


def test_an_employer_in_three_trios_sees_each_with_its_contract_and_meetings(coordinator, program):
    people = accepted_cohort(coordinator, program, 20, 18, 6)
    employer, trios = three_trios(program, people)
    phone = coordinator.application.test_client()
    base = f"/jumelage/m/{employer.token}"
    for n, trio in enumerate(trios):
        assert phone.post(f"{base}/contract", data={"match": trio.id, "goals": f"Objectifs du trio {n}",
                                                     "commitments": "Deux fois par mois"}).status_code == 302
        assert phone.post(f"{base}/check-in", data={"match": trio.id, "met_on": dates.today().isoformat(),
                                                    "what": f"Visite usine {n}", "satisfaction": "4"}
                          ).status_code == 302
    assert phone.post(f"{base}/confirm", data={"match": trios[1].id}).status_code == 302
    html = phone.get(base).get_data(as_text=True)
    for n, trio in enumerate(trios):
        assert f'id="contract-{trio.id}"' in html and f"Objectifs du trio {n}" in html
        assert f"Visite usine {n}" in html
        assert trio.student.email in html and trio.citizen.email in html
    assert html.count('class="jumelage-member-match"') == 3 and "Votre trio 3 de 3" in html
    for trio in trios:  # each meeting went to its own trio
        assert [c.what for c in db.session.query(CheckIn).filter_by(match_id=trio.id)] == [
            f"Visite usine {trios.index(trio)}"]
    confirmed = [logic.contract_of(t)["confirmed"] for t in trios]
    assert [employer.id in c for c in confirmed] == [False, True, False]
    # Without naming the trio, or naming someone else's match: the same 404 as an unknown link.
    duo = logic.matches_of(next(s for s in people if s.role == "student" and s.id not in
                                {t.student_id for t in trios} and logic.matches_of(s)))[0]
    unknown = phone.post("/jumelage/m/not-a-link/contract", data={"match": trios[0].id})
    for data in ({"goals": "x", "commitments": "y"}, {"match": duo.id, "goals": "x", "commitments": "y"}):
        refused = phone.post(f"{base}/contract", data=data)
        assert refused.status_code == 404
        assert page_without(refused, employer.token) == page_without(unknown, "not-a-link")
    # A student of one trio sees their trio only, and the form needs no name.
    student = trios[0].student
    before = len(logic.check_ins(trios[0]))
    for _tap in range(2):  # sent twice: one meeting
        assert phone.post(f"/jumelage/m/{student.token}/check-in", data={
            "met_on": dates.today().isoformat(), "what": "Café", "satisfaction": "5"}).status_code == 302
    assert len(logic.check_ins(trios[0])) == before + 1
    page = phone.get(f"/jumelage/m/{student.token}").get_data(as_text=True)
    assert page.count('class="jumelage-member-match"') == 1 and trios[1].student.email not in page


def test_program_figures_and_scores_use_the_readers_decimal_mark(coordinator, program):
    people = accepted_cohort(coordinator, program, 12, 12, 3)
    employer, trios = three_trios(program, people)
    for trio, mark in zip(trios, (4, 4, 4)):
        logic.log_check_in(trio, trio.student, dates.today(), "Souper", mark)
    duos = [m for m in logic.matches(program, "accepted") if not m.employer_id]
    for duo in duos:  # back to a proposal, as the coordinator sees it before accepting
        duo.status = "proposed"
    duos[0].score = 4.0
    db.session.commit()
    fr_follow = coordinator.get(f"/jumelage/{program.id}/suivi").get_data(as_text=True)
    fr_proposal = coordinator.get(f"/jumelage/{program.id}/proposition").get_data(as_text=True)
    assert "4,0 / 5" in fr_follow and "score 4,0" in fr_proposal and "score 4.0" not in fr_proposal
    coordinator.post("/lang/en", data={"next": "/"})
    en_follow = coordinator.get(f"/jumelage/{program.id}/suivi").get_data(as_text=True)
    en_proposal = coordinator.get(f"/jumelage/{program.id}/proposition").get_data(as_text=True)
    assert "4.0 / 5" in en_follow and "score 4.0" in en_proposal and "4,0" not in en_proposal


def test_the_capacity_is_an_employers_field_only(coordinator, client, program):
    page = client.get(f"/jumelage/{program.id}/inscription").get_data(as_text=True)
    assert '<div class="jumelage-employer-only"><label>' in page and 'name="capacity"' in page
    rng = random.Random(3)
    assert client.post(f"/jumelage/{program.id}/inscription",
                       data=form_for(1, "citizen", rng, capacity="7")).status_code == 200
    assert client.post(f"/jumelage/{program.id}/inscription",
                       data=form_for(2, "employer", rng, capacity="7")).status_code == 200
    citizen, employer = (db.session.query(Signup).filter_by(role=r).one() for r in ("citizen", "employer"))
    assert citizen.capacity == 1 and employer.capacity == 7
    # The coordinator's edit: an employer turned citizen loses the capacity.
    edit = form_for(2, "citizen", rng, capacity="7")
    assert coordinator.post(f"/jumelage/{program.id}/inscriptions/{employer.id}", data=edit).status_code == 302
    db.session.expire_all()
    assert db.session.get(Signup, employer.id).capacity == 1


def test_private_link_forms_are_rate_limited_and_unknown_links_tell_nothing(limited_app):
    with limited_app.app_context():
        program = logic.create_program("Limites")
        rng = random.Random(5)
        student, citizen, revoked = (logic.sign_up(program, form_for(n, role, rng), "consent", "fr")
                                     for n, role in enumerate(("student", "citizen", "citizen")))
        for person in (student, citizen):
            logic.review(person, "accepted")
        db.session.add(Match(program_id=program.id, student_id=student.id, citizen_id=citizen.id, status="accepted"))
        db.session.commit()
        old_token = revoked.token
        logic.new_link(revoked)
        token, citizen_token = student.token, citizen.token

    def client(address: str):
        made = limited_app.test_client()
        made.environ_base["REMOTE_ADDR"] = address
        return made

    # One member's forms: 40 an hour on their link, then 429.
    member = client("10.0.0.1")
    statuses = [member.post(f"/jumelage/m/{token}/check-in", data={"what": ""}).status_code for _ in range(42)]
    assert set(statuses[:40]) == {422} and statuses[40:] == [429, 429]
    over = member.post(f"/jumelage/m/{token}/check-in", data={"what": ""})  # the real wait, not "a minute"
    minutes = int(over.headers["Retry-After"]) // 60
    assert minutes > 1 and f"pas été enregistré. Réessayez dans {minutes} minutes." in over.get_data(as_text=True)
    # Posting to links that do not exist: the guessing budget (30 refusals an hour) ends it the same way.
    poster = client("10.0.0.2")
    statuses = [poster.post(f"/jumelage/m/guess-{n}/check-in", data={"what": ""}).status_code for n in range(32)]
    assert set(statuses[:30]) == {404} and statuses[30:] == [429, 429]
    # Guessing links: an unknown and a revoked link answer the same, then 429 for every link, known or not.
    guesser = client("10.0.0.3")
    first, second = guesser.get(f"/jumelage/m/{old_token}"), guesser.get("/jumelage/m/guess-0")
    assert first.status_code == second.status_code == 404
    assert page_without(first, old_token) == page_without(second, "guess-0")
    assert "existe pas" in first.get_data(as_text=True)  # the reader's language (French here), not the member's
    statuses = [guesser.get(f"/jumelage/m/guess-{n}").status_code for n in range(1, 31)]
    assert set(statuses[:28]) == {404} and statuses[28:] == [429, 429]
    over = guesser.get(f"/jumelage/m/{token}")
    assert over.status_code == 429
    assert page_without(guesser.get("/jumelage/m/guess-x"), "guess-x") == page_without(over, token)
    # The member behind another address carries on.
    assert member.get(f"/jumelage/m/{token}").status_code == 200
    # A member's stale forms (a match named that is not theirs, or dissolved) answer 404 but are no guesses:
    # a campus behind one address is not locked out by its members' old pages.
    campus = client("10.0.0.4")
    statuses = [campus.post(f"/jumelage/m/{citizen_token}/check-in", data={"match": "999999", "what": ""}).status_code
                for _ in range(35)]
    assert set(statuses) == {404}
    assert campus.get(f"/jumelage/m/{citizen_token}").status_code == 200


def test_the_retention_purge_erases_sign_ups_past_the_promised_period(coordinator, program, runner):
    people = accepted_cohort(coordinator, program, 20, 18, 6)
    three_trios(program, people)
    logic.set_schedule(program, date(2028, 4, 30), evaluation_open=False)  # 24 months kept, said at consent
    other = logic.create_program("Toujours en cours")  # no end date: nothing purged
    rng = random.Random(9)
    kept = logic.sign_up(other, form_for(1, "student", rng), "consent", "fr")
    assert logic.purge_date(program) == date(2030, 5, 1)
    assert logic.due_for_purge(program, date(2030, 4, 30)) == []
    page = coordinator.get(f"/jumelage/{program.id}").get_data(as_text=True)
    assert "1 mai 2030" in page and "44 inscriptions" in page
    assert logic.purge_expired(program, date(2030, 4, 30)) == 0
    result = runner.invoke(args=["jumelage", "purge", "--today", "2030-05-01", "--dry-run"])
    assert "44 sign-up(s) would be erased" in result.output and db.session.query(Signup).count() == 45
    result = runner.invoke(args=["jumelage", "purge", "--today", "2030-05-01"])
    assert result.exit_code == 0 and "44 sign-up(s) erased" in result.output
    db.session.expire_all()
    assert db.session.query(Signup).filter_by(program_id=program.id).count() == 0
    assert db.session.query(Match).filter_by(program_id=program.id).count() == 0
    assert db.session.get(Signup, kept.id) is not None and logic.purge_expired(other, date(2099, 1, 1)) == 0


def test_a_last_day_that_would_erase_everyone_at_once_asks_first(coordinator, program):
    """A year typed wrong (2024 for 2026) puts every sign-up past its retention:
    the page asks before the next daily purge would erase them all."""
    accepted_cohort(coordinator, program, 20, 18, 6)
    csrf = {"csrf_token": "x"}
    answer = coordinator.post(f"/jumelage/{program.id}/schedule", data={**csrf, "ends_on": "2020-06-30"})
    assert answer.status_code == 409 and 'name="confirm_purge"' in answer.get_data(as_text=True)
    db.session.refresh(program)
    assert program.ends_on is None and logic.due_for_purge(program) == []
    assert coordinator.post(f"/jumelage/{program.id}/schedule",
                            data={**csrf, "ends_on": "2020-06-30", "confirm_purge": "1"}).status_code in (200, 302, 303)
    db.session.refresh(program)
    assert program.ends_on == date(2020, 6, 30) and len(logic.due_for_purge(program)) == 44
    # A last day ahead asks nothing.
    assert coordinator.post(f"/jumelage/{program.id}/schedule", data={**csrf, "ends_on": "2031-06-30"}).status_code != 409


def test_the_evaluation_opens_in_the_last_weeks_or_when_the_coordinator_opens_it(coordinator, program):
    people = accepted_cohort(coordinator, program, 12, 12, 3)
    three_trios(program, people)
    member = next(s for s in people if logic.matches_of(s))
    url = f"/jumelage/m/{member.token}/evaluation"
    phone = coordinator.application.test_client()
    answer = {"overall": "4", "impacts": "Un réseau"}
    assert phone.post(url, data=answer).status_code == 422  # no end date yet: closed
    assert "s'ouvre à la fin du programme" in phone.get(f"/jumelage/m/{member.token}").get_data(as_text=True)
    ends_on = dates.today() + timedelta(weeks=10)
    coordinator.post(f"/jumelage/{program.id}/schedule", data={"ends_on": ends_on.isoformat()})
    assert phone.post(url, data=answer).status_code == 422
    opens = (ends_on - timedelta(weeks=logic.EVALUATION_WEEKS))
    page = phone.get(f"/jumelage/m/{member.token}").get_data(as_text=True)
    assert f"{opens.day} " in page, page[page.find('id="evaluation"'):][:600]
    assert db.session.query(SurveyAnswer).count() == 0
    db.session.expire_all()
    assert not logic.evaluation_window(program, opens - timedelta(days=1))["open"]
    assert logic.evaluation_window(program, opens)["open"]
    assert logic.evaluation_window(program, ends_on + timedelta(days=90))["open"]  # after the end too
    # The coordinator opens it early.
    coordinator.post(f"/jumelage/{program.id}/schedule",
                     data={"ends_on": ends_on.isoformat(), "evaluation_open": "1"})
    assert phone.post(url, data=answer).status_code == 302 and db.session.query(SurveyAnswer).count() == 1
    assert coordinator.post(f"/jumelage/{program.id}/schedule", data={"ends_on": "demain"}).status_code == 422


def test_the_coordinator_finds_one_persons_sign_up_for_export_or_erasure(coordinator, program):
    accepted_cohort(coordinator, program, 20, 18, 6)
    rng = random.Random(4)
    coordinator.post(f"/jumelage/{program.id}/inscription",
                     data=form_for(99, "student", rng, name="Hélène Tremblay-Côté", email="helene.tc@example.org"))
    other = logic.create_program("Autre")
    logic.sign_up(other, form_for(98, "student", rng, name="Hélène Tremblay", email="ht@example.org"), "c", "fr")
    found = coordinator.get(f"/jumelage/{program.id}?q=helene tremblay").get_data(as_text=True)
    helene = db.session.query(Signup).filter_by(email="helene.tc@example.org").one()
    assert "helene.tc@example.org" in found and "ht@example.org" not in found
    assert f"/jumelage/{program.id}/inscriptions/{helene.id}/export" in found
    assert f"/jumelage/{program.id}/inscriptions/{helene.id}#erase" in found
    by_email = coordinator.get(f"/jumelage/{program.id}?q=HELENE.TC@").get_data(as_text=True)
    assert f"/inscriptions/{helene.id}/export" in by_email
    nobody = coordinator.get(f"/jumelage/{program.id}?q=zzz").get_data(as_text=True)
    assert "Personne dans ce programme" in nobody
    assert coordinator.application.test_client().get(f"/jumelage/{program.id}?q=helene").status_code in (302, 401, 403)


def test_each_match_has_a_follow_up_date_and_the_overdue_come_first(coordinator, program):
    """As for an orphan project's offer: the coordinator dates the next call to
    a match; an overdue one tops the follow-up page, one due this week is marked."""
    people = accepted_cohort(coordinator, program, 20, 18, 6)
    _employer, trios = three_trios(program, people)
    duos = [r["match"] for r in logic.follow_up(program) if r["match"].employer_id is None]
    today = dates.today()
    base = f"/jumelage/{program.id}/suivi"
    late = (today - timedelta(days=3)).strftime("%d/%m/%Y")  # typed as in Québec
    assert coordinator.post(f"{base}/{duos[5].id}/relance", data={"next_follow_up": late}).status_code == 302
    assert coordinator.post(f"{base}/{trios[1].id}/relance",
                            data={"next_follow_up": (today + timedelta(days=2)).isoformat()}).status_code == 302
    assert coordinator.post(f"{base}/{duos[0].id}/relance", data={"next_follow_up": "demain"}).status_code == 422
    db.session.expire_all()
    rows = logic.follow_up(program)
    assert rows[0]["match"].id == duos[5].id and rows[0]["overdue"]
    assert {r["match"].id for r in rows if r["due_soon"]} == {trios[1].id}
    page = coordinator.get(base).get_data(as_text=True)
    assert "1 relance est en retard" in page and "en retard" in page and "bientôt" in page
    # Cleared again: no date, no flag.
    assert coordinator.post(f"{base}/{duos[5].id}/relance", data={"next_follow_up": ""}).status_code == 302
    db.session.expire_all()
    assert not any(r["overdue"] for r in logic.follow_up(program))
    # Another program's match is not reachable from this one.
    other = logic.create_program("Autre programme")
    assert coordinator.post(f"/jumelage/{other.id}/suivi/{duos[0].id}/relance",
                            data={"next_follow_up": ""}).status_code == 404


def test_a_match_under_way_ends_and_its_members_are_free_again(coordinator, program):
    """The coordinator ends a duo (after ticking that they mean it); refusing a member
    ends their duo, and an employer refused leaves their trios as duos. Whoever is left
    out no longer sees anyone's details, and the next run proposes them again."""
    people = accepted_cohort(coordinator, program, 20, 18, 6)
    employer, trios = three_trios(program, people)
    duo = logic.matches(program, "accepted")[3]
    student, citizen = duo.student, duo.citizen
    end = f"/jumelage/{program.id}/suivi/{duo.id}/fin"
    unticked = coordinator.post(end, data={})
    assert unticked.status_code == 422 and "Cochez la case" in unticked.get_data(as_text=True)
    assert coordinator.post(end, data={"confirm": "1"}).status_code == 302
    db.session.expire_all()
    phone = coordinator.application.test_client()
    page = phone.get(f"/jumelage/m/{student.token}").get_data(as_text=True)
    assert citizen.email not in page and citizen.name not in page
    follow_up = coordinator.get(f"/jumelage/{program.id}/suivi").get_data(as_text=True)
    assert f"{student.name} · {citizen.name}" not in follow_up and "Terminer ce jumelage" in follow_up
    # A citizen of a trio refused: the trio ends; the employer refused: their other trios go on as duos.
    gone = trios[0].citizen
    empty = coordinator.post(f"/jumelage/{program.id}/inscriptions/{gone.id}/status",
                             data={"status": "refused", "message": " "}, headers={"HX-Request": "true"})
    row = empty.get_data(as_text=True).strip()  # what htmx puts in place of the row: the row itself, saying why
    assert empty.status_code == 422 and row.startswith(f'<tr id="signup-{gone.id}"') and gone.name in row
    assert 'role="alert"' in row and "demande un message" in row
    refused = coordinator.post(f"/jumelage/{program.id}/inscriptions/{gone.id}/status",
                               data={"status": "refused", "message": "Départ de la région."})
    assert refused.status_code in (200, 302)
    logic.review(db.session.get(Signup, employer.id), "refused", "Plus de place cette année.")
    db.session.expire_all()
    statuses = [(db.session.get(Match, t.id).status, db.session.get(Match, t.id).employer_id) for t in trios]
    assert statuses == [("ended", employer.id), ("accepted", None), ("accepted", None)]
    for trio in trios[1:]:
        page = phone.get(f"/jumelage/m/{trio.student.token}").get_data(as_text=True)
        assert employer.email not in page and trio.citizen.email in page
    # The next run proposes the people left free.
    assert coordinator.post(f"/jumelage/{program.id}/proposition/run", data={}).status_code == 302
    db.session.expire_all()
    proposed = {m.student_id for m in logic.matches(program, "proposed")} | {
        m.citizen_id for m in logic.matches(program, "proposed")}
    # Free now: the ended duo's two and the first trio's student; one citizen, so one duo.
    assert len(proposed) == 2 and citizen.id in proposed and proposed <= {student.id, citizen.id, trios[0].student_id}


def test_a_private_link_speaks_the_language_the_person_signed_up_in(coordinator, program):
    """Signed up in English; the link opened later on another device is in English, and
    the switch still wins on that device."""
    rng = random.Random(3)
    phone = coordinator.application.test_client()
    phone.post("/lang/en")
    assert phone.post(f"/jumelage/{program.id}/inscription", data=form_for(1, "student", rng)).status_code in (200, 302)
    person = db.session.query(Signup).filter_by(email="student1@example.org").one()
    assert person.language == "en"
    other_device = coordinator.application.test_client()
    page = other_device.get(f"/jumelage/m/{person.token}")
    assert '<html lang="en"' in page.get_data(as_text=True)
    other_device.post("/lang/fr")
    assert '<html lang="fr"' in other_device.get(f"/jumelage/m/{person.token}").get_data(as_text=True)


def test_a_match_that_never_met_counts_its_weeks_from_its_acceptance(coordinator, program):
    """A proposal run in September and accepted in October has not been idle
    since September: the weeks without a meeting start when the coordinator accepts."""
    accepted_cohort(coordinator, program, 20, 18, 6)
    logic.run(program)
    proposed = logic.matches(program, "proposed")
    assert len(proposed) >= 15
    for match in proposed:
        match.created_at -= timedelta(weeks=6)  # the run, six weeks ago
    db.session.commit()
    assert logic.accept_proposal(program) == len(proposed)
    rows = logic.follow_up(program)
    assert len(rows) == len(proposed) and not any(r["inactive"] for r in rows)
    for match in proposed[:4]:
        match.accepted_at -= timedelta(weeks=5)  # accepted five weeks ago, never met since
    db.session.commit()
    assert {r["match"].id for r in logic.follow_up(program) if r["inactive"]} == {m.id for m in proposed[:4]}


def count_cell(html: str, role: str, status: str) -> int:
    """One number of the counts table (sign-ups by role and status), as the page shows it."""
    import re

    return int(re.search(rf'id="count-{role}-{status}">(\d+)<', html).group(1))


def test_accepting_the_proposal_asks_first_and_a_review_by_htmx_refreshes_the_counts(coordinator, program):
    """Accepting shows every member the others' details, so the page asks to tick first;
    accepting a sign-up in its row (htmx) brings the counts table above up to date."""
    from tests.test_jumelage import cohort

    people = cohort(coordinator, program, students=26, citizens=26, employers=8)
    page = coordinator.get(f"/jumelage/{program.id}").get_data(as_text=True)
    assert count_cell(page, "student", "pending") == 26 and count_cell(page, "student", "accepted") == 0
    student = next(s for s in people if s.role == "student")
    answer = coordinator.post(f"/jumelage/{program.id}/inscriptions/{student.id}/status",
                              data={"status": "accepted"}, headers={"HX-Request": "true"})
    html = answer.get_data(as_text=True).strip()
    assert answer.status_code == 200 and html.startswith(f'<tr id="signup-{student.id}"')
    # Swapped in place of the stale table; in a template, or the parser drops a table that follows a row.
    assert '<template><table class="jumelage-counts" id="jumelage-counts" hx-swap-oob="true">' in html
    assert count_cell(html, "student", "pending") == 25 and count_cell(html, "student", "accepted") == 1

    for s in people:
        logic.review(s, "accepted")
    logic.run(program)
    proposed = len(logic.matches(program, "proposed"))
    assert proposed >= 20
    page = coordinator.get(f"/jumelage/{program.id}/proposition").get_data(as_text=True)
    assert 'name="confirm" value="1" required' in page and f"J'accepte ces {proposed} jumelages" in page
    unticked = coordinator.post(f"/jumelage/{program.id}/proposition/accept", data={})
    assert unticked.status_code == 422 and "Cochez la case" in unticked.get_data(as_text=True)
    assert len(logic.matches(program, "proposed")) == proposed and not logic.matches(program, "accepted")
    assert coordinator.post(f"/jumelage/{program.id}/proposition/accept",
                            data={"confirm": "1"}).status_code == 302
    db.session.expire_all()
    assert len(logic.matches(program, "accepted")) == proposed


def test_a_refused_form_comes_back_as_typed_with_the_reason_beside_it(coordinator, program):
    """The coordinator's profile edit and new activity, a member's contract, meeting and
    evaluation: refused, each answers 422 with what was typed, the reason in its own section."""
    import re

    people = accepted_cohort(coordinator, program, 26, 26, 8)
    employer, trios = three_trios(program, people)
    # The profile edit: no moment ticked; the name, phone and constraints typed stay.
    target = next(s for s in people if s.role == "citizen")
    typed = form_for(40, "citizen", random.Random(8), name="Geneviève Bouchard-Lavoie", phone="418 555-0199",
                     constraints="Pas de voiture l'hiver")
    typed.poplist("slots")
    edit = coordinator.post(f"/jumelage/{program.id}/inscriptions/{target.id}", data=typed)
    html = edit.get_data(as_text=True)
    assert edit.status_code == 422 and 'value="Geneviève Bouchard-Lavoie"' in html and "418 555-0199" in html
    assert "Pas de voiture l&#39;hiver" in html and f'value="{typed["email"]}"' in html
    profile = html[html.index("<h2>Profil</h2>"):html.index('id="erase"')]
    assert 'role="alert"' in profile and "Cochez au moins un moment" in profile
    db.session.expire_all()
    assert db.session.get(Signup, target.id).name != "Geneviève Bouchard-Lavoie"  # nothing saved

    # The new activity: a date missing; the kind, title and place typed stay.
    url = f"/jumelage/{program.id}/activites"
    event = coordinator.post(url, data={"kind": "talent_sharing", "title": "Partage de talents au Cégep",
                                        "held_on": "", "place": "Cégep de Jonquière"})
    html = event.get_data(as_text=True)
    assert event.status_code == 422 and 'value="Partage de talents au Cégep"' in html
    assert 'value="Cégep de Jonquière"' in html and '<option value="talent_sharing" selected>' in html
    new = html[html.index("<h2>Nouvelle activité</h2>"):]
    assert new.index('role="alert"') < new.index("<form")  # beside the form, not at the top of the page
    assert logic.events(program) == []

    # A member of three trios: the refused form of the second trio keeps its words, in its own section.
    phone = coordinator.application.test_client()
    base = f"/jumelage/m/{employer.token}"
    second = trios[1].id

    def section(page: str, name: str) -> str:
        return re.search(rf'<section class="card[^"]*" id="{name}">(.*?)</section>', page, re.S).group(1)

    contract = phone.post(f"{base}/contract", data={"match": second, "goals": "Recruter une stagiaire en génie",
                                                    "commitments": ""})
    html = contract.get_data(as_text=True)
    assert contract.status_code == 422
    assert "Recruter une stagiaire en génie" in section(html, f"contract-{second}")
    assert 'role="alert"' in section(html, f"contract-{second}")
    assert 'role="alert"' not in section(html, f"contract-{trios[0].id}") + section(html, f"check-ins-{second}")
    future = (dates.today() + timedelta(days=3)).isoformat()
    meeting = phone.post(f"{base}/check-in", data={"match": second, "met_on": future, "satisfaction": "4",
                                                   "what": "Visite de l'usine d'Alma", "note": "Très instructif"})
    html = meeting.get_data(as_text=True)
    check_ins = section(html, f"check-ins-{second}")
    assert meeting.status_code == 422 and 'role="alert"' in check_ins and "Visite de l&#39;usine d&#39;Alma" in check_ins
    assert "Très instructif" in check_ins and f'value="{future}"' in check_ins
    assert 'value="4" required checked' in check_ins
    assert "Visite de l&#39;usine" not in section(html, f"check-ins-{trios[0].id}")
    assert logic.check_ins(trios[1]) == []

    # The evaluation without its overall mark: the texts stay, the reason in the evaluation's section.
    logic.set_schedule(program, None, evaluation_open=True)
    survey = phone.post(f"{base}/evaluation", data={"impacts": "Deux stagiaires embauchées",
                                                    "helped": "Les visites", "hindered": "L'hiver"})
    html = survey.get_data(as_text=True)
    evaluation = section(html, "evaluation")
    assert survey.status_code == 422 and 'role="alert"' in evaluation and "Deux stagiaires embauchées" in evaluation
    assert "Les visites" in evaluation and "L&#39;hiver" in evaluation
    assert db.session.query(SurveyAnswer).count() == 0


def test_a_profile_completed_or_edited_with_another_persons_email_is_refused_as_typed(coordinator, program):
    """As at sign-up, one email is one person of the program: the coordinator's edit and an
    invited person's completion refuse someone else's email (in any case), keeping what was typed."""
    import io

    people = accepted_cohort(coordinator, program, 24, 24, 6)
    first, second = [s for s in people if s.role == "student"][:2]
    taken = second.email.upper()
    typed = form_for(0, "student", random.Random(6), name="Aïcha Benali", email=taken)
    edit = coordinator.post(f"/jumelage/{program.id}/inscriptions/{first.id}", data=typed)
    html = edit.get_data(as_text=True)
    assert edit.status_code == 422 and "Une autre personne de ce programme a déjà ce courriel" in html
    assert 'value="Aïcha Benali"' in html and f'value="{taken}"' in html
    db.session.expire_all()
    assert db.session.get(Signup, first.id).email == first.email and db.session.get(Signup, first.id).name != "Aïcha Benali"
    # Their own email, in another case, is theirs: saved.
    own = form_for(0, "student", random.Random(6), name="Aïcha Benali", email=first.email.upper())
    assert coordinator.post(f"/jumelage/{program.id}/inscriptions/{first.id}", data=own).status_code == 302
    db.session.expire_all()
    assert db.session.get(Signup, first.id).name == "Aïcha Benali"

    # Invited from a list, a person completes their profile with an email someone else signed up with.
    lines = "Nom;Courriel;Rôle\r\n" + "".join(f"Invitée {i};invitee{i}@example.org;Citoyen\r\n" for i in range(6))
    coordinator.post(f"/jumelage/{program.id}/import", content_type="multipart/form-data",
                     data={"file": (io.BytesIO(lines.encode()), "liste.csv")})
    invited = next(s for s in logic.signups(program) if s.email == "invitee0@example.org")
    phone = coordinator.application.test_client()
    form = form_for(1, "citizen", random.Random(2), name="Invitée Zéro", email=second.email)
    done = phone.post(f"/jumelage/m/{invited.token}/complete", data=form)
    html = done.get_data(as_text=True)
    assert done.status_code == 422 and "Une autre personne de ce programme a déjà ce courriel" in html
    assert 'value="Invitée Zéro"' in html and 'name="consent"' in html
    db.session.expire_all()
    assert db.session.get(Signup, invited.id).consent_text == ""
    form["email"] = "invitee0@example.org"
    assert phone.post(f"/jumelage/m/{invited.token}/complete", data=form).status_code == 302
    assert len({s.email for s in logic.signups(program)}) == len(logic.signups(program)) == 60


def test_the_unplaced_are_named_with_a_link_and_namesakes_are_told_apart(coordinator, program):
    """The follow-up page and the report name each accepted person in no match (with a
    link to their profile), the proposal names those left over; two "Marie Tremblay"
    read with their emails in lists and pickers."""
    people = accepted_cohort(coordinator, program, 28, 24, 8)
    _employer, trios = three_trios(program, people)
    duos = [m for m in logic.matches(program, "accepted") if not m.employer_id]
    for duo in duos[:2]:
        logic.end_match(duo)
    placed_marie, free_marie = duos[5].student, duos[0].citizen
    placed_marie.name = free_marie.name = "Marie Tremblay"
    db.session.commit()
    unplaced = logic.unplaced(program)
    assert len(unplaced) == 4 + 2 + 2 + 7  # students never matched, the ended duos' two, employers in no trio
    assert {s.id for s in unplaced}.isdisjoint({m.id for match in logic.matches(program, "accepted")
                                                for m in match.members})
    page = coordinator.get(f"/jumelage/{program.id}/suivi").get_data(as_text=True)
    listed = page[page.index('id="unplaced"'):]
    for person in unplaced:
        assert f'href="/jumelage/{program.id}/inscriptions/{person.id}"' in listed
    assert f"Marie Tremblay ({free_marie.email})" in listed
    assert f"Marie Tremblay ({placed_marie.email})" in page[:page.index('id="unplaced"')]  # in their match's row
    assert "15 personnes acceptées ne sont dans aucun jumelage en cours" in listed

    report = coordinator.get(f"/jumelage/{program.id}/rapport").get_data(as_text=True)
    named = report[report.index('class="card jumelage-no-print" aria-labelledby="unplaced-title"'):]
    assert all(f'/inscriptions/{person.id}"' in named for person in unplaced)

    program_page = coordinator.get(f"/jumelage/{program.id}").get_data(as_text=True)
    assert f"Marie Tremblay (Étudiant·e international·e, {placed_marie.email})" in program_page  # the pickers
    assert f"Marie Tremblay (Citoyen·ne (accueil), {free_marie.email})" in program_page

    logic.run(program)  # 6 students free for 2 citizens: students are left over, and named
    left = logic.unmatched(program)
    assert len(left["student"]) >= 4
    proposal = coordinator.get(f"/jumelage/{program.id}/proposition").get_data(as_text=True)
    for person in left["student"] + left["citizen"]:
        assert f'href="/jumelage/{program.id}/inscriptions/{person.id}"' in proposal


def test_the_follow_up_export_gives_each_members_email_and_phone_and_the_next_follow_up(coordinator, program):
    """The coordinator's call list: for each of 26 matches, who to call (email and
    phone beside each name) and when (the next follow-up), in CSV and XLSX."""
    import csv
    import io

    from openpyxl import load_workbook

    people = accepted_cohort(coordinator, program, 26, 26, 8)
    for n, person in enumerate(people):
        person.phone = f"418 555-{n:04d}"
    _employer, trios = three_trios(program, people)
    when = dates.today() + timedelta(days=10)
    logic.set_follow_up(trios[2], when)
    answer = coordinator.get(f"/jumelage/{program.id}/suivi/export", headers={"Accept-Language": "fr-CA"})
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert len(body) == len(logic.matches(program, "accepted")) == 26
    assert {"Prochaine relance", "Courriel (étudiant·e international·e)", "Téléphone (citoyen·ne accueil)",
            "Courriel (employeur)"} <= set(header)
    column = {name: header.index(name) for name in header}
    for match in logic.matches(program, "accepted"):
        row = next(r for r in body if r[column["Jumelage"]] == str(match.id))
        for role, person in (("étudiant·e international·e", match.student), ("citoyen·ne accueil", match.citizen)):
            assert (row[column[f"Courriel ({role})"]], row[column[f"Téléphone ({role})"]]) == (person.email,
                                                                                              person.phone)
        if match.employer:
            assert row[column["Courriel (employeur)"]] == match.employer.email
        assert row[column["Prochaine relance"]] == (when.isoformat() if match.id == trios[2].id else "")
    codes = coordinator.get(f"/jumelage/{program.id}/suivi/export?lang=codes").get_data(as_text=True)
    assert "student_email,student_phone" in codes and "next_follow_up" in codes
    book = load_workbook(io.BytesIO(coordinator.get(f"/jumelage/{program.id}/suivi/export?format=xlsx",
                                                   headers={"Accept-Language": "fr-CA"}).data))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    dated = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("Prochaine relance")]]
    assert len(dated) == 1 and dated[0][header.index("Prochaine relance")].date() == when


def test_an_erasure_says_who_was_erased_and_what_went_with_them(coordinator, program):
    """A Law 25 erasure done, the program page says so in words: who, and what was erased
    with them (their duo, its meetings, their evaluation, invitations); an employer's trios go on."""
    people = accepted_cohort(coordinator, program, 26, 26, 8)
    employer, trios = three_trios(program, people)
    duo = next(m for m in logic.matches(program, "accepted") if not m.employer_id)
    student = duo.student
    for n in range(3):
        logic.log_check_in(duo, student, dates.today() - timedelta(days=7 * n), f"Café {n}", 4)
    logic.set_schedule(program, None, evaluation_open=True)
    logic.answer_survey(student, 5, "Un réseau", "Les cafés", "")
    event = logic.create_event(program, "cultural", "Sortie au Festival", date(2027, 8, 5))
    logic.invite(event, ["student"])
    url = f"/jumelage/{program.id}/inscriptions/{student.id}/erase"
    done = coordinator.post(url, data={"confirm": student.email}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and 'role="alert"' in html
    assert (f"Tout ce qui était conservé sur {student.name} est effacé pour de bon : son inscription, 1 jumelage, "
            "3 rencontres consignées, son évaluation, 1 invitation à une activité.") in html
    assert "effacé pour de bon" not in coordinator.get(f"/jumelage/{program.id}").get_data(as_text=True)  # once
    gone = coordinator.post(f"/jumelage/{program.id}/inscriptions/{employer.id}/erase",
                            data={"confirm": employer.email}, follow_redirects=True).get_data(as_text=True)
    assert f"sur {employer.name} est effacé pour de bon : son inscription." in gone
    assert "3 trios dont cette personne était l&#39;employeur continuent en duo." in gone
    assert len(logic.signups(program)) == 58


def test_a_role_cannot_change_under_a_match_under_way_and_a_proposal_is_withdrawn_saying_so(coordinator, program):
    """A citizen host of a duo under way edited into a student: refused (as typed, with
    why) until the coordinator ends the duo; a person only proposed changes role, and
    their proposal is withdrawn with a word to run the matching again."""
    people = accepted_cohort(coordinator, program, 30, 22, 8)
    three_trios(program, people)
    duo = next(m for m in logic.matches(program, "accepted") if not m.employer_id)
    host = duo.citizen
    typed = form_for(70, "student", random.Random(4), name=host.name, email=host.email,
                     constraints="Je reprends mes études")
    url = f"/jumelage/{program.id}/inscriptions/{host.id}"
    refused = coordinator.post(url, data=typed)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "dans un jumelage en cours" in html
    assert 'value="student" required checked' in html and "Je reprends mes études" in html
    db.session.expire_all()
    assert db.session.get(Signup, host.id).role == "citizen" and db.session.get(Match, duo.id).citizen_id == host.id
    logic.end_match(db.session.get(Match, duo.id))
    assert coordinator.post(url, data=typed).status_code == 302
    db.session.expire_all()
    assert db.session.get(Signup, host.id).role == "student"

    other = next(m for m in logic.matches(program, "accepted") if not m.employer_id)
    logic.end_match(other)  # its citizen is free: the next run proposes them with one of the free students
    logic.run(program)
    proposed = logic.matches(program, "proposed")
    assert proposed
    student = proposed[0].student
    changed = form_for(71, "citizen", random.Random(5), name=student.name, email=student.email)
    done = coordinator.post(f"/jumelage/{program.id}/inscriptions/{student.id}", data=changed, follow_redirects=True)
    assert "1 jumelage proposé avec cette personne est retiré" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Signup, student.id).role == "citizen"
    assert all(student.id not in {m.student_id, m.citizen_id} for m in logic.matches(program, "proposed"))
