"""The pair behind HAProxy (haproxy.scale.cfg), as people reach it: every message to the balancer.

Checks what a person would notice: whole conversations end as they do on one instance, each turn
answered, in order, whichever instance took it; and a conversation whose turns alternate between
the two instances (HAProxy says which answered) is kept whole and ends in the right triage.
"""
import concurrent.futures
import uuid

from tests.cluster import say_through
from tests.eval.conversations import score, slots, talk
from tests.scale.test_scale_out import assert_turns_not_interleaved, user_events
from tests.vignettes.people import answer, load_vignettes

# One conversation of each triage level, and long ones (many questions asked).
VIGNETTES = ("v003", "v018", "v035", "v049", "v052", "v060")


def outcome(result):
    return result["level"], result["causes"], result["asked"]


def test_whole_conversations_through_the_balancer_end_as_on_one_instance(running):
    vignettes = [v for v in load_vignettes() if v["id"] in VIGNETTES]
    assert len(vignettes) == len(VIGNETTES)
    one_instance = running.bot(running.instances[0])
    alone = {v["id"]: outcome(talk(one_instance, v)) for v in vignettes}
    with concurrent.futures.ThreadPoolExecutor(len(vignettes)) as pool:  # both instances busy at once
        balanced = list(pool.map(lambda v: score(talk(running.bot(), v)), vignettes))
    for result in balanced:
        assert outcome(result) == alone[result["id"]], f"{result['id']} ended differently through the balancer"
        assert result["safe"], f"{result['id']}: {result['level']} is less urgent than {result['expected']}"


def test_a_conversation_alternating_between_instances_stays_whole(running):
    vignette = next(v for v in load_vignettes() if v["id"] == "v049")
    reader = running.bot(running.instances[0])   # questions read from one instance, not balanced
    sender = f"balanced-{uuid.uuid4().hex[:8]}"
    sent, served = [vignette["opening"]], []
    replies, instance = say_through(running.balancer.url, sender, sent[0])
    served.append(instance)
    for _ in range(30):
        assert replies, "every message gets a reply"
        state = slots(reader, sender)
        if state.get("triage_level") or not state.get("requested_slot"):
            break
        sent.append(answer(vignette, state["requested_slot"]))
        replies, instance = say_through(running.balancer.url, sender, sent[-1])
        served.append(instance)
    assert len(sent) > 5, "a whole interview, not a short exchange"
    assert set(served) == {"rasa1", "rasa2"}
    assert all(a != b for a, b in zip(served, served[1:])), f"turns did not alternate: {served}"
    state = slots(reader, sender)
    assert state["triage_level"] == vignette["expect"]["triage"]
    assert set(vignette["expect"]["causes_any"]) & set(state["likely_causes"][:3])
    events, texts = user_events(reader, sender)
    assert texts == sent, "every message kept once, in order"
    assert_turns_not_interleaved(events)
