"""The phone page, rendered once per room rather than once per phone.

A room joins within the same seconds: 64 phones tap Join together and each
join answers with the phone page. Rendering that page was a third of a join's
server time, and the page is the same for every phone of a room but for two
things: the name in its header and the session's CSRF token. So the page is
rendered once per (workshop, language, phones' pushes so far) with a mark for
each of the two, and each phone's answer fills them in.

Why a page kept this way is current: it is kept under the phones' push count
read before the request read the database (`live.pushes_so_far`). Everything a
phone page shows that changes is followed by a push to the phones, which
changes the count and so the key; that is the ground live.js already stands on
when it skips re-rendering a page that missed no push. The workshop's own
columns the page shows (title, language, activity on screen, timer) are in the
key too, so a change that forgot its push still shows. With several workers
(a message queue) there is no count, and every page is rendered.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from workshop.workshops.models import Workshop

KEEP = 64  # pages kept: a few rooms' worth; each is a few kilobytes
WAIT_FOR_RENDER = 2.0  # seconds a join waits for another's render of the same page, at most

# Marks that no text of a page can contain by chance (a new one each process).
_MARK = secrets.token_hex(8)
WHO_MARK = f"who-{_MARK}"
CSRF_MARK = f"csrf-{_MARK}"


def _key(workshop: Workshop, pushes_seen: str | None) -> tuple | None:
    if pushes_seen is None or session.get("_flashes"):  # flashed messages are this phone's own
        return None
    return (workshop.id, workshop.join_code, str(get_locale()), pushes_seen, workshop.title, workshop.language,
            workshop.current_activity_id, workshop.timer_ends_at, workshop.archived_at)


def page(workshop: Workshop, who: str, pushes_seen: str | None, render: Callable[..., str]) -> str:
    """The phone page for the person called `who`. `render(who=..., csrf_token=...)`
    renders it; it runs once per key, with the marks in place of the two."""
    key = _key(workshop, pushes_seen)
    if key is None:
        return render(who=who, csrf_token=generate_csrf)
    shared = _shared(key, render)
    return shared.replace(WHO_MARK, str(escape(who))).replace(CSRF_MARK, generate_csrf())


def _shared(key: tuple, render: Callable[..., str]) -> str:
    """The page kept under `key`, rendered by the first join that needs it. The
    joins arriving while it renders (on PostgreSQL its reads let them in) wait
    for it rather than render it too."""
    pages = current_app.extensions.setdefault("phone_pages", OrderedDict())  # one app's, as its push count
    rendering: dict[tuple, threading.Event] = current_app.extensions.setdefault("phone_pages_rendering", {})
    if key not in pages and key in rendering:
        rendering[key].wait(WAIT_FOR_RENDER)
    if key in pages:
        pages.move_to_end(key)
        return pages[key]
    done = rendering[key] = threading.Event()
    try:
        shared = render(who=WHO_MARK, csrf_token=lambda *_args, **_kwargs: CSRF_MARK)
        pages[key] = shared
        while len(pages) > KEEP:
            pages.popitem(last=False)
        return shared
    finally:
        rendering.pop(key, None)
        done.set()

