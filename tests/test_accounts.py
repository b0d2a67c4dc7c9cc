import pytest

from tests.conftest import PASSWORD, make_user, sign_in
from workshop.accounts import logic
from workshop.accounts.models import User
from workshop.extensions import db


def test_first_run_sends_everyone_to_setup_until_an_account_exists(client):
    assert client.get("/login").headers["Location"].endswith("/setup")
    response = client.post("/setup", data={"name": "Camille", "email": "Camille@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    user = logic.find_by_email("camille@example.org")
    assert user.role == "admin"
    # Setup is closed once an account exists: nobody can make a second admin this way.
    assert client.get("/setup").headers["Location"].endswith("/login")
    client.post("/setup", data={"name": "Mallory", "email": "m@example.org", "password": PASSWORD})
    assert logic.find_by_email("m@example.org") is None


def test_passwords_are_stored_hashed(app):
    user = make_user()
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD)
    assert not user.check_password("wrong password!")


def test_sign_in_with_wrong_password_is_refused(client):
    make_user()
    response = client.post("/login", data={"email": "facilitator@example.org", "password": "not the password"})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_sign_in_then_out(client):
    make_user()
    sign_in(client)
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("email, password, code", [
    ("not-an-email", PASSWORD, "invalid_email"),
    ("a@example.org", "short", "short_password"),
    ("a@example.org", "aaaaaaaaaa", "weak_password"),
    ("a@example.org", "1234567890", "weak_password"),
    ("a@example.org", "abababababab", "weak_password"),
    ("a@example.org", "motdepasse123", "weak_password"),
])
def test_create_user_rejects_bad_input(app, email, password, code):
    with pytest.raises(logic.AccountRejected, match=code):
        logic.create_user(email, "x", password)


def test_create_user_command(runner):
    result = runner.invoke(args=["create-user", "--email", "coord@example.org", "--role", "coordinator",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(email="coord@example.org").one().role == "coordinator"
    again = runner.invoke(args=["create-user", "--email", "coord@example.org", "--password", PASSWORD])
    assert again.exit_code != 0 and "already exists" in again.output


# --- signing out ends the sign-in (issue 21) -------------------------------------

def cookies(client) -> dict:
    return {name: client.get_cookie(name, domain="workshop.test").value for name in ("session", "remember_token")
            if client.get_cookie(name, domain="workshop.test") is not None}


def replay(app, saved: dict):
    """A fresh browser holding only these cookies."""
    other = app.test_client()
    for name, value in saved.items():
        other.set_cookie(name, value, domain="workshop.test")
    return other


def test_remember_me_is_a_choice(app, client):
    make_user()
    sign_in(client)
    assert client.get_cookie("remember_token", domain="workshop.test") is None
    remembered = app.test_client()
    remembered.post("/login", data={"email": "facilitator@example.org", "password": PASSWORD, "remember": "y"})
    assert remembered.get_cookie("remember_token", domain="workshop.test") is not None


def test_after_sign_out_the_old_session_cookie_opens_nothing(app, client):
    make_user()
    sign_in(client)
    before = cookies(client)
    assert replay(app, before).get("/").status_code == 200
    client.post("/logout")
    assert replay(app, before).get("/").status_code == 302


def test_after_sign_out_the_remember_token_alone_opens_nothing(app, client):
    make_user()
    client.post("/login", data={"email": "facilitator@example.org", "password": PASSWORD, "remember": "y"})
    token = {"remember_token": client.get_cookie("remember_token", domain="workshop.test").value}
    assert replay(app, token).get("/").status_code == 200
    client.post("/logout")
    assert replay(app, token).get("/").status_code == 302


def test_each_sign_in_gets_a_new_token_and_sign_out_everywhere_ends_them_all(app):
    make_user()
    laptop, office = app.test_client(), app.test_client()
    sign_in(laptop)
    sign_in(office)
    assert cookies(laptop)["session"] != cookies(office)["session"]
    laptop_cookies = cookies(laptop)
    # Signing out on one computer leaves the other signed in.
    office_cookies = cookies(office)
    laptop.post("/logout")
    assert replay(app, office_cookies).get("/").status_code == 200
    sign_in(laptop)
    assert cookies(laptop)["session"] != laptop_cookies["session"]
    laptop.post("/logout/everywhere")
    assert replay(app, office_cookies).get("/").status_code == 302
    assert laptop.get("/").status_code == 302


def test_sign_in_takes_as_long_for_an_unknown_email(app, client):
    """The answer's time no longer says which emails have an account."""
    import time

    make_user()

    def timed(email):
        started = time.perf_counter()
        client.post("/login", data={"email": email, "password": "not the password"})
        return time.perf_counter() - started

    known = min(timed("facilitator@example.org") for _ in range(3))
    unknown = min(timed("nobody@example.org") for _ in range(3))
    assert unknown > known * 0.5, (known, unknown)
