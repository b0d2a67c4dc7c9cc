"""Fixtures: an app on SQLite and on PostgreSQL (schema from the migrations),
clients, and small helpers to sign in, create a workshop and join it."""

from __future__ import annotations

import contextlib
import csv
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.live_server import POSTGRES_URL, postgres_reachable, with_search_path

# The instance folder (secret key, SQLite file) of the test run, set before any app exists.
os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="workshop-tests-"))

REQUIRE_SERVICES = os.environ.get("WORKSHOP_REQUIRE_SERVICES") == "1"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "a long enough password"


def missing_service(reason: str):
    """Skip on a laptop without the service; fail in CI, which must run everything."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CI sets WORKSHOP_REQUIRE_SERVICES=1: this test must run)")
    pytest.skip(reason)


CCC_PROPOSALS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ccc_proposals.csv"


def ccc_proposals() -> list[dict]:
    """The public ccc proposals (../shared/data/ccc_proposals.csv): theme, objective, text."""
    if not CCC_PROPOSALS.exists():
        missing_service(f"the realistic ideas are missing: {CCC_PROPOSALS} (../shared/data/ccc_proposals.csv)")
    with CCC_PROPOSALS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def base_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SOCKETIO_MESSAGE_QUEUE": None,
        "SOCKETIO_ASYNC_HANDLERS": False,
        "GROUPING_INLINE": True,  # the server runs it in the background
        "FEATURES_ON_ARRIVAL": False,  # tests/test_themes.py turns it on where it is the subject
        "FEATURES_WAIT_AT_PRESS": 0,  # no features worker runs beside the tests
        "RESULTS_PUSH_INTERVAL": 0,  # the server coalesces result pushes
        "BURST_RATE": 0,  # the server holds a burst's ideas a moment (tests/test_live.py turns it on)
        "SERVER_NAME": "workshop.test",
    }


def migrate(app) -> None:
    from flask_migrate import upgrade

    from workshop.extensions import db

    with app.app_context():
        upgrade()
        # Closing every connection checkpoints SQLite's WAL into the file we copy.
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    migrate(new_app(base_config(f"sqlite:///{path}")))
    return path


@pytest.fixture(scope="session")
def postgres_migrated():
    """A schema of its own for this test run, so that runs in parallel (CI,
    a colleague, a helper) never see each other's tables; dropped at the end."""
    if not postgres_reachable():
        missing_service(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    import secrets

    import sqlalchemy as sa

    schema = f"test_{secrets.token_hex(4)}"
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = with_search_path(POSTGRES_URL, schema)
    migrate(new_app(base_config(url)))
    yield url
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def empty_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'alembic_version'"
        )).scalars().all()
        if tables:
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, sqlite_template):
    if request.param == "sqlite":
        path = tmp_path / "workshop.sqlite"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_migrated")
    empty_postgres(url)
    return url


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production. Without this,
    requests reuse the test's pushed context and share `g` (and with it the
    signed-in user) across clients."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def new_app(config: dict):
    from workshop import create_app

    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@contextlib.contextmanager
def app_on(database_url: str):
    """The tests' app on a database, in its context; its connections closed afterwards
    (a server or the next test may use the same database)."""
    from workshop.extensions import db

    app = new_app(base_config(database_url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@contextlib.contextmanager
def sql_statements():
    """The SQL statements the app's engine runs while the block runs (their
    text, in order): for the tests that pin how many a request costs."""
    from sqlalchemy import event

    from workshop.extensions import db

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def app(database_url):
    with app_on(database_url) as app:
        yield app


@pytest.fixture
def limited_app(app, database_url):
    """The same database, with rate limits on (they are off elsewhere in tests)."""
    return new_app({**base_config(database_url), "RATELIMIT_ENABLED": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- helpers ----------------------------------------------------------------

def make_user(email="facilitator@example.org", role="facilitator", name="Camille"):
    from workshop.accounts.logic import create_user

    return create_user(email, name, PASSWORD, role=role)


def sign_in(client, email="facilitator@example.org"):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.data
    return response


def make_workshop(owner, prompts=("How could our region welcome international students into work?",),
                  groups=("Étudiant·e international·e", "Employeur / entreprise", "Recherche"),
                  language="fr", title="Atelier de co-création"):
    from workshop.workshops.logic import create_workshop

    return create_workshop(owner, title, language, list(groups), list(prompts))


def open_first_activity(workshop):
    from workshop.workshops.logic import open_activity

    open_activity(workshop, workshop.activities[0])
    return workshop.activities[0]


def join(client, workshop, nickname="Alex", group_index=0):
    group = workshop.groups[group_index].id if workshop.groups else None
    response = client.post(f"/j/{workshop.join_code}", data={"nickname": nickname, "group": group})
    assert is_phone_page(response, workshop), response.data
    return response


def round_on_screen(workshop, people, kind="approval"):
    """The first question's 60 ideas, from `people` in turn, closed and put to a
    round (approval by default; top 8) that is opened: a vote on screen; returns the round."""
    from workshop.ideas import logic as ideas
    from workshop.voting import logic as voting
    from workshop.workshops.logic import close_activity, open_activity

    question = open_first_activity(workshop)
    for n in range(60):
        ideas.submit_idea(people[n % len(people)], question, f"Idée numéro {n} pour l'accueil", f"key-{n:08d}")
    close_activity(workshop, question)
    round_ = voting.create_round(workshop, "Priorités", kind, voting.candidates(workshop, "ideas"), top_k=8)
    open_activity(workshop, round_.activity)
    return round_


def ideas_from_one_phone(workshop, texts):
    """The first question opened and the ideas sent to it by one participant; returns the activity."""
    from workshop.extensions import db
    from workshop.ideas import logic as ideas
    from workshop.participants.models import Participant

    activity = open_first_activity(workshop)
    author = Participant(workshop_id=workshop.id, nickname="A", group_id=workshop.groups[0].id)
    db.session.add(author)
    db.session.commit()
    for n, text in enumerate(texts):
        ideas.submit_idea(author, activity, text, f"key-{n:08d}")
    return activity


def added_activity(facilitator_client, workshop, path, form, model):
    """The facilitator adds an activity with the control view's form (POST /w/<id>/<path>);
    returns the newest row of model, the activity's own record."""
    from workshop.extensions import db

    response = facilitator_client.post(f"/w/{workshop.id}/{path}", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    return db.session.scalars(db.select(model).order_by(model.id.desc())).first()


def opened(facilitator_client, workshop, added):
    """The facilitator opens an added activity with its agenda button."""
    from workshop.extensions import db

    response = facilitator_client.post(f"/w/{workshop.id}/activities/{added.activity_id}/open")
    db.session.expire_all()
    return response


def without_form_token(page: str) -> str:
    """A page's text with its CSRF token put as TOKEN wherever it appears (the form's field,
    htmx's headers): the token is signed with the second it was made, so two pages made a
    second apart differ there and nowhere else."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return page.replace(token.group(1), "TOKEN") if token else page


def is_phone_page(response, workshop) -> bool:
    """A join answers with the phone page itself (no redirect to it), which
    names its own address for the history."""
    return (response.status_code == 200
            and f'data-phone-url="/j/{workshop.join_code}/phone"' in response.get_data(as_text=True))


def joined_phones(app, workshop, count, prefix="P"):
    """count phones joined to the workshop, their groups taken in turn."""
    clients = []
    for n in range(count):
        client = app.test_client()
        join(client, workshop, nickname=f"{prefix}{n}", group_index=n % len(workshop.groups))
        clients.append(client)
    return clients


@pytest.fixture
def facilitator(app):
    return make_user()


@pytest.fixture
def workshop(facilitator):
    return make_workshop(facilitator)


@pytest.fixture
def facilitator_client(app, facilitator):
    client = app.test_client()
    sign_in(client)
    return client


@pytest.fixture
def coordinator(client):
    """The test's own client, signed in as a coordinator (the jumelage tests)."""
    make_user("coord@example.org", role="coordinator")
    sign_in(client, "coord@example.org")
    return client


@pytest.fixture
def program(app):
    """A jumelage program, open to sign-ups."""
    from workshop.jumelage import logic

    return logic.create_program("Jumelage interculturel automne 2027")


@pytest.fixture
def outsiders(app, workshop):
    """Anonymous, a participant of this workshop, and a facilitator of another one."""
    anonymous = app.test_client()
    participant = app.test_client()
    join(participant, workshop)
    other = app.test_client()
    make_user("other@example.org")
    sign_in(other, "other@example.org")
    return {"anonymous": anonymous, "participant": participant, "other facilitator": other}


@pytest.fixture
def coordinator_client(app):
    """A coordinator (weeks after the session), signed in."""
    make_user("coordination@example.org", role="coordinator")
    client = app.test_client()
    sign_in(client, "coordination@example.org")
    return client


@pytest.fixture
def server(tmp_path):
    """A real gevent server (websockets) on a migrated SQLite database with a
    facilitator account, for the browser tests."""
    from tests.live_server import ServerProcess, prepare_database

    running = ServerProcess(prepare_database(tmp_path)).start()
    yield running
    running.stop()


@pytest.fixture
def server_app(server):
    """The app on the browser tests' server's database, to fill a workshop before a screen loads."""
    with app_on(server.env["DATABASE_URL"]) as app:
        yield app


@pytest.fixture
def phone(app, workshop):
    """A participant's phone that has joined the workshop."""
    client = app.test_client()
    join(client, workshop)
    return client


@pytest.fixture
def ideas_sent(workshop, phone):
    """The first question's ideas sent by a phone, then the question closed
    (tests/test_voting.py and tests/test_ballot_exactness.py vote on them)."""
    from workshop.workshops.logic import close_activity

    activity = open_first_activity(workshop)
    for n, text in enumerate(["Jumelage", "Logement", "Français"]):
        phone.post(f"/j/{workshop.join_code}/ideas", data={"text": text, "key": f"key-{n:08d}"})
    close_activity(workshop, activity)
    return activity


@pytest.fixture
def orphan(workshop):
    """A project not retained, offered to partners (the orphans tests)."""
    from workshop.extensions import db
    from workshop.voting.models import Project

    project = Project(workshop_id=workshop.id, title="Une foire de l'emploi bilingue", status="orphan_candidate")
    db.session.add(project)
    db.session.commit()
    return project


# --- real browser -------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    import shutil
    from pathlib import Path

    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        missing_service(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # Waits end as soon as what they wait for is there: a longer bound only
    # spares a slow or busy machine (CI's, two test processes on two cores) a
    # false failure. The tests' own waits say 10-20 s for the same reason.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            # No background networking: this machine reaches no outside host.
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield launched
        launched.close()
