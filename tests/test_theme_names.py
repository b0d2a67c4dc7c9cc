"""Theme names a facilitator would write: short phrases from the ideas, in the workshop's
language, capitalised, distinct, never "Groupe N / Group N"; edited names kept on regrouping."""

from __future__ import annotations

import re

import pytest

from analysis.clustering import GROUP_NAMES, cluster_ideas, embedding_available, keep_names, vectorise
from analysis.text import STOP_WORDS, stem, tokenise

# Each topic: French ideas, then English ones (a mixed room).
TOPICS = {
    "logement": (["Trouver un logement abordable avant d'arriver", "Un logement abordable près du cégep",
                  "Des logements abordables pour les étudiants", "Un répertoire de logements abordables"],
                 ["Affordable housing near campus", "Help finding affordable housing"]),
    "emploi": (["Jumelage avec des employeurs de la région", "Un jumelage avec des employeurs dès l'arrivée",
                "Jumelage avec des employeurs pour un stage", "Des employeurs qui embauchent des étudiants"],
               ["Matching students with local employers", "Local employers hiring students"]),
    "autobus": (["Un autobus le soir vers le campus", "Plus d'autobus le soir", "Des horaires d'autobus le soir",
                 "Un autobus gratuit le soir et la fin de semaine"],
                ["More buses in the evening", "Evening bus service to campus"]),
    "français": (["Des cours de français gratuits", "Des cours de français le soir",
                  "Cours de français pour les conjoints", "Des cours de français au travail"],
                 ["Free French classes", "French classes in the evening"]),
}
FRENCH = [t for fr, _en in TOPICS.values() for t in fr]
ENGLISH = [t for _fr, en in TOPICS.values() for t in en]
MIXED = [t for fr, en in TOPICS.values() for t in fr + en]
METHODS = ["tfidf"] + (["combined"] if embedding_available() else [])
PLACEHOLDER = re.compile(r"(groupe|group)\s*\d|/", re.I)


def _content_words(name):
    """The name's content words, stemmed as French (a two-word name is too short to guess its language)."""
    return [stem(w, "fr") for w in tokenise(name) if w not in STOP_WORDS and len(w) > 1]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_names_are_short_capitalised_distinct_phrases_in_the_workshop_language(method, language):
    result = cluster_ideas(MIXED, k=4, method=method, language=language, seed=1)
    names = [c.label for c in result.clusters]
    assert len(set(n.lower() for n in names)) == len(names)
    own = FRENCH if language == "fr" else ENGLISH
    for cluster in result.clusters:
        name = cluster.label
        assert not PLACEHOLDER.search(name) and " · " not in name
        assert 1 <= len(name.split()) <= 6 and name[0].isupper()
        # taken from an idea of this theme written in the workshop's language (by words alone,
        # English ideas may form a theme of their own: it can only be named in English)
        if any(MIXED[m] in own for m in cluster.members):
            assert any(name.lower() in MIXED[m].lower() and MIXED[m] in own for m in cluster.members), (name, language)
        else:
            assert method == "tfidf"
        assert cluster.keywords  # kept for the facilitator's hover


@pytest.mark.parametrize("method", METHODS)
def test_a_name_says_what_most_of_its_ideas_share(method):
    result = cluster_ideas(FRENCH, k=4, method=method, language="fr")
    for cluster in result.clusters:
        stems = [{stem(w, "fr") for w in tokenise(FRENCH[m])} for m in cluster.members]
        for word in _content_words(cluster.label):
            assert sum(word in s for s in stems) >= len(stems) / 3, (cluster.label, word)
    names = {c.label for c in result.clusters}
    assert {"Logements abordables", "Jumelage avec des employeurs", "Cours de français"} & names, names


@pytest.mark.parametrize("method", METHODS)
def test_no_placeholder_even_for_single_ideas_empty_texts_and_duplicates(method):
    texts = ["Vélo", "Vélo", "🙂", "", "Un jardin communautaire", "Bibliothèque ouverte le dimanche"]
    for language in ("fr", "en"):
        result = cluster_ideas(texts, k=4, method=method, language=language)
        names = [c.label for c in result.clusters]
        assert names[-1] == GROUP_NAMES[language]["empty"]
        assert not any(PLACEHOLDER.search(n) for n in names), names
        assert len(set(names)) == len(names)


def test_the_other_group_of_seed_themes_is_named_in_one_language():
    result = cluster_ideas(FRENCH + ["Un jardin communautaire"], seed_themes=["logement", "emploi"],
                           method="tfidf", language="en")
    assert result.clusters[-1].label == "Other"


def test_without_a_language_the_names_follow_most_ideas():
    result = cluster_ideas(ENGLISH + FRENCH[:2], k=3, method="tfidf")
    assert all(any(c.label.lower() in ENGLISH[m - 0].lower() for m in c.members if m < len(ENGLISH))
               for c in result.clusters if any(m < len(ENGLISH) for m in c.members))


def test_names_come_from_stored_features_too():
    stored = vectorise(FRENCH, embed=False)
    assert [c.label for c in cluster_ideas(stored, k=4, method="tfidf", language="fr").clusters] == \
        [c.label for c in cluster_ideas(FRENCH, k=4, method="tfidf", language="fr").clusters]


def test_a_facilitators_name_is_kept_when_its_ideas_stay_together():
    previous = [("Se loger en arrivant", {1, 2, 3, 4}), ("Emploi", {5, 6, 7}), ("étudiants · banque", {8, 9})]
    new = [{5, 6, 7, 10}, {1, 2, 3}, {8, 9}, {11, 12}]
    assert keep_names(previous, new) == ["Emploi", "Se loger en arrivant", None, None]
    # a theme whose ideas scattered loses its name; a name is kept once
    assert keep_names([("Logement", {1, 2, 3, 4})], [{1, 5, 6}, {2, 7, 8}]) == [None, None]
    assert keep_names([("Logement", {1, 2})], [{1, 2}, {1, 2, 3}]) == ["Logement", None]


def test_stop_words_never_open_or_close_a_name():
    result = cluster_ideas(FRENCH, k=4, method="tfidf", language="fr")
    for c in result.clusters:
        words = c.label.lower().replace("'", " ").split()
        assert words[0] not in STOP_WORDS and words[-1] not in STOP_WORDS, c.label


def test_a_renamed_theme_keeps_its_name_when_the_facilitator_groups_again(workshop):
    """Through the app: rename a theme, group again with the same number of themes."""
    from tests.conftest import ideas_from_one_phone
    from workshop.themes import logic

    activity = ideas_from_one_phone(workshop, FRENCH)
    first = logic.group(activity, 4, [], {})
    assert not any(PLACEHOLDER.search(t.label) for t in first)
    housing = next(t for t in first if "ogement" in t.label)
    logic.rename(housing, "Se loger en arrivant")
    again = logic.group(activity, 4, [], {})
    assert "Se loger en arrivant" in [t.label for t in again]
    assert len({t.label for t in again}) == 4


@pytest.mark.parametrize("method", METHODS)
def test_each_theme_has_keywords_for_the_hover(method):
    from analysis.clustering import NAME_KEYWORDS

    result = cluster_ideas(MIXED, k=4, method=method, language="fr", seed=0)
    for cluster in result.clusters:
        words = " ".join(MIXED[m].lower() for m in cluster.members)
        assert 1 <= len(cluster.keywords) <= NAME_KEYWORDS
        assert all(w in words for w in cluster.keywords), cluster.keywords  # as the ideas wrote them
        assert len(set(cluster.keywords)) == len(cluster.keywords)


def test_themes_named_by_the_facilitator_have_keywords_of_what_they_gathered():
    result = cluster_ideas(FRENCH, seed_themes=["logement", "emploi"], method="tfidf", language="fr")
    housing = result.clusters[0]
    assert housing.label == "logement" and housing.members
    assert "logements" in housing.keywords or "logement" in housing.keywords, housing.keywords
    words = " ".join(FRENCH[m].lower() for m in housing.members)
    assert all(w in words for w in housing.keywords), housing.keywords  # words, not stems


@pytest.mark.parametrize("method", METHODS)
def test_names_have_six_words_at_most_and_no_shouting(method):
    """Long central ideas and ideas typed in capitals still give a short name in sentence case."""
    ideas = [t.upper() for t in FRENCH[:4]] + [
        "Inscription dans la loi et le plan national de la mobilité des étudiants internationaux",
        "Inscription dans la loi et le plan national pour les étudiants internationaux"] + FRENCH[4:]
    for c in cluster_ideas(ideas, k=4, method=method, language="fr").clusters:
        assert 1 <= len(c.label.split()) <= 6 and len(c.label) <= 40, c.label
        assert not (len(c.label) >= 4 and c.label.isupper()), c.label
        assert "et le" not in c.label and "et la" not in c.label, c.label  # never two halves of two phrases


def test_a_phrase_never_joins_two_halves_across_et_au():
    from analysis.text import phrases

    surfaces = {p.surface for p in phrases("Contribuer à l'environnement et au développement local")}
    assert "environnement et au développement" not in surfaces
    assert "développement local" in surfaces
    assert "Cours et ateliers de français" in {p.surface for p in phrases("Cours et ateliers de français")}


# Sixty ideas of a welcome-to-the-region workshop in eight topics, written as people write them
# (no template): most topics share an expression ("cours de français", "logement à l'arrivée").
SIXTY = {
    "logement": ["Trouver un logement abordable avant d'arriver à Chicoutimi",
                 "Trouver un logement pas cher avant d'arriver à Chicoutimi",
                 "Un répertoire de logements à louer près du cégep",
                 "Visiter un logement à distance avant de signer le bail",
                 "Des logements meublés pour la première session", "Un logement temporaire à l'arrivée",
                 "Aide pour le logement: les propriétaires demandent un historique de crédit",
                 "Logement à l'arrivée en attendant un bail"],
    "emploi": ["Jumelage avec des employeurs de la région", "Un jumelage avec des employeurs dès la première année",
               "Des stages rémunérés chez des employeurs d'ici", "Jumelage avec des employeurs pour un emploi d'été",
               "Une foire de l'emploi avec des employeurs de la région",
               "Aider les employeurs à embaucher des étudiants internationaux",
               "Un emploi à temps partiel pendant les études", "Rencontrer des employeurs avant la fin des études"],
    "autobus": ["Plus d'autobus le soir vers le campus", "Un autobus le soir et la fin de semaine",
                "Une passe d'autobus gratuite pour les étudiants", "Des horaires d'autobus adaptés aux cours du soir",
                "Un autobus direct entre le campus et le centre-ville", "Une navette le soir vers le parc industriel",
                "Des abribus chauffés l'hiver", "Un autobus plus fréquent le soir"],
    "français": ["Des cours de français gratuits", "Des cours de français le soir",
                 "Des cours de français pour les conjoints", "Un atelier de conversation en français québécois",
                 "Des cours de français adaptés au travail", "Apprendre les expressions du français québécois",
                 "Un jumelage linguistique pour pratiquer le français"],
    "santé": ["Trouver un médecin de famille", "Une clinique sans rendez-vous pour les étudiants",
              "Du soutien psychologique en anglais et en français", "Comprendre l'assurance maladie dès l'arrivée",
              "Un médecin de famille pour les étudiants internationaux", "Accès à un médecin sans attendre des mois",
              "Une infirmière au campus pour les questions de santé"],
    "immigration": ["Un guide clair des démarches d'immigration", "Aide pour renouveler le permis d'études",
                    "Un avocat en immigration au campus une fois par mois",
                    "Comprendre le permis de travail après le diplôme",
                    "Des séances d'information sur la résidence permanente",
                    "Accompagnement dans les démarches d'immigration", "Le renouvellement du permis d'études sans délai"],
    "hiver": ["Des vêtements d'hiver à prix réduit", "Une friperie de vêtements d'hiver au campus",
              "Apprendre à conduire l'hiver sur la neige", "Des bottes et un manteau chaud dès l'arrivée",
              "Des sorties de ski et de patin pour découvrir l'hiver",
              "Un prêt de vêtements d'hiver pour la première saison", "Des conseils pour survivre au premier hiver"],
    "amitiés": ["Des soupers avec des familles d'ici", "Un parrain québécois pour chaque nouvel étudiant",
                "Des activités pour se faire des amis québécois", "Un jumelage avec des familles de la région",
                "Des soirées pour rencontrer des gens de la région", "Se faire des amis québécois en dehors des cours",
                "Des activités sociales avec des étudiants d'ici",
                "Inviter les étudiants dans des familles pour les fêtes"],
}
SIXTY_TEXTS = [t for ideas in SIXTY.values() for t in ideas]
SIXTY_TOPICS = [topic for topic, ideas in SIXTY.items() for _t in ideas]
ENDINGS = {"de", "d", "du", "des", "à", "au", "aux", "la", "le", "les", "l", "et", "ou", "pour", "avec", "en",
           "the", "of", "a", "and", "to", "for"}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("k", [8, None])
def test_sixty_ideas_of_eight_topics_get_names_of_two_to_six_french_words(method, k):
    from workshop.themes.models import MAX_LABEL_LENGTH

    assert len(SIXTY_TEXTS) == 60
    result = cluster_ideas(SIXTY_TEXTS, k=k, method=method, language="fr", seed=0)
    names = [c.label for c in result.clusters]
    assert len({n.lower() for n in names}) == len(names), names
    for cluster in result.clusters:
        name = cluster.label
        words = tokenise(name)
        assert 2 <= len(name.split()) <= 6 and len(name) <= MAX_LABEL_LENGTH, names
        assert name[0].isupper() and not PLACEHOLDER.search(name), name
        assert words[0] not in ENDINGS and words[-1] not in ENDINGS, name  # never cut mid-expression
        # in French: taken as written from one of the theme's (all French) ideas
        assert any(name.lower() in SIXTY_TEXTS[m].lower() for m in cluster.members), name


@pytest.mark.parametrize("method", METHODS)
def test_the_housing_ideas_are_named_after_housing(method):
    result = cluster_ideas(SIXTY_TEXTS, k=8, method=method, language="fr", seed=0)
    housing = max(result.clusters, key=lambda c: sum(SIXTY_TOPICS[m] == "logement" for m in c.members))
    assert "logement" in housing.label.lower(), housing.label
    assert len(housing.label.split()) >= 2, housing.label  # "Logement à l'arrivée", not "Logement"


def test_a_lone_word_only_when_the_ideas_share_nothing_more():
    # every idea names the library, and nothing else twice: "Bibliothèque" is the right name
    library = ["Ouvrir la bibliothèque le dimanche", "Des toilettes propres à la bibliothèque",
               "Plus de prises électriques à la bibliothèque", "Un coin pour les enfants à la bibliothèque"]
    buses = ["Un autobus le soir vers le campus", "Plus d'autobus le soir", "Des horaires d'autobus le soir",
             "Un autobus gratuit le soir"]
    result = cluster_ideas(library + buses, k=2, method="tfidf", language="fr")
    names = sorted(c.label for c in result.clusters)
    assert names == ["Autobus le soir", "Bibliothèque"], names


def test_a_name_stops_before_a_new_clause():
    from analysis.text import phrases

    surfaces = {p.surface for p in phrases("Le stationnement de l'aréna est mal déneigé")}
    assert "stationnement de l'aréna" in surfaces
    assert not any("est" in s.split() for s in surfaces), surfaces
    assert {p.surface for p in phrases("Robots I'm a computer", max_words=6)} == {"Robots", "computer"}
    # ("Eat I'm a computer" gives "computer" alone: "Eat" is a verb, never a name on its own)
    assert {p.surface for p in phrases("Eat I'm a computer", max_words=6)} == {"computer"}


def test_an_english_name_is_the_object_not_the_verb():
    """English proposals open on a verb ("Create", "Offer"); their theme is what they would create."""
    from analysis.text import EN_VERBS

    housing = ["Create affordable housing near campus", "Offer affordable housing to new students",
               "Provide affordable housing downtown", "Build affordable housing for families"]
    classes = ["Offer French classes in the evening", "Create free French classes",
               "Give French classes to spouses", "Organise French classes at work"]
    result = cluster_ideas(housing + classes, k=2, method="tfidf", language="en")
    names = sorted(c.label for c in result.clusters)
    assert names == ["Affordable housing", "French classes"], names
    for name in names:
        assert tokenise(name)[0] not in EN_VERBS and tokenise(name)[-1] not in EN_VERBS, name


def test_an_english_phrase_never_opens_on_a_verb():
    from analysis.text import phrases

    assert {p.surface for p in phrases("Create affordable housing")} == {"affordable", "affordable housing"}
    assert {p.surface for p in phrases("Help finding affordable housing")} == {"affordable", "affordable housing"}
    # an unlisted verb before a determiner, and a verb inside the run, end the phrase too
    assert {p.surface for p in phrases("Restart your router and check the cables")} == {"router", "cables"}
    # a noun that could be a verb is left as the head of its phrase
    assert "Support groups for newcomers" in {p.surface for p in phrases("Support groups for newcomers")}
    # nouns a verb list would take: a listed verb that is often a noun, a noun before a quantifier
    for idea in ("Help desk for newcomers", "Open house for families", "Buses more often on weekends",
                 "Daycare every evening"):
        assert any(p.surface.startswith(idea.split()[0]) for p in phrases(idea)), idea
    # French typed without accents is guessed English: its "a" opens no object
    assert "Parc a chiens" in {p.surface for p in phrases("Parc a chiens")}
    # French proposals keep their infinitive: that is how a French theme is written
    assert "Interdire la publicité" in {p.surface for p in phrases("Interdire la publicité")}


def test_inclusive_writing_is_one_word_and_a_quantifier_opens_no_name():
    from analysis.text import phrases

    surfaces = {p.surface for p in phrases("Mentorat par des professionnel·le·s immigrant·e·s établi·e·s")}
    assert "professionnel·le·s immigrant·e·s établi·e·s" in surfaces
    # never cut inside a word ("Immigrant·e·s établi"), never a name of its dots' letters
    assert not any(s.endswith(("établi", "immigrant", "·e", "·le")) for s in surfaces), surfaces
    assert [p.stems for p in phrases("Diplômé·e·s")] == [("diplom",)]  # the stem the ideas' words have
    surfaces = {p.surface for p in phrases("Ouvrir un compte bancaire en une seule visite")}
    assert not any(s.lower().startswith("seule") for s in surfaces), surfaces


def test_a_name_never_starts_on_the_adjective_of_a_noun_it_leaves_out():
    from analysis.text import phrases

    found = {p.surface for p in phrases("Autobus plus fréquents la fin de semaine")}
    assert "Autobus plus fréquents" in found and not any(s.startswith("fréquents") for s in found)
    assert "buses" in {p.surface for p in phrases("More buses at night")}  # a degree word opening the idea
    result = cluster_ideas(["Autobus plus fréquents la fin de semaine"] * 4 + ["Des cours de français le soir"] * 4,
                           k=2, method="tfidf")
    assert sorted(c.label for c in result.clusters) == ["Autobus plus fréquents", "Cours de français le soir"]


def test_a_word_in_a_french_locution_is_not_the_same_word_alone():
    """"Transports en commun" and "la commune" (a town) shared the stem "commun", and a
    theme named "Transport en commun" collected ideas about the town; "en ligne" (online)
    and "une ligne d'autobus" likewise. The locution's word has a stem of its own."""
    from analysis.text import analyse, phrases

    transit, _ = analyse("Des transports en commun le soir")
    town, _ = analyse("Une salle communautaire dans chaque commune")
    online, _ = analyse("Des cours de français en ligne")
    bus_line, _ = analyse("Une ligne d'autobus vers le campus")
    assert not set(transit) & set(town)
    assert not set(online) & set(bus_line)
    assert set(analyse("Plus de transports en commun")[0]) >= set(transit) - {"soir"}  # the locution shares
    # A name keeps the locution whole, and its stems are the ideas' own.
    named = {p.surface: p.stems for p in phrases("Transports en commun gratuits")}
    assert set(named["Transports en commun"]) <= set(transit)


ONLINE_AND_BUS = ["Formation en ligne pour les nouveaux arrivants", "Services en ligne en anglais",
                  "Une ligne d'autobus vers le parc industriel", "Plus de services pour la ligne 12"]


def test_a_seed_theme_with_a_locution_gathers_the_ideas_that_use_it():
    """A theme the facilitator types ("En ligne", "Transports en commun") reads its words
    as the ideas' are read: the online ideas, not the bus line; transit, not a town."""
    result = cluster_ideas(ONLINE_AND_BUS, seed_themes=["En ligne", "Autobus"], method="tfidf")
    online = next(c for c in result.clusters if c.label == "En ligne")
    assert {0, 1} <= set(online.members), [ONLINE_AND_BUS[m] for m in online.members]

    ideas = ["Transports en commun le soir", "Jardin communautaire dans chaque commune"]
    theme = cluster_ideas(ideas, seed_themes=["Transports en commun"], method="tfidf").clusters[0]
    assert theme.members == [0] or theme.centrality[0] > theme.centrality[1], (theme.members, theme.centrality)


def test_a_hyphenated_locution_has_the_same_stems_in_names_and_ideas():
    from analysis.text import analyse, phrases

    idea_stems = set(analyse("Formulaire en-ligne simple")[0])
    named = {p.surface: p.stems for p in phrases("Formulaire en-ligne simple")}
    assert set(named["Formulaire en-ligne"]) <= idea_stems, (named, idea_stems)


def test_ideas_stored_before_the_analysis_changed_read_their_stems_again(monkeypatch):
    """An idea's features are computed once, on arrival, and stored: those stored before
    "en_commun" existed said "commun". Read back, their stems come again from their text."""
    import json

    import analysis.text as text
    from analysis.clustering import TextFeatures

    before = ["Transports en commun le soir", "Transports en commun plus fréquents",
              "Transports en commun gratuits", "Transports en commun vers le parc"]
    with monkeypatch.context() as m:
        m.setattr(text, "in_locution", lambda _previous, _token: False)
        old = [json.loads(f.to_json()) for f in vectorise(before, embed=False)]
    stored = [TextFeatures.from_json(json.dumps({k: v for k, v in d.items() if k != "v"})) for d in old]
    assert "commun" in old[0]["s"]
    # Read back, they are those of the same texts sent today: one topic, not two.
    assert [f.stems for f in stored] == [f.stems for f in vectorise(before, embed=False)]
