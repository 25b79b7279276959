"""channels/speed.py carries a tracker's applied events over from turn to turn instead of replaying
the whole conversation: the dialogue must see exactly what Rasa's own replay gives, after every
event, however the conversation went (forms, rejections, rewinds, restarts, a second form)."""
import random

from rasa.shared.core.events import (ActionExecuted, ActionExecutionRejected, ActionReverted, ActiveLoop,
                                     BotUttered, Restarted, SessionStarted, SlotSet, UserUttered,
                                     UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker

from channels import speed

RASA_APPLIED_EVENTS = DialogueStateTracker.applied_events
speed._incremental_applied_events()
FORM, OTHER = "interview_form", "other_form"

STEPS = [
    lambda n: [ActionExecuted("action_listen"), UserUttered(f"answer {n}", {"name": "inform"})],
    lambda n: [ActionExecuted(FORM), ActiveLoop(FORM), SlotSet("requested_slot", f"topic{n}")],
    lambda n: [ActionExecuted(FORM), SlotSet(f"topic{n}", "no"), BotUttered(f"question {n}")],
    lambda n: [ActionExecutionRejected(FORM), ActionExecuted("utter_why")],
    lambda n: [ActionExecuted(OTHER), ActiveLoop(OTHER)],
    lambda n: [ActiveLoop(None), SlotSet("requested_slot", None)],
    lambda n: [UserUtteranceReverted()],
    lambda n: [ActionReverted()],
    lambda n: [Restarted()],
    lambda n: [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
]
WEIGHTS = [6, 5, 6, 1, 1, 1, 1, 1, 0.3, 0.3]


def rasa_replay(events):
    """Rasa's own applied_events on a tracker built from scratch."""
    return RASA_APPLIED_EVENTS(DialogueStateTracker.from_events("fresh", events))


def test_a_long_interview_sees_what_rasa_replay_gives_after_every_event():
    tracker = DialogueStateTracker("long", [])
    steps = [STEPS[0], STEPS[1]] + [STEPS[0], STEPS[2]] * 30 + [STEPS[0], STEPS[3], STEPS[5]]
    for n, step in enumerate(steps):
        for event in step(n):
            tracker.update(event)
            assert tracker.applied_events() == rasa_replay(list(tracker.events))
            copied = tracker.copy()            # Rasa runs each action on a copy
            copied.update(ActionExecuted("utter_copy"))
            assert copied.applied_events() == rasa_replay(list(copied.events))


def test_random_conversations_see_what_rasa_replay_gives():
    chooser = random.Random(7)
    for conversation in range(150):
        tracker = DialogueStateTracker(f"random-{conversation}", [])
        for n in range(chooser.randint(5, 40)):
            for event in chooser.choices(STEPS, WEIGHTS)[0](n):
                tracker.update(event)
            if chooser.random() < 0.6:   # read at some turns only, as Rasa does
                assert tracker.applied_events() == rasa_replay(list(tracker.events)), conversation
        assert tracker.applied_events() == rasa_replay(list(tracker.events)), conversation


def test_a_changed_list_is_never_handed_back():
    tracker = DialogueStateTracker("changed", [])
    for event in STEPS[0](1) + STEPS[1](1):
        tracker.update(event)
    first = tracker.applied_events()
    first.clear()                      # a caller changing what it was given
    assert tracker.applied_events() == rasa_replay(list(tracker.events))


def test_a_rewound_tracker_is_read_again():
    tracker = DialogueStateTracker("rewound", [])
    for event in STEPS[0](1) + STEPS[1](1) + STEPS[0](2):
        tracker.update(event)
    tracker.applied_events()
    for _ in range(3):
        tracker.events.pop()           # as a rewind would, then other events
    for event in STEPS[2](3):
        tracker.update(event)
    assert tracker.applied_events() == rasa_replay(list(tracker.events))
