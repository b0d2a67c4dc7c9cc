from workshop import create_app
from workshop.security import CONTENT_SECURITY_POLICY


def test_testing_config_is_applied(app):
    assert app.testing
    assert not create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).testing


def test_every_response_carries_security_headers(client):
    response = client.get("/login")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_samesite(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_vendor_serves_only_listed_front_end_files(client):
    assert client.get("/vendor/htmx.min.js").status_code == 200
    assert client.get("/vendor/socket.io.min.js").status_code == 200
    assert client.get("/vendor/package.json").status_code == 404
    assert client.get("/vendor/..%2Fpackage.json").status_code == 404


def test_socketio_runs_on_gevent(app):
    from workshop.extensions import socketio

    assert socketio.async_mode == "gevent"
