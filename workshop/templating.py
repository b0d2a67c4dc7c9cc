"""Helpers the templates share."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from flask import Flask
from markupsafe import Markup

from workshop import anonymity, kinds
from workshop.ideas.pushes import card_template


def epoch_ms(moment: datetime) -> int:
    """A naive UTC datetime as milliseconds since the epoch, for the browser's clock."""
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


HIGH_PUNCTUATION = re.compile(r"\s+([?!:;»])")
DIGIT_GROUP = re.compile(r"\b\d{1,3}(?: \d{3})+\b")  # "13 000": never "13" then "000" a line below
UNIT = re.compile(r"(?<=\d) (?=[$€%])")  # "5 000 $"


def french_spacing(text: str) -> str:
    """Tie French high punctuation to its word ("région ?"), the groups of a
    number together and a number to its unit ("13 000 $"), so that none
    wraps alone onto a line of the projector or a phone."""
    text = HIGH_PUNCTUATION.sub("\u202f\\1", text or "")
    text = DIGIT_GROUP.sub(lambda number: number.group().replace(" ", "\u202f"), text)
    return UNIT.sub("\u00a0", text)


MIDDLE_DOT_IN_WORD = re.compile(r"(?<=\w)·(?=\w)")


def heading_text(text: str) -> Markup:
    """A heading's words on a phone: french_spacing, and a line may break after
    the middle dot of inclusive writing ("internationaux·<wbr>ales"), not
    inside a word wherever it overflows. <wbr> adds no character to what is read or copied."""
    escaped = Markup.escape(french_spacing(text))
    return Markup(MIDDLE_DOT_IN_WORD.sub("·<wbr>", str(escaped)))


def day(value) -> str:
    """A date as the page's language writes it ("3 déc. 2026", "Dec 3, 2026"), not ISO:
    a date, a stored moment (on the workshop's clock), or a day written ISO, as a
    timeline's "follow-up moved" line keeps it (other text is shown as it is)."""
    from flask_babel import format_date, get_locale

    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    text = format_date(value, format="medium")
    if str(get_locale() or "fr").startswith("fr") and text.startswith("1 "):
        return "1er" + text[1:]  # the first of the month is "1er mai" in French
    return text


def quoted(text) -> Markup:
    """Someone's words in the page's quotation marks: « … » with thin no-break
    spaces in French, “…” in English."""
    from flask_babel import get_locale

    if str(get_locale() or "fr").startswith("fr"):
        return Markup("«\u202f{}\u202f»").format(text)
    return Markup("“{}”").format(text)


def force_number(value: float, signed: bool = False) -> str:
    """One decimal at most, in the reader's locale ("4,2" in French, "4" for 4.0): a
    mean score, a force's weight; `signed` shows + before a gain."""
    from flask_babel import format_decimal

    text = format_decimal(round(value, 1), format="+0.#;-0.#" if signed else "0.#")
    return text.replace("-", "\u2212")  # a true minus reads from the back of the room


def density(count: int, steps: tuple[int, int]) -> str:
    """The size a projector list of `count` items is first drawn at: "large" up to
    steps[0] items, "medium" up to steps[1], else "compact". static/js/projector.js
    reads the same steps (data-density-steps) and goes denser where they do not fit."""
    large, medium = steps
    return "large" if count <= large else "medium" if count <= medium else "compact"


def plural_forms(singular: str, plural: str) -> tuple[str, str]:
    """A plural pair handed to a macro that calls ngettext itself; the name is
    a keyword of `make extract-messages`, so the pair reaches the catalogues."""
    return singular, plural


def init_app(app: Flask) -> None:
    from workshop.hats.hats import LOOKS, look
    from workshop.jumelage.labels import words as jumelage_words
    from workshop.orphans.logic import kind_words
    from workshop.orphans.pipeline import stage_words
    from workshop.voting.matrix import matrix_points
    from workshop.voting.messages import vote_kind_words

    app.jinja_env.globals.update(hat_look=look, hat_looks=LOOKS)
    app.jinja_env.filters["french_spacing"] = french_spacing
    app.jinja_env.filters["heading_text"] = heading_text
    app.jinja_env.filters["epoch_ms"] = epoch_ms
    app.jinja_env.filters["force_number"] = force_number
    app.jinja_env.filters["day"] = day
    app.jinja_env.globals["quoted"] = quoted
    app.jinja_env.globals.update(kind_of=kinds.kind_of, on_stage=kinds.on_stage, activity_kinds=kinds.kinds,
                                 idea_card_template=card_template)
    app.jinja_env.globals["plural_forms"] = plural_forms
    app.jinja_env.globals["matrix_points"] = matrix_points
    app.jinja_env.globals["density"] = density
    # Words for codes, kept with their feature and read by its pages' macros.
    app.jinja_env.globals.update(jumelage_words=jumelage_words, stage_words=stage_words,
                                 organisation_kind_words=kind_words, vote_kind_words=vote_kind_words)
    app.jinja_env.globals.update(author_label=anonymity.author_label, anonymity_promise=anonymity.promise,
                                 anonymity_choices=anonymity.choices)


def load_all(app: Flask) -> None:
    """Compile every template and read each language's catalogue at start.

    Jinja compiles a template the first time it is rendered: the first room
    to join paid for the join form, the phone page and the stage fragments
    with every phone waiting (64 phones joining at once: p95 about 60 ms
    higher on a fresh server than on a warm one). Called by the servers
    (workshop/serve.py, workshop/wsgi.py) before serve.settle_memory, so the
    compiled code is frozen out of the garbage collector's walks too."""
    from flask_babel import force_locale, get_translations

    from workshop.i18n import LANGUAGES

    with app.app_context():
        for name in app.jinja_env.list_templates(extensions=["html"]):
            app.jinja_env.get_template(name)
    with app.test_request_context():
        for language in LANGUAGES:
            with force_locale(language):
                get_translations()
