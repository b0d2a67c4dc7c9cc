"""Hardening round two (issue 21): inputs that gave a 500 now get a 4xx with a
message, and what reaches the database is clean text."""

from __future__ import annotations

import io

from tests.conftest import join, open_first_activity, sign_in
from workshop.extensions import db
from workshop.ideas.models import Idea
from workshop.participants.models import Participant


def send(phone, workshop, text, key="k-00000001"):
    return phone.post(f"/j/{workshop.join_code}/ideas", data={"text": text, "key": key})


def test_control_characters_and_nul_are_stripped_at_the_edge(app, workshop, facilitator_client):
    phone = app.test_client()
    join(phone, workshop)
    open_first_activity(workshop)
    answer = send(phone, workshop, "Un\x00 mentorat\x07 par\x1b les\x0b pairs")
    assert answer.status_code == 200
    assert db.session.query(Idea).one().text == "Un mentorat par les pairs"
    # The workbook that failed on every download opens again.
    workbook = facilitator_client.get(f"/w/{workshop.id}/export/workshop.xlsx")
    assert workbook.status_code == 200
    from openpyxl import load_workbook

    load_workbook(io.BytesIO(workbook.data))


def test_an_idea_of_zero_width_spaces_is_refused_as_empty(app, workshop):
    phone = app.test_client()
    join(phone, workshop)
    open_first_activity(workshop)
    answer = send(phone, workshop, "\u200b\u200b \u2060\ufeff")
    assert answer.status_code == 422
    assert "vide" in answer.get_data(as_text=True)
    assert db.session.query(Idea).count() == 0


def test_right_to_left_overrides_are_taken_out_of_nicknames(app, workshop):
    phone = app.test_client()
    phone.post(f"/j/{workshop.join_code}",
               data={"nickname": "Alex\u202egnp.exe\u202c", "group": workshop.groups[0].id})
    assert db.session.query(Participant).one().nickname == "Alexgnp.exe"


def test_a_group_name_too_long_for_its_column_is_a_422_not_a_500(app, facilitator_client):
    answer = facilitator_client.post("/workshops/new", data={
        "title": "Atelier", "language": "fr", "groups": "g" * 130 + "\nEmployeurs",
        "prompts": "Une question ?"})
    # SQLite stores it (no length check); PostgreSQL refused it with a 500 before.
    assert answer.status_code in (302, 422), answer.status_code
    if answer.status_code == 422:
        assert "trop long" in answer.get_data(as_text=True)


def test_a_database_data_error_is_a_clear_422(app):
    """Whatever the view, a value the database refuses is the request's fault."""
    from sqlalchemy.exc import DataError

    @app.get("/boom-data")
    def boom():
        raise DataError("INSERT", {}, Exception("value too long for type character varying(120)"))

    answer = app.test_client().get("/boom-data", headers={"HX-Request": "true"})
    assert answer.status_code == 422
    assert "trop long" in answer.get_data(as_text=True)


def test_next_with_a_line_break_is_ignored_not_a_500(app, facilitator, client):
    answer = client.post("/login?next=/%0d%0aSet-Cookie:%20x=1",
                         data={"email": facilitator.email, "password": "a long enough password"})
    assert answer.status_code == 302
    assert answer.headers["Location"] in ("/", "http://workshop.test/")
    assert "Set-Cookie: x" not in str(answer.headers)
    switched = client.post("/lang/en", data={"next": "/w/1\r\nX-Injected: 1"})
    assert switched.status_code == 302 and switched.headers["Location"] in ("/", "http://workshop.test/")


def test_a_full_disk_is_said_and_logged_as_an_error(app, caplog):
    from sqlalchemy.exc import OperationalError

    @app.get("/boom-disk")
    def boom():
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    with caplog.at_level("ERROR"):
        answer = app.test_client().get("/boom-disk", headers={"HX-Request": "true"})
    assert answer.status_code == 507
    assert "disque" in answer.get_data(as_text=True)
    assert any(r.levelname == "ERROR" and "disk full" in r.getMessage() for r in caplog.records)


def test_a_database_blip_keeps_its_short_retry_after_under_rate_limits(limited_app, workshop, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from workshop.ideas import logic

    phone = limited_app.test_client()
    join(phone, workshop)
    with limited_app.app_context():
        open_first_activity(db.session.merge(workshop))

    def unreachable(*_args, **_kwargs):
        raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(logic, "submit_idea", unreachable)
    answer = send(phone, workshop, "Une idée")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"


# --- the join-code oracle -------------------------------------------------------

PHONE_ROUTES = [("get", "panel"), ("get", "mine"), ("get", "rounds/1/ballot"), ("post", "hats/1/mine"),
                ("get", "cells/1/mine"), ("post", "ideas"), ("post", "rounds/1/dots"),
                ("post", "hats/1/comments"), ("post", "cells/1/join"), ("get", "leave")]


def comparable(answer, code: str) -> tuple:
    """Status and page, with the code itself and the (time-stamped) CSRF token left out."""
    from tests.conftest import without_form_token

    page = without_form_token(answer.get_data(as_text=True)).replace(code, "CODE")
    return answer.status_code, page, answer.headers.get("Content-Language")


def test_every_phone_route_answers_an_unknown_and_a_known_code_identically(app, facilitator):
    """An English workshop used to answer in English and an unknown code in French."""
    from tests.conftest import make_workshop

    english = make_workshop(facilitator, language="en", groups=("Employers",))
    stranger = app.test_client()
    for method, path in PHONE_ROUTES:
        known = getattr(stranger, method)(f"/j/{english.join_code}/{path}")
        unknown = getattr(stranger, method)(f"/j/ZZZZZZ/{path}")
        assert comparable(known, english.join_code) == comparable(unknown, "ZZZZZZ"), path
        assert known.status_code == 403, path


def test_guessing_codes_on_phone_routes_is_limited_and_joined_phones_carry_on(limited_app, workshop):
    neighbour = limited_app.test_client()
    join(neighbour, workshop)  # a phone of the same venue, same address
    guesser = limited_app.test_client()
    statuses = [guesser.get(f"/j/ZZZ{n:03d}/panel").status_code for n in range(25)]
    assert statuses[:20] == [403] * 20 and set(statuses[20:]) == {429}
    # Over the limit, a known code the guesser has not joined answers the same.
    assert guesser.get(f"/j/{workshop.join_code}/mine").status_code == 429
    assert guesser.post("/join", data={"code": workshop.join_code}).status_code == 429
    # The budget is shared by every route that reads a code.
    assert guesser.get(f"/j/{workshop.join_code}").status_code == 429
    # The joined phone behind the same address is never slowed by it.
    assert neighbour.get(f"/j/{workshop.join_code}/panel").status_code == 200


# --- smaller items ----------------------------------------------------------------

def test_security_headers_restrict_sockets_to_this_host_and_keep_private_pages_out_of_caches(
        app, workshop, facilitator_client):
    control = facilitator_client.get(f"/w/{workshop.id}/control")
    policy = control.headers["Content-Security-Policy"]
    assert "connect-src 'self';" in policy and "ws:" not in policy
    assert "camera=()" in control.headers["Permissions-Policy"]
    assert control.headers["Cache-Control"] == "no-store"
    for path in (f"/w/{workshop.id}/report", f"/w/{workshop.id}/privacy", f"/w/{workshop.id}/export/ideas.csv"):
        answer = facilitator_client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "no-store", path
    assert "Strict-Transport-Security" not in control.headers  # plain http: HSTS would lock people out
    assert app.test_client().get("/static/js/live.js").headers.get("Cache-Control") != "no-store"


def test_hsts_behind_https(database_url):
    from tests.conftest import base_config, new_app

    secure = new_app({**base_config(database_url), "HSTS": True})
    assert secure.test_client().get("/join").headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_sqlite_file_is_readable_by_this_account_only(tmp_path):
    import stat

    from workshop.config import _private_file

    path = _private_file(tmp_path / "instance" / "workshop.sqlite")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    _private_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_server_counts_cores_at_start_so_grouping_never_forks_lscpu():
    import subprocess
    import sys

    script = ("import workshop.serve as serve; serve.count_cores_once(); "
              "from joblib.externals.loky.backend import context; print(context.physical_cores_cache)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() not in ("", "None")


# --- imports ------------------------------------------------------------------------

def organisations_csv(rows: int, bad_line: int | None = None, bad: str = "pas-un-courriel") -> bytes:
    lines = ["nom;type;secteur;courriel"]
    for n in range(rows):
        email = bad if n + 2 == bad_line else f"contact{n}@example.org"
        lines.append(f"Organisme {n};OBNL;Emploi;{email}")
    return ("\n".join(lines) + "\n").encode()


def coordinator_client(app):
    from tests.conftest import make_user

    make_user("coordination@example.org", role="coordinator")
    client = app.test_client()
    sign_in(client, "coordination@example.org")
    return client


def organisation_count() -> int:
    from workshop.orphans.models import Organisation

    db.session.expire_all()
    return db.session.query(Organisation).count()


def import_csv(client, data: bytes):
    return client.post("/orphans/organisations/import", data={"file": (io.BytesIO(data), "orgs.csv")},
                       content_type="multipart/form-data")


def test_a_bad_third_row_stores_nothing_and_says_which_line(app):
    client = coordinator_client(app)
    answer = import_csv(client, organisations_csv(5, bad_line=4))
    assert answer.status_code == 422 and "Ligne 4" in answer.get_data(as_text=True)
    assert organisation_count() == 0


def test_an_over_long_sector_or_a_nul_is_a_clear_refusal_not_a_500(app):
    client = coordinator_client(app)
    answer = import_csv(client, b"nom;type;secteur\nOrganisme;OBNL;" + b"s" * 200 + b"\n")
    assert answer.status_code == 422 and "trop longue" in answer.get_data(as_text=True)
    assert import_csv(client, b"nom;type\nOrga\x00nisme;OBNL\n").status_code == 200
    assert organisation_count() == 1
    huge = import_csv(client, b"nom;type\n" + b"x;OBNL\n" * 1_600_000)
    assert huge.status_code == 422 and "Mo" in huge.get_data(as_text=True)


def test_50000_rows_are_imported_in_one_go_or_not_at_all(app):
    import time

    client = coordinator_client(app)
    refused = import_csv(client, organisations_csv(50_000, bad_line=50_001))
    assert refused.status_code == 422 and organisation_count() == 0
    started = time.perf_counter()
    assert import_csv(client, organisations_csv(50_000)).status_code == 303  # a short answer, then the list
    assert organisation_count() == 50_000
    assert time.perf_counter() - started < 60  # one commit, not 50,000


def test_a_json_import_nested_100000_deep_or_with_a_duplicated_key_is_refused_with_a_message(app, facilitator_client):
    from tests.conftest import make_workshop, open_first_activity

    deep = b"[" * 100_000 + b"]" * 100_000
    answer = facilitator_client.post("/workshops/import", data={"file": (io.BytesIO(deep), "w.json")},
                                     content_type="multipart/form-data")
    assert answer.status_code == 400 and "rien" in answer.get_data(as_text=True).lower()
    from workshop.accounts.models import User

    owner = db.session.query(User).first()
    workshop = make_workshop(owner)
    phone = app.test_client()
    join(phone, workshop)
    open_first_activity(workshop)
    send(phone, workshop, "Première idée", key="k-dup-00001")
    send(phone, workshop, "Deuxième idée", key="k-dup-00002")
    document = facilitator_client.get(f"/w/{workshop.id}/export/workshop.json").get_json()
    document["ideas"][1]["submission_key"] = document["ideas"][0]["submission_key"]
    import json

    answer = facilitator_client.post("/workshops/import", data={
        "file": (io.BytesIO(json.dumps(document).encode()), "w.json")}, content_type="multipart/form-data")
    assert answer.status_code == 400 and "submission_key" in answer.get_data(as_text=True)


def test_a_private_page_opened_by_the_remember_cookie_alone_is_kept_out_of_caches(app, workshop, facilitator):
    """The session cookie gone (the browser closed), the remember-me cookie signs
    the facilitator in again: the control page is still never cached."""
    from tests.conftest import PASSWORD

    browser = app.test_client()
    browser.post("/login", data={"email": "facilitator@example.org", "password": PASSWORD, "remember": "y"})
    browser.delete_cookie("session", domain="workshop.test")
    control = browser.get(f"/w/{workshop.id}/control")
    assert control.status_code == 200
    assert control.headers["Cache-Control"] == "no-store"
    phone = app.test_client()
    page = phone.get(f"/j/{workshop.join_code}")
    assert page.status_code == 200 and page.headers.get("Cache-Control") != "no-store"


def test_a_phone_s_idea_loads_no_account_while_facilitator_pages_still_know_theirs(app, workshop, facilitator_client,
                                                                                   monkeypatch):
    """Templates read `current_user` only when they ask: a phone's idea (its
    answer, and its card rendered for each room) never loads a user."""
    from tests.conftest import join, open_first_activity
    from workshop.extensions import login_manager

    open_first_activity(workshop)
    phone = app.test_client()
    join(phone, workshop)
    loads = []
    load_user = login_manager._load_user
    monkeypatch.setattr(login_manager, "_load_user", lambda: loads.append(1) or load_user())
    sent = phone.post(f"/j/{workshop.join_code}/ideas", data={"text": "Un guichet unique", "key": "k-000000001"})
    assert sent.status_code == 200 and "Un guichet unique" in sent.get_data(as_text=True)
    assert loads == []
    control = facilitator_client.get("/").get_data(as_text=True)
    assert "Sign out" in control or "Se déconnecter" in control
