"""Six thinking hats in a session: hats handed out, comments under one's own hat."""

import re
from collections import Counter

import pytest

from tests.conftest import added_activity, joined_phones, make_user, opened, sign_in
from tests.test_live import emit, socket_for, swaps, watcher
from workshop import dates, stylesheet
from workshop.extensions import db
from workshop.hats import logic
from workshop.hats.models import HatComment, HatsActivity
from workshop.participants.models import Participant


def stylesheet_text() -> str:
    """The stylesheet pages link (app.css and every kind's style.css, hats' among them)."""
    return stylesheet.build().text


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("hat", logic.HAT_IDS)
def test_text_on_every_hat_colour_meets_wcag_aa(hat):
    rule = re.search(rf"\.hat-{hat} \{{ background: (#[0-9a-f]{{6}}); color: (#[0-9a-f]{{6}});", stylesheet_text())
    background, text = rule.groups()
    lighter, darker = sorted([luminance(background), luminance(text)], reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5


def hat_colours() -> dict[str, tuple[str, str]]:
    """Each hat's background and text colour, as the stylesheet sets them."""
    css = stylesheet_text()
    found = {}
    for hat in logic.HAT_IDS:
        rule = re.search(rf"\.hat-{hat} \{{ background: (#[0-9a-f]{{6}}); color: (#[0-9a-f]{{6}});", css)
        found[hat] = rule.groups()
    return found


@pytest.mark.parametrize("vision", ["protanopia", "deuteranopia", "tritanopia"])
def test_hat_colours_stay_apart_for_colour_blind_eyes(vision):
    """The closest two hats stay ΔE2000 ≥ 20 apart as seen with each full dichromacy
    (the former red and green came within 9 under protanopia)."""
    from tests.a11y_colour import closest_pair

    distance, first, second = closest_pair({hat: bg for hat, (bg, _) in hat_colours().items()}, vision)
    assert distance >= 20, (vision, first, second, round(distance, 1))


def test_the_measure_tells_close_colours_apart():
    from tests.a11y_colour import closest_pair, contrast, delta_e2000

    assert round(delta_e2000((50, 2.6772, -79.7751), (50, 0, -82.7485)), 4) == 2.0425  # Sharma et al., pair 1
    assert closest_pair({"red": "#b3261e", "green": "#1b6e3a"}, "protanopia")[0] < 10
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


def test_every_hat_header_stands_out_from_the_projector():
    """Text on each header 4.5:1, and each header's edge (its background or its
    border) 4.5:1 against the projector's background."""
    from tests.a11y_colour import contrast

    css = stylesheet_text()
    projector = re.search(r"^\.projector \{ background: (#[0-9a-f]{6});", css, re.M).group(1)
    edges = re.findall(r"^\.projector \.hat-column-head \{ border: \d+px solid (#[0-9a-f]{6}); \}", css, re.M)
    for hat, (background, text) in hat_colours().items():
        assert contrast(background, text) >= 4.5, hat
        assert max(contrast(c, projector) for c in [background, *edges]) >= 4.5, hat


def phones(app, workshop, count):
    return joined_phones(app, workshop, count, prefix="P")


def add_hats(facilitator_client, workshop, mode="balanced", subjects="Le jumelage étudiant·e–employeur"):
    hats = added_activity(facilitator_client, workshop, "hats", {"mode": mode, "subjects": subjects}, HatsActivity)
    opened(facilitator_client, workshop, hats)
    return hats


def my_hat(phone, workshop, hats):
    page = phone.post(f"/j/{workshop.join_code}/hats/{hats.id}/mine").get_data(as_text=True)
    return re.search(r'name="hat" value="(\w+)"', page).group(1), page


def comment(phone, workshop, hats, hat, text, key):
    return phone.post(f"/j/{workshop.join_code}/hats/{hats.id}/comments", data={"hat": hat, "text": text, "key": key})


def test_balanced_hats_give_six_phones_six_hats(app, facilitator_client, workshop):
    clients = phones(app, workshop, 6)
    hats = add_hats(facilitator_client, workshop)
    worn = [my_hat(phone, workshop, hats)[0] for phone in clients]
    assert sorted(worn) == sorted(logic.HAT_IDS)
    _, page = my_hat(clients[0], workshop, hats)
    assert "Vous portez" in page and "hat-card" in page


def test_a_comment_lands_in_its_hat_column_and_a_forged_hat_is_refused(app, facilitator_client, workshop):
    phone = phones(app, workshop, 1)[0]
    hats = add_hats(facilitator_client, workshop)
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()
    hat, _page = my_hat(phone, workshop, hats)
    assert comment(phone, workshop, hats, hat, "Il manque des données sur les stages", "k-000000001").status_code == 200
    [pushed] = swaps(projector)
    assert pushed["parent"] == f"#hat-col-{hat}" and "stages" in pushed["html"]
    forged = next(h for h in logic.HAT_IDS if h != hat)
    refused = comment(phone, workshop, hats, forged, "Sous un autre chapeau", "k-000000002")
    assert refused.status_code == 409 and "plus votre chapeau" in refused.get_data(as_text=True)
    assert [c.hat for c in db.session.query(HatComment)] == [hat]


def test_comments_cannot_be_sent_by_socket_event(app, facilitator_client, workshop):
    phone = phones(app, workshop, 1)[0]
    hats = add_hats(facilitator_client, workshop)
    socket = socket_for(app, phone)
    answer = emit(app, socket, "comment", {"hats": hats.id, "hat": "white", "text": "Par le socket"})
    assert answer is None  # no such event: commands go over HTTP, CSRF-checked
    assert db.session.query(HatComment).count() == 0


def test_a_late_joiner_keeps_the_balance(app, facilitator_client, workshop):
    clients = phones(app, workshop, 7)
    hats = add_hats(facilitator_client, workshop)
    late = phones(app, workshop, 1)[0]
    my_hat(late, workshop, hats)
    counts = Counter(logic.assignment(hats).values())
    assert len(counts) == 6 and max(counts.values()) - min(counts.values()) <= 1
    assert sum(counts.values()) == 8 and len(clients) == 7


def test_sequence_moves_the_whole_room_to_the_next_hat(app, facilitator_client, workshop):
    clients = phones(app, workshop, 3)
    hats = add_hats(facilitator_client, workshop, mode="sequence")
    assert {my_hat(p, workshop, hats)[0] for p in clients} == {"blue"}
    projector = facilitator_client.get(f"/w/{workshop.id}/stage/projector").get_data(as_text=True)
    assert "hat-now" in projector
    facilitator_client.post(f"/w/{workshop.id}/hats/{hats.id}/advance")
    assert {my_hat(p, workshop, hats)[0] for p in clients} == {"white"}


def test_rotation_gives_everyone_a_hat_not_yet_worn(app, facilitator_client, workshop):
    clients = phones(app, workshop, 6)
    hats = add_hats(facilitator_client, workshop, mode="rotation")
    worn = {n: [my_hat(p, workshop, hats)[0]] for n, p in enumerate(clients)}
    for _round in range(5):
        assert facilitator_client.post(f"/w/{workshop.id}/hats/{hats.id}/next-round").status_code == 200
        db.session.expire_all()
        for n, phone in enumerate(clients):
            hat = my_hat(phone, workshop, hats)[0]
            assert hat not in worn[n]
            worn[n].append(hat)
    assert all(sorted(h) == sorted(logic.HAT_IDS) for h in worn.values())


def test_manual_mode_and_rebalance(app, facilitator_client, workshop):
    phones(app, workshop, 3)
    hats = add_hats(facilitator_client, workshop, mode="manual")
    person = db.session.query(Participant).first()
    facilitator_client.post(f"/w/{workshop.id}/hats/{hats.id}/assign", data={"participant": person.id, "hat": "green"})
    db.session.expire_all()
    assert logic.assignment(hats)[person.id] == "green"
    refused = facilitator_client.post(f"/w/{workshop.id}/hats/{hats.id}/assign", data={"participant": person.id, "hat": "pink"})
    assert refused.status_code == 422


def test_hidden_comments_leave_the_projector_and_stay_in_the_record(app, facilitator_client, workshop):
    phone = phones(app, workshop, 1)[0]
    hats = add_hats(facilitator_client, workshop)
    hat, _ = my_hat(phone, workshop, hats)
    comment(phone, workshop, hats, hat, "À masquer", "k-000000001")
    note = db.session.query(HatComment).one()
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()
    facilitator_client.post(f"/w/{workshop.id}/hat-comments/{note.id}/hide")
    assert swaps(projector) == [{"op": "remove", "id": f"hat-comment-{note.id}"}]
    csv = facilitator_client.get(f"/w/{workshop.id}/hats/{hats.id}/subjects/{hats.current_subject_id}.csv")
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0] == "\ufeffsubject,hat,comment,group,created_at,hidden"  # the one export layer's codes
    assert "À masquer" in lines[1] and hat in lines[1] and "Étudiant·e international·e" in lines[1]
    assert lines[1].endswith(",yes")
    assert dates.local_text(note.created_at) in lines[1]  # the facilitator's clock, as every export


def test_hats_actions_are_refused_to_others(app, facilitator_client, workshop):
    participant = phones(app, workshop, 1)[0]
    hats = add_hats(facilitator_client, workshop, mode="sequence")
    make_user("other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    base = f"/w/{workshop.id}/hats/{hats.id}"
    for client in (app.test_client(), participant, other):
        for url, data in [(f"/w/{workshop.id}/hats", {"subjects": "x"}), (f"{base}/advance", {}),
                          (f"{base}/rebalance", {}), (f"{base}/next-round", {}),
                          (f"{base}/assign", {"participant": "1", "hat": "red"})]:
            assert client.post(url, data=data).status_code in (302, 401, 403), url
        assert client.get(f"{base}/subjects/{hats.current_subject_id}.csv").status_code in (302, 401, 403)
    db.session.expire_all()
    assert db.session.get(HatsActivity, hats.id).sequence_step == 0
    assert db.session.query(HatsActivity).count() == 1


def test_subjects_can_be_ideas_projects_or_typed(app, facilitator_client, workshop, phone):
    from tests.conftest import open_first_activity
    from workshop.hats.models import HatSubject
    from workshop.ideas.models import Idea

    open_first_activity(workshop)
    phone.post(f"/j/{workshop.join_code}/ideas", data={"text": "Un mentorat par les pairs", "key": "k-000000001"})
    idea = db.session.query(Idea).one()
    response = facilitator_client.post(f"/w/{workshop.id}/hats",
                                       data={"mode": "balanced", "idea": [str(idea.id)], "subjects": "Un sujet tapé"})
    assert response.status_code == 200
    assert [s.title for s in db.session.query(HatSubject).order_by(HatSubject.position)] == \
        ["Un mentorat par les pairs", "Un sujet tapé"]
    assert facilitator_client.post(f"/w/{workshop.id}/hats", data={"mode": "balanced"}).status_code == 422


def test_leavers_do_not_break_the_balance_and_the_facilitator_rebalances(app, facilitator_client, workshop):
    clients = phones(app, workshop, 12)
    hats = add_hats(facilitator_client, workshop)
    for client in clients:
        my_hat(client, workshop, hats)
    before = logic.wearers(hats)
    assert set(before.values()) == {2}
    # Both wearers of one hat leave from their phones.
    worn = logic.assignment(hats)
    gone_hat = worn[db.session.query(Participant).order_by(Participant.id).first().id]
    leavers = [pid for pid, hat in worn.items() if hat == gone_hat]
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    people = db.session.query(Participant).order_by(Participant.id).all()  # joined in the clients' order
    for client, person in zip(clients, people):
        if person.id in leavers:
            assert client.post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"}).status_code == 302
            assert client.get(f"/j/{workshop.join_code}/phone").status_code == 302  # back to joining
    db.session.expire_all()
    assert logic.wearers(hats)[gone_hat] == 0 and sum(logic.wearers(hats).values()) == 10
    pushed = {swap["id"]: swap["html"] for swap in swaps(projector) if swap["id"].startswith("hat-wearers-")}
    assert f"hat-wearers-{gone_hat}" in pushed and ">0 personne<" in pushed[f"hat-wearers-{gone_hat}"]
    # A late joiner takes the empty hat; re-balancing evens the rest out, moving as few as possible.
    late = phones(app, workshop, 1)[0]
    assert my_hat(late, workshop, hats)[0] == gone_hat
    kept = logic.assignment(hats)
    assert facilitator_client.post(f"/w/{workshop.id}/hats/{hats.id}/rebalance").status_code == 200
    db.session.expire_all()
    counts = logic.wearers(hats)
    assert max(counts.values()) - min(counts.values()) <= 1
    present = {pid for pid in logic.assignment(hats) if pid not in leavers}
    moved = sum(1 for pid in present if logic.assignment(hats)[pid] != kept.get(pid))
    assert moved <= 2
    # The projector counts people still here; the ideas of those who left stay.
    from workshop.workshops.logic import participant_count

    assert participant_count(workshop) == 11


def test_the_facilitator_moves_the_room_to_another_subject(app, facilitator_client, workshop):
    phones(app, workshop, 6)
    hats = add_hats(facilitator_client, workshop, subjects="Premier sujet\nDeuxième sujet")
    first, second = hats.subjects
    assert hats.current_subject_id == first.id
    stage = facilitator_client.post(f"/w/{workshop.id}/hats/{hats.id}/subject", data={"subject": second.id})
    assert stage.status_code == 200 and "Deuxième sujet" in stage.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(HatsActivity, hats.id).current_subject_id == second.id
    # The room and the phones are told where they are in the list, and each hat's frame in a word.
    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    assert 'class="hat-subject-count">Sujet 2 sur 2<' in projector
    assert all(f'class="hat-keyword">{word}<' in projector for word in ("Faits", "Émotions", "Risques"))
    elsewhere = add_hats(facilitator_client, workshop, subjects="Un autre atelier de chapeaux")
    refused = facilitator_client.post(f"/w/{workshop.id}/hats/{hats.id}/subject",
                                      data={"subject": elsewhere.subjects[0].id})
    db.session.expire_all()
    assert db.session.get(HatsActivity, hats.id).current_subject_id == second.id, refused.get_data(as_text=True)


def test_a_comment_on_the_open_hats_stays_off_an_earlier_activity_on_the_projector(app, facilitator_client, workshop):
    first = add_hats(facilitator_client, workshop, subjects="Le jumelage étudiant·e–employeur")
    second = add_hats(facilitator_client, workshop, subjects="La foire de l'emploi bilingue")  # now open
    phone = phones(app, workshop, 1)[0]
    facilitator_client.post(f"/w/{workshop.id}/activities/{first.activity_id}/show")
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()
    hat, _page = my_hat(phone, workshop, second)
    assert comment(phone, workshop, second, hat, "Et les petites entreprises ?", "k-000000003").status_code == 200
    assert not [s for s in swaps(projector) if s["id"].startswith("hat-comment-")]
    # Back on the open activity, the next comment lands in its column.
    facilitator_client.post(f"/w/{workshop.id}/activities/{second.activity_id}/show")
    projector.get_received()
    assert comment(phone, workshop, second, hat, "Un calendrier commun", "k-000000004").status_code == 200
    assert [s["parent"] for s in swaps(projector) if s["id"].startswith("hat-comment-")] == [f"#hat-col-{hat}"]
