"""Spreadsheet files as people bring them, through every import that reads
them (analysis/csv_files.py): round items, organisations, jumelage lists and
`workshop cluster`. Each case is a file a probe fed the app: it cut titles,
merged rows, swapped columns or failed with a 500."""

import codecs
import io

import pytest

from analysis.csv_files import ONE_COLUMN, CSVProblem, first_of_each, read_file, read_table

TITLES = [f"Projet numéro {i}" for i in range(27)] + [
    "Parc, jardin et ruelle verte", "Vélo, marche et autobus", "Bibliothèque ouverte le soir, la fin de semaine"]


# --- the reader alone ---------------------------------------------------------------

def test_a_list_of_one_title_a_line_keeps_its_commas():
    table = read_table("Titre\n" + "\n".join(TITLES) + "\n")
    assert table.delimiter == ONE_COLUMN
    assert [row[0] for row in table.rows[1:]] == TITLES


def test_excel_s_sep_line_sets_the_separator_and_is_not_a_row():
    table = read_table("sep=;\r\nTitre;Thème\r\nIdée 0;Santé, loisirs\r\nIdée 1;Transport\r\n")
    assert table.rows == [["Titre", "Thème"], ["Idée 0", "Santé, loisirs"], ["Idée 1", "Transport"]]
    assert table.lines == [2, 3, 4] and table.line_end == "\r\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "cp1252"])
def test_excel_s_encodings_are_read(encoding):
    text = "Titre\tThème\r\nÉté « très » l’an\tSanté\r\n"
    table = read_file(text.encode(encoding))
    assert table.rows[1] == ["Été « très » l’an", "Santé"]


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_a_whole_round_saved_by_excel_with_a_sep_line_reads_every_row(encoding):
    """200 items, as French Excel writes them: "sep=;" first, quoted titles with
    semicolons, commas and line breaks well past the first 4 KB, CRLF."""
    items = [(f"Projet {i}", f"Thème {i % 12}") for i in range(200)]
    items[150] = ('Ruelle « verte » ; jardin, parc\r\net "placette"', "Thème 6")
    lines = ["sep=;", "Titre;Thème"] + [
        '"' + title.replace('"', '""') + '";' + theme if any(c in title for c in ';"\r\n') else f"{title};{theme}"
        for title, theme in items]
    table = read_file(("\r\n".join(lines) + "\r\n").encode(encoding))
    assert table.rows[0] == ["Titre", "Thème"] and len(table.rows) == 201
    assert [tuple(row) for row in table.rows[1:]] == items
    assert table.lines[0] == 2 and table.lines[-1] == 203  # the quoted break spans lines 152-153


@pytest.mark.parametrize("data,code", [
    (b"PK\x03\x04" + b"\x00" * 200, "workbook"),
    (bytes(range(256)) * 8, "binary"),
])
def test_a_file_that_is_not_a_csv_is_said_so(data, code):
    with pytest.raises(CSVProblem) as problem:
        read_file(data)
    assert problem.value.code == code


def test_a_stray_quote_is_refused_at_its_line_not_merged():
    with pytest.raises(CSVProblem) as problem:
        read_table('Nom;Type\nA;OBNL\n"Les Amis;OBNL\nB;OBNL\nC;OBNL\n')
    assert problem.value.code == "quote" and problem.value.line == 3


def test_a_field_over_the_csv_module_s_limit_is_refused_not_raised():
    with pytest.raises(CSVProblem) as problem:
        read_table('titre,theme\nok,x\n"' + "a" * 200_000 + '",x\nb,y\n')
    assert problem.value.code == "field_too_long" and problem.value.line == 3


def test_records_spread_over_lines_are_numbered_by_their_first_line():
    table = read_table('nom,rôle\n"Marie\nTremblay",citoyenne\nJean,employeur\n')
    assert table.lines == [1, 2, 4]


def test_two_columns_of_one_meaning_the_first_counts():
    assert first_of_each(["name", "name", None, "territory", "territory"]) == ["name", None, None, "territory", None]


# --- through each import ------------------------------------------------------------

def test_round_items_keep_their_commas(app):
    from workshop.voting import items_import

    found = items_import.from_upload("liste.csv", ("Titre\n" + "\n".join(TITLES) + "\n").encode("cp1252"))
    assert [item.title for item in found.items] == TITLES
    assert all(item.theme == "" for item in found.items)


@pytest.mark.parametrize("data,words", [
    ("Titre\tThème\r\nIdée\tSanté\r\n".encode("utf-16"), None),
    (b'titre,theme\n"' + b"a" * 200_000 + b'",x\nb,y\n', "Ligne 2"),
    (b'titre;theme\n"Ouvert;T\nb;T\nc;T\n', "Ligne 2"),
])
def test_round_items_from_a_hard_file_are_read_or_refused_in_words(app, data, words):
    from flask_babel import force_locale

    from workshop.voting import items_import

    if words is None:
        assert [item.title for item in items_import.from_upload("unicode.txt", data).items] == ["Idée"]
        return
    with pytest.raises(items_import.ImportRefused) as refused, app.test_request_context(), force_locale("fr"):
        items_import.from_upload("items.csv", data)
    with app.test_request_context(), force_locale("fr"):
        assert words in refused.value.message()


def test_organisations_with_synonym_columns_keep_the_first(app):
    from workshop.orphans import logic as orphans

    data = ("Organisation;Nom;Courriel;Territoire;MRC\n"
            "Centre communautaire Alma;Marie Tremblay;m@example.org;Alma;Lac-Saint-Jean-Est\n"
            "Coop du Fjord;Jean Roy;j@example.org;Saint-Fulgence;\n").encode("cp1252")
    assert orphans.import_organisations(data) == 2
    names = {o.name for o in orphans.organisations(include_archived=True)}
    assert names == {"Centre communautaire Alma", "Coop du Fjord"}


@pytest.mark.parametrize("data,code", [
    (b'Nom;Type\n"Les Amis;OBNL\nB;OBNL\nC;OBNL\n', "csv_quote"),
    (b"PK\x03\x04" + b"\x00" * 100, "csv_workbook"),
    (codecs.BOM_UTF16_LE + "Nom\tMission\r\nOrg\tAider\r\n".encode("utf-16-le"), None),
])
def test_organisations_from_a_hard_file(app, data, code):
    from workshop.orphans import logic as orphans

    if code is None:
        assert orphans.import_organisations(data) == 1
        return
    with pytest.raises(orphans.ImportRefused) as refused:
        orphans.import_organisations(data)
    assert refused.value.code == code
    assert orphans.organisations(include_archived=True) == []


def test_a_jumelage_list_with_first_and_last_names_apart_keeps_both(app, program):
    """French Excel's usual "Prénom;Nom": Éloïse Tremblay, not "Tremblay" greeted alone."""
    from workshop.jumelage import logic as jumelage

    lines = ["Prénom;Nom;Courriel;Rôle"] + [f"Éloïse{n};Tremblay;e{n}@example.org;Employeuse" for n in range(40)]
    assert jumelage.import_signups(program, "\r\n".join(lines).encode("cp1252")) == (40, 0)
    people = jumelage.signups(program)
    assert {p.name for p in people} == {f"Éloïse{n} Tremblay" for n in range(40)}
    assert {p.role for p in people} == {"employer"}


def test_jumelage_synonym_columns_and_multi_line_names(app, program):
    from workshop.jumelage import logic as jumelage

    data = ("Nom;Courriel;Rôle;MRC;Municipalité\r\n"
            "Marie Tremblay;m@example.org;citoyenne;Lac-Saint-Jean-Est;Alma\r\n").encode("cp1252")
    assert jumelage.import_signups(program, data) == (1, 0)
    assert jumelage.import_signups(program, data) == (0, 1)  # the same list again: skipped, said
    assert jumelage.signups(program)[0].place != ""
    with pytest.raises(jumelage.ImportRefused) as refused:
        jumelage.import_signups(program, 'nom;courriel;rôle\n"Ana\nLopez";a@example.org;robot\n'.encode())
    assert refused.value.code == "csv_role" and refused.value.line == 2


def test_cluster_keeps_every_record_every_column_and_the_encoding(tmp_path):
    from analysis.clustering import cluster_csv

    ideas = ["Plus d'autobus le soir", "Autobus gratuits la fin de semaine", "Cours de français le soir",
             "Ateliers de français au travail", "Logement abordable près du cégep", "Logements étudiants vérifiés"]
    lines = ["id;text;;"] + [f"{i};{t};a{i};b{i}" for i, t in enumerate(ideas[:3])] + [";;;"] + [
        f"{i};{t};a{i};b{i}" for i, t in enumerate(ideas[3:], start=3)]
    source, out = tmp_path / "idées.csv", tmp_path / "thèmes.csv"
    source.write_bytes(("sep=;\r\n" + "\r\n".join(lines) + "\r\n").encode("cp1252"))
    cluster_csv(source, out, k=3, method="tfidf")
    back = out.read_bytes().decode("cp1252").split("\r\n")
    assert back[0] == "id;text;;;cluster;cluster_label"
    rows = [line.split(";") for line in back[1:] if line]
    assert len(rows) == 7 and rows[3] == ["", "", "", "", "", ""]  # the blank record, in its place, no theme
    assert [(r[2], r[3]) for r in rows if r[0]] == [(f"a{i}", f"b{i}") for i in range(6)]
    assert all(r[4] and r[5] for r in rows if r[0])


def test_cluster_says_what_a_workbook_is(tmp_path):
    from analysis.clustering import cluster_csv

    source = tmp_path / "export.csv"
    source.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ValueError, match="Excel workbook"):
        cluster_csv(source, io.StringIO())


def test_organisations_are_counted_once_however_many_lines_name_them(app):
    from workshop.orphans import logic as orphans

    data = b"Nom;Type\nCoop du Fjord;OBNL\ncoop du fjord;OBNL\nCentre Alma;OBNL\n"
    assert orphans.import_organisations(data) == 2
    assert orphans.import_organisations(data) == 2  # the same file again: two updated


@pytest.mark.parametrize("text,rows", [
    # a tie between ; and , in the header: the lines below say which
    ("Titre;Description, courte\nProjet A;Un projet\nProjet B;Autre\n",
     [["Titre", "Description, courte"], ["Projet A", "Un projet"], ["Projet B", "Autre"]]),
    # blank lines above the header
    ("\n\nTitre;Description\nA;B\n", [["Titre", "Description"], ["A", "B"]]),
    # a quoted word opening a field is read as spreadsheets read it, not refused
    ('Titre\n"Vélo-boulot" pour tous\nAutre\n', [["Titre"], ["Vélo-boulot pour tous"], ["Autre"]]),
    ('Nom;Type\n"Les Amis" du quartier;OBNL\n', [["Nom", "Type"], ["Les Amis du quartier", "OBNL"]]),
])
def test_what_spreadsheets_write_is_read_as_they_mean_it(text, rows):
    assert read_table(text).rows == rows


def test_two_stray_quotes_that_swallow_rows_are_refused():
    with pytest.raises(CSVProblem) as problem:
        read_table('Nom;Type\n"Les Amis;OBNL\nB;OBNL\n"C;OBNL\nD;OBNL\n')
    assert problem.value.code == "quote" and problem.value.line == 2


def test_cluster_writes_its_columns_under_their_names_after_a_trailing_separator():
    from analysis.clustering import cluster_csv

    source = io.StringIO("text,author\n" + "".join(f"Idée {i} sur le logement,bob{i},\n" for i in range(8)))
    out = io.StringIO()
    cluster_csv(source, out, k=2, method="tfidf")
    lines = out.getvalue().splitlines()
    assert lines[0] == "text,author,cluster,cluster_label"
    assert all(len(line.split(",")) == 4 and line.split(",")[2] in {"1", "2"} for line in lines[1:])


def test_invisible_titles_are_empty_rows_and_an_invisible_round_title_falls_back(app, workshop):
    from workshop.voting import items_import

    found = items_import.from_text("Parc\n\u200b\u3164\nPiscine")
    assert [item.title for item in found.items] == ["Parc", "Piscine"]
