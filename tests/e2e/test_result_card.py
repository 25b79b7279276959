"""The result card, what comes after it, and the phone layout, as a person sees them.

Real headless Chromium, the whole bot running (conftest.py). The web chat gets the
assessment as one card ({"twitch_card": ...}, webchat/card.js):
(a) a whole conversation to the result, on a desktop and on a phone: the card's top is on
    screen when it arrives, it has its level's colour, its sections are closed (but for the
    safety net on a routine result), open on a click and stay open as the conversation goes
    on, and it is short unless opened;
(b) an emergency: call buttons (tel: links) and what to do while waiting, shown at once; a
    "can I wait?" gets the emergency advice again;
(c) after a result, "New check" and a new complaint start a new interview;
(d) "Summary for my doctor" opens a printable page with the person's own words and the level;
(e) on a phone the input box is on screen as the page loads, and so is the emergency line.
Screenshots: test-results/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from test_webchat import (BOT, BUTTONS, COMPLAINT, INPUT, SCREENSHOTS, all_texts, click,
                          interview_until_assessment, open_chat, say, shot)

CARD = "#chat .tc-card"
LEVELS = ("emergency", "urgent", "see_doctor", "self_care")
# the card's colour by level (webchat/index.html): left border
LEVEL_COLOURS = {"emergency": "rgb(197, 48, 48)", "urgent": "rgb(221, 107, 32)",
                 "see_doctor": "rgb(214, 158, 46)", "self_care": "rgb(47, 133, 90)"}
EMERGENCY_OPENING = "my face is drooping on one side and my speech is slurred"
MAX_VISIBLE_WORDS = 150


@pytest.fixture(params=["desktop", "phone"])
def any_page(request):
    return request.getfixturevalue("page" if request.param == "desktop" else "phone_page")


def in_view(page, selector):
    """Where the element's top is: inside the chat's message list and the browser window?"""
    return page.evaluate("""(selector) => {
        const all = document.querySelectorAll(selector), el = all[all.length - 1];
        const list = document.getElementById("rw-messages").getBoundingClientRect();
        const r = el.getBoundingClientRect();
        return {top: r.top, listTop: list.top, listBottom: list.bottom,
                windowHeight: window.innerHeight,
                visible: r.top >= list.top - 1 && r.top < list.bottom - 40
                         && r.top >= 0 && r.top < window.innerHeight - 40};
    }""", selector)


def viewport_shot(page, name):
    """What is on screen (not the whole page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def visible_words(locator):
    return len(locator.inner_text().split())  # innerText leaves out hidden panels


def level_of(card):
    classes = card.get_attribute("class").split()
    found = [level for level in LEVELS if f"tc-{level}" in classes]
    assert len(found) == 1, f"the card should have one level class: {classes}"
    return found[0]


def reach_result(page, url, name):
    open_chat(page, url)
    replies = say(page, COMPLAINT)
    interview_until_assessment(page, replies, name)
    card = page.locator(CARD).last
    expect(card).to_be_visible()
    return card


def next_step(page, title):
    """Click one of the buttons under the result."""
    button = page.locator(BUTTONS, has_text=re.compile(rf"^\s*{re.escape(title)}\s*$")).last
    expect(button).to_be_visible()
    return click(page, button)


@pytest.fixture
def chat(bot_servers):
    return bot_servers["page"]


def test_result_card_in_view_coloured_and_short(any_page, chat, request):
    page, size = any_page, request.node.callspec.params["any_page"]
    card = reach_result(page, chat, f"card-{size}")
    # the card has just arrived (and the buttons under it): its top is on screen
    where = in_view(page, CARD)
    viewport_shot(page, f"card-{size}-arrived")
    assert where["visible"], f"the start of the card is not in view: {where}"

    # one card, coloured by its level; title, what to do and the reason are shown
    assert page.locator(CARD).count() == 1
    level = level_of(card)
    assert card.get_attribute("data-level") == level
    colour = card.evaluate("el => getComputedStyle(el).borderLeftColor")
    assert colour == LEVEL_COLOURS[level]
    for part in (".tc-badge", ".tc-title", ".tc-action", ".tc-reason"):
        expect(card.locator(part)).to_be_visible()
        assert card.locator(part).inner_text().strip()
    expect(card.locator(".tc-reminder")).to_contain_text("not a diagnosis")

    # the details are sections behind disclosure buttons: closed, except the safety net on a
    # routine result; the card is short until one is opened
    toggles = card.locator(".tc-section .tc-disclosure")
    assert toggles.count() >= 2
    states = {toggles.nth(i).inner_text().strip(): toggles.nth(i).get_attribute("aria-expanded")
              for i in range(toggles.count())}
    sooner_open = level in ("see_doctor", "self_care")
    assert states == {title: "true" if title == "Get help sooner if" and sooner_open else "false"
                      for title in states}, states
    first = toggles.first
    panel = card.locator("#" + first.get_attribute("aria-controls"))
    expect(panel).to_be_hidden()
    words = visible_words(card) - sum(visible_words(card.locator("#" + toggles.nth(i).get_attribute("aria-controls")))
                                      for i in range(toggles.count()) if states[toggles.nth(i).inner_text().strip()] == "true")
    assert words < MAX_VISIBLE_WORDS, f"{words} words visible besides the safety net"
    before = visible_words(card)
    first.click()
    expect(first).to_have_attribute("aria-expanded", "true")
    expect(panel.locator("li").first).to_be_visible()
    assert visible_words(card) > before
    viewport_shot(page, f"card-{size}-section-open")
    # it stays open while the conversation goes on (the widget re-mounts custom messages)
    replies = next_step(page, "Why?")
    assert replies, "no answer to Why?"
    expect(page.locator(CARD).first.locator(".tc-section .tc-disclosure").first).to_have_attribute(
        "aria-expanded", "true")


def test_emergency_card_calls_and_waiting_advice_then_no_wait_and_see(page, chat):
    open_chat(page, chat)
    replies = say(page, EMERGENCY_OPENING)
    card = page.locator(CARD).last
    expect(card).to_be_visible()
    assert level_of(card) == "emergency", f"conversation: {all_texts(page)}"
    assert in_view(page, CARD)["visible"]
    # the kind of emergency, right under the level (triage.yml `kind`)
    expect(card.locator(".tc-title + .tc-kind")).to_have_text("These can be signs of a stroke.")
    # large call buttons that are real phone links
    calls = card.locator("a.tc-call[href^='tel:']")
    assert calls.count() >= 1
    expect(calls.first).to_be_visible()
    expect(calls.first).to_have_attribute("href", re.compile(r"^tel:\+?\d{2,8}$"))
    expect(calls.first).to_contain_text(re.compile(r"call", re.I))
    height = calls.first.bounding_box()["height"]
    assert height >= 44, f"the call button is small ({height}px)"
    # what to do while waiting: shown, not in a closed section
    waiting = card.locator(".tc-waiting")
    expect(waiting).to_be_visible()
    assert waiting.locator("li").count() >= 2
    expect(waiting.locator("li").first).to_be_visible()
    viewport_shot(page, "emergency-card")

    # "can I wait and see?" gets the emergency advice again, not routine advice
    replies = say(page, "can I wait and see if it passes?")
    said = "\n".join(replies)
    assert re.search(r"call \d{3}|emergency", said, re.I), f"no emergency advice: {replies}"
    assert not re.search(r"self-care|look after (this|yourself) at home|routine appointment",
                         said, re.I), f"routine advice after an emergency: {replies}"
    assert page.locator(f"{CARD}.tc-emergency").count() >= 1
    assert page.locator(f"{CARD}:not(.tc-emergency)").count() == 0
    expect(page.locator(CARD).last.locator("a.tc-call[href^='tel:']").first).to_be_visible()
    shot(page, "emergency-wait-and-see")


def test_new_check_after_a_result_starts_a_new_interview(page, chat):
    reach_result(page, chat, "new-check")
    replies = next_step(page, "New check")
    replies = say(page, "now my calf keeps cramping at night")
    said = "\n".join(replies)
    assert re.search(r"Question 1 of about \d+", said), f"no new interview: {replies}"
    assert page.locator(CARD).count() == 1, "a new result came before any question"
    expect(page.locator(BOT).last).to_be_visible()
    shot(page, "new-check")


def test_summary_for_my_doctor_opens_a_printable_page(page, chat):
    card = reach_result(page, chat, "summary")
    level = level_of(card)
    badge = card.locator(".tc-badge").inner_text().strip()
    next_step(page, "Summary for my doctor")
    bubble = page.locator("#chat .tc-summary-msg").last
    expect(bubble).to_be_visible()
    with page.context.expect_page() as opened:
        bubble.get_by_role("button", name="Open printable summary").click()
    summary = opened.value
    summary.wait_for_load_state()
    expect(summary.locator("h1")).to_be_visible()
    expect(summary.get_by_role("button", name="Print")).to_be_visible()
    text = summary.locator("body").inner_text()
    assert COMPLAINT in text, "the person's own words are missing"
    assert re.search(r"\b20\d\d\b", text), "the page is not dated"
    # the rows a doctor asks first, and the safety net the person was given
    rows = summary.locator("table th").all_inner_texts()
    assert {"Where", "How long"} <= set(rows), f"no place or duration row: {rows}"
    if level in ("see_doctor", "self_care"):
        expect(summary.get_by_role("heading", name="Get help sooner if")).to_be_visible()
    expect(summary.locator(".result")).to_have_attribute("data-level", level)
    expect(summary.locator(".result")).to_contain_text(badge.split(" ", 1)[-1])
    expect(summary.get_by_text(re.compile("not a diagnosis", re.I)).first).to_be_visible()
    shot(summary, "summary-page")
    # nothing left this machine, from the chat or the summary
    outside = [u for u in page.requests_seen
               if re.match(r"(https?|wss?)://", u) and not re.match(r"(https?|wss?)://(127\.0\.0\.1|localhost)[:/]", u)]
    assert outside == []


def test_phone_input_and_emergency_line_on_screen_at_load(phone_page, chat):
    page = phone_page
    open_chat(page, chat)
    height = page.viewport_size["height"]
    box = page.locator(INPUT).bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, \
        f"the input box is off screen on a phone: {box}"
    assert page.evaluate("window.scrollY") == 0
    emergency = page.locator("#notice .emergency-line")
    expect(emergency).to_be_visible()
    expect(emergency).to_contain_text("emergency number")
    notice = page.locator("#notice").bounding_box()
    assert notice["height"] <= 130, f"the notice takes {notice['height']}px on a phone"
    # the rest of the notice is one tap away
    more = page.locator("#notice-toggle")
    expect(more).to_be_visible()
    expect(page.locator("#notice-more")).to_be_hidden()
    more.click()
    expect(page.locator("#notice-more")).to_be_visible()
    expect(page.locator("#notice")).to_contain_text("cannot examine you")
    viewport_shot(page, "phone-load")
