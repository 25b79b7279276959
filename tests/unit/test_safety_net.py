"""The replies Rasa gives without the model or the action server (channels/safety_net.py)."""
import time

import pytest

from channels.safety_net import (ACTION_SERVER_DOWN, EMERGENCY_ADVICE, MAX_MESSAGE_CHARS,
                                 action_server_down_reply, red_flag_reply, too_long_reply)


@pytest.mark.parametrize("text", [
    "I suddenly can't breathe and my face is drooping",
    "I suddenly can’t breathe",                      # typographic apostrophe
    "my speech is SLURRED and my arm twitches",
    "crushing CHEST PAIN with cramps",
    "he had a seizure after the twitching",
    "my dad collapsed",
    "I think I took an overdose",
    "she is unconscious",
    "can\u200bt breathe",                            # zero-width space inside
    "chest\npain",                                   # split over lines
])
def test_warning_signs_get_the_emergency_advice(text):
    assert red_flag_reply(text) == EMERGENCY_ADVICE
    assert action_server_down_reply(text) == [EMERGENCY_ADVICE, ACTION_SERVER_DOWN]


@pytest.mark.parametrize("text", ["my eyelid keeps twitching", "no", "", "   ", None, "😩😩"])
def test_ordinary_messages_get_no_emergency_advice(text):
    assert red_flag_reply(text) is None


def test_action_server_down_without_warning_sign_is_one_kind_message():
    [reply] = action_server_down_reply("my calf cramps at night")
    assert "something went wrong on my side" in reply and "send it again" in reply


def test_too_long_message_asks_for_a_shorter_one_and_keeps_the_emergency_advice():
    long = "twitch " * 1000
    [reply] = too_long_reply(long)
    assert "too long" in reply and f"{MAX_MESSAGE_CHARS:,}" in reply
    assert too_long_reply(long + " and now chest pain")[0] == EMERGENCY_ADVICE


def test_reading_a_million_characters_takes_milliseconds():
    text = "7" * 500_000 + "a." * 250_000
    started = time.perf_counter()
    too_long_reply(text)
    assert time.perf_counter() - started < 0.5
