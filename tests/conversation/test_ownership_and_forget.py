"""Whose conversation it is, "forget me" while a question is open, "start over" after an
emergency, and an emergency in another language, against the running bot (`bot` fixture).
"""
import asyncio
import html
from concurrent.futures import ThreadPoolExecutor

import socketio

from channels import sessions
from tests.conversation.test_resilience import events, http, new_sender, texts, user_texts
from tests.eval.conversations import say, slots

WAIT = 60


def web_chat(bot, messages):
    """A browser's conversation over socket.io: its session token and what it heard."""
    async def scenario():
        client, heard, confirmed = socketio.AsyncClient(reconnection=False), [], asyncio.Queue()
        client.on("bot_uttered", lambda data: heard.append(html.unescape(data.get("text") or "")))
        client.on("session_confirm", confirmed.put_nowait)
        await client.connect(bot.url, transports=["websocket"], socketio_path="/socket.io",
                             headers={"Origin": f"http://127.0.0.1:{bot.web_port}"})
        await client.emit("session_request", {"session_id": None})
        token = await asyncio.wait_for(confirmed.get(), WAIT)
        for message in messages:
            before = len(heard)
            await client.emit("user_uttered", {"message": message, "session_id": token})
            for _ in range(WAIT * 10):
                await asyncio.sleep(0.1)
                if len(heard) > before:
                    break
            await asyncio.sleep(1.0)  # the rest of the reply
        await client.disconnect()
        return token, heard

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


def test_a_rest_call_with_a_web_chat_session_id_cannot_read_that_persons_conversation(bot):
    words = "my left eyelid keeps twitching since the wedding"
    token, heard = web_chat(bot, [words])
    conversation = sessions.conversation_of(token)
    assert heard and words in user_texts(bot, conversation), "the web chat conversation is stored"
    session = token.split(".")[0]
    for sender in [session, token]:
        replies = say(bot, sender, "summary for my doctor")
        assert not any("wedding" in t for t in texts(replies)), sender
        assert "wedding" not in str(events(bot, sender))
    for sender in [conversation, conversation.upper()]:
        status, _, _ = http(bot, "POST", "/webhooks/rest/webhook", {"sender": sender, "message": "summary for my doctor"})
        assert status == 403, sender
    assert user_texts(bot, conversation) == [words], "nothing reached the web chat conversation"


def test_delete_asked_mid_interview_waits_for_its_answer_and_yes_deletes(bot):
    sender = new_sender()
    first = texts(say(bot, sender, "my calf keeps twitching"))
    asked = slots(bot, sender)["requested_slot"]
    assert asked
    replies = say(bot, sender, "delete my conversation")
    assert [b["payload"] for r in replies for b in r.get("buttons", [])] == [
        "yes, delete my conversation", "no, keep my conversation"]
    assert not any(line and line in " ".join(texts(replies)) for line in first[-1:]), \
        "the interview question is not asked again while the confirmation waits"
    replies = say(bot, sender, "yes")
    assert "deleted" in " ".join(texts(replies))
    assert not any("URGENT" in t for t in texts(replies))
    assert user_texts(bot, sender) == []


def test_delete_asked_mid_interview_then_no_goes_back_to_the_question(bot):
    sender = new_sender()
    say(bot, sender, "my calf keeps twitching")
    asked = slots(bot, sender)["requested_slot"]
    say(bot, sender, "delete my conversation")
    replies = say(bot, sender, "no")
    assert "kept" in " ".join(texts(replies))
    assert slots(bot, sender)["requested_slot"] == asked, "the same question again"
    assert "my calf keeps twitching" in user_texts(bot, sender)


EMERGENCY = "I can't swallow and my speech is slurred"


def test_start_over_after_an_emergency_restates_it_and_asks_first(bot):
    sender = new_sender()
    say(bot, sender, EMERGENCY)
    assert slots(bot, sender)["triage_level"] == "emergency"
    for command in ["restart", "new check"]:
        replies = say(bot, sender, command)
        said = " ".join(texts(replies))
        assert "needs help now" in said and "start a new check" in said, command
        assert [b["title"] for r in replies for b in r.get("buttons", [])] == [
            "Yes, start a new check", "No, keep this result"]
        assert slots(bot, sender)["triage_level"] == "emergency", "nothing cleared yet"
        say(bot, sender, "no, keep this result")
        assert slots(bot, sender)["triage_level"] == "emergency"
    say(bot, sender, "restart")
    replies = say(bot, sender, "yes")
    assert "start afresh" in " ".join(texts(replies))
    assert not slots(bot, sender).get("triage_level")


def test_an_emergency_in_another_language_stays_an_emergency(bot):
    sender = new_sender()
    replies = say(bot, sender, "no puedo respirar")
    assert "emergencias" in texts(replies)[0]
    assert slots(bot, sender)["triage_level"] == "emergency"
    replies = say(bot, sender, "my eyelid twitches a bit, nothing else")
    assert slots(bot, sender)["triage_level"] == "emergency", "a later answer does not lower it"
    assert "help now" in " ".join(texts(replies)) and not slots(bot, sender).get("requested_slot")
