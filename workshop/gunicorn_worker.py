"""gunicorn's gevent-websocket worker, refusing strangers before the upgrade.

geventwebsocket's handler upgrades every request that asks for a WebSocket
before the app is asked: a stranger got a `101` and held a socket until
Socket.IO closed it. This worker's handler first asks whether the session
cookie says who it is (a signed-in account, or a phone that joined and has
not left: workshop/live.py); when it does not, the request goes to the app as
plain HTTP, whose Socket.IO handshake answers 401 and keeps nothing, exactly
as `python -m workshop.serve` does (its pre-start hook).

    gunicorn -k workshop.gunicorn_worker.GuardedWebSocketWorker -w 1 ... workshop.wsgi:app

gunicorn loads this class in its master process, which never serves nor
patches the standard library: so nothing of the app is imported here until a
worker handles a request.
"""

from gevent.pywsgi import WSGIHandler
from geventwebsocket.gunicorn.workers import GeventWebSocketWorker
from geventwebsocket.handler import WebSocketHandler


def asks_to_upgrade(environ) -> bool:
    return environ.get("HTTP_UPGRADE", "").lower() == "websocket"


def flask_app(application):
    """The Flask app behind gunicorn's WSGI callable (workshop.wsgi:app is the Flask app itself)."""
    from flask import Flask

    if isinstance(application, Flask):
        return application
    from workshop.wsgi import app

    return app


class GuardedWebSocketHandler(WebSocketHandler):
    def run_application(self):
        if asks_to_upgrade(self.environ) and not self.says_who():
            return WSGIHandler.run_application(self)  # plain HTTP: the handshake answers 401
        return super().run_application()

    def says_who(self) -> bool:
        from workshop import live

        return live.handshake_says_who(flask_app(self.application), self.environ)


class GuardedWebSocketWorker(GeventWebSocketWorker):
    wsgi_handler = GuardedWebSocketHandler
