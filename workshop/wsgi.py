"""For gunicorn with gevent-websocket workers (several processes share
PostgreSQL and the Redis message queue), one worker per process and port:

    gunicorn -k workshop.gunicorn_worker.GuardedWebSocketWorker -w 1 \
        --bind 127.0.0.1:8001 --worker-connections 2000 workshop.wsgi:app

See docs/deploy.md. gunicorn's gevent workers patch the standard library
before they import this module (as long as --preload is not used); the
Socket.IO message queue's Redis client needs a patched socket module, so
patch here too if nobody did (harmless when already patched).
"""

from gevent import monkey

if not monkey.is_module_patched("socket"):
    monkey.patch_all()

from workshop import create_app, database, templating  # noqa: E402
from workshop.serve import settle_memory  # noqa: E402

app = create_app()
templating.load_all(app)
database.open_pool(app)
settle_memory()
