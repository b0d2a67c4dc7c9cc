"""Match orphan projects with partner organisations by text similarity.

Public API
----------
- :func:`organisations_for` -- rank organisations for one project (territory / kind filters).
- :func:`projects_for` -- rank projects for one organisation.
- :class:`Organisation`, :class:`Project` (inputs) and :class:`Match` (output).

Method
------
Each side is turned into one document: the organisation's mission + interests + sector,
the project's title + description. Text goes through :mod:`analysis.text` (NFKC, lower case,
elisions, FR/EN stop words, Snowball stems, accents folded). The language is guessed per
field (mission, interests, ...) when the field has stop-word evidence, else for the whole
document, so mixed FR/EN records are stemmed sensibly. Documents are weighted by sublinear
TF-IDF fitted on the texts at hand (the query plus *all* candidates, before filtering, so a
filter never changes the score of an organisation it keeps) and compared by cosine.

Each :class:`Match` explains itself: ``shared_terms`` are the words both texts share (the
stems contributing most to the cosine, shown as a surface word, preferring a form written in
both texts) and ``reason`` is the candidate's sentence covering most of the other text's
weight, truncated to about :data:`REASON_CHARS` characters.

Everything is deterministic: same input, same output; ties are broken by id.
No Flask, no database, no network.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .text import EN_STOP, FR_STOP, STOP_WORDS, guess_language, stem, strip_accents, tokenise

__all__ = [
    "Organisation",
    "Project",
    "Match",
    "organisations_for",
    "projects_for",
    "MAX_FIELD_CHARS",
    "REASON_CHARS",
    "MAX_SHARED_TERMS",
]

MAX_FIELD_CHARS = 5000  # longer fields are truncated before analysis
REASON_CHARS = 160  # the reason sentence is cut (at a word boundary) to about this length
MAX_SHARED_TERMS = 5

_LANG_MARKERS = (FR_STOP ^ EN_STOP)  # words that tell French from English
# Sentence ends: . ! ? … followed by space, semicolons, new lines, bullets. Not "·" (inclusive writing).
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+|[;\n\r]+|\s*[•▪◦]\s*")


@dataclass(frozen=True)
class Organisation:
    """A partner organisation as the web layer passes it in (any object with these attributes works)."""

    id: int
    name: str
    kind: str
    sector: str
    territory: str
    mission: str
    interests: str


@dataclass(frozen=True)
class Project:
    """A (typically orphan) project as the web layer passes it in."""

    id: int
    title: str
    description: str


@dataclass(frozen=True)
class Match:
    """One ranked candidate.

    ``id`` is the organisation's (or project's) id; ``score`` is a cosine in 0..1;
    ``shared_terms`` are at most 5 readable words both texts share, most informative first;
    ``reason`` is the candidate's sentence nearest to the other text ("" when nothing is shared).
    """

    id: int
    score: float
    shared_terms: tuple[str, ...]
    reason: str


# --------------------------------------------------------------------------- documents


@dataclass
class _Doc:
    stems: list[str]  # all content stems, in order, with repetitions
    surfaces: dict[str, Counter]  # stem -> Counter of surface words (lower case, accents kept)
    sentences: list[tuple[str, frozenset[str]]]  # (display sentence, its stems)


def _field(value) -> str:
    text = "" if value is None else str(value)
    return text[:MAX_FIELD_CHARS]


def _fold(s: str) -> str:
    """Case- and accent-insensitive key ("  MRC du Fjord-du-Saguenay " == "mrc du fjord-du-saguenay")."""
    s = unicodedata.normalize("NFKC", s or "").casefold()
    return " ".join(strip_accents(s).split())


def _sentences(text: str) -> list[str]:
    out = []
    for part in _SENTENCE_SPLIT.split(text):
        part = " ".join(part.split())
        if part:
            out.append(part)
    return out


def _content(tokens: list[str], lang: str) -> list[tuple[str, str]]:
    """(stem, surface) pairs for the content words among ``tokens`` (same filter as ``analyse``)."""
    out = []
    for tok in tokens:
        if tok in STOP_WORDS or len(tok) < 2 or tok.isdigit() or strip_accents(tok) in STOP_WORDS:
            continue
        s = stem(tok, lang)
        if len(s) >= 2:
            out.append((s, tok))
    return out


def _document(fields: Sequence[str]) -> _Doc:
    fields = [_field(f) for f in fields]
    doc_lang = guess_language([t for f in fields for t in tokenise(f)])
    stems: list[str] = []
    surfaces: dict[str, Counter] = {}
    sentences: list[tuple[str, frozenset[str]]] = []
    for text in fields:
        tokens = tokenise(text)
        lang = guess_language(tokens) if any(t in _LANG_MARKERS for t in tokens) else doc_lang
        for sentence in _sentences(text):
            pairs = _content(tokenise(sentence), lang)
            if not pairs:
                continue
            for s, tok in pairs:
                stems.append(s)
                surfaces.setdefault(s, Counter())[tok] += 1
            sentences.append((sentence, frozenset(s for s, _ in pairs)))
    return _Doc(stems=stems, surfaces=surfaces, sentences=sentences)


def _org_doc(org) -> _Doc:
    return _document([getattr(org, "mission", ""), getattr(org, "interests", ""), getattr(org, "sector", "")])


def _project_doc(project) -> _Doc:
    return _document([getattr(project, "title", ""), getattr(project, "description", "")])


# --------------------------------------------------------------------------- scoring


def _tfidf(docs: Sequence[_Doc]) -> tuple[list[dict[str, float]], dict[str, float]]:
    """Sublinear, smoothed TF-IDF (as scikit-learn's), L2-normalised, as sparse dicts.

    Returns the weight vectors and the idf of each stem.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not any(d.stems for d in docs):
        return [{} for _ in docs], {}
    vec = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, norm="l2")
    X = vec.fit_transform([d.stems for d in docs]).tocsr()
    vocab = vec.get_feature_names_out()
    idf = {str(t): float(w) for t, w in zip(vocab, vec.idf_)}
    rows = []
    for i in range(X.shape[0]):
        start, end = X.indptr[i], X.indptr[i + 1]
        rows.append({str(vocab[j]): float(v) for j, v in zip(X.indices[start:end], X.data[start:end])})
    return rows, idf


def _surface(stem_: str, query: _Doc, cand: _Doc) -> str:
    """A readable word for ``stem_``: a form written in both texts if any, else the candidate's."""
    cand_forms = cand.surfaces[stem_]
    query_folded = {strip_accents(w) for w in query.surfaces[stem_]}
    common = [w for w in cand_forms if strip_accents(w) in query_folded]
    pool = common or list(cand_forms)
    # most frequent first; Counter keeps first-seen order, so ties go to the first written
    return max(pool, key=lambda w: cand_forms[w])


def _truncate(sentence: str, limit: int = REASON_CHARS) -> str:
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-–") + "…"


def _explain(qv: dict[str, float], cv: dict[str, float], idf: dict[str, float],
             query: _Doc, cand: _Doc) -> tuple[float, tuple[str, ...], str]:
    shared = [s for s in qv if s in cv]
    if not shared:
        return 0.0, (), ""
    score = sum(qv[s] * cv[s] for s in shared)
    score = round(min(1.0, max(0.0, score)), 4)
    shared.sort(key=lambda s: (-qv[s] * cv[s], s))
    terms: list[str] = []
    for s in shared:
        word = _surface(s, query, cand)
        if word not in terms:
            terms.append(word)
        if len(terms) == MAX_SHARED_TERMS:
            break
    # reason: the candidate sentence covering most of the query's weight (earliest on ties)
    best, best_value = "", 0.0
    for sentence, stems in cand.sentences:
        value = sum(qv.get(s, 0.0) * idf.get(s, 0.0) for s in stems)
        if value > best_value + 1e-12:
            best, best_value = sentence, value
    return score, tuple(terms), _truncate(best)


def _rank(query: _Doc, cands: Sequence[tuple[Any, _Doc]], keep, name_of, limit: int | None) -> list[Match]:
    """Score every candidate against ``query`` and order: positive score (desc, then id),
    zero score with text (by id), candidates without text (by folded name, then id)."""
    if limit is not None and limit <= 0:
        return []
    if not query.stems:
        return []
    vectors, idf = _tfidf([query] + [d for _, d in cands])
    qv = vectors[0]
    scored, empty = [], []
    for (item, doc), cv in zip(cands, vectors[1:]):
        if not keep(item):
            continue
        item_id = item.id
        if not doc.stems:
            empty.append(((_fold(name_of(item)), item_id), Match(item_id, 0.0, (), "")))
            continue
        score, terms, reason = _explain(qv, cv, idf, query, doc)
        scored.append(((-score, item_id), Match(item_id, score, terms, reason)))
    scored.sort(key=lambda p: p[0])
    empty.sort(key=lambda p: p[0])
    out = [m for _, m in scored] + [m for _, m in empty]
    return out if limit is None else out[:limit]


# --------------------------------------------------------------------------- public API


def organisations_for(
    project: Project,
    organisations: Sequence[Organisation],
    *,
    territory: str | None = None,
    kind: str | None = None,
    limit: int | None = 10,
) -> list[Match]:
    """Rank ``organisations`` by how well their mission, interests and sector fit ``project``.

    ``territory`` and ``kind``: keep only organisations whose field equals the value,
    ignoring case, accents and extra spaces (None or blank: no filter). Filters are applied
    after fitting TF-IDF on all organisations, so they never change the kept scores.
    Order: score descending (ties by id); organisations without any usable text come last
    with score 0, sorted by name. ``limit`` caps the whole list (None: no cap; <= 0: empty).
    A project with no usable text (empty, emoji only, only stop words) gives ``[]``.
    """
    t_key = _fold(territory) if territory and territory.strip() else None
    k_key = _fold(kind) if kind and kind.strip() else None

    def keep(org) -> bool:
        if t_key is not None and _fold(getattr(org, "territory", "") or "") != t_key:
            return False
        if k_key is not None and _fold(getattr(org, "kind", "") or "") != k_key:
            return False
        return True

    orgs = list(organisations or ())
    cands = [(o, _org_doc(o)) for o in orgs]
    return _rank(_project_doc(project), cands, keep, lambda o: getattr(o, "name", "") or "", limit)


def projects_for(
    organisation: Organisation,
    projects: Sequence[Project],
    *,
    limit: int | None = 10,
) -> list[Match]:
    """Rank ``projects`` by how well their title and description fit ``organisation``.

    Same method as :func:`organisations_for` in the other direction (TF-IDF fitted on the
    organisation plus all the projects). Order: score descending (ties by id); projects
    without usable text come last with score 0, sorted by title. ``limit`` caps the list
    (None: no cap; <= 0: empty). An organisation with no usable text gives ``[]``.
    """
    cands = [(p, _project_doc(p)) for p in list(projects or ())]
    return _rank(_org_doc(organisation), cands, lambda p: True,
                 lambda p: getattr(p, "title", "") or "", limit)
