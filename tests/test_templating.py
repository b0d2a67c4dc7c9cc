from markupsafe import escape

from workshop.templating import french_spacing


def test_french_high_punctuation_is_tied_to_its_word():
    assert french_spacing("en région ?") == "en région\u202f?"
    assert french_spacing("Attention  : risques ; « idée »") == "Attention\u202f: risques\u202f; « idée\u202f»"
    assert french_spacing("No space? Fine!") == "No space? Fine!"


def test_french_spacing_leaves_escaping_to_the_template():
    assert "<b>" not in str(escape(french_spacing("<b> ?")))
