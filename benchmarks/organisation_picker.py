"""The organisation picker's cost per keystroke: SQL statements and time per
search, at 40 and 2,000 organisations (or the sizes given), on SQLite or PostgreSQL.

    .venv/bin/python benchmarks/organisation_picker.py
    .venv/bin/python benchmarks/organisation_picker.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/organisation_picker.py --sizes 40 2000 50000

A fresh migrated database per size (SQLite in a temporary directory, or a
PostgreSQL schema of its own, dropped afterwards); invented organisations,
some with accents and punctuation. A signed-in coordinator types "cégep de j"
one key at a time into the offer form's picker (`/orphans/organisations/pick`),
as htmx asks for its choices; each search is repeated. Prints, per size: the
statements of one search (the search's own, and the whole route's), the median
and p95 time of one search through the route, and the same for the search
alone (`logic.picked_organisations`).
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from tests.conftest import base_config, make_user, migrate, new_app, sign_in  # noqa: E402
from tests.live_server import with_search_path  # noqa: E402

TYPED = "cégep de j"
REPEATS = 20
KINDS = ("Centre", "Coopérative", "Cégep", "Association", "Comité", "Société", "Carrefour", "Fondation")
PLACES = ("Jonquière", "Chicoutimi", "Alma", "Dolbeau-Mistassini", "Roberval", "Saint-Félicien", "La Baie",
          "L'Anse-Saint-Jean")


def invented_names(count: int) -> list[str]:
    return [f"{KINDS[n % len(KINDS)]} de {PLACES[(n // len(KINDS)) % len(PLACES)]} n° {n:05d}" for n in range(count)]


def measure(database_url: str, size: int) -> dict:
    from workshop.extensions import db
    from workshop.orphans import logic
    from workshop.orphans.models import Organisation

    app = new_app({**base_config(database_url), "TESTING": False})
    migrate(app)
    with app.app_context():
        db.session.execute(sa.insert(Organisation), [
            {"name": name, "kind": "community", "sector": "", "territory": "", "contact_name": "",
             "contact_email": "", "mission": "", "interests": "", "archived": False}
            for name in invented_names(size)])
        db.session.commit()
        make_user("coordination@example.org", role="coordinator")
        client = app.test_client()
        sign_in(client, "coordination@example.org")

        statements: list[str] = []

        def count(*_args):
            statements.append(_args[2])

        searches = [TYPED[:n] for n in range(1, len(TYPED) + 1)]
        found = {}
        for search in searches:  # once, unmeasured: the first search of a process folds names into a cache
            found[search] = logic.picked_organisations(search).total
        sa.event.listen(db.engine, "before_cursor_execute", count)
        logic.picked_organisations(TYPED)
        alone = len(statements)
        statements.clear()
        client.get("/orphans/organisations/pick", query_string={"field": "organisation", "org_q": TYPED})
        through_route = len(statements)
        sa.event.remove(db.engine, "before_cursor_execute", count)

        route, direct = [], []
        for _ in range(REPEATS):
            for search in searches:
                started = time.perf_counter()
                answer = client.get("/orphans/organisations/pick", query_string={"field": "organisation",
                                                                                "org_q": search})
                route.append(time.perf_counter() - started)
                assert answer.status_code == 200
                started = time.perf_counter()
                logic.picked_organisations(search)
                direct.append(time.perf_counter() - started)
        db.session.remove()
        db.engine.dispose()
    return {"statements": alone, "route_statements": through_route, "route": route, "direct": direct, "found": found[TYPED], "first": found[TYPED[:1]]}


def milliseconds(times: list[float]) -> str:
    ordered = sorted(times)
    return f"{statistics.median(ordered) * 1000:.2f} / {ordered[int(len(ordered) * 0.95)] * 1000:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a PostgreSQL URL (a schema of its own is made); SQLite otherwise")
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 2000])
    arguments = parser.parse_args()
    print(f"typed one key at a time: {TYPED!r}, {REPEATS} times")
    print("organisations | statements: search / route | route p50 / p95 ms | search alone p50 / p95 ms | found")
    for size in arguments.sizes:
        if arguments.database_url:
            schema = f"bench_{secrets.token_hex(4)}"
            engine = sa.create_engine(arguments.database_url)
            with engine.begin() as connection:
                connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
            try:
                figures = measure(with_search_path(arguments.database_url, schema), size)
            finally:
                with engine.begin() as connection:
                    connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
                engine.dispose()
        else:
            with tempfile.TemporaryDirectory() as directory:
                figures = measure(f"sqlite:///{directory}/picker.sqlite", size)
        print(f"{size:>13,} | {figures['statements']:>15} / {figures['route_statements']:<5} | {milliseconds(figures['route']):>18} | "
              f"{milliseconds(figures['direct']):>25} | {figures['found']} ('{TYPED}'), {figures['first']} ('c')")


if __name__ == "__main__":
    main()
