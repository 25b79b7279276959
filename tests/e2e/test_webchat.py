"""The web chat as a person uses it: real headless Chromium, the whole bot running.

1. type a complaint, answer the questions (click yes/no buttons where shown, type
   otherwise) until the assessment with a triage level appears;
2. the same, but reload the page mid-interview: the earlier messages are still
   there and the interview continues to the assessment;
plus: the page and widget load with no request leaving 127.0.0.1 (no CDN).
Screenshots: test-results/screenshots/.
"""

import re
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
COMPLAINT = "my eyelid keeps twitching, drinking loads of coffee"
LEVEL = r"(emergency|urgent|see[ _-]?(a )?doctor|self[ _-]?care)"
# The assessment opens with the triage level as a badge: on the result card (webchat/card.js)
# "🟡 SEE A DOCTOR" above its title; as text "🟡 SEE A DOCTOR: Book a doctor's appointment"
# (actions/result.py); or it says "Triage level: ...".
ASSESSMENT_RE = re.compile(
    r"^\W*(EMERGENCY|URGENT|SEE A DOCTOR|SELF-CARE)\b"
    r"|(?i:(triage|urgency) level\W[^\n]{0,40}?" + LEVEL + ")")
NOTICE_RE = re.compile(r"information,? not a diagnosis", re.I)
MAX_TURNS = 30
TURN_TIMEOUT = 60  # seconds for the bot to answer one message

BOT = "#chat .rw-response"
BUTTONS = "#chat .rw-replies .rw-reply"
INPUT = "#chat .rw-new-message"

# What a person with an eyelid twitch and too much coffee would answer, by topic.
# Order matters: warning-sign questions first, they mention other topics too.
ANSWERS = [
    (r"breath|swallow|speech|speak|slur|droop", "no, none of that"),
    (r"weak", "no weakness"),
    (r"numb|tingl|pins and needles", "no numbness"),
    (r"wast|thinner|shrink|smaller", "no, it looks normal"),
    (r"how long|since when|when did|how many (days|weeks)", "about 5 days"),
    (r"how often|frequen|how many times", "a few times a day"),
    (r"other (places|parts|muscles)|elsewhere|more than one|spread|anywhere else",
     "no, only the eyelid"),
    (r"where|which (part|muscle|side)|location", "my left eyelid"),
    (r"twitch, (a )?spasm|what kind|which kind|type of", "a twitch"),
    (r"coffee|caffeine|tea\b|energy drink|cola", "about 5 cups of coffee a day"),
    (r"water|hydrat|fluid|drinking lately|sweat|vomit|diarrh",
     "about 6 glasses of water a day, no sweating or vomiting"),
    (r"alcohol|beer|wine", "a glass of wine at the weekend"),
    (r"sleep", "about 5 hours a night"),
    (r"stress|anxious|anxiety|worr", "yes, a lot of stress at work"),
    (r"exercise|sport|workout|training|physical", "just walking, nothing intense"),
    (r"medic|supplement|pill|drug|tablet", "no medicines or supplements"),
    (r"injur|hurt yourself|accident|fall", "no injury"),
    (r"pregnan", "no"),
    (r"condition|kidney|thyroid|diabetes|illness", "no known conditions"),
    (r"\bdiet\b|\beat\b|food|meals", "a normal mixed diet"),
    (r"pain|sore|ache", "no pain"),
]


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def bot_texts(page):
    return [t.strip() for t in page.locator(BOT).all_inner_texts()]


def all_texts(page):
    return [t.strip() for t in page.locator("#chat .rw-message").all_inner_texts()]


def wait_for_bot(page, count_before, timeout=TURN_TIMEOUT):
    """Wait until the bot has said something new and has stopped typing."""
    deadline = time.monotonic() + timeout
    while len(bot_texts(page)) <= count_before:
        if time.monotonic() > deadline:
            raise AssertionError(f"the bot did not answer within {timeout}s; "
                                 f"conversation so far: {all_texts(page)}")
        page.wait_for_timeout(200)
    # replies arrive one by one (widget delay 300 ms); wait for a quiet second
    last, quiet_since = len(bot_texts(page)), time.monotonic()
    while time.monotonic() - quiet_since < 1.5:
        page.wait_for_timeout(200)
        now = len(bot_texts(page))
        if now != last:
            last, quiet_since = now, time.monotonic()
    return bot_texts(page)[count_before:]


def say(page, text):
    before = len(bot_texts(page))
    box = page.locator(INPUT)
    box.fill(text)
    box.press("Enter")
    expect(page.locator("#chat .rw-client").last).to_contain_text(text[:20])
    return wait_for_bot(page, before)


def click(page, button):
    before = len(bot_texts(page))
    title = button.inner_text().strip()
    button.click()
    expect(page.locator("#chat .rw-client").last).to_contain_text(title)
    return wait_for_bot(page, before)


def answer(page, new_messages):
    """Answer the bot's latest question like a person would."""
    buttons = page.locator(BUTTONS)
    visible = [b for b in buttons.all() if b.is_visible()]
    if visible:
        titles = [b.inner_text().strip() for b in visible]
        return click(page, visible[titles.index(preferred(titles))])
    return say(page, typed_answer(new_messages))


def typed_answer(new_messages):
    """What the person types to the bot's latest question."""
    question = new_messages[-1].lower()  # earlier ones may be an intro
    return next((reply for pattern, reply in ANSWERS if re.search(pattern, question)), "no")


def preferred(titles):
    """The choice a person with an eyelid twitch makes: "No" keeps it out of the warning signs."""
    return next((t for t in titles if re.fullmatch(r"no\b.*", t, re.I)), titles[0])


def assessment_in(messages):
    return next((m for m in messages if ASSESSMENT_RE.search(m)), None)


def interview_until_assessment(page, new_messages, name, max_turns=MAX_TURNS):
    for turn in range(max_turns):
        found = assessment_in(new_messages)
        if found:
            return found
        new_messages = answer(page, new_messages)
        if turn < 3:
            shot(page, f"{name}-turn{turn + 1}")
    raise AssertionError(f"no assessment with a triage level after {max_turns} answers; "
                         f"conversation: {all_texts(page)}")


def open_chat(page, url):
    page.goto(url)
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator(INPUT)).to_be_visible(timeout=30_000)
    # the widget sends the /greet init payload: the bot greets first
    greeting = wait_for_bot(page, 0)
    assert greeting and all(g for g in greeting)
    return greeting


def assert_assessment_visible(page, assessment):
    match = ASSESSMENT_RE.search(assessment)
    level = match.group(1) or match.group(3)
    # the first line: the badge of a result card (its blocks are on lines of their own)
    # or of an assessment sent as text
    message = page.locator(BOT).filter(has_text=assessment.strip().splitlines()[0][:40]).last
    message.scroll_into_view_if_needed()  # for the screenshot that follows
    expect(message).to_be_visible()
    expect(message).to_contain_text(level)
    # the page marks the level (coloured bar) so it stands out from other messages
    expect(page.locator(f"{BOT}.tc-triage").last).to_be_visible()
    expect(page.get_by_text(NOTICE_RE).first).to_be_visible()


def test_page_loads_from_this_server_only(page, bot_servers):
    greeting = open_chat(page, bot_servers["page"])
    shot(page, "page-loaded")
    expect(page.locator("#notice")).to_contain_text(NOTICE_RE)
    assert any(u.endswith("/lib/index.js") for u in page.requests_seen)
    outside = [u for u in page.requests_seen
               if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).hostname not in ("127.0.0.1", "localhost")]
    assert outside == [], f"requests left this machine (CDN?): {outside}"
    assert greeting


def test_complaint_questions_and_assessment(page, bot_servers):
    open_chat(page, bot_servers["page"])
    shot(page, "interview-greeting")
    replies = say(page, COMPLAINT)
    assessment = interview_until_assessment(page, replies, "interview")
    assert_assessment_visible(page, assessment)
    shot(page, "interview-assessment")


def test_reload_mid_interview_keeps_conversation(page, bot_servers):
    open_chat(page, bot_servers["page"])
    replies = say(page, COMPLAINT)
    assert not assessment_in(replies), "need at least one question to reload during"
    replies = answer(page, replies)  # answer one question, then reload
    before = all_texts(page)
    shot(page, "reload-before")

    page.reload()
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator(BOT).first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(2000)  # a new session would greet again here
    after = all_texts(page)
    shot(page, "reload-after")
    assert after[:len(before)] == before, "earlier messages were lost on reload"
    assert len(after) == len(before), f"the bot started over after reload: {after}"
    assert any(COMPLAINT[:20] in t for t in after)

    assessment = interview_until_assessment(page, replies, "reload")
    assert_assessment_visible(page, assessment)
    shot(page, "reload-assessment")
