"""Invisible and look-alike characters never hide a warning sign from any reader
(actions/medical/characters.py): the engine, the offline safety net and the length check read
the same plain text."""
import pytest

from actions.medical.assessment import assess
from actions.medical.characters import plain
from actions.medical.reader import read
from actions.medical.text import yes_no_unknown
from channels.safety_net import EMERGENCY_ADVICE, red_flag_reply

SOFT_HYPHEN, ZWSP, ZWJ, WORD_JOINER, BOM, RTL_OVERRIDE = "\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff", "\u202e"

HIDDEN = {
    "soft hyphen": f"my face is droo{SOFT_HYPHEN}ping and I can't swal{SOFT_HYPHEN}low",
    "zero-width space": f"my face is droo{ZWSP}ping and I can{ZWSP}'t swallow",
    "zero-width joiner": f"my face is dr{ZWJ}ooping",
    "word joiner": f"I can't swal{WORD_JOINER}low",
    "byte order mark": f"{BOM}my speech is slur{BOM}red",
    "right-to-left override": f"{RTL_OVERRIDE}my face is drooping",
    "fullwidth": "ｍｙ ｆａｃｅ ｉｓ ｄｒｏｏｐｉｎｇ",
    "curly apostrophe": "I can\u2019t swallow",
}


@pytest.mark.parametrize("text", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_warning_sign_hidden_by_characters_gives_an_emergency(text):
    result = assess({}, [text])
    assert result.level == "emergency", [m.finding for m in read(text).mentions]


@pytest.mark.parametrize("text", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_safety_net_reads_the_same_characters(text):
    assert red_flag_reply(text) == EMERGENCY_ADVICE


def test_a_hidden_character_inside_an_answer_does_not_change_it():
    assert yes_no_unknown(f"n{ZWSP}o") == yes_no_unknown("ｎｏ") == "no"
    assert yes_no_unknown(f"y{SOFT_HYPHEN}es") == "yes"


def test_plain_text_is_unchanged_and_letters_of_other_languages_are_kept():
    for text in ("my eyelid keeps twitching", "No puedo respirar", "ich kann nicht", "我不能呼吸",
                 "لا أستطيع التنفس", "café"):
        assert plain(text) == text
    assert plain("cafe\u0301") == "café"  # one character, as typed on most keyboards
    assert plain("\u201cquoted\u201d") == '"quoted"'
