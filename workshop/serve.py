"""Serve the app on one gevent process: `python -m workshop.serve`.

gevent must patch the standard library before anything else imports it, which
is why this module does it first and create_app imports lazily.
"""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402

from workshop import create_app  # noqa: E402
from workshop.extensions import socketio  # noqa: E402


def main() -> None:
    app = create_app()
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    with app.app_context():
        from workshop.accounts.logic import has_any_user

        first_run = not has_any_user()
    print(f"Workshop is running on http://{host}:{port}/", flush=True)
    if first_run:
        print(f"First run: open http://{host}:{port}/setup to create the first facilitator account "
              "(or run: .venv/bin/workshop create-user).", flush=True)
    socketio.run(app, host=host, port=port, log_output=os.environ.get("ACCESS_LOG") == "1")


if __name__ == "__main__":
    main()
