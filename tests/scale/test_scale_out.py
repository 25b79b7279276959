"""Two Rasa instances and one action server on PostgreSQL + Redis (endpoints.scale.yml), each
instance spoken to directly (test_balancer.py goes through HAProxy).

One conversation's turns go alternately and concurrently to both instances; one
instance is killed and restarted mid-conversation. Checks what a person would
notice: the right triage at the end, every message answered once, nothing lost,
duplicated or interleaved.
"""
import concurrent.futures
import uuid

from tests.eval.conversations import _call, say, slots


def user_events(bot, sender):
    events = _call(bot, "GET", f"/conversations/{sender}/tracker")["events"]
    return events, [e["text"] for e in events if e.get("event") == "user"]


def assert_turns_not_interleaved(events):
    """Each message is followed by the bot's turn, ending in action_listen, before the next one."""
    waiting = False
    for event in events:
        if event.get("event") == "user":
            assert not waiting, "two messages handled at the same time"
            waiting = True
        elif event.get("event") == "action" and event.get("name") == "action_listen":
            waiting = False


def test_concurrent_messages_to_both_instances_are_handled_one_at_a_time(cluster):
    a, b = cluster
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    messages = [f"is it ALS? question {n}" for n in range(8)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda i: say((a, b)[i % 2], sender, messages[i]), range(len(messages))))
    assert all(replies), "every message answered"
    events, texts = user_events(b, sender)
    assert sorted(texts) == sorted(messages), "none lost, none duplicated"
    assert_turns_not_interleaved(events)
    assert user_events(a, sender)[0] == events, "both instances see the same conversation"


def test_interview_alternating_between_instances_survives_a_restart(cluster):
    a, b = cluster
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    answers = {"duration": "4 days", "sleep": "7 hours", "stress": "no"}
    sent = ["my eyelid keeps twitching, drinking like 6 coffees a day"]
    say(a, sender, sent[0])
    restarted = False
    for turn in range(1, 25):
        state = slots(b, sender)
        if state.get("triage_level") or not state.get("requested_slot"):
            break
        if turn == 3 and not restarted:
            a.rasa.kill()          # crash one instance mid-conversation ...
            answer = answers.get(state["requested_slot"], "no")
            sent.append(answer)
            assert say(b, sender, answer), "... the other keeps serving"
            a.rasa.start().wait()
            restarted = True
            continue
        answer = answers.get(state["requested_slot"], "no")
        sent.append(answer)
        assert say((a, b)[turn % 2], sender, answer), "every answer gets a reply"
    assert restarted
    state = slots(a, sender)
    assert state["triage_level"] == "self_care" and "caffeine" in state["likely_causes"][:3]
    events, texts = user_events(a, sender)
    assert texts == sent, "every message kept once, in order"
    assert_turns_not_interleaved(events)
