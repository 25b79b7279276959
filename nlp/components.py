"""A Rasa NLU component that keeps typed text as text.

Rasa reads a message starting with "/" as an intent payload ("/stop", "/emergency{...}"). The
assistant's buttons send plain words, so anything starting with "/" was typed by a person: "/ my
face is drooping" must be read as words, never obeyed as a command or slot payload. This runs
first in the pipeline, so the slash is gone before the NLU and before Rasa's RegexMessageHandler.
The conversation keeps the person's message exactly as typed.
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
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
