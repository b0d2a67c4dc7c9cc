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
from typing import cast

from sqlalchemy import Table, bindparam, select, update

from analysis import clustering
from workshop.extensions import db
from workshop.ideas.models import Idea

log = logging.getLogger(__name__)

BATCH = 16  # ideas embedded in one go (about 15 ms of CPU)
IDLE_WAIT = 1.0  # seconds between two looks when nothing is waiting
# After each batch the worker rests three times as long as the batch took: it
# takes at most a quarter of a core and writes in small bursts, so a busy room's
# sends stay quick. Resting only as long (half a core) still made two workers'
# p95 at 1,000 phones 756 ms instead of 206 ms on a 2-core machine; flat out,
# PostgreSQL commits queued behind its writes. A burst of 1,000 ideas is caught
# up a few minutes later; a grouping pressed before computes what is missing.
DUTY_REST = 3.0


def waiting(limit: int = BATCH) -> list[int]:
    """Ideas still without features, oldest first."""
    return list(db.session.scalars(select(Idea.id).where(Idea.features.is_(None)).order_by(Idea.id).limit(limit)))


def compute(idea_ids: list[int], run=lambda fn, *a, **kw: fn(*a, **kw)) -> int:
    """Compute and store the features of these ideas that have none; returns how many."""
    rows = db.session.execute(select(Idea.id, Idea.text).where(
        Idea.id.in_(idea_ids), Idea.features.is_(None))).all()
    db.session.commit()  # no transaction held open while the encoder works
    if not rows:
        return 0
    computed = run(clustering.vectorise, [text for _id, text in rows])
    # Only if the text is still the one read: a typo fixed meanwhile cleared the
    # features, and they must come from the new text.
    table = cast(Table, Idea.__table__)
    ideas = table.c
    store = update(table).where(ideas.id == bindparam("idea_id"), ideas.text == bindparam("read_text"),
                                         ideas.features.is_(None)).values(features=bindparam("new_features"))
    # One statement for the batch, in one short transaction: on SQLite each of the
    # worker's commits takes the database's write lock, and a server insert that
    # finds it taken sleeps in SQLite's busy handler with its whole event loop.
    db.session.execute(store, [{"idea_id": idea_id, "read_text": text, "new_features": features.to_json()}
                               for (idea_id, text), features in zip(rows, computed)])
    db.session.commit()
    return len(rows)


def work_once() -> int:
    """One pass of the worker: the next batch of waiting ideas; returns how many were computed."""
    ids = waiting()
    if not ids:
        return 0
    try:
        return compute(ids)
    except Exception:
        db.session.rollback()
        raise


def work_forever(app, idle_wait: float = IDLE_WAIT, parent: int | None = None) -> None:
    """The features worker's loop: compute what waits, else look again a moment later.
    With `parent`, it ends when that process (the server that started it) is gone."""
    with app.app_context():
        clustering.warm_up()  # the first grouping of the session should not pay for the imports
        while parent is None or os.getppid() == parent:
            started = time.monotonic()
            try:
                done = work_once()
            except Exception:  # a database hiccup: log it and try again, the ideas still wait
                log.exception("computing features failed")
                done = 0
            finally:
                db.session.remove()
            time.sleep((time.monotonic() - started) * DUTY_REST if done else idle_wait)
