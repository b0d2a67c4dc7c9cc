"""Behaviour tests for analysis.matching (pure Python, fast; invented data only)."""

from __future__ import annotations

import dataclasses

import pytest

from analysis.matching import (
    MAX_SHARED_TERMS,
    REASON_CHARS,
    Match,
    Organisation,
    Project,
    organisations_for,
    projects_for,
)
from analysis.text import stem, strip_accents, tokenise

AGRI, NEWCOMERS, COLLEGE, MRC, RESEARCH, COOP, EMPTY = 1, 2, 3, 4, 5, 6, 7

ORGS = [
    Organisation(AGRI, "Fromagerie du Lac (fictive)", "entreprise", "agroalimentaire", "MRC du Domaine-du-Roy",
                 "Transformation laitière et fromages fins. Nous embauchons des travailleurs et des "
                 "travailleuses pour nos usines de production.",
                 "Recrutement de main-d'œuvre; stages en production alimentaire; intégration des "
                 "nouveaux employés à l'usine"),
    Organisation(NEWCOMERS, "Carrefour Accueil Nouveaux Arrivants (fictif)", "organisme communautaire",
                 "services sociaux", "Saguenay",
                 "Accueil et accompagnement des personnes immigrantes et de leur famille dans leur installation.",
                 "Logement, jumelage interculturel, bénévolat, francisation des nouveaux arrivants"),
    Organisation(COLLEGE, "Cégep des Bleuets (fictif)", "établissement d'enseignement", "éducation", "Saguenay",
                 "Formation collégiale et accueil des étudiants internationaux.",
                 "Tutorat, réussite scolaire, stages, reconnaissance des acquis; student support services"),
    Organisation(MRC, "MRC du Fjord-du-Saguenay", "Municipalité / MRC", "administration municipale",
                 "MRC du Fjord-du-Saguenay",
                 "Aménagement du territoire et développement des municipalités rurales du fjord.",
                 "Transport collectif rural, attractivité régionale, établissement durable des nouveaux "
                 "résidents en région"),
    Organisation(RESEARCH, "Centre de recherche sur les transitions (fictif)", "recherche", "recherche", "Saguenay",
                 "Recherche sur les transitions en enseignement supérieur et l'insertion socioprofessionnelle.",
                 "Données, enquêtes, évaluation de projets pilotes, indicateurs"),
    Organisation(COOP, "Coop Boréale (fictive)", "entreprise", "commerce de détail", "Lac-Saint-Jean-Est",
                 "Épicerie coopérative qui vend des produits de transformation alimentaire de la région.", ""),
    Organisation(EMPTY, "Association Zéro Texte", "organisme communautaire", "", "Saguenay", "", "🙂🎉"),
]

INTERNSHIPS = Project(10, "Stages en entreprise agroalimentaire",
                      "Offrir des stages rémunérés aux étudiants internationaux dans les usines de "
                      "transformation alimentaire de la région, avec une intégration à l'emploi.")
SHUTTLE = Project(11, "Navette rurale",
                  "Un transport collectif entre les municipalités rurales du fjord et la ville pour que "
                  "les nouveaux résidents s'installent durablement en région.")
TWINNING = Project(12, "Parrainage interculturel",
                   "Jumelage interculturel entre familles d'ici et personnes immigrantes pour l'accueil, "
                   "le logement et la francisation.")
PROJECTS = [INTERNSHIPS, SHUTTLE, TWINNING]
EXPECTED = {INTERNSHIPS.id: AGRI, SHUTTLE.id: MRC, TWINNING.id: NEWCOMERS}

ORG_BY_ID = {o.id: o for o in ORGS}
PROJECT_BY_ID = {p.id: p for p in PROJECTS}


def org_text(o: Organisation) -> str:
    return " ".join([o.mission, o.interests, o.sector])


def project_text(p: Project) -> str:
    return " ".join([p.title, p.description])


def folded_words(text: str) -> set[str]:
    return {strip_accents(t) for t in tokenise(text)}


# --------------------------------------------------------------------------- ranking


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.title)
def test_the_obvious_organisation_ranks_first(project):
    ranked = organisations_for(project, ORGS)
    assert ranked[0].id == EXPECTED[project.id]
    assert ranked[0].score > 0.2
    assert ranked[0].score > ranked[1].score + 0.1


def test_result_shape_scores_and_order():
    ranked = organisations_for(INTERNSHIPS, ORGS, limit=None)
    assert sorted(m.id for m in ranked) == sorted(o.id for o in ORGS)
    for m in ranked:
        assert isinstance(m, Match)
        assert 0.0 <= m.score <= 1.0
        assert len(m.shared_terms) <= MAX_SHARED_TERMS
        assert len(m.reason) <= REASON_CHARS + 1
        assert (m.score > 0) == bool(m.shared_terms) == bool(m.reason)
    with_text = [m for m in ranked if m.id != EMPTY]
    assert with_text == sorted(with_text, key=lambda m: (-m.score, m.id))  # ties by id


def test_organisation_with_empty_interests_is_still_matched_on_its_mission():
    ranked = organisations_for(INTERNSHIPS, ORGS)
    coop = next(m for m in ranked if m.id == COOP)
    assert coop.score > 0
    assert "alimentaire" in coop.shared_terms


def test_organisations_without_text_come_last_sorted_by_name():
    extra = Organisation(8, "Aaa sans mission", "entreprise", "  ", "Saguenay", "", None)  # type: ignore[arg-type]
    ranked = organisations_for(SHUTTLE, ORGS + [extra], limit=None)
    assert [m.id for m in ranked[-2:]] == [8, EMPTY]  # "Aaa..." before "Association..."
    assert all(m.score == 0 and m.shared_terms == () and m.reason == "" for m in ranked[-2:])
    assert all(m.score > 0 for m in ranked[:1])


def test_limit_caps_the_whole_list():
    assert len(organisations_for(TWINNING, ORGS)) == len(ORGS)  # default 10 > 7
    top2 = organisations_for(TWINNING, ORGS, limit=2)
    assert top2 == organisations_for(TWINNING, ORGS, limit=None)[:2]
    assert organisations_for(TWINNING, ORGS, limit=0) == []


# --------------------------------------------------------------------------- explanations


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.title)
def test_shared_terms_are_readable_words_of_both_texts(project):
    for m in organisations_for(project, ORGS):
        org = ORG_BY_ID[m.id]
        org_words = folded_words(org_text(org))
        project_stems = {stem(t, "fr") for t in tokenise(project_text(project))}  # French projects
        for term in m.shared_terms:
            assert term.isalpha() and term == term.lower()
            assert strip_accents(term) in org_words  # written in the organisation's text
            assert stem(term, "fr") in project_stems  # same word (stem) in the project's
        assert len(set(m.shared_terms)) == len(m.shared_terms)


def test_shared_terms_prefer_the_exact_common_word_and_keep_accents():
    best = organisations_for(SHUTTLE, ORGS)[0]
    assert {"municipalités", "rurales", "fjord", "collectif"} <= set(best.shared_terms)
    best = organisations_for(TWINNING, ORGS)[0]
    assert {"interculturel", "jumelage", "francisation"} <= set(best.shared_terms)


def test_reason_is_the_candidate_sentence_nearest_to_the_project():
    best = organisations_for(SHUTTLE, ORGS)[0]
    assert best.reason.startswith("Transport collectif rural")
    assert best.reason in ORG_BY_ID[MRC].interests
    best = organisations_for(TWINNING, ORGS)[0]
    assert best.reason.startswith("Logement, jumelage interculturel")


def test_long_reason_is_truncated_at_a_word():
    long = Organisation(20, "Longue (fictive)", "entreprise", "", "Saguenay",
                        "Navette et transport collectif " + "pour les municipalités rurales " * 20, "")
    m = organisations_for(SHUTTLE, [long])[0]
    assert m.reason.endswith("…") and len(m.reason) <= REASON_CHARS
    assert m.reason.startswith("Navette et transport collectif")


# --------------------------------------------------------------------------- text handling


def test_elisions_accents_and_case_are_folded():
    org = Organisation(30, "Org (fictive)", "entreprise", "", "Saguenay", "INTEGRATION ET EMPLOI", "")
    project = Project(31, "", "Favoriser l'intégration à l’emploi")
    m = organisations_for(project, [org])[0]
    assert m.score > 0.5  # "favoriser" is not shared
    assert set(m.shared_terms) == {"integration", "emploi"}


def test_mixed_english_and_french_texts():
    project = Project(40, "Student support services", "Peer tutoring and support services for international students.")
    assert organisations_for(project, ORGS)[0].id == COLLEGE
    assert "student" in organisations_for(project, ORGS)[0].shared_terms


def test_stop_words_are_never_shared_terms():
    org = Organisation(50, "Org (fictive)", "entreprise", "", "", "Pour les gens de la région et des villes", "")
    project = Project(51, "", "Pour les gens de la région")
    m = organisations_for(project, [org])[0]
    assert set(m.shared_terms) == {"gens", "région"}


# --------------------------------------------------------------------------- filters


def test_territory_filter_is_exact_ignoring_case_and_accents():
    ranked = organisations_for(SHUTTLE, ORGS, territory="mrc du fjord-du-saguenay")
    assert [m.id for m in ranked] == [MRC]
    ranked = organisations_for(INTERNSHIPS, ORGS, territory="SAGUENAY")
    assert {m.id for m in ranked} == {NEWCOMERS, COLLEGE, RESEARCH, EMPTY}
    assert organisations_for(INTERNSHIPS, ORGS, territory="Sague") == []  # exact, not substring
    assert organisations_for(INTERNSHIPS, ORGS, territory="  lac-saint-jean-est ")[0].id == COOP


def test_kind_filter_and_both_filters():
    ranked = organisations_for(INTERNSHIPS, ORGS, kind="Etablissement d'enseignement")
    assert [m.id for m in ranked] == [COLLEGE]
    ranked = organisations_for(INTERNSHIPS, ORGS, kind="ENTREPRISE")
    assert [m.id for m in ranked] == [AGRI, COOP]
    ranked = organisations_for(INTERNSHIPS, ORGS, kind="entreprise", territory="Lac-Saint-Jean-Est")
    assert [m.id for m in ranked] == [COOP]
    assert organisations_for(INTERNSHIPS, ORGS, kind="", territory=None) == organisations_for(INTERNSHIPS, ORGS)


def test_filters_do_not_change_the_kept_scores():
    full = {m.id: m for m in organisations_for(TWINNING, ORGS, limit=None)}
    for m in organisations_for(TWINNING, ORGS, territory="Saguenay"):
        assert m == full[m.id]


# --------------------------------------------------------------------------- determinism


def test_deterministic_and_independent_of_input_order():
    first = organisations_for(INTERNSHIPS, ORGS, limit=None)
    assert organisations_for(INTERNSHIPS, ORGS, limit=None) == first
    assert organisations_for(INTERNSHIPS, list(reversed(ORGS)), limit=None) == first


def test_ties_are_broken_by_id():
    twins = [dataclasses.replace(ORG_BY_ID[MRC], id=i, name=f"Copie {i}") for i in (9, 3, 6)]
    ranked = organisations_for(SHUTTLE, twins)
    assert [m.id for m in ranked] == [3, 6, 9]
    assert len({m.score for m in ranked}) == 1


# --------------------------------------------------------------------------- reverse direction


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.title)
def test_projects_for_is_consistent_with_organisations_for(project):
    best_org = organisations_for(project, ORGS)[0]
    reverse = projects_for(ORG_BY_ID[best_org.id], PROJECTS)
    assert reverse[0].id == project.id  # mutual best match
    assert reverse[0].score == pytest.approx(best_org.score, abs=0.1)
    # the same pair shares the same words, whichever side asks
    assert {stem(t, "fr") for t in reverse[0].shared_terms} & {stem(t, "fr") for t in best_org.shared_terms}
    assert reverse[0].reason in project_text(project)


def test_projects_for_handles_empty_projects_and_organisations():
    blank = Project(99, "", "   ")
    ranked = projects_for(ORG_BY_ID[MRC], PROJECTS + [blank], limit=None)
    assert ranked[0].id == SHUTTLE.id and ranked[-1].id == 99 and ranked[-1].score == 0
    assert projects_for(ORG_BY_ID[EMPTY], PROJECTS) == []
    assert projects_for(ORG_BY_ID[MRC], []) == []


# --------------------------------------------------------------------------- bad input


def test_no_organisations():
    assert organisations_for(INTERNSHIPS, []) == []
    assert organisations_for(INTERNSHIPS, ()) == []


@pytest.mark.parametrize("title,description", [("", ""), ("   ", "\n"), ("🚀🌍", "🙂 🎉 !!!"),
                                               ("Le la les", "de et pour the of")])
def test_project_without_usable_text_gives_no_suggestions(title, description):
    assert organisations_for(Project(1, title, description), ORGS) == []


def test_all_organisations_without_text():
    orgs = [dataclasses.replace(ORG_BY_ID[EMPTY], id=i, name=n) for i, n in ((2, "Bêta"), (1, "alpha"), (3, "Émile"))]
    ranked = organisations_for(SHUTTLE, orgs)
    assert [m.id for m in ranked] == [1, 2, 3]  # by name, case- and accent-insensitive
    assert all(m.score == 0.0 for m in ranked)


def test_no_shared_word_gives_zero_scores_not_errors():
    project = Project(60, "Hockey", "Tournoi de hockey pour les jeunes")
    ranked = organisations_for(project, ORGS, limit=None)
    assert len(ranked) == len(ORGS)
    assert all(m.score == 0 and m.shared_terms == () and m.reason == "" for m in ranked)
    assert [m.id for m in ranked] == [1, 2, 3, 4, 5, 6, 7]


def test_very_long_and_odd_texts_do_not_crash():
    huge = Project(70, "x" * 10_000, ("transport " * 5000) + "\x00\u200b l' d' ' ")
    assert organisations_for(huge, ORGS)[0].id == MRC
