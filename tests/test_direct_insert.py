"""What a phone sends is stored with one INSERT ... RETURNING, outside the
unit of work (workshop/database.py, insert_directly): on the hot path the
flush cost more than the INSERT. The row must come out exactly as the unit
of work would have stored it, and rows it cannot store go the usual way."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.conftest import joined_phones, open_first_activity, sql_statements
from workshop.database import insert_directly
from workshop.extensions import db
from workshop.ideas.models import Idea
from workshop.participants.models import Participant

PHONES = 40
IDEAS = 60


@pytest.fixture
def asked(app, workshop):
    """The first question opened, and one participant who writes to it."""
    question = open_first_activity(workshop)
    author = Participant(workshop_id=workshop.id, nickname="A", group_id=workshop.groups[0].id)
    db.session.add(author)
    db.session.commit()
    return question, author


def send(phone, workshop, n):
    return phone.post(f"/j/{workshop.join_code}/ideas",
                      data={"text": f"Idée {n} : un café de jumelage", "key": f"key-{n:08d}"})


class Counted:
    """Flushes and SQL statements (their first word) while a block runs."""

    def __enter__(self):
        self.flushes = 0
        event.listen(Session, "before_flush", self._flush)
        self._sql = sql_statements()
        self._statements = self._sql.__enter__()
        return self

    def __exit__(self, *exc):
        event.remove(Session, "before_flush", self._flush)
        self._sql.__exit__(*exc)

    @property
    def statements(self) -> list[str]:
        return [statement.split()[0].upper() for statement in self._statements]

    def _flush(self, *_args):
        self.flushes += 1


def test_an_idea_in_a_full_room_is_one_insert_and_no_flush(app, workshop):
    open_first_activity(workshop)
    phones = joined_phones(app, workshop, PHONES)
    for n in range(IDEAS - 1):
        assert send(phones[n % PHONES], workshop, n).status_code == 200

    with Counted() as counted:
        answer = send(phones[7], workshop, IDEAS - 1)

    assert answer.status_code == 200
    assert f"Idée {IDEAS - 1}" in answer.get_data(as_text=True)  # the phone's own card
    assert counted.flushes == 0
    assert counted.statements.count("INSERT") == 1
    # The card rendered for every screen reads nothing back: the participant's
    # lookup and the insert are all there is.
    assert len(counted.statements) <= 2, counted.statements


def test_the_row_holds_what_the_unit_of_work_would_have_stored(app, workshop):
    open_first_activity(workshop)
    phones = joined_phones(app, workshop, PHONES)
    for n in range(IDEAS):
        send(phones[n % PHONES], workshop, n)
    db.session.expire_all()
    ideas = db.session.scalars(select(Idea).order_by(Idea.id)).all()
    assert len(ideas) == IDEAS
    last = ideas[-1]
    assert last.text == last.original_text == f"Idée {IDEAS - 1} : un café de jumelage"
    assert last.hidden is False and last.theme_position == 0
    assert last.merged_into_id is None and last.theme_id is None
    assert last.created_at is not None and last.submission_key == f"key-{IDEAS - 1:08d}"
    assert last.participant.nickname == f"P{(IDEAS - 1) % PHONES}"


def test_the_stored_row_is_loaded_and_unchanged(app, workshop, asked):
    question, author = asked
    idea = Idea(activity=question, participant=author, submission_key="key-00000001", text="Un jardin",
                original_text="Un jardin", merged=[])

    assert insert_directly(idea)

    with Counted() as counted:
        seen = (idea.id, idea.hidden, idea.theme_position, idea.created_at, idea.participant,
                idea.participant_id, idea.activity_id)
    assert counted.statements == []  # every column came back with the insert
    assert seen[0] is not None and seen[1:3] == (False, 0) and seen[3] is not None and seen[4] is author
    assert seen[5:] == (author.id, question.id)  # the foreign keys its relations gave
    assert idea in db.session and not db.session.dirty and not db.session.new


def test_rows_the_unit_of_work_must_store_are_left_to_it(app, workshop, asked):
    question, author = asked

    def idea(key, **more):
        return Idea(activity=question, submission_key=key, text="x", original_text="x", **more)

    with_new_child = idea("key-00000002", participant=author, merged=[idea("key-00000003", participant=author)])
    new_author = idea("key-00000004", participant=Participant(workshop_id=workshop.id, nickname="B"))
    already_added = idea("key-00000005", participant=author)
    db.session.add(already_added)

    with Counted() as counted:
        assert not insert_directly(with_new_child)
        assert not insert_directly(new_author)
        assert not insert_directly(already_added)
    assert counted.statements == []
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(Idea.id))) == 0


def test_a_model_with_insert_events_is_left_to_the_unit_of_work(app, workshop, asked):
    question, author = asked
    seen = []

    def stamp(_mapper, _connection, idea):
        seen.append(idea.text)

    event.listen(Idea, "before_insert", stamp)
    try:
        idea = Idea(activity=question, participant=author, submission_key="key-00000009", text="Un banc",
                    original_text="Un banc", merged=[])
        assert not insert_directly(idea)
        db.session.add(idea)
        db.session.commit()
    finally:
        event.remove(Idea, "before_insert", stamp)
    assert seen == ["Un banc"]


def test_none_on_a_column_with_a_default_lets_the_default_fill_it_as_the_flush_does(app, workshop, asked):
    question, author = asked
    idea = Idea(activity=question, participant=author, submission_key="key-00000011", text="Un four",
                original_text="Un four", merged=[], hidden=None, theme_position=None)

    assert insert_directly(idea)
    db.session.commit()
    db.session.expire_all()
    assert (idea.hidden, idea.theme_position) == (False, 0)


def test_a_failure_after_the_insert_leaves_no_ghost_row_in_the_session(app, workshop, asked):
    from sqlalchemy.exc import IntegrityError

    from workshop.ideas import logic

    question, author = asked
    stored = []

    def make(key):
        stored.append(Idea(activity=question, participant=author, submission_key=key, text="Un puits",
                           original_text="Un puits", merged=[]))
        return stored[-1]

    def fails(_row):
        raise IntegrityError("INSERT", {}, Exception("a later row broke a constraint"))

    with pytest.raises(IntegrityError):
        logic.stored_once(Idea, author, "key-00000012", make, then=fails)
    assert stored[0] not in db.session  # not left persistent with no row behind it
    assert db.session.scalar(select(db.func.count(Idea.id))) == 0


def test_with_the_screens_watching_an_idea_still_reads_nothing_back(app, workshop, facilitator_client):
    """The control card names the author's group and offers the themes to move
    the idea to: both come with the participant's lookup, not a lazy query each
    (on PostgreSQL, a round trip each, for every idea of the room)."""
    from tests.test_live import swaps, watching_screens
    from workshop.themes.logic import split
    from workshop.workshops.models import Activity

    open_first_activity(workshop)
    phones = joined_phones(app, workshop, PHONES)
    projector, control, _phones_room = watching_screens(app, facilitator_client, phones[0], workshop)
    for n in range(IDEAS - 1):
        assert send(phones[n % PHONES], workshop, n).status_code == 200
    control.get_received()

    with Counted() as counted:
        assert send(phones[7], workshop, IDEAS - 1).status_code == 200
    assert len(counted.statements) <= 2, counted.statements
    card = [swap["html"] for swap in swaps(control) if swap["id"] == f"idea-{_newest_id()}"][0]
    assert workshop.groups[7 % len(workshop.groups)].name in card
    assert "move-select" not in card  # no themes yet: nothing to move to

    # Once themes exist, the next card offers them: the lookup must not say "none".
    question = db.session.get(Activity, workshop.activities[0].id)
    split(question, [db.session.scalars(select(Idea).order_by(Idea.id)).first()], "Logement à l'arrivée")
    db.session.expire_all()
    assert send(phones[8], workshop, IDEAS).status_code == 200
    card = [swap["html"] for swap in swaps(control) if swap["id"] == f"idea-{_newest_id()}"][0]
    assert "Logement à l&#39;arrivée" in card and "move-select" in card


def _newest_id() -> int:
    return db.session.scalars(select(Idea.id).order_by(Idea.id.desc())).first()
