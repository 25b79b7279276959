"""channels/speed.py checks each event of an action server reply against its own event type only:
a reply must pass or fail exactly as Rasa's full schema check decides, with Rasa's error."""
import copy
import random

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (ActionExecuted, ActiveLoop, BotUttered, FollowupAction, Restarted,
                                     SessionStarted, SlotSet, UserUttered)

from channels import speed

speed._patch_action_response_validation()
SCHEMA = RemoteAction.action_response_format_spec()
EVENTS = [SlotSet("requested_slot", "duration").as_dict(), SlotSet("sleep", None).as_dict(),
          BotUttered("How long has it been going on?", {"buttons": [{"title": "days", "payload": "days"}]}).as_dict(),
          ActiveLoop("interview_form").as_dict(), ActiveLoop(None).as_dict(), FollowupAction("action_listen").as_dict(),
          ActionExecuted("utter_greet").as_dict(), Restarted().as_dict(), SessionStarted().as_dict(),
          UserUttered("four days", {"name": "inform", "confidence": 0.9}).as_dict()]
BREAKS = [lambda e: e.pop("event"), lambda e: e.update(event="no_such_event"), lambda e: e.update(event=7),
          lambda e: e.update(timestamp="yesterday"), lambda e: e.update(name=12), lambda e: e.update(metadata=[1]), lambda e: e.update(text=3)]


def rasa_says_valid(reply) -> bool:
    try:
        jsonschema.validate(reply, SCHEMA)
        return True
    except jsonschema.ValidationError:
        return False


def replies(seed: int):
    chooser = random.Random(seed)
    for _ in range(300):
        events = [copy.deepcopy(chooser.choice(EVENTS)) for _ in range(chooser.randint(0, 6))]
        if events and chooser.random() < 0.5:
            chooser.choice(BREAKS)(chooser.choice(events))
        reply = {"events": events, "responses": [{"text": "hi"}]}
        if chooser.random() < 0.1:
            reply["responses"] = "not a list"
        yield reply


def test_every_reply_passes_or_fails_as_rasa_full_check_decides():
    seen = {True: 0, False: 0}
    for reply in replies(3):
        valid = rasa_says_valid(reply)
        seen[valid] += 1
        if valid:
            assert RemoteAction._validate_action_result(None, reply) is True
        else:
            with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
                RemoteAction._validate_action_result(None, reply)
    assert seen[True] > 50 and seen[False] > 50, seen


def test_the_shortcut_passes_only_what_rasa_accepts_and_all_of_it():
    for reply in replies(11):
        assert speed._surely_valid(reply) == rasa_says_valid(reply), reply
