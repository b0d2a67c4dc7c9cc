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
import importlib.resources
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from workshop import snapshot

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
    "workshop.pause.kind",
)

# The stored keys of the kinds the rest of the code names (activity.kind).
IDEAS = "ideas"
VOTE = "vote"
HATS = "hats"
CELLS = "cells"


# What a kind's privacy module may define, for workshop/privacy.py (Law 25). A
# kind defines those it has data for; re-exporting one that lives elsewhere in
# its package (`from workshop.forces.logic import personal_data as personal_data`)
# keeps the kind's answers in one place.
#
# - `texts(workshop)`: every free text this kind holds in the workshop that may
#   name someone, as `FreeText`s: the privacy search looks for a person's names
#   in them, and erases the names from the chosen ones.
# - `personal_data(participant_id)`: what one person sent in this kind, as
#   sections of their data export ({"forces": [...]}).
# - `held(participant_id)`: the same, counted for the privacy page
#   (["2 ideas"]), in the interface's language.
# - `participants_data(workshop)`: what each participant sent, for the whole
#   workshop's data export, as {section: {participant id: [...]}} with every
#   section named even when empty; what was written under an anonymous
#   activity is left out (the promise holds in exports).
# - `contacts(participant_ids)`: the (name, email) pairs these participants
#   gave in this kind (a cell's contact details), by participant: people are
#   found by them and known by those names.
# - `forget(participant_ids)`: clear those contact details (a purge, one
#   person's erasure), keeping what they wrote; returns the rows changed.
PRIVACY_HOOKS = ("texts", "personal_data", "held", "participants_data", "contacts", "forget")


def _nothing(_activity: Activity) -> None:
    return None


def _same(activity: Activity) -> Activity:
    return activity


def until_closed(while_open: Callable[[Activity], str], closed: Any = None) -> Callable[[Activity], str]:
    """A kind's `announce`: what `while_open` says while the activity is open,
    then `closed` (a lazy text), by default the words most kinds close with."""

    def announce(activity: Activity) -> str:
        if activity.is_open:
            return while_open(activity)
        return str(closed) if closed is not None else _("This activity is closed.")

    return announce


@dataclass(frozen=True)
class ActivityKind:
    """What the rest of the app needs to know about one kind of activity.

    - `stage`: the template of its part of the stage, per audience
      ("projector", "control", "phone"); each receives `workshop`, `activity`
      and `audience`, and renders its own heading.
    - `name`: what the kind is called ("Voting round"), in reports.
    - `label(activity)`: the activity's name in the agenda and on the control view.
    - `own_words(activity)`: what the facilitator named it, without the kind's
      name ("" if nothing): the report writes it beside a badge of the kind,
      where a label would say the kind twice ("Pause — Pause : café").
    - `heading(activity)`: what the projector and phones title it now.
    - `announce(activity)`: what a phone's live region reads out when the
      activity opens or closes (in the phone's language); `until_closed`
      makes one from what it says while open.
    - `announce_key(activity)`: a part of what makes an announcement new
      beyond (activity, open or closed), e.g. the hats' current subject.
    - `on_open(activity)`: work done when the facilitator opens it, after the
      workshop switched to it and before screens are told.
    - `shown(activity)`: the activity the stage shows for it (a question
      grouped with another shows the grouping it belongs to).
    - `view(activity, audience)`: the kind's stage view-model for an audience
      ("projector", "control", "phone"), built from the database in the kind's
      own package (its `stage.py`): what its stage templates read as `stage`,
      so that they run no query. It holds data, never translated text, so one
      view-model serves every language's room; `stage_view` builds it once
      per change.
    - `stage_reads`: the activity's relationships its phone stage reads
      ("round"): a join answers with the stage, so they are read with the
      activity in the join's one query rather than one lazy query each.
    - `named_by_kind`: its activities are called by the kind's name (in the
      interface's language) rather than by a text the facilitator wrote (in
      the workshop's language, marked with `lang`).
    - `add_form` / `add_form_id`: the control sidebar's form that adds one to
      the agenda, and the id of its wrapper (a fresh copy comes with every
      control stage and replaces it while it is closed: control_forms.js),
      which templates/workshops/_add_form.html's `add_form` macro writes.
      `add_form_view(workshop)`: what that form lists (projects, questions),
      read from the database in the kind's `stage.py` (`add_form`); the form
      reads it as `forms[kind key]` (`forms_view`).
    - `export(activity, refs, names)` / `restore(importer, activity, entry)`:
      its own part of the workshop's JSON archive, under `archive_key`.
    - `blueprint`: the Flask blueprint of its commands, registered by
      `create_app` for every kind.
    - `remove_participants(ids)`: delete what these participants sent in this
      kind (the facilitator removes a flooder with everything they sent);
      called before the participants themselves go, in the same transaction.

    - `style`: the kind's own CSS, its package's `style.css` (None when it
      has none); workshop/stylesheet.py serves it after static/css/app.css,
      in the one stylesheet every page links.

    - `privacy`: the kind's `privacy` module, which answers for the personal
      data it holds (Québec's Law 25: workshop/privacy.py asks every kind).
      It may define any of the functions in `PRIVACY_HOOKS` (below); one it
      does not define means the kind holds nothing of that sort. Read them
      with `privacy_hook(name)`.
    """

    key: str
    name: str
    stage: dict[str, str]
    label: Callable[[Activity], str]
    heading: Callable[[Activity], str]
    announce: Callable[[Activity], str]
    announce_key: Callable[[Activity], str] = lambda _activity: ""
    own_words: Callable[[Activity], str] = lambda activity: activity.prompt or ""
    on_open: Callable[[Activity], None] = _nothing
    shown: Callable[[Activity], Activity] = _same
    view: Callable[[Activity, str], Any] | None = None
    stage_reads: tuple[str, ...] = ()
    named_by_kind: bool = False
    add_form: str | None = None
    add_form_id: str | None = None
    add_form_view: Callable[[Any], Any] | None = None
    archive_key: str | None = None
    export: Callable | None = None
    restore: Callable | None = None
    blueprint: Any = None
    remove_participants: Callable[[list[int]], None] | None = None
    privacy: ModuleType | None = None
    style: Path | None = None

    def privacy_hook(self, name: str) -> Callable | None:
        """The function `name` of the kind's privacy module (one of
        `PRIVACY_HOOKS`), or None when the kind holds nothing of that sort."""
        if name not in PRIVACY_HOOKS:
            raise ValueError(f"{name!r} is not a privacy hook")
        return getattr(self.privacy, name, None)


@dataclass(frozen=True)
class FreeText:
    """A text typed in a workshop that may name someone (a cell's log entry, an
    idea, a force and its explanation), as the privacy module searches it."""

    kind: str  # what the record is ("log", "force"), unique among kinds: with its id, it names a mention
    record: Any  # the row holding the text
    fields: tuple[str, ...]  # the row's attributes holding it, each erased on its own
    text: str  # what the search reads and the privacy page shows: the fields together
    label: str  # what the privacy page calls the record ("Cell log"), in the interface's language
    where: str  # where it stands: the cell's project, the question, the subject
    # Who sent it, if a participant did: their own text is theirs already, not a
    # mention to review when it gives only their first name.
    author_id: int | None = None
    # The row's attributes computed from the text (an idea's features keep its
    # words): emptied when a name is erased from it, and computed again.
    derived: tuple[str, ...] = ()

    @property
    def id(self) -> int:
        return self.record.id


def parts_of(package: str) -> dict[str, Any]:
    """The parts of a kind that live in its package's usual modules, for its
    `ActivityKind(**kinds.parts_of(__package__), ...)`: `views.bp` (its
    commands), `stage.view` (its view-model) and `stage.add_form` (what its
    add form lists), `logic.remove_participants`,
    its `privacy` module, its `style.css` (its own CSS) and, if it has an
    `archive` module, its `export` and `restore`. A kind whose parts live
    elsewhere names them itself instead."""
    def module(name: str) -> ModuleType | None:
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"{package}.{name}":
                raise  # the module is there and imports something missing
            return None

    views, stage, logic, privacy, archive = (module(name) for name in ("views", "stage", "logic", "privacy", "archive"))
    parts: dict[str, Any] = {"privacy": privacy}
    style = Path(str(importlib.resources.files(package) / "style.css"))
    if style.is_file():
        parts["style"] = style
    if views is not None:
        parts["blueprint"] = views.bp
    if stage is not None:
        parts["view"] = stage.view
        if hasattr(stage, "add_form"):
            parts["add_form_view"] = stage.add_form
    if logic is not None and hasattr(logic, "remove_participants"):
        parts["remove_participants"] = logic.remove_participants
    if archive is not None:
        parts.update(export=archive.export, restore=archive.restore)
    return parts


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


def stage_loads(activity_load: Any) -> list:
    """Loader options that read, with an activity loaded by `activity_load`
    (e.g. `joinedload(Workshop.current_activity)`), what every kind's stage
    reads of it (`stage_reads`): one-to-one rows, one LEFT JOIN each."""
    from workshop.workshops.models import Activity

    return [activity_load.joinedload(getattr(Activity, name)) for kind in kinds() for name in kind.stage_reads]


def on_stage(workshop: Any, audience: str) -> Activity | None:
    """The activity an audience's stage shows: for phones the current one; for
    the projector and the control view the one chosen for the projector, else
    the current one, as its kind shows it (a grouped question: its grouping)."""
    if audience == "phone":
        return workshop.current_activity
    activity = workshop.stage_activity
    return kind_of(activity).shown(activity) if activity is not None else None


def stage_view(workshop: Any, audience: str) -> Any:
    """The view-model of the activity on an audience's stage (None when nothing
    is on stage), built once per change: a push rendering the stage for every
    language's room builds it once."""
    activity = on_stage(workshop, audience)
    if activity is None:
        return None
    view = kind_of(activity).view
    if view is None:
        return None
    return snapshot.once(("stage", activity.id, audience), lambda: view(activity, audience))


def forms_view(workshop: Any) -> dict[str, Any]:
    """What the control sidebar's add forms list, by kind key, read once per
    change (the forms share the workshop's projects and questions' walls)."""
    def build() -> dict[str, Any]:
        with snapshot.one_change():
            return {kind.key: kind.add_form_view(workshop) for kind in kinds() if kind.add_form_view is not None}

    return snapshot.once(("forms", workshop.id), build)


def stage_context(workshop: Any, audience: str) -> dict[str, Any]:
    """What a render of an audience's stage template needs besides the workshop:
    `stage`, its view-model, and on the control view `forms`, what the add
    forms (sent with every control stage) list. Live rooms' "phones" is the
    "phone" audience."""
    audience = "phone" if audience == "phones" else audience
    context = {"stage": stage_view(workshop, audience)}
    if audience == "control":
        context["forms"] = forms_view(workshop)
    return context


def kind_of(activity: Activity) -> ActivityKind:
    if not _REGISTRY:
        load()
    try:
        return _REGISTRY[activity.kind]
    except KeyError:
        raise LookupError(f"no activity kind {activity.kind!r} is registered") from None
