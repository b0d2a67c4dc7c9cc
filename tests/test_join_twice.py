"""A second tap on "Join" before the first answer came (slow venue Wi-Fi) sends
the same form again, with no cookie yet: it is the same participant, not a
ghost that the projector's count, the hats and the rotations would wait for."""

from __future__ import annotations

import re

from tests.conftest import is_phone_page
from workshop.extensions import db
from workshop.participants.models import Participant
from workshop.workshops.logic import participant_count

KEY = re.compile(r'name="join_key" value="([^"]+)"')


def form_key(client, workshop) -> str:
    return KEY.search(client.get(f"/j/{workshop.join_code}").get_data(as_text=True)).group(1)


def sent(client, workshop, key, nickname="Amina"):
    return client.post(f"/j/{workshop.join_code}", data={"nickname": nickname, "group": workshop.groups[0].id,
                                                         "join_key": key})


def test_the_same_form_sent_twice_is_one_participant(app, workshop):
    phone = app.test_client()
    key = form_key(phone, workshop)
    retry = app.test_client()  # the second tap: its request left before the first answer's cookie came
    first, second = sent(phone, workshop, key), sent(retry, workshop, key)
    assert is_phone_page(first, workshop) and is_phone_page(second, workshop)
    assert participant_count(workshop) == 1
    # Either answer's cookie is the one participant: the phone is in, whichever answer arrives.
    for client in (phone, retry):
        with client.session_transaction() as cookie:
            assert list(cookie["participants"].values()) == [db.session.scalars(db.select(Participant.id)).one()]


def test_each_form_shown_has_its_own_key(app, workshop):
    phones = [app.test_client() for _ in range(40)]
    keys = [form_key(phone, workshop) for phone in phones]
    assert len(set(keys)) == 40
    for n, (phone, key) in enumerate(zip(phones, keys, strict=True)):
        assert is_phone_page(sent(phone, workshop, key, nickname=f"Téléphone {n}"), workshop)
    assert participant_count(workshop) == 40


def test_a_refused_form_keeps_its_key_and_a_missing_or_odd_key_still_joins(app, workshop):
    phone = app.test_client()
    key = form_key(phone, workshop)
    refused = phone.post(f"/j/{workshop.join_code}", data={"nickname": "x" * 80, "group": workshop.groups[0].id,
                                                           "join_key": key})
    assert refused.status_code == 422 and KEY.search(refused.get_data(as_text=True)).group(1) == key
    assert is_phone_page(sent(phone, workshop, key), workshop)
    for odd in ("", "short", "é" * 20, "x" * 65):  # a script's form, or a key no page made: no key at all
        assert is_phone_page(sent(app.test_client(), workshop, odd, nickname=f"Sans clé {len(odd)}"), workshop)
    assert participant_count(workshop) == 5
    assert db.session.scalar(db.select(db.func.count()).where(Participant.join_key.is_(None))) == 4
