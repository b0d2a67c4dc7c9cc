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
])
def test_create_user_rejects_bad_input(app, email, password, code):
    with pytest.raises(logic.AccountError, match=code):
        logic.create_user(email, "x", password)


def test_create_user_command(runner):
    result = runner.invoke(args=["create-user", "--email", "coord@example.org", "--role", "coordinator",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(email="coord@example.org").one().role == "coordinator"
    again = runner.invoke(args=["create-user", "--email", "coord@example.org", "--password", PASSWORD])
    assert again.exit_code != 0 and "already exists" in again.output
