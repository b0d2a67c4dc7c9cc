"""The registry of activity kinds.

An agenda activity has a kind (a question for ideas, a voting round, six
thinking hats, innovation cells). Each kind lives in its own package and
declares itself here with `register()`, the way CTFd registers challenge types
and Decidim registers components: its key, how the stage names it, its
fragments per audience, what it announces to phones and what happens when the
facilitator opens it. The workshop core, the stage templates and the archive
ask the registry; only a kind's own package knows what is inside it.

To add a kind, see README.md "Adding an activity kind".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workshop.workshops.models import Activity

# The packages whose `kind` module registers a kind, in agenda menu order.
# Adding a kind adds one line here.
INSTALLED = (
    "workshop.ideas.kind",
    "workshop.voting.kind",
    "workshop.hats.kind",
    "workshop.cells.kind",
    "workshop.forces.kind",
    "workshop.brainwriting.kind",
)

# The stored keys of the kinds the rest of the code names (activity.kind).
IDEAS = "ideas"
VOTE = "vote"
HATS = "hats"
CELLS = "cells"


def _nothing(_activity: Activity) -> None:
    return None


def _same(activity: Activity) -> Activity:
    return activity


@dataclass(frozen=True)
class ActivityKind:
    """What the rest of the app needs to know about one kind of activity.

    - `stage`: the template of its part of the stage, per audience
      ("projector", "control", "phone"); each receives `workshop`, `activity`
      and `audience`, and renders its own heading.
    - `name`: what the kind is called ("Voting round"), in reports.
    - `label(activity)`: the activity's name in the agenda and on the control view.
    - `heading(activity)`: what the projector and phones title it now.
    - `announce(activity)`: what a phone's live region reads out when the
      activity opens or closes (in the phone's language).
    - `announce_key(activity)`: a part of what makes an announcement new
      beyond (activity, open or closed), e.g. the hats' current subject.
    - `on_open(activity)`: work done when the facilitator opens it, after the
      workshop switched to it and before screens are told.
    - `shown(activity)`: the activity the stage shows for it (a question
      grouped with another shows the grouping it belongs to).
    - `named_by_kind`: its activities are called by the kind's name (in the
      interface's language) rather than by a text the facilitator wrote (in
      the workshop's language, marked with `lang`).
    - `add_form` / `add_form_id`: the control sidebar's form that adds one to
      the agenda, and the id of its wrapper (a fresh copy comes with every
      control stage and replaces it while it is closed: control_forms.js).
    - `export(activity, refs, names)` / `restore(importer, activity, entry)`:
      its own part of the workshop's JSON archive, under `archive_key`.
    - `blueprint`: the Flask blueprint of its commands, registered by
      `create_app` for every kind.
    - `remove_participants(ids)`: delete what these participants sent in this
      kind (the facilitator removes a flooder with everything they sent);
      called before the participants themselves go, in the same transaction.
    - `personal_data(participant_id)`: what one person sent in this kind, as
      sections of their Law 25 data export ({"forces": [...]}); the kinds the
      privacy module reads itself (ideas, hats, votes, cells) leave it None.
    """

    key: str
    name: str
    stage: dict[str, str]
    label: Callable[[Activity], str]
    heading: Callable[[Activity], str]
    announce: Callable[[Activity], str]
    announce_key: Callable[[Activity], str] = lambda _activity: ""
    on_open: Callable[[Activity], None] = _nothing
    shown: Callable[[Activity], Activity] = _same
    named_by_kind: bool = False
    add_form: str | None = None
    add_form_id: str | None = None
    archive_key: str | None = None
    export: Callable | None = None
    restore: Callable | None = None
    blueprint: Any = None
    remove_participants: Callable[[list[int]], None] | None = None
    personal_data: Callable[[int], dict] | None = None


_REGISTRY: dict[str, ActivityKind] = {}


def register(kind: ActivityKind) -> ActivityKind:
    if kind.key in _REGISTRY and _REGISTRY[kind.key] is not kind:
        raise ValueError(f"activity kind {kind.key!r} registered twice")
    missing = {"projector", "control", "phone"} - kind.stage.keys()
    if missing:
        raise ValueError(f"activity kind {kind.key!r} has no stage for {sorted(missing)}")
    _REGISTRY[kind.key] = kind
    return kind


def load() -> None:
    """Import every installed kind's module (each calls `register`)."""
    for module in INSTALLED:
        importlib.import_module(module)


def kinds() -> list[ActivityKind]:
    if not _REGISTRY:
        load()
    return list(_REGISTRY.values())


def keys() -> tuple[str, ...]:
    return tuple(kind.key for kind in kinds())


def kind_of(activity: Activity) -> ActivityKind:
    if not _REGISTRY:
        load()
    try:
        return _REGISTRY[activity.kind]
    except KeyError:
        raise LookupError(f"no activity kind {activity.kind!r} is registered") from None
