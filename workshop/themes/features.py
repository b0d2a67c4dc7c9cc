"""Each idea's text features (analysis.clustering.TextFeatures), computed soon
after it arrives and kept with it.

The sentence embedding costs about 30 ms an idea on a 2-core machine: 1,000
ideas would make the facilitator wait half a minute after pressing "group
ideas". So it is paid while the session runs, in batches, in a real thread
(the event loop keeps serving sockets), and the grouping only clusters.
Nothing depends on it having run: a grouping computes what is still missing
(themes.logic.group), so a restart or a lost batch costs time, never ideas.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from analysis import clustering
from workshop.extensions import db, socketio
from workshop.ideas.models import Idea

log = logging.getLogger(__name__)

BATCH = 64  # ideas embedded in one go: a burst of sends becomes one batch

# Per process: ideas sent here and not yet computed, and whether a drain runs.
_pending: set[int] = set()
_draining = False
_warm = False


def off_loop(fn, *args, **kwargs):
    """CPU-heavy work in a real thread under gevent, so sockets keep flowing."""
    from gevent import monkey

    if monkey.is_module_patched("threading"):
        import gevent

        return gevent.get_hub().threadpool.apply(fn, args, kwargs)
    return fn(*args, **kwargs)


def idea_arrived(app, idea_id: int) -> None:
    """Note a new (or newly edited) idea; its features follow within a few seconds."""
    global _draining
    if not app.config.get("FEATURES_ON_ARRIVAL", True):
        return
    _pending.add(idea_id)
    if not _draining:
        _draining = True
        socketio.start_background_task(_drain, app)


def _drain(app) -> None:
    global _draining, _warm
    try:
        if not _warm:  # once per process, while the session runs rather than at the button
            off_loop(clustering.warm_up)
            _warm = True
        while _pending:
            # A short wait gathers a burst of sends into one batch.
            socketio.sleep(app.config.get("FEATURES_BATCH_DELAY", 1.0))
            batch = sorted(_pending)[:BATCH]
            _pending.difference_update(batch)
            with app.app_context():
                try:
                    compute(batch)
                except Exception:  # the grouping will compute them: nothing is lost
                    log.exception("computing features failed for %d ideas", len(batch))
                    db.session.rollback()
    finally:
        _draining = False


def compute(idea_ids: list[int], run=off_loop) -> int:
    """Compute and store the features of these ideas that have none; returns how many."""
    rows = db.session.execute(select(Idea.id, Idea.text).where(
        Idea.id.in_(idea_ids), Idea.features.is_(None))).all()
    db.session.commit()  # no transaction held open while the thread works
    if not rows:
        return 0
    computed = run(clustering.vectorise, [text for _id, text in rows])
    for (idea_id, text), features in zip(rows, computed):
        # Only if the text is still the one we read: a typo fixed meanwhile
        # cleared the features, and they must come from the new text.
        db.session.execute(update(Idea).where(Idea.id == idea_id, Idea.text == text, Idea.features.is_(None))
                           .values(features=features.to_json()))
    db.session.commit()
    return len(rows)
