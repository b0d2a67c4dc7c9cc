"""A living-lab session at its real size, invented for the tests: three
questions of the Saguenay–Lac-Saint-Jean living lab on the socio-professional
integration of international students, and 22 ideas for each, as phones would
send them (short, some in English, some with typos)."""

from __future__ import annotations

QUESTIONS = [
    "Comment mieux accueillir les étudiant·e·s internationaux·ales à leur arrivée en région ?",
    "Comment rapprocher les étudiant·e·s internationaux·ales des employeurs de la région ?",
    "Qu'est-ce qui aiderait les diplômé·e·s internationaux·ales à s'établir au Saguenay–Lac-Saint-Jean ?",
]

IDEAS = [
    [
        "Trouver un logement abordable avant d'arriver à Chicoutimi",
        "Une banque de logements vérifiés par le cégep",
        "Colocation avec des étudiant·e·s d'ici pour la première session",
        "Accueil à l'aéroport de Bagotville par des bénévoles",
        "Navette gratuite entre la gare d'autobus et les résidences",
        "Un guide de l'hiver : vêtements, pneus, chauffage",
        "Friperie d'hiver gratuite à la rentrée de janvier",
        "Parrainage par un·e étudiant·e de deuxième année",
        "Ouvrir un compte bancaire en une seule visite",
        "Aide pour la carte d'assurance maladie dès l'arrivée",
        "Cours de français québécois et d'expressions régionales",
        "Café-jasette hebdomadaire en français à la bibliothèque",
        "A buddy program with local families for the holidays",
        "Soirée d'accueil avec les organismes communautaires",
        "Une carte des services en plusieurs langues",
        "Visite guidée de la ville la première semaine",
        "Laissez-passer d'autobus à prix réduit dès septembre",
        "Point de contact unique pour toutes les démarches",
        "Ateliers sur le bail et les droits des locataires",
        "Activités plein air pour découvrir le fjord",
        "Repas communautaire mensuel avec des familles d'ici",
        "Aide psychologique en anglais et en espagnol",
    ],
    [
        "Jumelage étudiant·e–employeur dès la première session",
        "Une foire de l'emploi bilingue à Saguenay",
        "Stages rémunérés dans les PME de la région",
        "Former les employeurs aux permis de travail",
        "Visites d'entreprises organisées par le cégep",
        "Mentorat par des professionnel·le·s immigrant·e·s établi·e·s",
        "Reconnaissance des diplômes et de l'expérience acquise à l'étranger",
        "Ateliers pour adapter son CV au marché québécois",
        "Simulations d'entrevues avec des recruteurs d'ici",
        "Emplois étudiants sur le campus pendant les études",
        "A job board with employers open to work permits",
        "Cinq à sept de réseautage avec la chambre de commerce",
        "Projets de fin d'études proposés par des entreprises",
        "Sensibiliser les PME aux talents internationaux",
        "Programme de francisation en milieu de travail",
        "Une plateforme qui recense les offres de stage",
        "Journée portes ouvertes des employeurs en région",
        "Accompagnement pour les premières semaines en emploi",
        "Témoignages d'employeurs qui ont embauché",
        "Babillard d'emplois d'été en agriculture et tourisme",
        "Coaching interculturel pour les gestionnaires",
        "Clarifier les heures de travail permises aux étudiant·e·s",
    ],
    [
        "Accompagnement pour la résidence permanente",
        "Séances d'information sur le PEQ avec un·e avocat·e",
        "Aide pour trouver un emploi au conjoint ou à la conjointe",
        "Places en garderie pour les familles immigrantes",
        "Parrainage civique par une famille de la région",
        "Accès à la propriété : ateliers sur l'achat d'une maison",
        "Réseau des diplômé·e·s internationaux·ales de la région",
        "Valoriser les réussites dans les médias locaux",
        "Bénévolat dans les festivals pour créer des liens",
        "Lutter contre la discrimination à l'embauche",
        "Un permis de conduire reconnu plus facilement",
        "Transport en commun entre les villes de la région",
        "Intégrer les familles aux activités de quartier",
        "Help with the permanent residence paperwork",
        "Clubs sportifs ouverts aux nouveaux arrivants",
        "Soutien pour démarrer une entreprise en région",
        "Formation continue en français avancé",
        "Accueil dans les petites municipalités, pas seulement en ville",
        "Cellule de suivi pendant les deux premières années",
        "Lieux de culte et épiceries du monde mieux connus",
        "Fête interculturelle annuelle au centre-ville",
        "Ambassadeurs et ambassadrices dans chaque MRC",
    ],
]

assert [len(ideas) for ideas in IDEAS] == [22, 22, 22]
