"""The CPU an idea's send costs the app itself, in one process, without a network.

    .venv/bin/python benchmarks/send_cost.py
    .venv/bin/python benchmarks/send_cost.py --ideas 5000 --repeat 5
    .venv/bin/python benchmarks/send_cost.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

`benchmarks/load.py` measures the real server against the floor, but on a shared
2-core machine one run's CPU per idea differed from the next one's by up to a
quarter (the floor itself: 0.92 to 1.61 s per 1,000 ideas within an hour), more
than any single change to the send path is worth. This measures what the app's
code costs, with nothing else in the process: the same sends through Flask's test
client (CSRF checked, rate limits counted, a projector and a control view
watching through Socket.IO's test client, so each idea is rendered and emitted
once per room), in batches, alternating with the parts of a send measured alone.
Process CPU time: another program on the machine changes it less than it
changes the load benchmark's, but a busy machine still moves the whole send by
up to a fifth; the parts timed alone move less. The batches give a median and
a range.

Prints, in ms of CPU per idea: the whole send; the request alone (a context with
the phone's cookie, no view); the participant's lookup (`current_by_code`, the
one query before the insert); the same statement's rows read without the ORM
(what a lookup outside the ORM would cost: the difference is the most that such
a rewrite could save); and an idea's card rendered once for the projector and
once for the control view (with its moderation tools).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import base_config, make_user, make_workshop, migrate, new_app, open_first_activity, sign_in  # noqa: E402
from tests.live_server import CSRF_HEADER, scratch_schema  # noqa: E402

PARTS = ("whole send", "request alone", "participant lookup", "lookup statement without the ORM",
         "projector card", "control card")


def build(database_url: str, phones: int):
    """The app with one workshop whose first question is open, `phones` phones
    joined (each with its form token) and the big screens watching."""
    from workshop.extensions import db, socketio

    app = new_app({**base_config(database_url), "TESTING": False, "BURST_RATE": 0,
                   "RATELIMIT_ENABLED": True, "IDEA_LIMIT": "1000000 per minute",
                   "IDEAS_PER_ADDRESS_LIMIT": "10000000 per minute", "JOIN_LIMIT": "100000 per minute"})
    migrate(app)
    with app.app_context():
        owner = make_user()
        workshop = make_workshop(owner)
        open_first_activity(workshop)
        code, workshop_id, group = workshop.join_code, workshop.id, workshop.groups[0].id
        db.session.remove()
    facilitator = app.test_client()
    sign_in(facilitator)
    screens = []
    for audience in ("projector", "control"):
        with app.app_context():
            screen = socketio.test_client(app, flask_test_client=facilitator)
            screen.emit("watch", {"workshop": workshop_id, "audience": audience, "lang": "fr"}, callback=True)
        screens.append(screen)
    clients = []
    for n in range(phones):
        phone = app.test_client()
        page = phone.post(f"/j/{code}", data={"nickname": f"Téléphone {n}", "group": group}, follow_redirects=True)
        token = CSRF_HEADER.search(page.get_data(as_text=True))
        clients.append((phone, token.group(1)))
    app.config["WTF_CSRF_ENABLED"] = True  # the sends are checked as on a real server
    return app, code, workshop_id, clients, screens


def timed(run, count: int) -> float:
    """ms of process CPU per call of run(n), n in 0..count-1."""
    start = time.process_time()
    for n in range(count):
        run(n)
    return (time.process_time() - start) / count * 1000


def measure(database_url: str, phones: int, ideas: int, repeat: int) -> dict[str, list[float]]:
    from flask import session

    from workshop.extensions import db
    from workshop.ideas import pushes
    from workshop.ideas.models import Idea
    from workshop.participants import logic as participants
    from workshop.participants.models import Participant
    from workshop.workshops.logic import normalise_join_code

    app, code, workshop_id, clients, screens = build(database_url, phones)
    sent = 0

    def send(n: int) -> None:
        nonlocal sent
        phone, token = clients[n % len(clients)]
        answer = phone.post(f"/j/{code}/ideas", headers={"X-CSRFToken": token, "HX-Request": "true"},
                            data={"text": f"Une navette du cégep vers l'épicerie, idée {sent}", "key": f"k{sent:012d}"})
        if answer.status_code != 200:
            raise SystemExit(f"send refused: {answer.status_code} {answer.get_data(as_text=True)[:200]}")
        sent += 1

    send(0)  # one idea for the cards, and every cache warm

    with app.app_context():
        people = db.session.scalars(db.select(Participant.id).order_by(Participant.id)).all()

    @contextmanager
    def phone_request(n: int):
        """A request of the n-th phone's (its cookie says who it is), its session closed after."""
        with app.test_request_context(f"/j/{code}/ideas", method="POST"):
            session[participants.SESSION_KEY] = {str(workshop_id): people[n % len(people)]}
            yield people[n % len(people)]
            db.session.remove()

    def request_alone(n: int) -> None:
        with phone_request(n):
            pass

    def lookup(n: int) -> None:
        with phone_request(n):
            assert participants.current_by_code(code) is not None

    statement = participants._by_code(False)  # noqa: SLF001 - the very statement, read another way

    def lookup_rows(n: int) -> None:
        with phone_request(n) as person:
            rows = db.session.connection().execute(statement, {"ids": person, "code": normalise_join_code(code)})
            assert rows.first() is not None

    def card_cost(audience: str, count: int) -> float:
        """An idea's card for one screen, rendered `count` times with all it shows loaded
        (as the send has it: nothing is read from the database while rendering)."""
        with app.test_request_context("/"):
            idea = db.session.scalars(db.select(Idea).order_by(Idea.id.desc()).limit(1)).one()
            pushes.idea_card(idea, audience)  # loads what the card reads, once
            return timed(lambda _n: pushes.idea_card(idea, audience), count)

    runs: dict[str, list[float]] = {part: [] for part in PARTS}
    for _ in range(repeat):
        runs["whole send"].append(timed(send, ideas))
        for screen in screens:  # read, so that it does not pile up; and each idea must have come
            pushed = sum(len(message["args"][0]["swaps"]) for message in screen.get_received()
                         if message["name"] == "swap")
            if pushed < ideas:
                raise SystemExit(f"a screen was pushed {pushed} cards for {ideas} ideas sent")
        runs["request alone"].append(timed(request_alone, ideas))
        runs["participant lookup"].append(timed(lookup, ideas))
        runs["lookup statement without the ORM"].append(timed(lookup_rows, ideas))
        runs["projector card"].append(card_cost("projector", min(ideas, 1000)))
        runs["control card"].append(card_cost("control", min(ideas, 1000)))
    with app.app_context():
        stored = db.session.scalar(db.select(db.func.count(Idea.id)))
    if stored != sent:
        raise SystemExit(f"{sent} ideas sent, {stored} stored")
    runs["stored"] = [stored]
    return runs


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--ideas", type=int, default=2000, help="sends per batch")
    parser.add_argument("--repeat", type=int, default=3, help="batches (the median and range are printed)")
    parser.add_argument("--database-url", default=None, help="PostgreSQL (a scratch schema); default SQLite")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        if args.database_url:
            with scratch_schema(args.database_url, prefix="send_cost") as url:
                runs = measure(url, args.phones, args.ideas, args.repeat)
            database = "PostgreSQL"
        else:
            runs = measure(f"sqlite:///{Path(folder) / 'send_cost.sqlite'}", args.phones, args.ideas, args.repeat)
            database = "SQLite"
    print(f"{database}, {args.phones} phones, {args.repeat} batches of {args.ideas} ideas; "
          "CSRF and rate limits on, a projector and a control view watching")
    print(f"{int(runs['stored'][0]):,} ideas sent and stored, each pushed to both screens")
    print("| part | ms of CPU per idea, median | range |")
    print("|---|---|---|")
    for part in PARTS:
        values = runs[part]
        print(f"| {part} | {statistics.median(values):.3f} | {min(values):.3f}–{max(values):.3f} |")


if __name__ == "__main__":
    main()
