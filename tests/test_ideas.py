import pytest
from markupsafe import escape

from tests.conftest import join, open_first_activity
from workshop.extensions import db
from workshop.ideas import logic
from workshop.ideas.models import Idea
from workshop.participants.models import Participant
from workshop.workshops.logic import close_activity

XSS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload=alert(1)>',
    "</textarea><b>bold</b>",
]


def send(phone, workshop, text, key="key-0000000001"):
    return phone.post(f"/j/{workshop.join_code}/ideas", data={"text": text, "key": key})


def stored_texts():
    return [i.text for i in db.session.query(Idea).order_by(Idea.id)]


def test_an_idea_sent_from_a_phone_is_stored_and_returned(phone, workshop):
    open_first_activity(workshop)
    response = send(phone, workshop, "  Un  jumelage   étudiant-employeur ")
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "sent"
    assert "Un jumelage étudiant-employeur" in response.get_data(as_text=True)
    assert stored_texts() == ["Un jumelage étudiant-employeur"]


@pytest.mark.parametrize("text, message", [("", "vide"), ("   \n ", "vide"), ("x" * 501, "500")])
def test_empty_or_too_long_ideas_are_refused_with_a_message(phone, workshop, text, message):
    open_first_activity(workshop)
    response = send(phone, workshop, text)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#form-message"
    assert message in response.get_data(as_text=True)
    assert stored_texts() == []


def test_exactly_500_characters_is_accepted(phone, workshop):
    open_first_activity(workshop)
    assert send(phone, workshop, "é" * 500).status_code == 200


def test_a_closed_activity_refuses_ideas_clearly(phone, workshop):
    activity = open_first_activity(workshop)
    close_activity(workshop, activity)
    response = send(phone, workshop, "Too late")
    assert response.status_code == 422
    assert "fermée" in response.get_data(as_text=True)
    assert stored_texts() == []


def test_before_any_activity_opens_ideas_are_refused(phone, workshop):
    assert send(phone, workshop, "Too early").status_code == 422
    assert stored_texts() == []


def test_a_resend_with_the_same_key_is_stored_once(phone, workshop):
    open_first_activity(workshop)
    first = send(phone, workshop, "Mentorat", key="retry-key-123")
    again = send(phone, workshop, "Mentorat", key="retry-key-123")
    assert first.status_code == again.status_code == 200
    assert "Mentorat" in again.get_data(as_text=True)  # the lost answer, again
    assert stored_texts() == ["Mentorat"]
    send(phone, workshop, "Mentorat", key="another-key-1")
    assert stored_texts() == ["Mentorat", "Mentorat"]


def test_a_resend_after_closing_still_finds_the_stored_idea(phone, workshop):
    activity = open_first_activity(workshop)
    send(phone, workshop, "Sent just in time", key="late-answer-1")
    close_activity(workshop, activity)
    assert send(phone, workshop, "Sent just in time", key="late-answer-1").status_code == 200
    assert stored_texts() == ["Sent just in time"]


def test_keys_are_per_participant(app, phone, workshop):
    open_first_activity(workshop)
    other = app.test_client()
    join(other, workshop, nickname="Sam")
    send(phone, workshop, "Mine", key="same-key-0001")
    send(other, workshop, "Yours", key="same-key-0001")
    assert stored_texts() == ["Mine", "Yours"]


def test_a_phone_that_has_not_joined_cannot_send(client, workshop):
    open_first_activity(workshop)
    assert send(client, workshop, "Hello").status_code == 403
    assert stored_texts() == []


def author(workshop, nickname):
    participant = Participant(workshop_id=workshop.id, nickname=nickname, group_id=workshop.groups[0].id)
    db.session.add(participant)
    db.session.commit()
    return participant


def test_hide_keeps_the_idea_and_restore_brings_it_back(workshop):
    activity = open_first_activity(workshop)
    idea, _ = logic.submit_idea(author(workshop, "A"), activity, "Visible", "k-000000001")
    logic.hide(idea)
    assert logic.wall(activity) == [] and logic.wall(activity, include_hidden=True) == [idea]
    logic.restore(idea)
    assert logic.wall(activity) == [idea]


def test_fixing_a_typo_keeps_what_was_sent(workshop):
    activity = open_first_activity(workshop)
    idea, _ = logic.submit_idea(author(workshop, "A"), activity, "Mentorat profesionnel", "k-000000001")
    logic.edit_text(idea, "Mentorat professionnel")
    assert (idea.text, idea.original_text) == ("Mentorat professionnel", "Mentorat profesionnel")
    with pytest.raises(logic.IdeaRejected):
        logic.edit_text(idea, "  ")


def test_merging_duplicates_keeps_every_author(workshop):
    activity = open_first_activity(workshop)
    a, b, c = author(workshop, "A"), author(workshop, "B"), author(workshop, "C")
    first, _ = logic.submit_idea(a, activity, "Jumelage", "k-000000001")
    second, _ = logic.submit_idea(b, activity, "Du jumelage", "k-000000002")
    third, _ = logic.submit_idea(c, activity, "Jumeler", "k-000000003")
    logic.merge(second, [third])
    logic.merge(first, [second])
    assert logic.wall(activity) == [first]
    assert [p.nickname for p in first.authors] == ["A", "B", "C"]
    assert {i.merged_into_id for i in (second, third)} == {first.id}  # kept in the record
    with pytest.raises(logic.IdeaRejected):
        logic.merge(first, [first])


def test_moderation_over_http(facilitator_client, phone, workshop):
    open_first_activity(workshop)
    send(phone, workshop, "Typo idae", key="k-000000001")
    send(phone, workshop, "Same idea", key="k-000000002")
    first, second = db.session.query(Idea).order_by(Idea.id).all()
    base = f"/w/{workshop.id}/ideas"
    assert facilitator_client.post(f"{base}/{first.id}/edit", data={"text": "Typo idea"}).status_code == 200
    assert facilitator_client.post(f"{base}/{first.id}/edit", data={"text": ""}).status_code == 422
    assert facilitator_client.post(f"{base}/{second.id}/hide").status_code == 200
    merged = facilitator_client.post(f"{base}/merge", data={"idea": [str(first.id), str(second.id)]})
    assert merged.status_code == 200
    assert facilitator_client.post(f"{base}/merge", data={"idea": [str(first.id)]}).status_code == 422
    db.session.expire_all()
    assert (first.text, second.hidden, second.merged_into_id) == ("Typo idea", True, first.id)


def test_ideas_of_another_workshop_cannot_be_moderated(facilitator_client, facilitator, phone, workshop):
    from tests.conftest import make_workshop

    mine = make_workshop(facilitator, title="Mine")
    open_first_activity(workshop)
    send(phone, workshop, "Not yours to hide")
    idea = db.session.query(Idea).one()
    # Same facilitator, but the idea belongs to another workshop than the URL says.
    assert facilitator_client.post(f"/w/{mine.id}/ideas/{idea.id}/hide").status_code == 404


@pytest.mark.parametrize("payload", XSS)
def test_html_in_ideas_is_shown_as_text_everywhere(facilitator_client, phone, workshop, payload):
    open_first_activity(workshop)
    join_page = phone.get(f"/j/{workshop.join_code}/phone")
    assert join_page.status_code == 200
    assert send(phone, workshop, payload).status_code == 200
    pages = [
        send(phone, workshop, payload, key="k-000000009"),  # resend answer
        phone.get(f"/j/{workshop.join_code}/mine"),
        facilitator_client.get(f"/w/{workshop.id}/projector"),
        facilitator_client.get(f"/w/{workshop.id}/control"),
        facilitator_client.get(f"/w/{workshop.id}/stage/projector"),
    ]
    escaped = str(escape(payload))
    for page in pages[1:]:
        html = page.get_data(as_text=True)
        assert payload not in html
        assert escaped in html  # shown, as text


def test_a_resend_for_a_closed_activity_never_lands_under_the_next_one(facilitator, phone, workshop):
    from tests.conftest import make_workshop  # noqa: F401
    from workshop.workshops.logic import create_workshop, open_activity

    two = create_workshop(facilitator, "Deux questions", "fr", ["G"], ["Question A ?", "Question B ?"])
    join(phone, two)
    first, second = two.activities
    open_activity(two, first)
    open_activity(two, second)  # the facilitator moved on while the phone was offline
    late = phone.post(f"/j/{two.join_code}/ideas", data={"text": "Pour A", "key": "k-000000001",
                                                         "activity": str(first.id)})
    assert late.status_code == 422 and "fermée" in late.get_data(as_text=True)
    assert stored_texts() == []


def test_a_stale_screen_cannot_merge_an_idea_merged_already(workshop):
    activity = open_first_activity(workshop)
    a, b, c = (author(workshop, n) for n in "ABC")
    first, _ = logic.submit_idea(a, activity, "Un", "k-000000001")
    second, _ = logic.submit_idea(b, activity, "Deux", "k-000000002")
    third, _ = logic.submit_idea(c, activity, "Trois", "k-000000003")
    logic.merge(first, [second])
    with pytest.raises(logic.IdeaRejected):
        logic.merge(second, [third])  # second is no longer on the wall
    with pytest.raises(logic.IdeaRejected):
        logic.merge(third, [second])


def test_a_signed_out_facilitators_button_is_sent_to_sign_in(client, workshop):
    response = client.post(f"/w/{workshop.id}/timer", data={"minutes": "3"}, headers={"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"].endswith("/login")


def test_a_phone_in_two_workshops_sends_to_each_under_its_own_name(facilitator, phone, workshop):
    """The cookie then names two participants: the lookup by join code finds the one of that workshop."""
    from workshop.workshops.logic import create_workshop, open_activity

    other = create_workshop(facilitator, "Deuxième atelier", "fr", ["G"], ["Question ?"])
    open_first_activity(workshop)
    open_activity(other, other.activities[0])
    join(phone, other, nickname="Dans le second")  # the fixture's phone joined the first as Alex

    assert send(phone, workshop, "Pour le premier", key="key-00000001").status_code == 200
    assert send(phone, other, "Pour le second", key="key-00000002").status_code == 200

    db.session.expire_all()
    stored = {i.text: (i.participant.nickname, i.activity.workshop_id) for i in db.session.query(Idea)}
    assert stored == {"Pour le premier": ("Alex", workshop.id),
                      "Pour le second": ("Dans le second", other.id)}
