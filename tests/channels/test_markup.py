"""The person's own words are never markup in a chat channel: Slack mentions and links typed
into a message stay text inside the bot's card, and Telegram gets every message in parts it
accepts (channels/slack.py, channels/telegram.py)."""
import asyncio

from actions import result as shown
from actions.medical.assessment import assess
from channels.slack import ConfigurableSlackBot
from channels.telegram import ConfigurableTelegramOutput, split_message

HOSTILE = "my eyelid twitches since I drink 6 coffees a day <!channel> <@U123> <https://evil.example|click> & more"


class _Recorder:
    def __init__(self):
        self.posts = []

    async def chat_postMessage(self, **kwargs):
        self.posts.append(kwargs)


def _all_text(value):
    if isinstance(value, dict):
        return " ".join(_all_text(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_all_text(v) for v in value)
    return value if isinstance(value, str) else ""


def test_hostile_words_quoted_inside_the_slack_card_cannot_mention_or_link():
    card = shown.card(assess({}, [HOSTILE]))
    assert "<!channel>" in _all_text(shown.slack_message(card)), "the card quotes the person"
    assert "<@U123>" in _all_text(shown.slack_message(card))
    bot = ConfigurableSlackBot("xoxb-test")
    bot.client = _Recorder()
    asyncio.run(bot.send_custom_json("slack:U9", shown.slack_message(card)))
    asyncio.run(bot.send_text_message("slack:U9", f"You said: {HOSTILE}"))
    sent = _all_text(bot.client.posts)
    for live in ("<!channel>", "<@U123>", "<https://evil.example"):
        assert live not in sent
    assert "&lt;!channel&gt;" in sent and "&amp; more" in sent, "shown as the person typed it"


def test_a_long_telegram_message_is_split_at_line_ends_under_the_limit():
    lines = [f"<b>line {i}</b> " + "word " * 30 for i in range(200)]  # about 32,000 characters
    parts = split_message("\n".join(lines))
    assert len(parts) > 7 and all(len(p) <= 4000 for p in parts)
    assert "\n".join(parts) == "\n".join(lines), "nothing lost, every tag whole"
    assert split_message("x" * 9000)[0] == "x" * 4000
    assert split_message("short") == ["short"]


def test_telegram_gets_each_part_with_the_buttons_on_the_last():
    sent = []
    output = ConfigurableTelegramOutput("123:abc")

    async def fake_request(method, data=None, *args, **kwargs):
        sent.append(dict(data or {}))
        return {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}

    output.request = fake_request
    asyncio.run(output.send_message(1, "a line\n" * 1200, reply_markup='{"k": 1}'))
    assert len(sent) == 3 and all(len(m["text"]) <= 4000 for m in sent)
    assert "reply_markup" in sent[-1] and all("reply_markup" not in m for m in sent[:-1])
