"""The project's NLU components on Rasa messages: what the dialogue gets from a message."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from nlp.components import IntentsNeedTheirWords

PRIVACY = ["forget_me", "confirm_forget_me", "keep_conversation"]


def classified(text: str, intent: str, runner_up: str = "deny") -> Message:
    ranking = [{"name": intent, "confidence": 0.45}, {"name": runner_up, "confidence": 0.3}]
    return Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking})


@pytest.fixture(scope="module")
def guard():
    return IntentsNeedTheirWords.create({**IntentsNeedTheirWords.get_default_config(), "intents": PRIVACY},
                                        None, None, None)


@pytest.mark.parametrize("text", ["no, my gym numbers are the same", "nope, keep going", "yes", "no thanks"])
def test_an_answer_is_never_taken_for_deleting_or_keeping_the_conversation(guard, text):
    for intent in PRIVACY:
        message = guard.process([classified(text, intent)])[0]
        assert message.get("intent")["name"] == "deny", (text, intent)


@pytest.mark.parametrize("text,intent", [("yes, delete my conversation", "confirm_forget_me"),
                                         ("no, keep my conversation", "keep_conversation"),
                                         ("please forget everything I said", "forget_me"),
                                         ("cancel the deletion", "keep_conversation")])
def test_a_message_about_the_conversation_keeps_its_intent(guard, text, intent):
    assert guard.process([classified(text, intent)])[0].get("intent")["name"] == intent
