"""How long an 18 MB workshop archive (JSON) import holds SQLite's write lock
while another live workshop's phones keep sending ideas, on one server process.

    .venv/bin/python benchmarks/archive_import.py                # ~18 MB, 12 phones elsewhere
    .venv/bin/python benchmarks/archive_import.py --megabytes 5 --phones 20

A fresh database and server (`python -m workshop.serve`); a small workshop is
exported through the app, then inflated to the size asked (60 participants,
as many ideas of ~300 characters as fit, themes and merges kept valid), so the
document is exactly what an export looks like. A second workshop is opened
and its phones join and send ideas back to back (each waits for its answer,
then 50 ms). During the import, every send's wait is recorded. Prints the
import's time and status, the other workshop's longest wait, its p95 and p50,
the sends during the import and any that failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_server import (  # noqa: E402
    Phone,
    ServerProcess,
    csrf_token,
    facilitator_opens_workshop,
    prepare_database,
)

WORDS = ("covoiturage mobilité quartier aînés jardin collectif bibliothèque transport soir marché local "
         "entraide jeunes emploi logement parc vélo sécurité culture école réseau bénévoles").split()


def idea_text(n: int) -> str:
    rng = (n * 7919) % 1000
    return f"Idée {n}: " + " ".join(WORDS[(rng + k * 3) % len(WORDS)] for k in range(40))[:300]


def inflate(document: dict, megabytes: float) -> bytes:
    """The small export grown to about `megabytes` MB: 60 participants, ideas until the size is reached."""
    template_person = document["participants"][0]
    document["participants"] = [{**template_person, "ref": f"P{n}"} for n in range(60)]
    template_idea = document["ideas"][0]
    per_idea = len(json.dumps({**template_idea, "text": idea_text(0), "original_text": idea_text(0)},
                              ensure_ascii=False, indent=1).encode()) + 2
    count = int(megabytes * 1024 * 1024 / per_idea)
    document["ideas"] = [{**template_idea, "ref": f"I{n}", "participant": f"P{n % 60}",
                          "submission_key": f"k{n:08d}", "text": idea_text(n), "original_text": idea_text(n),
                          "merged_into": None, "theme": None}
                         for n in range(count)]
    document["projects"] = []
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


async def export_small(base: str) -> dict:
    session, workshop_id, code = await facilitator_opens_workshop(base, "Archive source")
    phone = Phone(base, code, 0)
    await phone.join()
    assert await phone.send("Une première idée") == 200
    async with session.get(f"{base}/w/{workshop_id}/export/workshop.json") as response:
        document = json.loads(await response.read())
    await phone.http.close()
    return document, session


async def run(base: str, megabytes: float, phones: int) -> dict:
    import aiohttp

    document, facilitator = await export_small(base)
    body = inflate(document, megabytes)
    other_facilitator, _, code = await facilitator_opens_workshop(base, "Another live workshop")
    crowd = [Phone(base, code, n) for n in range(phones)]
    await asyncio.gather(*(p.join() for p in crowd))
    waits: list[tuple[float, float, int]] = []  # (started, wait, status)
    done = asyncio.Event()

    async def keep_sending(phone: Phone) -> None:
        while not done.is_set():
            started = time.perf_counter()
            status = await phone.send(f"Idée du téléphone {phone.index} {secrets.token_hex(3)}")
            waits.append((started, time.perf_counter() - started, status))
            await asyncio.sleep(0.05)

    senders = [asyncio.create_task(keep_sending(p)) for p in crowd]
    await asyncio.sleep(1.0)  # the crowd sending before the import starts
    token = await csrf_token(facilitator, f"{base}/workshops/import")
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    form.add_field("file", body, filename="workshop.json", content_type="application/json")
    began = time.perf_counter()
    async with facilitator.post(f"{base}/workshops/import", data=form, allow_redirects=False) as response:
        await response.read()
        status = response.status
    ended = time.perf_counter()
    await asyncio.sleep(0.5)
    done.set()
    await asyncio.gather(*senders)
    for phone in crowd:
        await phone.http.close()
    await facilitator.close()
    await other_facilitator.close()
    during = [(wait, s) for started, wait, s in waits if began <= started <= ended
              or (started < began and started + wait > began)]
    delays = sorted(wait for wait, _ in during) or [0.0]
    return {"megabytes": len(body) / 1024 / 1024, "ideas": len(json.loads(body)["ideas"]), "status": status,
            "import_s": ended - began, "sends": len(during), "failed": sum(1 for _, s in during if s != 200),
            "worst_ms": delays[-1] * 1000, "p95_ms": delays[int(0.95 * (len(delays) - 1))] * 1000,
            "p50_ms": statistics.median(delays) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=18.0)
    parser.add_argument("--phones", type=int, default=12)
    args = parser.parse_args()
    env = prepare_database(Path(tempfile.mkdtemp(prefix="archive-import-")))
    server = ServerProcess(env, extra_env={"FEATURES_ON_ARRIVAL": "0", "IDEA_LIMIT": "100000 per minute",
                                           "IDEAS_PER_ADDRESS_LIMIT": "100000 per minute"}).start()
    try:
        figures = asyncio.run(run(server.url, args.megabytes, args.phones))
    finally:
        server.stop()
    print(f"archive: {figures['megabytes']:.1f} MB, {figures['ideas']} ideas; import answered "
          f"{figures['status']} in {figures['import_s']:.2f} s")
    print(f"another workshop's sends during it: {figures['sends']} ({figures['failed']} failed); "
          f"longest wait {figures['worst_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, "
          f"p50 {figures['p50_ms']:.0f} ms")


if __name__ == "__main__":
    main()
