"""The web chat's socket.io output: custom JSON (the result card, the doctor's summary)
reaches the browser as one `bot_uttered` event whose data is the dict itself.

Rasa 3.6's own SocketIOOutput.send_custom_json spreads the dict into emit's keyword
arguments, so {"twitch_card": ...} would never reach the page.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from channels import sessions
from channels.socketio import GuardedSocketIOInput, GuardedSocketIOOutput

CARD = {"twitch_card": {"level": "self_care", "badge": "🟢 SELF-CARE", "title": "Self-care",
                        "action": "Cut down on coffee this week.", "sections": []}}
SUMMARY = {"twitch_summary": {"date": "2026-11-22", "said": ["my eyelid twitches"]}}
SESSION = "0123456789abcdef0123456789abcdef"


class FakeSio:
    def __init__(self):
        self.emitted = []

    async def emit(self, event, data=None, room=None, **kwargs):
        self.emitted.append((event, data, room, kwargs))


def run(coroutine):
    # in a thread of its own: a test run that has started Playwright's sync API (tests/e2e)
    # has an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_custom_json_is_emitted_as_the_message_data_to_the_sessions_room():
    sio = FakeSio()
    output = GuardedSocketIOOutput(sio, "bot_uttered")
    # Rasa calls send_response with the action's response; "custom" is the json_message
    run(output.send_response(SESSION, {"text": None, "custom": dict(CARD)}))
    run(output.send_custom_json(SESSION, dict(SUMMARY)))
    assert sio.emitted == [("bot_uttered", CARD, SESSION, {}),
                           ("bot_uttered", SUMMARY, SESSION, {})]


def test_a_room_key_in_the_data_cannot_send_it_to_another_conversation():
    sio = FakeSio()
    output = GuardedSocketIOOutput(sio, "bot_uttered")
    message = {**CARD, "room": "f" * 32}
    run(output.send_custom_json(SESSION, message))
    assert sio.emitted == [("bot_uttered", CARD, SESSION, {})]
    assert message["room"] == "f" * 32  # the caller's dict is left alone


def test_text_and_buttons_still_go_out_as_rasa_sends_them():
    sio = FakeSio()
    output = GuardedSocketIOOutput(sio, "bot_uttered")
    run(output.send_text_with_buttons(SESSION, "What next?",
                                      [{"title": "New check", "payload": "new check"}]))
    assert sio.emitted == [("bot_uttered", {"text": "What next?", "quick_replies": [
        {"content_type": "text", "title": "New check", "payload": "new check"}]}, SESSION, {})]


def test_the_input_channel_answers_through_the_guarded_output():
    channel = GuardedSocketIOInput.from_credentials({"session_persistence": True})
    received = []

    async def on_new_message(message):
        received.append(message)

    channel.blueprint(on_new_message)
    assert isinstance(channel.get_output_channel(), GuardedSocketIOOutput)
    fake = FakeSio()
    channel.sio.emit = fake.emit
    channel.sio.rooms = lambda sid, namespace=None: [sid]
    channel.sio.enter_room = lambda sid, room, namespace=None: None
    token = sessions.new_token()
    conversation = sessions.conversation_of(token)
    handle_message = channel.sio.handlers["/"]["user_uttered"]
    run(handle_message("socket-1", {"message": "my eyelid twitches", "session_id": token}))
    assert [(m.sender_id, m.text) for m in received] == [(conversation, "my eyelid twitches")]
    run(received[0].output_channel.send_custom_json(conversation, dict(CARD)))
    assert fake.emitted == [("bot_uttered", CARD, conversation, {})]
