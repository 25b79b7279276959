""""Forget me": the action that ends a conversation the person asked to delete.

Only Rasa can delete a conversation from its tracker store (it saves the tracker
after every action), so this action tells the person, closes the interview and
clears the slots; ``channels/guard.py`` then deletes every stored event of the
conversation as soon as the turn that ran ``action_forget_me`` is saved.
"""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

DELETED = ("Done: I've deleted this conversation and everything you told me in it. "
           "If you want to start again, just tell me what's happening.")


class ActionForgetMe(Action):
    def name(self) -> Text:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=DELETED)
        return [ActiveLoop(None), AllSlotsReset()]


class ActionConfirmForgetMe(Action):
    """Asks to confirm the deletion. In the interview the question waits (no question is open), so
    the next "yes" or "no" answers this and is never taken as an answer to the interview."""

    def name(self) -> Text:
        return "action_confirm_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_confirm_forget_me")
        return [SlotSet("requested_slot", None)] if tracker.active_loop.get("name") else []
