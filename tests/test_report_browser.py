"""The session report in headless Chromium (Debian's package) against a real
server, with realistic content: the 146 proposals of the Convention citoyenne
pour le climat as ideas. Printed to PDF through the browser; the screenshot
and the first PDF page are kept in /tmp for a person to look at."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browsing import sign_in
from tests.conftest import base_config, ccc_proposals, missing_service, new_app
from tests.live_server import FACILITATOR_EMAIL, ServerProcess, prepare_database
from tests.test_reports import add_hats_and_cells, build_session

pytestmark = pytest.mark.browser

SCREENSHOT = Path(os.environ.get("REPORT_SCREENSHOT", "/tmp/report.png"))
PDF = Path(os.environ.get("REPORT_PDF", "/tmp/report.pdf"))
THEME_LABELS = {"SE_NOURRIR": "Se nourrir", "SE_DEPLACER": "Se déplacer", "PRODUIRE": "Produire et travailler",
                "SE_LOGER": "Se loger", "CONSOMMER": "Consommer", "CONSTITUTION": "Constitution"}


def offer_the_first_orphan(workshop):
    """Weeks later: the first orphan candidate offered to a partner, who said it is interested."""
    from workshop.extensions import db
    from workshop.orphans import logic as orphans
    from workshop.voting.models import Project

    orphan = db.session.scalars(db.select(Project).where(Project.workshop_id == workshop.id,
                                                         Project.status == "orphan_candidate")
                                .order_by(Project.id)).first()
    partner = orphans.save_organisation(None, {"name": "Carrefour jeunesse-emploi du Fjord", "kind": "community",
                                               "territory": "MRC du Fjord-du-Saguenay"})
    orphans.move(orphans.offer(orphan, partner, "coordination@example.org"), "interested", "", "coordination@example.org")


def ink(pgm: Path) -> float:
    """The share of dark pixels on a page rendered as a binary PGM (P5) by pdftoppm -gray."""
    data = pgm.read_bytes()
    fields, rest = data.split(maxsplit=4)[:4], data.split(maxsplit=4)[4]
    width, height = int(fields[1]), int(fields[2])
    pixels = rest[:width * height]
    return sum(1 for value in pixels if value < 128) / len(pixels)


@pytest.fixture
def server(tmp_path):
    """A real server whose database holds a finished session built from the proposals.
    Some ideas are left unsorted (the last of each theme) so that section shows too."""
    rows = ccc_proposals()
    env = prepare_database(tmp_path)
    app = new_app(base_config(env["DATABASE_URL"]))
    labels = list(THEME_LABELS)
    last_of_theme = {row["theme"]: n for n, row in enumerate(rows)}
    with app.app_context():
        from workshop.accounts.models import User
        from workshop.extensions import db
        from workshop.workshops.logic import create_workshop

        owner = db.session.scalar(db.select(User).where(User.email == FACILITATOR_EMAIL))
        workshop = create_workshop(
            owner, "Convention citoyenne — atelier de synthèse", "fr",
            ["Étudiant·e international·e", "Employeur / entreprise", "Établissement d'enseignement",
             "Organisme communautaire", "Municipalité / ministère", "Recherche", "Citoyen·ne"],
            ["Quelles mesures pour réduire les émissions d'au moins 40 % d'ici 2030, dans un esprit de justice sociale ?"])
        theme_of = [None if last_of_theme[row["theme"]] == n else labels.index(row["theme"])
                    for n, row in enumerate(rows)]
        build_session(workshop, texts=[row["text"] for row in rows], people=60,
                      theme_labels=[THEME_LABELS[t] for t in labels], theme_of=theme_of, first_source="themes")
        add_hats_and_cells(workshop)
        offer_the_first_orphan(workshop)
        workshop_id = workshop.id
        db.session.remove()
        db.engine.dispose()
    server = ServerProcess(env).start()
    server.workshop_id = workshop_id
    server.idea_count = len(rows)
    yield server
    server.stop()


def test_the_report_renders_and_prints_to_a_multi_page_pdf(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    sign_in(page, server.url)
    response = page.goto(f"{server.url}/w/{server.workshop_id}/report")
    assert response.status == 200

    assert page.locator("h1").inner_text().startswith("Convention citoyenne")
    assert page.locator("svg.chart").count() >= 2
    assert page.locator("#funnel svg.chart rect").count() >= 4  # ideas, two rounds, priorities
    # Every visible idea: all proposals but the hidden one (and the merged duplicate folded in).
    assert page.locator("#ideas .report-ideas > li").count() == server.idea_count - 1
    assert page.locator("#ideas h4").count() == 7  # six themes and the unsorted ideas
    assert page.locator("#rounds .by-group").count() == 2
    assert page.locator("#priorities .report-projects li").count() >= 2
    # Hats comments under named hats (symbol and name, not colour alone); the hidden one left out.
    hats = page.locator("#hats")
    assert hats.locator(".report-hat").count() >= 1 and "Commentaire 0" in hats.inner_text()
    assert "Commentaire 3" not in hats.inner_text()
    assert hats.locator(".report-hat h5").first.inner_text().split()[0] in list("≡♥▲☀✦◎")
    # Where the orphan project's adoption stands.
    assert "Carrefour jeunesse-emploi du Fjord" in page.locator("#orphans").inner_text()
    assert not violations, violations
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    page.pdf(path=str(PDF), format="A4", print_background=False)
    for tool in ("pdfinfo", "pdftotext", "pdftoppm"):
        if not shutil.which(tool):
            missing_service(f"{tool} is missing (apt-get install poppler-utils)")
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages > 1, info
    text = subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True, check=True).stdout
    assert "Convention citoyenne" in text
    assert "RAPPORT DE SÉANCE" in text.upper()  # French by default; the kicker is set in capitals
    assert "Se nourrir" in text and "Commentaire 0" in text and "Carrefour" in text and "intéressé" in text
    # The participation table on one page: split, its header and total repeated under a single row.
    header = re.compile(r"Groupe de parties prenantes\s+Participant·e·s\s+Idées\s+Votant·e·s")
    assert sum(bool(header.search(page_text)) for page_text in text.split("\f")) == 1
    # Eight groups' columns beside the items: each group's name printed in whole words (the
    # participation table names them once, each of the two rounds' tables once more).
    plain = subprocess.run(["pdftotext", str(PDF), "-"], capture_output=True, text=True, check=True).stdout
    for word in ("d'enseignement", "communautaire", "Municipalité"):
        assert plain.count(word) >= 3, (word, plain.count(word))
    # Printed without the navigation bar or the export buttons.
    first_page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(PDF), "-"],
                                capture_output=True, text=True, check=True).stdout
    assert "CSV" not in first_page
    # Every page, rendered: kept as PNG for a person to look at, and none of them blank.
    pages_dir = PDF.with_suffix("")
    shutil.rmtree(pages_dir, ignore_errors=True)
    pages_dir.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(PDF), str(pages_dir / "page")], check=True)
    subprocess.run(["pdftoppm", "-gray", "-r", "30", str(PDF), str(pages_dir / "gray")], check=True)
    grays = sorted(pages_dir.glob("gray-*.pgm"))
    assert len(grays) == pages == len(list(pages_dir.glob("page-*.png")))
    assert all(ink(gray) > 0.002 for gray in grays), [ink(gray) for gray in grays]
    context.close()
