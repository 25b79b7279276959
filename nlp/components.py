"""Rasa NLU components: typed text stays text; some intents need their words.

TypedTextAsText:

Rasa reads a message starting with "/" as an intent payload ("/stop", "/emergency{...}"). The
assistant's buttons send plain words, so anything starting with "/" was typed by a person: "/ my
face is drooping" must be read as words, never obeyed as a command or slot payload. This runs
first in the pipeline, so the slash is gone before the NLU and before Rasa's RegexMessageHandler.
The conversation keeps the person's message exactly as typed.

IntentsNeedTheirWords: an intent that acts on the conversation itself (delete it, keep it) is only
taken when the message speaks of that (lexicon.yml `turns: privacy`); otherwise the next intent in
the ranking is. A short answer such as "no, my gym numbers are the same" looks like "no, keep my
conversation" to the classifier, and must not be obeyed (or lost) as one.
"""
import re
from pathlib import Path

import yaml
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

INTENT_PREFIX = "/"


def as_typed_text(text: Text) -> Text:
    """The words without leading slashes: "/ my face is drooping" -> "my face is drooping"."""
    return text.lstrip().lstrip(INTENT_PREFIX).lstrip() if text.lstrip().startswith(INTENT_PREFIX) else text


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TypedTextAsText(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TypedTextAsText":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and text.lstrip().startswith(INTENT_PREFIX):
                message.set(TEXT, as_typed_text(text))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentsNeedTheirWords(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intents": [], "lexicon": "actions/knowledge/lexicon.yml", "turn": "privacy"}

    def __init__(self, intents: List[Text], words: List[Text]) -> None:
        self.intents = set(intents)
        self.words = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "IntentsNeedTheirWords":
        lexicon = yaml.safe_load(Path(config["lexicon"]).read_text(encoding="utf-8"))
        return cls(config["intents"], lexicon["turns"][config["turn"]])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            text = (message.get(TEXT) or "").lower()
            if intent.get("name") in self.intents and not self.words.search(text):
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in self.intents]
                if ranking:
                    message.set(INTENT, ranking[0], add_to_output=True)
                    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
