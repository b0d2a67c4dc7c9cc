import pytest

from tests.conftest import base_config, new_app


@pytest.fixture
def csrf_app(app, database_url):
    return new_app({**base_config(database_url), "WTF_CSRF_ENABLED": True})


def test_forms_without_the_token_are_refused(csrf_app, workshop):
    client = csrf_app.test_client()
    assert client.post("/login", data={"email": "a@example.org", "password": "x"}).status_code == 400
    assert client.post(f"/j/{workshop.join_code}", data={"group": workshop.groups[0].id}).status_code == 400


def test_htmx_commands_need_the_header_token(csrf_app, workshop):
    import re

    from workshop.workshops.logic import open_activity

    open_activity(workshop, workshop.activities[0])
    phone = csrf_app.test_client()
    page = phone.get(f"/j/{workshop.join_code}").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    phone.post(f"/j/{workshop.join_code}", data={"group": workshop.groups[0].id, "csrf_token": form_token})
    page = phone.get(f"/j/{workshop.join_code}/phone").get_data(as_text=True)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    url = f"/j/{workshop.join_code}/ideas"
    assert phone.post(url, data={"text": "Sans jeton", "key": "k-000000001"}).status_code == 400
    assert phone.post(url, data={"text": "Avec jeton", "key": "k-000000002"},
                      headers={"X-CSRFToken": header_token}).status_code == 200


def test_a_stale_token_gets_a_clear_message(csrf_app, workshop):
    client = csrf_app.test_client()
    response = client.post(f"/j/{workshop.join_code}/ideas", data={"text": "x", "key": "k-000000001"},
                           headers={"HX-Request": "true", "X-CSRFToken": "stale"})
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#form-message"
    assert "rechargez-la" in response.get_data(as_text=True)
