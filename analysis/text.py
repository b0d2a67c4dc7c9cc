"""Text normalisation for French, English and mixed short texts (workshop ideas).

Everything here is pure Python (plus the optional ``snowballstemmer`` package,
which is used when installed and replaced by a small built-in suffix stripper
otherwise). No Flask, no network, deterministic.

Pipeline for one text::

    raw -> NFKC, lower case, typographic apostrophes unified
        -> elisions removed (l', d', qu', j', n', s', c', m', t', jusqu', lorsqu', puisqu')
        -> tokens of letters/digits (hyphenated words split)
        -> stop words removed (small hand-written FR + EN lists)
        -> stem (French or English Snowball, picked per text by stop-word counts)
        -> accents stripped (so "énergie" and "energie" meet)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "FR_STOP",
    "EN_STOP",
    "STOP_WORDS",
    "strip_accents",
    "normalise",
    "guess_language",
    "tokenise",
    "stem",
    "analyse",
    "Phrase",
    "phrases",
    "capitalise",
    "EN_VERBS",
]

# Small stop lists written for this project (function words, auxiliaries and
# generic verbs/nouns that carry no theme in workshop ideas).
FR_STOP = frozenset(
    """
    a à au aux avec ce ces cet cette celle celles celui ceux chaque ci comme dans de des du
    elle elles en entre et être eu il ils je la le les leur leurs lui ma mais me même mes
    moi mon ne ni nos notre nous on ou où par pas pour qu que quel quelle quelles quels qui
    sa sans se ses si son sur ta te tes toi ton tu un une vos votre vous y ça cela ceci
    est sont été était étaient sera seront soit soient ont avait avaient aura auront
    fait faire faut peut peuvent doit doivent dont donc ainsi afin plus moins très trop
    tout tous toute toutes autre autres aussi bien encore alors après avant depuis pendant
    lors chez vers sous selon via non oui certains certaines plusieurs leurs etc
    notamment également mettre mise place permettre permettant afin ainsi cas
    """.split()
)

EN_STOP = frozenset(
    """
    a an the and or but if then than so as of at by for from in into on onto to with without
    about over under between through during before after above below up down out off
    is are was were be been being am do does did done doing have has had having
    will would shall should can could may might must i me my we our ours you your yours he him his
    she her hers it its they them their theirs this that these those there here what which who
    whom whose when where why how all any both each few more most other some such no nor not
    only own same too very just also again further once s t don ll re ve d m o y
    let lets make making made get getting use using need needs via etc
    """.split()
)

STOP_WORDS = FR_STOP | EN_STOP

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu|quoiqu)'", re.UNICODE)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_FR_MARKERS = FR_STOP - EN_STOP
_EN_MARKERS = EN_STOP - FR_STOP


def strip_accents(s: str) -> str:
    """Return ``s`` without combining accents ("élève" -> "eleve"); ligatures œ/æ expanded."""
    s = s.replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower-case ``text``, unify apostrophes and drop French elisions.

    Accents are kept here (the French stemmer needs them); they are removed
    after stemming by :func:`analyse`.
    """
    s = unicodedata.normalize("NFKC", text or "").lower().translate(_APOSTROPHES)
    return _ELISION.sub(" ", s)


def tokenise(text: str) -> list[str]:
    """Split normalised text into word tokens (letters and digits; hyphens split words)."""
    return _TOKEN.findall(normalise(text))


def guess_language(tokens: list[str]) -> str:
    """Guess "fr" or "en" from stop-word counts (ties and no evidence -> "fr", the product's first language)."""
    fr = sum(t in _FR_MARKERS for t in tokens)
    en = sum(t in _EN_MARKERS for t in tokens)
    if en > fr:
        return "en"
    if fr == en == 0:
        # accented letters are a French hint
        if not any(c in "éèêàùâîôûç" for t in tokens for c in t) and tokens:
            return "en"
    return "fr"


try:  # optional dependency: proper Snowball stemmers
    import snowballstemmer as _snowball

    _STEMMERS = {"fr": _snowball.stemmer("french"), "en": _snowball.stemmer("english")}
except Exception:  # pragma: no cover - exercised only without the package
    _STEMMERS = {}

_FR_SUFFIXES = ("issements", "issement", "ations", "ation", "ements", "ement", "ments", "ment",
                "ités", "ité", "euses", "euse", "eurs", "eur", "ives", "ive", "ifs", "if",
                "elles", "elle", "iques", "ique", "aux", "es", "er", "s", "e", "x")
_EN_SUFFIXES = ("ations", "ation", "ments", "ment", "ities", "ity", "ness", "ings", "ing",
                "ies", "ers", "er", "ed", "es", "ly", "s")


def _light_stem(token: str, lang: str) -> str:
    suffixes = _FR_SUFFIXES if lang == "fr" else _EN_SUFFIXES
    for suf in suffixes:
        if token.endswith(suf) and len(token) - len(suf) >= 3:
            return token[: -len(suf)]
    return token


# French words that mean something else right after "en": "transports en commun" is not
# about a "commune" (a town), "en ligne" (online) not about a bus line, "prendre en compte"
# not about an account, "en cours" (under way) not about a class. There, the word gets a stem
# of its own ("en_commun"), which only the same locution shares.
# Bump ANALYSIS_VERSION whenever `analyse` gives other stems for the same text: features
# stored with an older one have their stems read again from their text (TextFeatures).
ANALYSIS_VERSION = 2
_AFTER_EN = frozenset({"commun", "compte", "charge", "oeuvre", "œuvre", "valeur", "cours", "fonction", "lien",
                       "ligne"})


def in_locution(previous: str, token: str) -> bool:
    """Whether `token`, following `previous`, is the second word of a locution (see _AFTER_EN)."""
    return previous == "en" and token in _AFTER_EN


def locution_stem(token: str) -> str:
    return "en_" + strip_accents(token)


@lru_cache(maxsize=200_000)
def stem(token: str, lang: str = "fr") -> str:
    """Stem one lower-case token for ``lang`` ("fr" or "en") and strip its accents.

    Uses Snowball (``snowballstemmer``) when installed, else a light suffix stripper.
    """
    if token.isdigit():
        return token
    st = _STEMMERS.get(lang)
    out = st.stemWord(token) if st is not None else _light_stem(token, lang)
    return strip_accents(out)


def stem_variants(name: str) -> list[set[str]]:
    """The stems each content word of a short name typed by a person may match in the
    ideas: its French and English stems (a name is too short to guess its language), or
    its locution's stem as `analyse` gives it ("Transports en commun": "en_commun")."""
    tokens = tokenise(name)
    return [{locution_stem(w)} if in_locution(previous, w) else {stem(w, "fr"), stem(w, "en")}
            for previous, w in zip(["", *tokens], tokens) if w not in STOP_WORDS and len(w) > 1]


def analyse(text: str) -> tuple[list[str], dict[str, str]]:
    """Turn one text into content-word stems.

    Returns ``(stems, surface)`` where ``stems`` keeps order and repetitions,
    and ``surface`` maps each stem to the first surface word seen for it
    (used to write readable cluster labels).
    """
    tokens = tokenise(text)
    lang = guess_language(tokens)
    stems: list[str] = []
    surface: dict[str, str] = {}
    for previous, tok in zip(["", *tokens], tokens):
        if tok in STOP_WORDS or len(tok) < 2 or tok.isdigit():
            continue
        if strip_accents(tok) in STOP_WORDS:
            continue
        s = locution_stem(tok) if in_locution(previous, tok) else stem(tok, lang)
        if len(s) < 2:
            continue
        stems.append(s)
        surface.setdefault(s, tok)
    return stems, surface


# --------------------------------------------------------------------------- phrases

# Words that may sit inside a theme name but not open or close it.
_EDGE_WORDS = STOP_WORDS | {"l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu",
                            # French quantifying adjectives: "en une seule visite" is not a theme of visits
                            # (not "divers": English divers are a name's head)
                            "seul", "seule", "seuls", "seules", "mêmes", "quelques", "nombreux", "nombreuses"}
_COMPLEMENT_WORDS = frozenset({"de", "du", "des", "d", "of"})
_TIGHT_COMPLEMENT_WORDS = frozenset({"de", "d", "en", "pas", "très", "trop", "not", "very"})
_DETERMINERS = frozenset({"le", "la", "les", "l", "un", "une", "des", "du", "ma", "mon", "mes", "ses", "leur",
                          "leurs", "chaque", "the", "a", "an", "each"})
# A degree word between a noun and its adjective ("Autobus plus fréquents"): the adjective
# is the noun's, and a name never starts on it ("Fréquents la fin de semaine").
_DEGREE_WORDS = frozenset({"plus", "moins", "aussi", "more", "less", "most"})
_PURPOSE_WORDS = frozenset({"pour", "à", "de", "d", "afin", "to"})
_COORDINATORS = frozenset({"et", "ou", "and", "or"})
# A subject pronoun or a form of "être" / "be" opens a clause: a name stops before it ("Stationnement
# de l'aréna", not "Stationnement de l'aréna est mal"; "Eat", not "Eat I'm a computer").
_CLAUSE_WORDS = {"fr": frozenset({"est", "sont", "était", "étaient", "sera", "seront", "je", "j", "tu", "il", "ils",
                                  "nous", "vous", "on"}),
                 "en": frozenset({"is", "are", "was", "were", "am", "i", "you", "he", "she", "we", "they", "m",
                                  "re", "ve", "ll"})}
# English verbs that open a proposal ("Create affordable housing", "Offer French classes"): a name
# never starts or ends on one, and may start right after one, so the name is the object phrase
# ("Affordable housing"). Also taken for a verb: the first word of a sentence followed by a
# determiner or a pronoun ("Restart your router", "Tell me a joke"), and a word in -ing right
# after a verb ("Help finding housing"). French proposals open on infinitives that name the
# action ("Interdire la publicité"), which is how a facilitator writes a French theme: left as is.
# Words as often nouns at the head of an idea ("Support groups", "Train to Montreal", "Welcome
# kit", "Work permits") are not listed: the rule below still takes them before "the", "a", "your".
EN_VERBS = frozenset(
    """
    add allow arrange ask bring build buy check choose clean collect connect continue create
    decrease develop do eat encourage ensure establish expand explain extend facilitate find fix
    get give go guarantee help hire hold host implement improve include increase install introduce
    invest invite keep launch learn lower make offer open organise organize pay prepare
    promote protect provide publish put raise recognise recognize reduce remove restart say see
    send share simplify speak start take teach tell translate try update want write
    """.split()
)
# What opens a verb's object: articles, pronouns, possessives. Not "a" (French typed without
# accents, "Parc a chiens", is guessed English), nor quantifiers, which follow nouns as often
# ("Buses more often", "Daycare every evening").
_OBJECT_OPENERS = frozenset({"an", "the", "me", "us", "my", "your", "our", "their", "his", "her", "its",
                             "it", "them", "him"})
# Listed verbs as often nouns at the head of an idea ("Help desk", "Open house", "Pay equity"):
# verbs only when an object or a verb in -ing follows ("Check the cables", "Help finding housing").
_NOUNISH_VERBS = frozenset("check help hold host open pay share start update".split())
# A word: letters, with hyphens ("libre-service") and French inclusive writing's middle
# dots ("immigrant·e·s établi·e·s") inside it.
_WORD_SPAN = re.compile(r"[^\W_]+(?:[-·][^\W_]+)*", re.UNICODE)
_BREAKS = re.compile(r"[,;:.!?¿¡()\[\]{}\"«»/|…]|\s[-–—]\s")


@dataclass(frozen=True)
class Phrase:
    """A run of words of one text: as written (``surface``), the stems of its content words
    (``stems``) and how many words it has (``words``)."""

    surface: str
    stems: tuple[str, ...]
    words: int


def phrases(text: str, max_words: int = 7) -> list[Phrase]:
    """Every run of 1..``max_words`` words of ``text`` that a theme could be named after. It
    crosses no punctuation, neither opens nor closes on a function word ("de", "the"), and
    stops nowhere that leaves a phrase half said: it starts after a function word or at the
    start, never on a word that follows another content word ("abordable" of "logement
    abordable") nor inside a tight complement ("autobus" of "passe d'autobus",
    "immigration" of "avocat en immigration"), not before a complement ("la fin" of "la fin de semaine"), not
    between a verb of purpose and its object ("pour renouveler"), not into a new clause (a subject
    pronoun or "est" / "is": "aréna est mal déneigé"), not between a determiner's
    adjective and its noun ("la première" of "la première session"), not across a "et" / "and"
    followed by a function word ("environnement et au développement"), and in English neither
    from nor into a verb ("Affordable housing" of "Create affordable housing", see EN_VERBS). A
    hyphenated word ("libre-service") is one word.

    ("Logement abordable à l'arrivée" gives "Logement", "Logement abordable", "Logement
    abordable à l'arrivée", "arrivée")."""
    text = unicodedata.normalize("NFKC", text or "").translate(_APOSTROPHES)
    out: list[Phrase] = []
    for piece in _pieces(text):
        tokens = [(m.start(), m.end(), m.group()) for m in _WORD_SPAN.finditer(piece)]
        lowered = [tok.lower() for _a, _b, tok in tokens]
        parts = [[part.split("·")[0] for part in w.split("-")] for w in lowered]  # "établi·e·s": "établi"
        lang = guess_language([part for w in parts for part in w])
        # Each part of a hyphenated word after the part before it, as `analyse` reads
        # them: "en-ligne" is the locution too.
        before = [[parts[i - 1][-1] if i else "", *w[:-1]] for i, w in enumerate(parts)]
        stems = [[locution_stem(part) if in_locution(previous, part) else stem(part, lang)
                  for previous, part in zip(before[i], w) if in_locution(previous, part) or not _is_edge_word(part)]
                 for i, w in enumerate(parts)]
        content = [bool(st) and not _is_edge_word(w) for w, st in zip(lowered, stems)]
        clause = [w in _CLAUSE_WORDS[lang] for w in lowered]
        verb = _english_verbs(lowered) if lang == "en" else [False] * len(lowered)
        for i in range(len(tokens)):
            if verb[i]:
                continue  # "Create", "Create affordable housing": the object phrase names it
            if not content[i] or (i > 0 and ((content[i - 1] and not verb[i - 1])
                                             or lowered[i - 1] in _TIGHT_COMPLEMENT_WORDS)):
                continue  # "abordable" of "logement abordable", "autobus" of "passe d'autobus": mid-phrase
            if i > 1 and lowered[i - 1] in _DEGREE_WORDS and content[i - 2]:
                continue  # "fréquents" of "autobus plus fréquents": the noun's adjective
            for j in range(i, min(len(tokens), i + max_words)):
                if clause[j] or verb[j]:
                    break  # a new clause: "est mal déneigé", "I'm a computer", "router and check"
                if not content[j] or (j + 1 < len(tokens) and lowered[j + 1] in _COMPLEMENT_WORDS):
                    continue  # "la fin" of "la fin de semaine": the complement must come along
                if j > i and lowered[j - 1] in _PURPOSE_WORDS and lowered[j].endswith(("er", "ir")):
                    continue  # "Service pour renouveler": the verb's object must come along
                if (j > i and lowered[j - 1] in _DETERMINERS and j + 1 < len(tokens) and content[j + 1]
                        and lowered[j + 1] not in _DETERMINERS):
                    continue  # "dès la première" of "dès la première session": the noun must come along
                if any(lowered[m] in _COORDINATORS and not content[m + 1] for m in range(i + 1, j)):
                    continue  # "Environnement et au développement": two halves cut from two phrases
                surface = piece[tokens[i][0]:tokens[j][1]]
                out.append(Phrase(surface, tuple(st for k in range(i, j + 1) if content[k] for st in stems[k]),
                                  j - i + 1))
    return out


def _english_verbs(lowered: list[str]) -> list[bool]:
    """Which words of an English run are verbs (see EN_VERBS)."""
    verb: list[bool] = []
    for i, w in enumerate(lowered):
        following = lowered[i + 1] if i + 1 < len(lowered) else ""
        listed = w in EN_VERBS and (w not in _NOUNISH_VERBS or following in _OBJECT_OPENERS
                                    or following.endswith("ing"))
        opening = i == 0 and following in _OBJECT_OPENERS and not _is_edge_word(w)
        chained = i > 0 and verb[i - 1] and w.endswith("ing")
        verb.append(listed or opening or chained)
    return verb


def _pieces(text: str) -> list[str]:
    return [p for p in _BREAKS.split(text) if p.strip()]


def _is_edge_word(word: str) -> bool:
    return word in _EDGE_WORDS or strip_accents(word) in _EDGE_WORDS or len(word) < 2 or word.isdigit()


def capitalise(phrase: str) -> str:
    """First letter upper case, the rest as written ("logement à l'arrivée" -> "Logement à l'arrivée")."""
    phrase = phrase.strip()
    return phrase[:1].upper() + phrase[1:]


def shortened(text: str, limit: int) -> str:
    """At most `limit` characters, cut between words with "…" ("Un répertoire des
    stages…", never "Un répertoire des sta")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit - 1]  # and the "…"
    if text[limit - 1] != " " and " " in head:  # the last word does not end here: leave it out
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:—-") + "…"
