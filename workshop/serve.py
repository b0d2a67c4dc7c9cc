"""Serve the app on one gevent process: `python -m workshop.serve`.

gevent must patch the standard library before anything else imports it, which
is why this module does it first and create_app imports lazily.
"""

from gevent import monkey

monkey.patch_all()

import atexit  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from workshop import create_app, venue  # noqa: E402
from workshop.extensions import socketio  # noqa: E402


def start_features_worker() -> None:
    """Each new idea's grouping features, computed beside the server (workshop/themes/features.py)."""
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "workshop", "features-worker",
                               "--parent", str(os.getpid())])
    atexit.register(worker.terminate)


def settle_memory() -> None:
    """Fewer, shorter pauses for Python's garbage collector.

    A room of 1,000 phones keeps a thousand sockets' objects alive, and every
    few seconds a full collection walked them all, with the modules, templates
    and mappers loaded at start: 250-450 ms during which no idea moved
    (measured at 1,000 phones). What is loaded at start is frozen out of
    collection, young collections run every 2,000 allocations instead of 700,
    and full ones after 100 middle ones instead of 10 (every few thousand
    requests: often enough that cyclic garbage, closed sockets' included,
    does not pile up over a day)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(2_000, 50, 100)


def main() -> None:
    app = create_app()
    if app.config["FEATURES_ON_ARRIVAL"]:
        start_features_worker()
    host, port = app.config["HOST"], app.config["PORT"]
    with app.app_context():
        from workshop.accounts.logic import has_any_user

        first_run = not has_any_user()
    settle_memory()
    addresses = venue.lan_addresses() if host in venue.ALL_INTERFACES else []
    for line in venue.banner_lines(host, port, addresses, first_run, app.config["PUBLIC_URL"]):
        print(line, flush=True)
    socketio.run(app, host=host, port=port, log_output=os.environ.get("ACCESS_LOG") == "1")


if __name__ == "__main__":
    main()
