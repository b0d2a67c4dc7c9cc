"""Grouping an activity's ideas into themes, with the facilitator in control."""

import pytest
from markupsafe import escape

from tests.conftest import ideas_from_one_phone, open_first_activity
from tests.test_live import swaps, watcher
from workshop.extensions import db
from workshop.ideas import logic as ideas
from workshop.ideas.models import Idea
from workshop.participants.models import Participant
from workshop.themes import logic
from workshop.themes.models import Theme

IDEAS = [
    "Jumelage entre étudiants internationaux et employeurs de la région",
    "Programme de jumelage étudiant-employeur dès la première session",
    "Mentorat par des employeurs pour les étudiants étrangers",
    "Logement abordable près du campus pour les nouveaux arrivants",
    "Aide à la recherche de logement à l'arrivée à Saguenay",
    "Résidences étudiantes et logement temporaire à prix réduit",
    "Cours de français adaptés au milieu de travail",
    "Ateliers de conversation en français avec des bénévoles",
]


@pytest.fixture
def activity_with_ideas(workshop):
    return ideas_from_one_phone(workshop, IDEAS)


def group_url(workshop, activity, action="group"):
    return f"/w/{workshop.id}/activities/{activity.id}/{action}"


def test_grouping_puts_every_visible_idea_in_one_theme(facilitator_client, workshop, activity_with_ideas):
    hidden = db.session.query(Idea).first()
    ideas.hide(hidden)
    response = facilitator_client.post(group_url(workshop, activity_with_ideas), data={"k": "3"})
    assert response.status_code == 200
    db.session.expire_all()
    themes = db.session.query(Theme).all()
    assert len(themes) == 3 and all(t.label for t in themes)
    visible = [i for i in db.session.query(Idea) if not i.hidden]
    assert all(i.theme_id is not None for i in visible)
    assert db.session.get(Idea, hidden.id).theme_id is None
    assert activity_with_ideas.grouping_started_at is None
    page = response.get_data(as_text=True)
    # As the page writes them: escaped ("l'arrivée" is l&#39;arrivée), "?" tied to its word.
    assert all(str(escape(t.label)).replace(" ?", "\u202f?") in page for t in themes)


def test_text_features_are_computed_once_and_kept(workshop, activity_with_ideas):
    calls = []

    def counting_vectorise(texts):
        from analysis.clustering import vectorise

        calls.append(len(texts))
        return vectorise(texts)

    wall = ideas.wall(activity_with_ideas)
    logic.ensure_features(wall, compute=counting_vectorise)
    logic.ensure_features(wall, compute=counting_vectorise)
    assert calls == [len(IDEAS)]
    ideas.edit_text(wall[0], "Un tout autre texte")
    logic.ensure_features(wall, compute=counting_vectorise)
    assert calls == [len(IDEAS), 1]  # only the edited idea again


def test_seed_themes_name_the_groups_and_add_other(facilitator_client, workshop, activity_with_ideas):
    facilitator_client.post(group_url(workshop, activity_with_ideas),
                            data={"seed_themes": "Emploi\nLogement\nFrançais"})
    labels = [t.label for t in db.session.query(Theme).order_by(Theme.position)]
    assert labels[:3] == ["Emploi", "Logement", "Français"]
    assert set(labels[3:]) <= {"Autre"}


@pytest.mark.parametrize("data, message", [({"k": "0"}, "de 1 à 30"), ({"k": "abc"}, "de 1 à 30"),
                                           ({"seed_themes": "\n".join("x" * 13)}, "12")])
def test_bad_grouping_options_are_refused_clearly(facilitator_client, workshop, activity_with_ideas, data, message):
    response = facilitator_client.post(group_url(workshop, activity_with_ideas), data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.query(Theme).count() == 0


def test_grouping_an_empty_wall_says_what_to_do(facilitator_client, workshop):
    activity = open_first_activity(workshop)
    response = facilitator_client.post(group_url(workshop, activity))
    assert response.status_code == 422 and "aucune idée" in response.get_data(as_text=True).lower()


def test_a_second_grouping_while_one_runs_is_refused(facilitator_client, workshop, activity_with_ideas):
    logic.start_grouping(activity_with_ideas)
    response = facilitator_client.post(group_url(workshop, activity_with_ideas))
    assert response.status_code == 422 and "déjà" in response.get_data(as_text=True)


def test_a_mark_a_stopped_server_left_does_not_refuse_grouping_for_ever(facilitator_client, workshop,
                                                                        activity_with_ideas):
    from datetime import timedelta

    from workshop.themes import features
    from workshop.workshops.logic import utcnow

    activity_with_ideas.grouping_started_at = utcnow() - features.GROUPING_MARK_LIFE - timedelta(seconds=1)
    db.session.commit()
    response = facilitator_client.post(group_url(workshop, activity_with_ideas), data={"k": "3"})
    assert response.status_code == 200 and db.session.query(Theme).count() == 3


def test_a_grouping_that_fails_before_it_begins_clears_its_mark(monkeypatch, facilitator_client, workshop,
                                                               activity_with_ideas):
    calls = []

    def companions(_activity, _ids):  # the request checks them, then the grouping reads them again
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("the database went away")
        return []

    monkeypatch.setattr(logic, "companions", companions)
    response = facilitator_client.post(group_url(workshop, activity_with_ideas), data={"k": "3"})
    assert response.status_code == 200
    db.session.expire_all()
    assert activity_with_ideas.grouping_started_at is None  # the next press is not refused


def test_the_button_gives_the_features_worker_the_configured_wait(monkeypatch, app, facilitator_client, workshop,
                                                                 activity_with_ideas):
    looks = []
    monkeypatch.setitem(app.config, "FEATURES_WAIT_AT_PRESS", 1.0)
    monkeypatch.setattr(logic, "FEATURES_STALL", 10.0)
    monkeypatch.setattr(logic, "EMBED_AT_PRESS_MAX", 3)
    monkeypatch.setattr(logic, "sleep", looks.append)  # nothing comes: it waits as long as configured
    assert facilitator_client.post(group_url(workshop, activity_with_ideas), data={"k": "3"}).status_code == 200
    assert sum(looks) == 1.0


def test_the_projector_shows_labelled_groups_live(app, facilitator_client, workshop, activity_with_ideas):
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()
    facilitator_client.post(group_url(workshop, activity_with_ideas), data={"k": "2"})
    [stage] = [s for s in swaps(projector) if s["id"] == "stage"]
    labels = [t.label for t in db.session.query(Theme)]
    assert 'class="theme"' in stage["html"] and all(label.split(" ")[0] in stage["html"] for label in labels)


def test_facilitator_renames_moves_merges_and_splits(app, facilitator_client, workshop, activity_with_ideas):
    facilitator_client.post(group_url(workshop, activity_with_ideas), data={"k": "3"})
    first, second, third = (t.id for t in db.session.query(Theme).order_by(Theme.position))
    base = f"/w/{workshop.id}"
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()

    assert facilitator_client.post(f"{base}/themes/{first}/rename", data={"label": "Emploi et stages"}).status_code == 200
    assert "Emploi et stages" in [s for s in swaps(projector) if s["id"] == "stage"][0]["html"]
    assert facilitator_client.post(f"{base}/themes/{first}/rename", data={"label": " "}).status_code == 422

    idea = db.session.query(Idea).filter_by(theme_id=second).first()
    facilitator_client.post(f"{base}/ideas/{idea.id}/move", data={"theme": str(third)})
    facilitator_client.post(f"{base}/ideas/{idea.id}/move", data={"theme": ""})  # back to unsorted
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).theme_id is None

    facilitator_client.post(f"{base}/themes/{second}/merge", data={"into": str(third)})
    db.session.expire_all()
    assert db.session.get(Theme, second) is None
    assert db.session.query(Idea).filter_by(theme_id=second).count() == 0

    chosen = [i.id for i in db.session.query(Idea).filter_by(theme_id=third).limit(2)]
    facilitator_client.post(f"{base}/activities/{activity_with_ideas.id}/split",
                            data={"idea": [str(i) for i in chosen], "label": "Nouveau"})
    new = db.session.query(Theme).filter_by(label="Nouveau").one()
    assert sorted(i.id for i in db.session.query(Idea).filter_by(theme_id=new.id)) == sorted(chosen)
    # A name of spaces is no name: the theme takes the default one, as with none typed.
    facilitator_client.post(f"{base}/activities/{activity_with_ideas.id}/split",
                            data={"idea": [str(chosen[0])], "label": "   "})
    assert db.session.query(Theme).filter_by(label="Nouveau thème").count() == 1
    assert db.session.query(Theme).filter(Theme.label.in_(["", "   "])).count() == 0

    facilitator_client.post(f"{base}/activities/{activity_with_ideas.id}/ungroup")
    assert db.session.query(Theme).count() == 0


def test_a_new_idea_after_grouping_lands_in_the_unsorted_column(app, facilitator_client, phone, workshop,
                                                                 activity_with_ideas):
    facilitator_client.post(group_url(workshop, activity_with_ideas), data={"k": "2"})
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()
    phone.post(f"/j/{workshop.join_code}/ideas", data={"text": "Une idée tardive", "key": "late-key-01"})
    [card] = swaps(projector)
    assert card["parent"] == "#wall"
    stage = facilitator_client.get(f"/w/{workshop.id}/stage/projector").get_data(as_text=True)
    assert 'id="wall"' in stage and "Une idée tardive" in stage


def test_theme_actions_are_refused_to_others(app, workshop, activity_with_ideas, facilitator_client):
    from tests.conftest import join, make_user, sign_in

    facilitator_client.post(group_url(workshop, activity_with_ideas), data={"k": "2"})
    theme = db.session.query(Theme).first()
    idea = db.session.query(Idea).first()
    participant = app.test_client()
    join(participant, workshop)
    other = app.test_client()
    make_user("other@example.org")
    sign_in(other, "other@example.org")
    actions = [
        (group_url(workshop, activity_with_ideas), {}),
        (group_url(workshop, activity_with_ideas, "ungroup"), {}),
        (group_url(workshop, activity_with_ideas, "split"), {"idea": [str(idea.id)]}),
        (f"/w/{workshop.id}/themes/{theme.id}/rename", {"label": "Pirate"}),
        (f"/w/{workshop.id}/themes/{theme.id}/merge", {"into": str(theme.id)}),
        (f"/w/{workshop.id}/ideas/{idea.id}/move", {"theme": ""}),
    ]
    for client in (app.test_client(), participant, other):
        for url, data in actions:
            assert client.post(url, data=data).status_code in (302, 401, 403), url
    db.session.expire_all()
    assert db.session.query(Theme).count() == 2 and db.session.get(Theme, theme.id).label != "Pirate"


# --------------------------------------------------------------------------- features paid as ideas arrive

def test_the_features_worker_computes_what_arrived(app, workshop):
    from analysis.clustering import TextFeatures, embedding_available
    from tests.conftest import join
    from workshop.themes import features

    open_first_activity(workshop)
    phone = app.test_client()
    join(phone, workshop)
    for n, text in enumerate(["Des stages payés en région", "Un guichet unique pour les permis"]):
        assert phone.post(f"/j/{workshop.join_code}/ideas", data={"text": text, "key": f"k-0000000{n}"}).status_code == 200
    assert len(features.waiting()) == 2
    assert features.work_once() == 2
    assert features.waiting() == [] and features.work_once() == 0
    stored = TextFeatures.from_json(db.session.query(Idea).order_by(Idea.id).first().features)
    assert "stag" in " ".join(stored.stems)
    assert (stored.embedding is not None) is embedding_available()


def test_the_features_worker_stops_with_the_server_that_started_it(app, workshop):
    import os
    import time

    from workshop.themes import features

    started = time.monotonic()
    features.work_forever(app, idle_wait=0.01, parent=os.getppid() + 1_000_000)  # not our parent: ends at once
    assert time.monotonic() - started < 30


class Burst:
    """60 ideas of a session arriving 15 at a time from phones, and a clock the worker reads."""

    def __init__(self, workshop):
        from workshop.participants.models import Participant

        self.activity = open_first_activity(workshop)
        self.author = Participant(workshop_id=workshop.id, nickname="A", group_id=workshop.groups[0].id)
        db.session.add(self.author)
        db.session.commit()
        self.sent = 0
        self.now = 0.0

    def send(self, count=15):
        for _ in range(count):
            ideas.submit_idea(self.author, self.activity, f"{IDEAS[self.sent % len(IDEAS)]} ({self.sent})",
                              f"burst-{self.sent:06d}")
            self.sent += 1


def stored_features() -> int:
    db.session.expire_all()
    return db.session.query(Idea).filter(Idea.features.is_not(None)).count()


def test_the_features_worker_stores_what_it_computed_once_the_room_is_calm(workshop):
    from workshop.themes import features

    burst = Burst(workshop)
    worker = features.Worker(clock=lambda: burst.now)
    for _ in range(4):  # ideas keep arriving: computed, held, none written
        burst.send()
        assert worker.step() == 15
        burst.now += 1.0
    assert len(worker.held) == 60 and stored_features() == 0
    assert features.waiting(after=max(worker.held)) == []  # held ideas are not computed twice
    assert worker.step() == 0 and stored_features() == 0  # one second since the last: not yet calm
    burst.now += features.CALM
    assert worker.step() == 0
    assert stored_features() == 60 and worker.held == {}


def test_the_features_worker_writes_in_a_long_burst_all_the_same(monkeypatch, workshop):
    from workshop.themes import features

    monkeypatch.setattr(features, "HOLD_MAX", 40)
    burst = Burst(workshop)
    worker = features.Worker(clock=lambda: burst.now)
    burst.send(45)
    worker.step()  # a batch: 16
    worker.step()  # 32
    assert stored_features() == 0
    worker.step()  # 45 held: past HOLD_MAX, written in the burst
    assert stored_features() == 45 and worker.held == {}
    for _ in range(int(features.HOLD_SECONDS)):  # a steady trickle, never calm for CALM seconds...
        burst.send(1)
        worker.step()
        burst.now += 1.0
    assert stored_features() == 45
    burst.send(1)
    worker.step()  # ...is written once the oldest held has waited HOLD_SECONDS
    assert stored_features() == 45 + int(features.HOLD_SECONDS) + 1


def test_the_features_worker_writes_what_it_holds_when_a_grouping_starts(workshop):
    from datetime import timedelta

    from workshop.themes import features
    from workshop.workshops.logic import utcnow

    burst = Burst(workshop)
    worker = features.Worker(clock=lambda: burst.now)
    burst.send(30)
    worker.step()  # a batch of 16
    burst.activity.grouping_started_at = utcnow() - features.GROUPING_MARK_LIFE - timedelta(seconds=1)
    db.session.commit()
    assert worker.step() == 14  # a mark a stopped server left long ago: still held
    assert len(worker.held) == 30 and stored_features() == 0
    assert not worker.hurried
    burst.activity.grouping_started_at = utcnow()  # "group" pressed mid-burst: it reads the features now
    db.session.commit()
    burst.send(15)
    assert worker.step() == 15
    assert stored_features() == 45 and worker.held == {}
    assert worker.hurried  # no rest between batches while the grouping waits


def test_a_resting_features_worker_wakes_when_a_grouping_starts(workshop):
    """After a slow batch the worker rests three times as long; a grouping
    pressed meanwhile must not wait that rest out (it would give up first)."""
    import time

    from workshop.themes import features
    from workshop.workshops.logic import utcnow

    burst = Burst(workshop)
    started = time.monotonic()
    features.rest(0.3, look=0.05)
    assert time.monotonic() - started >= 0.3  # a calm room: the whole rest
    burst.activity.grouping_started_at = utcnow()
    db.session.commit()
    started = time.monotonic()
    features.rest(60, look=0.05)
    assert time.monotonic() - started < 30  # woken by the grouping, not a minute later


def test_features_held_through_a_failed_write_are_written_at_the_next_try(monkeypatch, workshop):
    from workshop.themes import features

    burst = Burst(workshop)
    worker = features.Worker(clock=lambda: burst.now)
    burst.send()
    worker.step()
    burst.now += features.CALM
    store = features.store

    def locked(computed):
        monkeypatch.setattr(features, "store", store)  # the next try goes through
        raise RuntimeError("database is locked")

    monkeypatch.setattr(features, "store", locked)
    with pytest.raises(RuntimeError):
        worker.step()
    assert len(worker.held) == 15 and stored_features() == 0  # kept, not computed again
    db.session.rollback()
    assert worker.step() == 0 and stored_features() == 15


def test_features_held_for_a_text_edited_meanwhile_are_not_stored(workshop):
    from sqlalchemy import update

    from workshop.themes import features

    burst = Burst(workshop)
    worker = features.Worker(clock=lambda: burst.now)
    burst.send()
    worker.step()
    edited = min(worker.held)
    db.session.execute(update(Idea).where(Idea.id == edited).values(text="Texte corrigé", features=None))
    db.session.commit()
    burst.now += features.CALM
    worker.step()
    assert stored_features() == 14
    assert features.waiting() == [edited]  # to compute again, from the new text


def test_features_of_a_text_edited_meanwhile_are_not_stored(workshop, activity_with_ideas):
    from sqlalchemy import update

    from workshop.themes import features

    idea = db.session.query(Idea).order_by(Idea.id).first()

    def edit_while_computing(fn, texts):
        # The facilitator fixes a typo while the thread computes from the old text.
        db.session.execute(update(Idea).where(Idea.id == idea.id).values(text="Texte corrigé", features=None))
        db.session.commit()
        return fn(texts, embed=False)

    assert features.compute([idea.id], run=edit_while_computing) == 1
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).features is None  # the old text's features never land
    assert features.compute([idea.id], run=lambda fn, texts: fn(texts, embed=False)) == 1
    db.session.expire_all()
    assert "corrig" in db.session.get(Idea, idea.id).features


def test_a_burst_without_features_is_grouped_by_words_at_once(monkeypatch, workshop, activity_with_ideas):
    used = {}

    def spy(fn, *args, **kwargs):
        used.setdefault(fn.__name__, []).append(kwargs)
        return fn(*args, **kwargs)

    monkeypatch.setattr(logic, "EMBED_AT_PRESS_MAX", 3)
    themes = logic.group(activity_with_ideas, 3, [], {}, run=spy)
    assert len(themes) == 3
    assert used["vectorise"] == [{"embed": False}] and used["cluster_ideas"][0]["method"] == "tfidf"
    db.session.expire_all()
    assert all(i.features is None for i in db.session.query(Idea))  # nothing stored half-made


def test_a_grouping_pressed_after_a_burst_waits_a_moment_for_the_features_worker(monkeypatch, workshop,
                                                                               activity_with_ideas):
    from analysis.clustering import embedding_available
    from workshop.themes import features

    looks = []

    def worker_writes(seconds):  # the worker saw the grouping start and wrote what it held
        looks.append(seconds)
        features.compute(features.waiting(limit=1000))

    monkeypatch.setattr(logic, "EMBED_AT_PRESS_MAX", 3)
    monkeypatch.setattr(logic, "sleep", worker_writes)
    used = {}

    def spy(fn, *args, **kwargs):
        used.setdefault(fn.__name__, []).append(kwargs)
        return fn(*args, **kwargs)

    logic.group(activity_with_ideas, 3, [], {}, run=spy, features_wait=3.0)
    assert looks == [logic.FEATURES_POLL]  # one look after the first found them
    assert "vectorise" not in used  # every idea's stored features, none by words
    assert used["cluster_ideas"][0]["method"] == ("auto" if embedding_available() else "tfidf")


def test_with_no_features_worker_a_grouping_waits_only_a_moment(monkeypatch, workshop, activity_with_ideas):
    looks = []
    monkeypatch.setattr(logic, "EMBED_AT_PRESS_MAX", 3)
    monkeypatch.setattr(logic, "sleep", looks.append)  # nothing comes in
    themes = logic.group(activity_with_ideas, 3, [], {}, features_wait=10.0)
    assert len(themes) == 3 and sum(looks) == logic.FEATURES_STALL  # then by words, at once
    db.session.expire_all()
    assert all(i.features is None for i in db.session.query(Idea))


def test_a_grouping_waits_for_a_slow_worker_no_longer_than_it_may(monkeypatch, workshop, activity_with_ideas):
    from workshop.themes import features

    looks = []

    def one_at_a_time(seconds):
        looks.append(seconds)
        features.compute(features.waiting(limit=1))

    monkeypatch.setattr(logic, "sleep", one_at_a_time)
    told = []
    logic.group(activity_with_ideas, 3, [], {}, features_wait=1.0, progress=lambda done, total: told.append(done))
    assert sum(looks) == 1.0  # each look found one more: it kept waiting, until the second it may
    assert told[:4] == [1, 2, 3, 4]  # the progress bar follows them in
    db.session.expire_all()
    assert all(i.features is not None for i in db.session.query(Idea))  # the rest computed at press


def test_a_few_late_ideas_are_completed_at_press(workshop, activity_with_ideas):
    from analysis.clustering import embedding_available

    wall = ideas.wall(activity_with_ideas)
    logic.ensure_features(wall[:-2])  # as if computed on arrival, but for the last two
    used = {}

    def spy(fn, *args, **kwargs):
        used.setdefault(fn.__name__, []).append((len(args[0]), kwargs))
        return fn(*args, **kwargs)

    logic.group(activity_with_ideas, 3, [], {}, run=spy)
    assert used["vectorise"] == [(2, {})]  # only the two missing ones
    assert used["cluster_ideas"][0][1]["method"] == ("auto" if embedding_available() else "tfidf")
    db.session.expire_all()
    assert all(i.features is not None for i in db.session.query(Idea))


def test_near_duplicates_are_offered_for_merging_after_a_grouping(facilitator_client, workshop, activity_with_ideas):
    author = db.session.query(Participant).first()
    twin, _ = ideas.submit_idea(author, activity_with_ideas, "Jumelage entre étudiants internationaux et employeurs "
                                "de notre région", "key-twin0001")
    original = db.session.query(Idea).filter(Idea.text == IDEAS[0]).one()
    facilitator_client.post("/lang/en")
    stage = facilitator_client.post(group_url(workshop, activity_with_ideas), data={"k": "3"}).get_data(as_text=True)
    assert "1 possible duplicate" in stage
    pair = stage[stage.index('class="duplicate-pair"'):].split("</li>")[0]
    assert f'value="{original.id}"' in pair and f'value="{twin.id}"' in pair and "de notre région" in pair
    merged = facilitator_client.post(f"/w/{workshop.id}/ideas/merge", data={"idea": [original.id, twin.id]})
    assert merged.status_code == 200
    assert "possible duplicate" not in merged.get_data(as_text=True)  # merged: no longer offered
    db.session.expire_all()
    assert db.session.get(Idea, twin.id).merged_into_id == original.id
    ungrouped = facilitator_client.post(group_url(workshop, activity_with_ideas, "ungroup"))
    assert ungrouped.status_code == 200
    db.session.expire_all()
    assert activity_with_ideas.duplicate_pairs is None


# --- one grouping over several questions -----------------------------------------

@pytest.fixture
def questions(facilitator):
    from tests.test_voting import three_questions

    return three_questions(facilitator)


def test_grouping_over_two_questions_puts_both_walls_in_one_set_of_themes(facilitator_client, questions):
    first, second, third = questions.activities[:3]
    # The phones are on the third question; the first is shown on the big screens to be grouped.
    assert facilitator_client.post(f"/w/{questions.id}/activities/{first.id}/show").status_code == 200
    response = facilitator_client.post(group_url(questions, first), data={"k": "5", "together": [str(second.id)]})
    assert response.status_code == 200
    db.session.expire_all()
    themes = first.themes
    assert len(themes) == 5 and second.themes == [] and second.grouped_into_id == first.id
    grouped = [i for i in ideas.wall(first) + ideas.wall(second)]
    assert len(grouped) == 40 and all(i.theme_id in {t.id for t in themes} for i in grouped)
    assert all(i.theme_id is None for i in ideas.wall(third))  # the third question was not asked for
    # Both questions show the same grouping; the report shows it once, under both questions.
    assert [(t, len(members)) for t, members in logic.grouped_wall(second)] == \
        [(t, len(members)) for t, members in logic.grouped_wall(first)]
    page = response.get_data(as_text=True)
    assert page.count('class="theme"') == 5
    # The grouping form says which questions it spans.
    assert f'name="together" value="{second.id}" checked' in page


def test_merging_ideas_of_two_questions_says_why_it_cannot(facilitator_client, questions):
    """A grouping over several questions puts their duplicates side by side; a merge
    stays within one question, and the refusal says so (not "choose two ideas")."""
    first, second, _third = questions.activities[:3]
    facilitator_client.post(group_url(questions, first), data={"k": "4", "together": [str(second.id)]})
    pair = [ideas.wall(first)[0].id, ideas.wall(second)[0].id]
    refused = facilitator_client.post(f"/w/{questions.id}/ideas/merge", data={"idea": pair})
    assert refused.status_code == 422 and "questions différentes" in refused.get_data(as_text=True)
    one = facilitator_client.post(f"/w/{questions.id}/ideas/merge", data={"idea": pair[:1]})
    assert one.status_code == 422 and "Cochez deux doublons ou plus" in one.get_data(as_text=True)
    db.session.expire_all()
    assert all(db.session.get(Idea, i).merged_into_id is None for i in pair)


def test_theme_edits_work_across_the_questions_of_a_grouping(facilitator_client, questions):
    from workshop.themes.models import Theme

    first, second, _third = questions.activities[:3]
    facilitator_client.post(group_url(questions, first), data={"k": "4", "together": [str(second.id)]})
    db.session.expire_all()
    target, other = first.themes[0], first.themes[1]
    other_id = other.id
    idea_of_second = ideas.wall(second)[0]
    assert facilitator_client.post(f"/w/{questions.id}/ideas/{idea_of_second.id}/move",
                                   data={"theme": target.id}).status_code == 200
    facilitator_client.post(f"/w/{questions.id}/themes/{target.id}/rename", data={"label": "Emploi et stages"})
    chosen = [ideas.wall(first)[1].id, ideas.wall(second)[2].id]
    facilitator_client.post(group_url(questions, first, "split"), data={"idea": chosen, "label": "Mixte"})
    facilitator_client.post(f"/w/{questions.id}/themes/{other_id}/merge", data={"into": target.id})
    db.session.expire_all()
    assert db.session.get(Idea, idea_of_second.id).theme_id == target.id
    assert db.session.get(Theme, target.id).label == "Emploi et stages"
    mixed = db.session.query(Theme).filter_by(label="Mixte").one()
    assert {db.session.get(Idea, i).theme_id for i in chosen} == {mixed.id}
    assert db.session.get(Theme, other_id) is None and mixed.activity_id == first.id
    # Back to single walls: both questions are released.
    facilitator_client.post(group_url(questions, first, "ungroup"))
    db.session.expire_all()
    assert second.grouped_into_id is None and first.themes == []
    assert all(i.theme_id is None for i in ideas.wall(first) + ideas.wall(second))


def test_grouping_one_question_alone_takes_it_out_of_a_shared_grouping(facilitator_client, questions):
    first, second, _third = questions.activities[:3]
    facilitator_client.post(group_url(questions, first), data={"k": "4", "together": [str(second.id)]})
    facilitator_client.post(group_url(questions, second), data={"k": "3"})
    db.session.expire_all()
    assert second.grouped_into_id is None and len(second.themes) == 3 and len(first.themes) == 4
    first_themes, second_themes = {t.id for t in first.themes}, {t.id for t in second.themes}
    assert all(i.theme_id in first_themes for i in ideas.wall(first))
    assert all(i.theme_id in second_themes for i in ideas.wall(second))


def test_a_grouping_with_another_workshops_question_is_refused(facilitator_client, questions, facilitator):
    from tests.conftest import make_workshop

    elsewhere = make_workshop(facilitator, title="Autre atelier")
    response = facilitator_client.post(group_url(questions, questions.activities[0]),
                                       data={"together": [str(elsewhere.activities[0].id)]})
    assert "Choose questions of this workshop" in response.get_data(as_text=True) or \
        "questions de cet atelier" in response.get_data(as_text=True)
    db.session.expire_all()
    assert questions.activities[0].themes == [] and elsewhere.activities[0].grouped_into_id is None


def test_a_control_form_pushed_after_grouping_lists_the_new_themes(app, facilitator_client, questions):
    first, second, third = questions.activities[:3]
    control, _answer = watcher(app, facilitator_client, questions, "control")
    control.get_received()
    facilitator_client.post(group_url(questions, third), data={"k": "4"})
    db.session.expire_all()
    stage = [s for s in swaps(control) if s["id"] == "stage"][-1]["html"]
    inbox = stage[stage.index('id="control-forms-next"'):]
    vote_form = inbox[:inbox.index('data-for="new-hats-form"')]
    for theme in third.themes:
        assert f'<option value="theme:{theme.id}">' in vote_form
        assert f'name="pick" value="theme:{theme.id}"' in vote_form
    assert f'<option value="themes:{third.id}">' in vote_form
    # After a rename, the pushed form has the new name.
    facilitator_client.post(f"/w/{questions.id}/themes/{third.themes[0].id}/rename", data={"label": "Vivre ensemble"})
    stage = [s for s in swaps(control) if s["id"] == "stage"][-1]["html"]
    assert "Vivre ensemble" in stage[stage.index('id="control-forms-next"'):]


def test_each_theme_shows_its_keywords_to_the_facilitator_not_the_room(facilitator_client, workshop):
    """60 ideas of the domain in 8 themes: every theme has the grouping's keywords
    beside its name on the control view (visible text, so a keyboard reaches it),
    and they survive the JSON round trip; the projector shows names only."""
    from tests.session_data import IDEAS as SESSION_IDEAS

    activity = open_first_activity(workshop)
    author = Participant(workshop_id=workshop.id, nickname="A", group_id=workshop.groups[0].id)
    db.session.add(author)
    db.session.commit()
    texts = [text for question in SESSION_IDEAS for text in question][:60]
    for n, text in enumerate(texts):
        ideas.submit_idea(author, activity, text, f"key-{n:08d}")
    assert facilitator_client.post(group_url(workshop, activity), data={"k": "8"}).status_code == 200
    db.session.expire_all()
    themes = db.session.query(Theme).filter_by(activity_id=activity.id).all()
    assert len(themes) == 8 and all(t.keywords for t in themes)
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert control.count('class="theme-keywords hint"') == 8
    assert all(str(escape(t.keywords)) in control for t in themes)
    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    assert "theme-keywords" not in projector
    document = facilitator_client.get(f"/w/{workshop.id}/export/workshop.json").get_json(force=True)
    assert sorted(t["keywords"] for a in document["activities"] for t in a["themes"]) == \
        sorted(t.keywords for t in themes)
