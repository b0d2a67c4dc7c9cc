"""Each idea's text features (analysis.clustering.TextFeatures), computed soon
after it arrives and kept with it.

The sentence embedding costs about 1 ms of CPU an idea on one thread, after
a second to load the encoder (300 MB): 1,000 ideas would add two seconds to
"group ideas", and the encoder would sit in every web process. So it is paid
while the session runs, by a separate process, the
features worker (`workshop features-worker`; `make run` starts one beside the
server), which picks up ideas without features every second or so.

Why a process and not a thread of the web server: the encoder running in a
gevent server's thread pool made pushes between workers go missing through
Redis (tests/test_scale_out.py caught it), and CPU-bound work in the server
process also slows every socket. A process of its own shares nothing with the
event loop; the operating system schedules it at a lower priority.

Nothing depends on it running: a grouping computes what is still missing
(themes.logic.group), so a stopped worker costs time, never ideas.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import cast

from sqlalchemy import Table, bindparam, exists, select, update

from analysis import clustering
from workshop.extensions import db
from workshop.ideas.models import Idea
from workshop.workshops.logic import utcnow
from workshop.workshops.models import Activity

log = logging.getLogger(__name__)

BATCH = 16  # ideas embedded in one go (about 15 ms of CPU)
IDLE_WAIT = 1.0  # seconds between two looks when nothing is waiting
# After each batch the worker rests three times as long as the batch took: it
# takes at most a quarter of a core, so a busy room's sends stay quick. Resting
# only as long (half a core) still made two workers' p95 at 1,000 phones 756 ms
# instead of 206 ms on a 2-core machine; flat out, PostgreSQL commits queued
# behind its writes. A burst of 1,000 ideas is caught up seconds later; a
# grouping pressed before computes what is missing.
DUTY_REST = 3.0
# A resting worker looks this often whether a grouping has started: resting
# three times a slow batch (a loaded machine) outlasted the grouping's patience
# (themes.logic.FEATURES_STALL), which then went by words with the features held.
REST_LOOK = 0.5

# What the worker computed is stored once the room is calm: no new idea for CALM
# seconds. On SQLite its writes take the database's write lock, and a server
# insert that finds it taken sleeps, with its whole event loop. At 133 ideas/s,
# writing as it went lifted the server's p99 by a quarter to a third, and
# writing every 200 ideas did too; computing without writing, or holding the
# whole burst, left it where it is without the worker (docs/deploy.md, "The
# features worker, 2026-12-03"). A long burst is written all the same, past
# HOLD_MAX ideas (about 6 MB) or HOLD_SECONDS: one larger write, rarely, costs
# the tail less than many small ones. A grouping pressed meanwhile computes
# what it lacks (themes.logic.grouping_features).
CALM = 2.0
HOLD_MAX = 2000
HOLD_SECONDS = 30.0
# ...and at once while a facilitator's "group" runs, which reads them. A mark
# older than this was left by a server that stopped mid-grouping (a grouping of
# 10,000 ideas takes seconds): themes.logic.start_grouping no longer refuses it.
GROUPING_MARK_LIFE = timedelta(minutes=2)

Computed = dict[int, tuple[str, str]]  # idea id -> (the text read, its features as JSON)


def run_here(fn, *args, **kwargs):
    """Run CPU-heavy work in this thread (the default of what takes a `run`;
    the web server passes one that runs it off its event loop)."""
    return fn(*args, **kwargs)


def waiting(limit: int = BATCH, after: int = 0) -> list[int]:
    """Ideas still without features, oldest first, past the idea `after` (the
    worker's last one held: what it holds is not read again, whatever its size)."""
    return list(db.session.scalars(select(Idea.id).where(Idea.features.is_(None), Idea.id > after)
                                   .order_by(Idea.id).limit(limit)))


def computed_features(idea_ids: list[int], run=run_here) -> Computed:
    """The features of these ideas that have none, computed from their text as read now."""
    rows = db.session.execute(select(Idea.id, Idea.text).where(
        Idea.id.in_(idea_ids), Idea.features.is_(None))).all()
    db.session.commit()  # no transaction held open while the encoder works
    if not rows:
        return {}
    features = run(clustering.vectorise, [idea_text for _id, idea_text in rows])
    return {idea_id: (idea_text, found.to_json()) for (idea_id, idea_text), found in zip(rows, features)}


def live_marks_since():
    """The oldest grouping mark still live: one older was left by a stopped server."""
    return utcnow() - GROUPING_MARK_LIFE


def grouping_started() -> bool:
    """Whether a grouping is running, which reads the features stored now."""
    return bool(db.session.scalar(select(exists().where(Activity.grouping_started_at >= live_marks_since()))))


def store(computed: Computed) -> None:
    """Store computed features, each only if its idea's text is still the one read:
    a typo fixed meanwhile cleared the features, and they must come from the new text."""
    if not computed:
        return
    table = cast(Table, Idea.__table__)
    ideas = table.c
    statement = update(table).where(ideas.id == bindparam("idea_id"), ideas.text == bindparam("read_text"),
                                    ideas.features.is_(None)).values(features=bindparam("new_features"))
    # One statement in one short transaction: the write lock is taken once.
    db.session.execute(statement, [{"idea_id": idea_id, "read_text": read_text, "new_features": found}
                                   for idea_id, (read_text, found) in computed.items()])
    db.session.commit()


def compute(idea_ids: list[int], run=run_here) -> int:
    """Compute and store the features of these ideas that have none; returns how many."""
    computed = computed_features(idea_ids, run)
    store(computed)
    return len(computed)


def work_once() -> int:
    """The next batch of waiting ideas, computed and stored at once; returns how many."""
    ids = waiting()
    if not ids:
        return 0
    try:
        return compute(ids)
    except Exception:
        db.session.rollback()
        raise


@dataclass
class Worker:
    """The features worker between two passes: what it computed and holds until the room is calm."""

    clock: Callable[[], float] = time.monotonic
    held: Computed = field(default_factory=dict)
    held_since: float = 0.0
    last_arrival: float = float("-inf")  # when ideas were last found waiting
    # A grouping is running: a facilitator waits on the ideas still without
    # features, so the worker writes each batch and does not rest between them.
    hurried: bool = False

    def step(self) -> int:
        """Compute the next waiting ideas; store what is held once the room is calm. Returns how many were computed."""
        now = self.clock()
        self.hurried = grouping_started()
        if self.hurried:
            self.flush()  # before computing more: the grouping waits on what is held
        ids = waiting(after=max(self.held, default=0))
        try:
            if ids:
                self.last_arrival = now
                if not self.held:
                    self.held_since = now
                self.held.update(computed_features(ids))
        finally:  # what was computed before a failure is still written in time
            if self.held and (now - self.last_arrival >= CALM or len(self.held) >= HOLD_MAX
                              or now - self.held_since >= HOLD_SECONDS or self.hurried):
                self.flush()
        return len(ids)

    def flush(self) -> None:
        """Store what is held. A failed write keeps it, to try again: the store's guard
        (the text read, no features yet) makes a second try safe."""
        if self.held:
            store(self.held)
            self.held = {}


def rest(seconds: float, look: float = REST_LOOK) -> None:
    """The worker's rest after a batch, cut short when a grouping starts."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        time.sleep(min(left, look))
        started = grouping_started()
        db.session.rollback()  # no read held open on the database while resting
        if started:
            return


def work_forever(app, idle_wait: float = IDLE_WAIT, parent: int | None = None) -> None:
    """The features worker's loop: compute what waits, else look again a moment later.
    With `parent`, it ends when that process (the server that started it) is gone."""
    with app.app_context():
        clustering.warm_up()  # the first grouping of the session should not pay for the imports
        worker = Worker()
        while parent is None or os.getppid() == parent:
            started = time.monotonic()
            try:
                done = worker.step()
            except Exception:  # a database hiccup: log it and try again, the ideas still wait
                log.exception("computing features failed")
                db.session.rollback()
                done = 0
            finally:
                db.session.remove()
            if not done:
                time.sleep(idle_wait)
            elif not worker.hurried:
                rest((time.monotonic() - started) * DUTY_REST)
        try:  # the server is gone: what is held is not thrown away
            worker.flush()
        finally:
            db.session.remove()
