"""Issue 21: one workshop's archive import no longer freezes another live
workshop. A real server; a 6 MB archive (about 7,000 ideas) is imported while
another workshop's phones keep sending ideas (benchmarks/archive_import.py at
a smaller size). Before, every send waited for the whole import (the SQLite
write lock was held while 20,000 ideas were checked: 43 s at 18 MB)."""

from __future__ import annotations

import asyncio

from benchmarks.archive_import import run
from tests.live_server import ServerProcess, prepare_database


def test_another_workshop_keeps_sending_during_a_large_archive_import(tmp_path):
    env = prepare_database(tmp_path)
    server = ServerProcess(env, extra_env={"FEATURES_ON_ARRIVAL": "0", "IDEA_LIMIT": "100000 per minute",
                                           "IDEAS_PER_ADDRESS_LIMIT": "100000 per minute"}).start()
    try:
        figures = asyncio.run(run(server.url, 6.0, 6))
    finally:
        server.stop()
    print(f"6 MB import in {figures['import_s']:.2f} s; another workshop's sends: worst {figures['worst_ms']:.0f} ms, "
          f"p95 {figures['p95_ms']:.0f} ms over {figures['sends']}")
    assert figures["status"] == 302 and figures["ideas"] > 6_000
    assert figures["failed"] == 0 and figures["sends"] >= 6
    assert figures["worst_ms"] < 1_000
