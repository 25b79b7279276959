"""The learned layer (issue 18): it hears warning signs in words the lexicon does not have, and the
interview asks one plain question about each before anything else; the answer decides."""
import pytest

from actions.interview import confirm_question, plan, suspicion
from actions.medical.assessment import assess
from actions.medical.detect import detect
from actions.medical.knowledge import CONFIRMED, WARNING_TOPICS
from actions.medical.suspect import MODEL_FILE, suspected
from nlp.suspicion import score

CALM = {topic: "no" for topic in WARNING_TOPICS}
LAY_WORDS = [  # said the way people say them; the lexicon has none of these wordings
    ("the light kills my eyes and my calf twitches", "light_sensitivity"),
    ("she doesn't seem to know where she is, her legs twitch", "confusion"),
    ("my wee looks like strong tea, thighs ache", "dark_urine"),
    ("it feels like someone sat on my chest, and my calf cramps", "chest_pain"),
    ("my lips feel fizzy and my hands are cramping", "tingling_mouth"),
]
EVERYDAY = ["my eyelid keeps twitching", "my calf twitches after football", "cramp in my foot at night",
            "my thigh has been twitching since the gym", "my left eyelid keeps twitching, 5 coffees a day",
            "twitch in my bicep for 3 days"]


@pytest.mark.parametrize("said,concept", LAY_WORDS)
def test_a_sign_in_lay_words_is_asked_about_first(said, concept):
    assert concept in suspected(said)
    assert plan({}, [said])[0] == "confirm"


@pytest.mark.parametrize("said", EVERYDAY)
def test_an_everyday_complaint_brings_no_extra_question(said):
    assert suspicion({}, [said]) is None and plan({}, [said])[0] != "confirm"


def test_what_the_lexicon_read_is_never_asked_again():
    assert suspicion({}, ["no tingling or numbness, my calf twitches"]) is None


@pytest.mark.parametrize("reply,level", [("yes", "emergency"), ("yeah it does", "emergency"),
                                         ("no, the light is fine", None), ("not sure", "see_doctor")])
def test_the_answer_decides(reply, level):
    said = "the light kills my eyes and my calf twitches"
    answers = {**CALM, "emergency_signs": "no", "anything_else": "temp of 38.9 and a stiff neck" if level == "emergency" else "no",
               f"{CONFIRMED}light_sensitivity": reply}
    found = detect(answers, [said])
    if reply.startswith("y"):
        assert "light_sensitivity" in found
    else:
        assert "light_sensitivity" not in found
    if level:
        assert assess(answers, [said]).level == level
    assert suspicion(answers, [said]) is None, "asked once"


def test_the_question_quotes_the_person_and_fits_who_it_is_about():
    question = confirm_question("speech_trouble", "he's talking gibberish", ["my husband is talking gibberish"])
    assert "“he's talking gibberish”" in question and "is his speech" in question.lower()


@pytest.mark.skipif(not MODEL_FILE.exists(), reason="the learned layer is built by make train")
def test_held_out_recall_of_warning_signs_with_the_layer():
    both = next(line for line in score(MODEL_FILE.parent) if line.startswith("all warning signs, both"))
    recall = float(both.split("recall ")[1].split("%")[0]) / 100
    assert recall >= 0.93, both
