"""`workshop cluster` on CSV files as real exports write them: quotes far down the file,
CRLF line ends, a byte-order mark, semicolons and tabs, and files that are wrong."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from analysis.clustering import cluster_csv
from workshop.themes.cli import cluster_command

TOPICS = {
    "logement": ["Trouver un logement abordable avant d'arriver", "Un répertoire de logements pour étudiants",
                 "Des colocations avec des familles d'ici", "Garantie de loyer sans historique de crédit"],
    "emploi": ["Jumelage avec des employeurs de la région", "Des stages payés dans les PME",
               "Un salon de l'emploi pour étudiants internationaux", "Reconnaître les diplômes étrangers plus vite"],
    "transport": ["Un autobus le soir vers le campus", "Des pistes cyclables sécuritaires",
                  "Covoiturage entre étudiants et travailleurs", "Passe d'autobus gratuite la première année"],
}


def _rows(n_plain: int):
    """Plain rows filling well over the first 4 KB, then rows whose fields hold quotes,
    separators and line breaks."""
    texts = [t for ts in TOPICS.values() for t in ts]
    rows = [[str(i), texts[i % len(texts)] + f" (note {i})", f"groupe {i % 5}"] for i in range(n_plain)]
    tricky = ['Un "parrain" québécois pour chaque étudiant', "Logement; transport, et emploi",
              "Deux lignes\nsur la même note", 'Il a dit "oui"; puis, "non"\r\net encore', "Tab\tdans le texte"]
    rows += [[str(n_plain + j), t, 'groupe "spécial"'] for j, t in enumerate(tricky)]
    return rows


def _write(path, rows, delimiter=",", line_end="\r\n", bom=False):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=line_end)
    w.writerow(["id", "text", "auteur"])
    w.writerows(rows)
    data = buf.getvalue()
    assert '"' not in data[:4096], "the first 4 KB must hold no quote for this test to mean anything"
    path.write_bytes((("\ufeff" if bom else "") + data).encode("utf-8"))
    return data


@pytest.mark.parametrize("delimiter,line_end,bom", [(",", "\r\n", False), (";", "\r\n", True),
                                                     ("\t", "\n", False), (",", "\n", True)])
def test_the_command_round_trips_quotes_that_appear_after_the_first_4_kb(tmp_path, delimiter, line_end, bom):
    rows = _rows(120)
    source, out = tmp_path / "export.csv", tmp_path / "out.csv"
    _write(source, rows, delimiter, line_end, bom)
    result = CliRunner().invoke(cluster_command, [str(source), "--k", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == bom
    text = raw.decode("utf-8-sig")
    assert text.split(line_end, 1)[0] == delimiter.join(["id", "text", "auteur", "cluster", "cluster_label"])
    back = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert [r[:3] for r in back[1:]] == rows  # every row, in order, every field as it was
    assert all(r[3] in {"1", "2", "3"} and r[4] for r in back[1:])


def test_a_stdout_run_quotes_what_needs_quoting(tmp_path):
    source = tmp_path / "export.csv"
    _write(source, _rows(100))
    result = CliRunner().invoke(cluster_command, [str(source), "--k", "2"])
    assert result.exit_code == 0, result.output
    assert '"Un ""parrain"" québécois pour chaque étudiant"' in result.output


def test_a_windows_1252_export_is_read():
    data = "id;text\r\n1;Logement près du cégep\r\n2;Emploi d'été\r\n3;Autobus à Chicoutimi\r\n".encode("cp1252")
    out = io.StringIO()
    cluster_csv(io.BytesIO(data), out, k=2, method="tfidf")
    assert "Logement près du cégep" in out.getvalue() and out.getvalue().startswith("id;text;cluster;")


@pytest.mark.parametrize("content,message", [
    ('id,text\n1,"une note jamais fermée\n2,autre\n', "line"),
    ("id,text\n1,une,deux,trois\n", "row 2 of the CSV has 4 fields but the header has 2"),
    ("id;idée\n1;x\n", r"column 'text' not found.*id, idée \(read with a semicolon"),
    ("\ufeff\r\n", "empty"),
])
def test_a_wrong_file_is_refused_with_what_is_wrong(tmp_path, content, message):
    source = tmp_path / "bad.csv"
    source.write_text(content, encoding="utf-8", newline="")
    result = CliRunner().invoke(cluster_command, [str(source)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    with pytest.raises(ValueError, match=message):
        cluster_csv(source, io.StringIO(), method="tfidf")
