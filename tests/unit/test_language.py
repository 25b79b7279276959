"""A message in another language gets one line in that language, emergencies first
(channels/language.py); English, however short, is never taken for another language."""
import re

import pytest
import yaml

from channels.language import identify, other_language_reply
from channels.safety_net import EMERGENCY_ADVICE
from tests.servers import ROOT

EMERGENCIES = {
    "es": ["no puedo respirar", "me ahogo", "tengo dolor en el pecho y calambres"],
    "fr": ["je ne peux plus parler", "j'ai une douleur à la poitrine"],
    "pt": ["não consigo respirar", "nao consigo respirar"],   # accents left out, as often typed
    "pl": ["nie mogę oddychać"],
    "ro": ["nu pot să respir"],
    "ar": ["لا أستطيع التنفس"],
    "ur": ["میں سانس نہیں لے سکتا"],
    "hi": ["मैं सांस नहीं ले पा रहा"],
    "zh": ["我不能呼吸", "胸痛"],
}
ORDINARY = {
    "es": "tengo un tic en el ojo desde hace una semana",
    "fr": "mon œil tremble depuis lundi",
    "pt": "meu olho está tremendo há dias",
    "pl": "drga mi powieka od tygodnia",
    "ro": "îmi zvâcnește pleoapa de o săptămână",
    "ar": "جفني يرتعش منذ أسبوع",
    "ur": "میری آنکھ پھڑک رہی ہے",
    "hi": "मेरी आँख फड़क रही है",
    "zh": "我的眼皮一直跳",
}
SHORT_ENGLISH = [
    "ok", "no", "yes", "yes 2 days", "nah", "nope", "yep", "idk", "2 weeks", "sometimes", "calf",
    "see ya later", "most dialysis days", "pre-workout plus 2 coffees", "not sure", "both legs",
    "left arm", "si", "ya", "hmm", "lol", "me too", "no no no", "la la", "de nada", "a bit",
    "es ok", "merci", "hola", "pain in my calf", "my eyelid keeps twitching",
    "shes having convulsions", "tell me more about nutrient deficiency",
    "heart pounding after sprints but it settles quickly", "moi aussi", "no idea mate",
]


def _line(code):
    spec = yaml.safe_load((ROOT / "actions/knowledge/languages.yml").read_text())["languages"][code]
    return " ".join(spec["line"].split())


@pytest.mark.parametrize("code,text", [(c, t) for c, ts in EMERGENCIES.items() for t in ts])
def test_an_emergency_in_another_language_gets_that_language_first(code, text):
    assert other_language_reply(text, EMERGENCY_ADVICE) == [_line(code), EMERGENCY_ADVICE]


@pytest.mark.parametrize("code", ORDINARY)
def test_another_language_gets_one_line_in_it_after_the_english(code):
    replies = other_language_reply(ORDINARY[code], EMERGENCY_ADVICE)
    assert len(replies) == 2 and replies[1] == _line(code) and "English" in replies[0]
    assert EMERGENCY_ADVICE not in replies


@pytest.mark.parametrize("text", SHORT_ENGLISH)
def test_short_english_is_english(text):
    assert identify(text) is None


def test_every_english_line_of_the_project_data_is_english():
    """Every message of the NLU data and the simulated people (about 5,000 lines)."""
    lines = set()
    for path in ["data/nlu.yml", "tests/nlu/test_nlu.yml", "tests/nlu/test_nlu_blind.yml",
                 *map(str, (ROOT / "tests/vignettes").glob("*.yml"))]:
        for line in (ROOT / path).read_text().splitlines():
            line = re.sub(r"\[([^\]]*)\][({][^)}]*[)}]", r"\1", line.strip().lstrip("- ")).strip("\"'")
            if len(line) > 1 and ":" not in line[:20]:
                lines.add(line)
    assert len(lines) > 1000
    assert [line for line in lines if identify(line)] == []
