from markupsafe import escape

from workshop.templating import density, french_spacing, heading_text


def test_french_high_punctuation_is_tied_to_its_word():
    assert french_spacing("en région ?") == "en région\u202f?"
    assert french_spacing("Attention  : risques ; « idée »") == "Attention\u202f: risques\u202f; « idée\u202f»"
    assert french_spacing("No space? Fine!") == "No space? Fine!"


def test_french_spacing_leaves_escaping_to_the_template():
    assert "<b>" not in str(escape(french_spacing("<b> ?")))


def test_a_heading_may_break_after_a_middle_dot_inside_a_word_and_stays_escaped():
    heading = heading_text("Étudiant·e·s internationaux·ales <en> région ?")
    assert str(heading) == "Étudiant·<wbr>e·<wbr>s internationaux·<wbr>ales &lt;en&gt; région\u202f?"
    assert str(heading_text("Point · seul")) == "Point · seul"  # a dot between spaces is no word's


def test_a_projector_list_is_first_drawn_at_the_size_its_count_asks():
    assert [density(n, (8, 20)) for n in (0, 8, 9, 20, 21, 200)] == [
        "large", "large", "medium", "medium", "compact", "compact"]


def test_a_number_s_groups_and_its_unit_stay_together():
    assert french_spacing("budget de 13 000 $ sur 2 ans") == "budget de 13\u202f000\u00a0$ sur 2 ans"
    assert french_spacing("1 250 000 € et 40 %") == "1\u202f250\u202f000\u00a0€ et 40\u00a0%"
    assert french_spacing("2 ans, 3 000 personnes") == "2 ans, 3\u202f000 personnes"  # a count of words is not a group


def test_means_and_dates_are_written_as_the_page_s_language_writes_them(app):
    from datetime import date

    from flask_babel import force_locale

    from workshop.templating import day, force_number

    with app.test_request_context():
        with force_locale("fr"):
            assert force_number(4.75) == "4,8" and force_number(3) == "3"
            assert day(date(2026, 12, 3)) == "3 déc. 2026"
            assert day(date(2029, 5, 1)) == "1er mai 2029" and day(date(2029, 5, 11)) == "11 mai 2029"
        with force_locale("en"):
            assert force_number(4.75) == "4.8"
            assert day(date(2026, 12, 3)) == "Dec 3, 2026" and day(date(2029, 5, 1)) == "May 1, 2029"


def test_themes_of_several_questions_are_titled_so_on_the_projector(app, workshop):
    from flask_babel import force_locale

    from workshop.ideas.stage import QuestionStage

    first, second = workshop.activities[0], object()
    with app.test_request_context(), force_locale("fr"):
        assert QuestionStage(activity=first, themes=(object(),), span=(first, second, second)).heading == (
            "Thèmes des 3 questions")
        assert QuestionStage(activity=first, themes=(object(),), span=(first,)).heading is None
        assert QuestionStage(activity=first, span=(first, second)).heading is None  # no themes yet: the question


def test_digits_that_are_no_number_keep_their_spaces():
    assert french_spacing("Téléphone 11 idée 1 506dfa") == "Téléphone 11 idée 1 506dfa"
    assert french_spacing("idée 2 732c04, 1 250 000 €") == "idée 2 732c04, 1\u202f250\u202f000\u00a0€"
