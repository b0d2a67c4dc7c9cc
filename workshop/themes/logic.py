"""Theme rules: grouping an activity's ideas with analysis.clustering, and the
facilitator's edits (rename, move, merge, split, clear).

A grouping may run over several questions: its themes belong to the activity
it was run from (the owner), and the other questions point at it with
`grouped_into_id`; their ideas sit in the owner's themes. Every edit, the
walls and the report go through `theme_owner` and `grouping_span`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import cast

from sqlalchemy import delete, func, inspect, select, update
from sqlalchemy.orm import selectinload

from analysis import clustering
from workshop import kinds
from workshop.extensions import db
from workshop.ideas.logic import has_ideas, shown_on_walls, wall
from workshop.ideas.models import Idea
from workshop.refusals import Refused
from workshop.themes import features
from workshop.themes.messages import REFUSALS
from workshop.themes.models import MAX_KEYWORDS_LENGTH, MAX_LABEL_LENGTH, Theme
from workshop.workshops.logic import utcnow
from workshop.workshops.models import Activity

MAX_DUPLICATE_SUGGESTIONS = 20  # near-duplicate pairs offered for merging after a grouping
FEATURE_BATCH = 200  # ideas whose features are computed between two progress reports
# Ideas still without features when the button is pressed that are embedded
# then (about 1 ms each on one thread, and a second to load the encoder the first
# time: 200 keep the button near a second); with more missing, this grouping goes by words.
EMBED_AT_PRESS_MAX = 200
FEATURES_POLL = 0.25  # seconds between two looks while a grouping waits for the features worker
# ...and how long it waits with nothing coming: the worker's pause when idle
# (1 s) and its step, with room for a loaded machine.
FEATURES_STALL = 2.5
MAX_SEED_THEMES = 12


class ThemeRejected(Refused):
    """A grouping command refused; `code` says why (workshop/themes/messages.py)."""

    messages = REFUSALS


Progress = Callable[[int, int], None]  # (done, total)


def theme_owner(activity: Activity) -> Activity:
    """The activity whose themes hold this activity's ideas (itself unless grouped with another)."""
    # By id, not through the relationship: the column is set directly and must be read as written.
    return db.session.get_one(Activity, activity.grouped_into_id) if activity.grouped_into_id else activity


def grouping_span(owner: Activity) -> list[Activity]:
    """The questions whose ideas the owner's themes hold: the owner first, then in agenda order."""
    others = db.session.scalars(select(Activity).where(Activity.grouped_into_id == owner.id)
                                .order_by(Activity.position, Activity.id)).all()
    return [owner, *others]


def with_themes(questions) -> None:
    """Reads the themes of these questions (those not read yet) in one query,
    rather than one per question as each template's `question.themes` would."""
    unread = [question.id for question in questions if "themes" in inspect(question).unloaded]
    if unread:
        db.session.scalars(select(Activity).where(Activity.id.in_(unread))
                           .options(selectinload(Activity.themes))).all()


def span_ideas(owner: Activity, include_hidden: bool = False, with_authors: bool = True) -> list[Idea]:
    return [idea for activity in grouping_span(owner)
            for idea in wall(activity, include_hidden=include_hidden, with_authors=with_authors)]


def companions(activity: Activity, ids) -> list[Activity]:
    """The other questions of the same workshop to group together with `activity`."""
    chosen = []
    for other in activity.workshop.activities:
        if other.id in set(ids) and other.id != activity.id:
            if other.kind != kinds.IDEAS:
                raise ThemeRejected("unknown_activity")
            chosen.append(other)
    if len(chosen) != len(set(ids) - {activity.id}):
        raise ThemeRejected("unknown_activity")
    return chosen


def start_grouping(activity: Activity, together_with: Sequence[Activity] = ()) -> None:
    """Mark the activity as being grouped; refuse a second run meanwhile (a mark
    past its life was left by a server that stopped mid-grouping)."""
    started = activity.grouping_started_at
    if started is not None and started >= features.live_marks_since():
        raise ThemeRejected("already_grouping")
    if not any(has_ideas(a) for a in (activity, *together_with)):
        raise ThemeRejected("no_ideas")
    activity.grouping_started_at = utcnow()
    db.session.commit()


def _take_span(owner: Activity, together_with: list[Activity]) -> None:
    """Make `owner` own the grouping of itself and `together_with`, undoing
    any grouping any of them was part of (regrouping replaces, as for one question)."""
    chosen = [owner, *together_with]
    chosen_ids = {a.id for a in chosen}
    for activity in chosen:
        if activity.grouped_into_id is not None and activity.grouped_into_id not in chosen_ids:
            _release(activity)
    for activity in chosen:
        if activity.grouped_into_id is None:
            clear(activity, commit=False)  # its own themes, and every question grouped into it
    for activity in together_with:
        activity.grouped_into_id = owner.id
    db.session.flush()


def _release(activity: Activity) -> None:
    """Take one question's ideas out of the themes of the grouping it was part of."""
    db.session.execute(update(Idea).where(Idea.activity_id == activity.id).values(theme_id=None, theme_position=0))
    activity.grouped_into_id = None


def parse_request(k: str | None, seed_themes: str | None) -> tuple[int | None, list[str]]:
    """The facilitator's options: a number of themes (or automatic) and theme names."""
    seeds = [line.strip()[:MAX_LABEL_LENGTH] for line in (seed_themes or "").splitlines() if line.strip()]
    if len(seeds) > MAX_SEED_THEMES:
        raise ThemeRejected("too_many_seeds")
    if not k or not k.strip():
        return None, seeds
    try:
        number = int(k)
    except ValueError:
        raise ThemeRejected("bad_k") from None
    if not 1 <= number <= 30:
        raise ThemeRejected("bad_k")
    return number, seeds


def ensure_features(ideas: list[Idea], compute=clustering.vectorise, progress: Progress | None = None) -> None:
    """Compute the text features the grouping needs, once per idea, and keep them."""
    missing = [idea for idea in ideas if idea.features is None]
    for start in range(0, len(missing), FEATURE_BATCH):
        batch = missing[start:start + FEATURE_BATCH]
        for idea, found in zip(batch, compute([idea.text for idea in batch])):
            idea.features = found.to_json()
        db.session.commit()
        if progress:
            progress(start + len(batch), len(missing))


def lacking_features(activities: Sequence[Activity]) -> int:
    """How many ideas a grouping of these activities would take in have no features yet."""
    return db.session.scalar(select(func.count()).select_from(Idea).where(
        shown_on_walls([a.id for a in activities]), Idea.features.is_(None))) or 0


def sleep(seconds: float) -> None:
    """time.sleep, looked up at each call: whoever imported this module first,
    gevent's patched sleep lets the server serve while a grouping waits."""
    time.sleep(seconds)


def wait_for_features(activities: Sequence[Activity], seconds: float, progress: Progress | None = None) -> None:
    """Pressed right after a burst, a grouping finds ideas without features:
    the features worker holds what it computed until the room is calm, and
    lags behind a burst of long ideas. Seeing the grouping start, it writes
    what it holds and works without rest (themes.features); the grouping waits
    for it while it brings features in, up to `seconds`, rather than embed
    them in the web process or go by words. With no worker running, nothing
    comes for FEATURES_STALL seconds, and the grouping goes on without.
    The seconds counted are the sleeps' (each look's query adds a little);
    `progress` hears how many of those first lacking have come in."""
    waited = stalled = 0.0
    lacking = first = lacking_features(activities)
    while lacking and waited < seconds and stalled < FEATURES_STALL:
        db.session.commit()  # end this read: the next look sees what the worker wrote since
        sleep(FEATURES_POLL)
        waited += FEATURES_POLL
        before, lacking = lacking, lacking_features(activities)
        stalled = 0.0 if lacking < before else stalled + FEATURES_POLL
        if progress and lacking < before:
            progress(max(first - lacking, 0), first)


def grouping_features(activities: list[Activity], ideas: list[Idea], run, progress: Progress | None = None
                      ) -> tuple[list[clustering.TextFeatures], str]:
    """Every idea's features, and the method that fits them.

    Features are computed as ideas arrive (themes.features). A few late ones
    are embedded now (their meaning is worth a second or two); when many are
    missing even after wait_for_features (a burst the worker has not reached,
    or no worker), the grouping goes by words for this once rather than make the room wait
    for each idea's embedding, and the missing features are not stored half-made."""
    # One query: the column is deferred, and 1,000 lazy loads cost more than the clustering.
    stored = dict(db.session.execute(select(Idea.id, Idea.features).where(
        Idea.activity_id.in_([a.id for a in activities]), Idea.features.is_not(None))).all())
    missing = [idea for idea in ideas if idea.id not in stored]
    if len(missing) <= EMBED_AT_PRESS_MAX:
        ensure_features(missing, compute=lambda texts: run(clustering.vectorise, texts), progress=progress)
        stored.update((idea.id, idea.features) for idea in missing)
        late = {}
    else:
        late = dict(zip((idea.id for idea in missing),
                        run(clustering.vectorise, [idea.text for idea in missing], embed=False)))
    # (stored features are never None: the query above and ensure_features see to it)
    every = [late[idea.id] if idea.id in late else clustering.TextFeatures.from_json(cast(str, stored[idea.id]))
             for idea in ideas]
    embedded = all(f.embedding is not None for f in every)
    return every, ("auto" if embedded else "tfidf")


def group(activity: Activity, k: int | None, seed_themes: list[str], labels: dict[str, str],
          run=features.run_here, progress: Progress | None = None,
          together_with: Sequence[Activity] = (), features_wait: float = 0.0) -> list[Theme]:
    """Replace the activity's themes by a fresh grouping of its visible ideas,
    and of the ideas of the questions `together_with` (their themes go).

    `run` executes the CPU-heavy steps (a thread pool under gevent); `labels`
    translates the analysis package's bilingual fallback labels; up to
    `features_wait` seconds are given to the features worker after a burst.
    """
    try:
        span = [activity, *together_with]
        wait_for_features(span, features_wait, progress)
        ideas = [idea for a in span for idea in wall(a, with_authors=False)]
        found, method = grouping_features(span, ideas, run, progress)
        result = run(clustering.cluster_ideas, found, k=k, seed_themes=seed_themes or None,
                     seed=activity.id, method=method, language=activity.workshop.language)
        # A theme the facilitator named keeps its name when most of its ideas stay together.
        before = [] if seed_themes else [(t.label, {i.id for i in ideas if i.theme_id == t.id}) for t in activity.themes]
        kept = clustering.keep_names(before, [{ideas[m].id for m in c.members} for c in result.clusters])
        _take_span(activity, list(together_with))
        themes = [Theme(activity_id=activity.id, position=position,
                        label=(kept[position] or labels.get(cluster.label, cluster.label))[:MAX_LABEL_LENGTH],
                        keywords=" · ".join(cluster.keywords)[:MAX_KEYWORDS_LENGTH])
                  for position, cluster in enumerate(result.clusters)]
        db.session.add_all(themes)
        db.session.flush()
        # One statement for every idea's place, not one flush per idea.
        db.session.execute(update(Idea), [
            {"id": ideas[member].id, "theme_id": theme.id, "theme_position": rank}
            for theme, cluster in zip(themes, result.clusters) for rank, member in enumerate(cluster.members)])
        pairs = [[ideas[i].id, ideas[j].id, round(similarity, 2)]
                 for i, j, similarity in result.duplicates[:MAX_DUPLICATE_SUGGESTIONS]]
        db.session.expire_all()  # the ideas changed underneath the session
        activity.duplicate_pairs = json.dumps(pairs)
        return themes
    finally:
        activity.grouping_started_at = None
        db.session.commit()


def duplicate_suggestions(activity: Activity) -> list[tuple[Idea, Idea, float]]:
    """The last grouping's near-duplicates still worth a look: both ideas visible and not merged since."""
    pairs = json.loads(theme_owner(activity).duplicate_pairs or "[]")
    ids = {idea_id for a, b, _s in pairs for idea_id in (a, b)}
    ideas = {idea.id: idea for idea in db.session.scalars(select(Idea).where(Idea.id.in_(ids or [-1])))}
    return [(ideas[a], ideas[b], similarity) for a, b, similarity in pairs
            if a in ideas and b in ideas and not (ideas[a].hidden or ideas[b].hidden)
            and ideas[a].merged_into_id is None and ideas[b].merged_into_id is None]


def clear(activity: Activity, commit: bool = True) -> None:
    """Back to ungrouped walls, for every question the activity's grouping spans."""
    activity = theme_owner(activity)
    span = grouping_span(activity)
    db.session.execute(update(Idea).where(Idea.activity_id.in_([a.id for a in span]))
                       .values(theme_id=None, theme_position=0))
    db.session.execute(delete(Theme).where(Theme.activity_id == activity.id))
    for member in span[1:]:
        member.grouped_into_id = None
    activity.duplicate_pairs = None
    db.session.expire(activity, ["themes"])
    if commit:
        db.session.commit()


def theme_in(activity: Activity, theme_id: int) -> Theme:
    theme = db.session.get(Theme, theme_id)
    if theme is None or theme.activity_id != theme_owner(activity).id:
        raise ThemeRejected("unknown_theme")
    return theme


def theme_of_workshop(workshop_id: int, theme_id: int) -> Theme:
    theme = db.session.get(Theme, theme_id or 0)
    if theme is None or db.session.get_one(Activity, theme.activity_id).workshop_id != workshop_id:
        raise ThemeRejected("unknown_theme")
    return theme


def rename(theme: Theme, label: str) -> None:
    theme.label = theme_label(label)
    db.session.commit()


def theme_label(label: str | None) -> str:
    """A name a facilitator typed, cleaned; refused if it shows nothing or is too long."""
    from workshop.security import clean_field, is_blank

    label = " ".join(clean_field(label or "").split())
    if not label or is_blank(label):
        raise ThemeRejected("empty_label")
    if len(label) > MAX_LABEL_LENGTH:
        raise ThemeRejected("long_label")
    return label


def move(idea: Idea, theme: Theme | None) -> None:
    """Put an idea in another theme (None: back to the unsorted ideas), last in it."""
    if theme is not None and theme.activity_id != theme_owner(idea.activity).id:
        raise ThemeRejected("unknown_theme")
    idea.theme_id = theme.id if theme else None
    idea.theme_position = 1 + max(
        (i.theme_position for i in members(theme)), default=-1) if theme else 0
    db.session.commit()


def members(theme: Theme | None) -> list[Idea]:
    if theme is None:
        return []
    return list(db.session.scalars(select(Idea).where(Idea.theme_id == theme.id)))


def merge(target: Theme, other: Theme) -> None:
    """Fold one theme into another; the other's ideas follow, after the target's."""
    if target.id == other.id or target.activity_id != other.activity_id:
        raise ThemeRejected("bad_merge")
    offset = 1 + max((i.theme_position for i in members(target)), default=-1)
    for idea in members(other):
        idea.theme_id, idea.theme_position = target.id, offset + idea.theme_position
    db.session.delete(other)
    db.session.commit()


def split(activity: Activity, ideas: list[Idea], label: str) -> Theme:
    """A new theme made of the chosen ideas."""
    activity = theme_owner(activity)
    span_ids = {a.id for a in grouping_span(activity)}
    if not ideas or any(idea.activity_id not in span_ids for idea in ideas):
        raise ThemeRejected("nothing_selected")
    position = 1 + max((t.position for t in activity.themes), default=-1)
    theme = Theme(activity_id=activity.id, label=theme_label(label), position=position)
    db.session.add(theme)
    db.session.flush()
    for rank, idea in enumerate(ideas):
        idea.theme_id, idea.theme_position = theme.id, rank
    db.session.commit()
    return theme


def grouped_wall(activity: Activity, include_hidden: bool = False) -> list[tuple[Theme | None, list[Idea]]]:
    """The wall as (theme, ideas) pairs in theme order, unsorted ideas last; a
    grouping over several questions shows the ideas of all of them."""
    activity = theme_owner(activity)
    by_theme: dict[int | None, list[Idea]] = {}
    for idea in sorted(span_ideas(activity, include_hidden=include_hidden), key=lambda i: (i.theme_position, i.id)):
        by_theme.setdefault(idea.theme_id, []).append(idea)
    groups: list[tuple[Theme | None, list[Idea]]] = [(t, by_theme.get(t.id, [])) for t in activity.themes]
    if by_theme.get(None) or not activity.themes:
        groups.append((None, by_theme.get(None, [])))
    return groups
