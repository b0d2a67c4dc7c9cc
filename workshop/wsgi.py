"""For gunicorn with gevent-websocket workers (several processes share
PostgreSQL and the Redis message queue):

    gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker -w 1 workshop.wsgi:app

gunicorn's gevent workers patch the standard library themselves.
"""

from workshop import create_app

app = create_app()
