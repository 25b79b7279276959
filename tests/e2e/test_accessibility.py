"""The web chat for people who use a keyboard, a screen reader or a small phone.

Real headless Chromium, the whole bot running (conftest.py).
(a) axe-core (webchat/node_modules, never a CDN) finds no serious or critical WCAG 2.2 A/AA
    violation on the first screen, mid-interview, the result, the emergency card and the
    summary page;
(b) a whole conversation done with the keyboard alone: typing, Tab and Enter;
(c) every choice is a real <button> with its name; the input and the send button are named;
    each new message reaches the live region; the project's font is used in the input;
(d) the safety net is open on a routine result, with the 111 / out-of-hours line;
(e) one emergency number first, from the browser's locale; the others behind "Not in the UK?";
(f) buttons the server sends after a result are shown under that reply;
(g) phone and laptop layouts: the notice shrinks to one line once the chat has started, the
    chat keeps most of a phone screen with the keyboard open, and the input is on screen at
    1280x800. Screenshots: test-results/screenshots/ (layout-*.png, result-card.png).
"""

import json
import re

import pytest
from playwright.sync_api import expect

from test_result_card import CARD, EMERGENCY_OPENING, level_of, next_step, reach_result, viewport_shot
from test_webchat import (BUTTONS, COMPLAINT, INPUT, SCREENSHOTS, answer, assessment_in, bot_texts,
                          open_chat, preferred, say, typed_answer, wait_for_bot)
from tests.servers import ROOT

AXE = ROOT / "webchat" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MAX_TURNS = 30


def serious_violations(page):
    """axe-core's serious and critical WCAG 2.2 AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())  # run by the browser's debugger: the page's CSP allows no inline script
    found = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            where: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""", WCAG_22_AA)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def assert_accessible(page, where):
    problems = serious_violations(page)
    assert problems == [], f"{where}: {json.dumps(problems, indent=1)}"


def visible_replies(page):
    return [b for b in page.locator(BUTTONS).all() if b.is_visible()]


def until_the_card(page, replies, turn):
    """Answer with `turn(page, replies)` until the result card is there."""
    for _ in range(MAX_TURNS):
        if page.locator(CARD).count():
            break
        replies = turn(page, replies)
    card = page.locator(CARD).last
    expect(card).to_be_visible()
    return card


# --- (a) axe-core on every kind of screen ---

def test_no_serious_violations_from_the_first_screen_to_the_summary(page, chat):
    open_chat(page, chat)
    assert_accessible(page, "first screen")
    replies = say(page, COMPLAINT)
    assert not assessment_in(replies)
    assert_accessible(page, "mid-interview")
    until_the_card(page, replies, answer)
    assert_accessible(page, "result")
    next_step(page, "Summary for my doctor")
    with page.context.expect_page() as opened:
        page.locator("#chat .tc-summary-msg").last.get_by_role("button", name="Open printable summary").click()
    summary = opened.value
    summary.wait_for_load_state()
    expect(summary.locator("h1")).to_have_text("Summary for my doctor")
    # their own words: the complaint, not the one-word answers, the buttons or the request
    said = summary.locator("h2:has-text('own words') + ul > li").all_inner_texts()
    assert COMPLAINT in said and not {"No", "Not sure", "Yes", "Summary for my doctor"} & set(said), said
    assert_accessible(summary, "summary page")


def test_no_serious_violations_on_the_emergency_card(page, chat):
    open_chat(page, chat)
    say(page, EMERGENCY_OPENING)
    expect(page.locator(f"{CARD}.tc-emergency")).to_be_visible()
    assert_accessible(page, "emergency")


# --- (b) the keyboard alone ---

def focused(page):
    return page.evaluate("""() => { const el = document.activeElement;
        return {tag: el.tagName, text: (el.innerText || el.value || "").trim(),
                reply: el.matches(".rw-reply"), input: el.matches(".rw-new-message"),
                expanded: el.getAttribute("aria-expanded")}; }""")


def tab_to(page, wanted, backwards=False, presses=80):
    """Press Tab (or Shift+Tab) until `wanted(focused element)`; the keyboard only."""
    for _ in range(presses):
        now = focused(page)
        if wanted(now):
            return now
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached it; focus is on {focused(page)}")


def keyboard_turn(page, replies):
    """Answer the latest question with the keyboard: a choice by Tab and Enter, else typed."""
    before = len(bot_texts(page))
    titles = [b.inner_text().strip() for b in visible_replies(page)]
    if titles:
        choice = preferred(titles)
        tab_to(page, lambda f: f["reply"] and f["text"] == choice, backwards=focused(page)["input"])
        page.keyboard.press("Enter")
        expect(page.locator("#chat .rw-client").last).to_contain_text(choice)
    else:
        tab_to(page, lambda f: f["input"])
        page.keyboard.type(typed_answer(replies))
        page.keyboard.press("Enter")
    return wait_for_bot(page, before)


def test_a_whole_conversation_with_the_keyboard_alone(laptop_page, chat):
    page = laptop_page
    open_chat(page, chat)
    tab_to(page, lambda f: f["input"])
    before = len(bot_texts(page))
    page.keyboard.type(COMPLAINT)
    page.keyboard.press("Enter")
    replies = wait_for_bot(page, before)
    until_the_card(page, replies, keyboard_turn)
    # a closed section opens with Enter; the follow-up choices are reached and used the same way
    tab_to(page, lambda f: f["expanded"] == "false", backwards=True)
    page.keyboard.press("Enter")
    assert focused(page)["expanded"] == "true"
    before = len(bot_texts(page))
    tab_to(page, lambda f: f["reply"] and f["text"] == "Why?")
    page.keyboard.press("Enter")
    assert wait_for_bot(page, before), "no answer to Why?"


# --- (c) names, live region, font ---

def test_choices_are_named_buttons_the_input_and_send_are_labelled_and_messages_are_announced(page, chat):
    open_chat(page, chat)
    expect(page.get_by_role("textbox", name="Your message")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    font = page.evaluate("""() => [getComputedStyle(document.body).fontFamily,
                                   getComputedStyle(document.querySelector('.rw-new-message')).fontFamily]""")
    assert font[0] == font[1] and "serif" not in font[1].replace("sans-serif", "")
    replies = say(page, COMPLAINT)
    # what the bot just said reaches the live region
    announcer = page.locator("#announcer[aria-live='polite']")
    expect(announcer).to_contain_text(replies[-1].splitlines()[0][:40])
    for _ in range(MAX_TURNS):
        choices = visible_replies(page)
        if choices:
            break
        replies = answer(page, replies)
    assert choices, "no question with choices"
    for choice in choices:
        title = choice.inner_text().strip()
        assert choice.evaluate("el => el.tagName") == "BUTTON"
        assert choice.evaluate("el => el.tabIndex") >= 0
        expect(page.get_by_role("button", name=title, exact=True).last).to_be_visible()


# --- (d) the safety net, open ---

def test_the_safety_net_is_open_on_a_routine_result_with_the_111_line(page, chat):
    card = reach_result(page, chat, "safety-net")
    assert level_of(card) in ("self_care", "see_doctor")
    sooner = card.get_by_role("button", name="Get help sooner if")
    expect(sooner).to_have_attribute("aria-expanded", "true")
    panel = card.locator("#" + sooner.get_attribute("aria-controls"))
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("111")
    expect(panel).to_contain_text("out-of-hours")
    # the whole card, as the README shows it (a taller window, so the chat holds all of it)
    page.set_viewport_size({"width": 1000, "height": 1300})
    card.screenshot(path=str(SCREENSHOTS / "result-card.png"))
    # the other sections are closed disclosure buttons that open on a click
    why = card.get_by_role("button", name="Why I say this")
    expect(why).to_have_attribute("aria-expanded", "false")
    expect(card.locator("#" + why.get_attribute("aria-controls"))).to_be_hidden()
    why.click()
    expect(why).to_have_attribute("aria-expanded", "true")
    expect(card.locator("#" + why.get_attribute("aria-controls"))).to_be_visible()


# --- (e) one emergency number first ---

def emergency_calls(page, chat):
    open_chat(page, chat)
    say(page, EMERGENCY_OPENING)
    card = page.locator(f"{CARD}.tc-emergency").last
    expect(card).to_be_visible()
    return card, [c for c in card.locator("a.tc-call").all() if c.is_visible()]


def test_a_uk_browser_sees_999_first_and_the_others_behind_not_in_the_uk(page, chat):
    card, shown = emergency_calls(page, chat)
    assert [c.get_attribute("href") for c in shown] == ["tel:999"]
    other = card.get_by_role("button", name="Not in the UK?")
    expect(other).to_have_attribute("aria-expanded", "false")
    other.click()
    expect(card.locator("a.tc-call[href='tel:112']")).to_be_visible()
    expect(card.locator("a.tc-call[href='tel:911']")).to_be_visible()


def test_an_american_browser_sees_911_first(us_page, chat):
    card, shown = emergency_calls(us_page, chat)
    assert [c.get_attribute("href") for c in shown] == ["tel:911"]
    expect(card.get_by_role("button", name="In another country?")).to_be_visible()


# --- (f) buttons the server sends after a result ---

def test_buttons_the_server_sends_after_a_result_are_shown(page, chat):
    sent = []  # the bot's messages as they came over the socket

    def listen(socket):
        def frame(payload):
            match = re.match(r"\d+(\[.*)", payload if isinstance(payload, str) else "")
            if match and '"bot_uttered"' in payload:
                sent.append(json.loads(match.group(1))[1])
        socket.on("framereceived", frame)
    page.on("websocket", listen)
    reach_result(page, chat, "follow-up")
    for title in ("Why?", "What can I do now?"):
        sent.clear()
        offered = [b.inner_text().strip() for b in visible_replies(page)]
        if title in offered:
            next_step(page, title)
        else:  # the server offered no buttons this time: the person types it
            say(page, title)
        offered = [r["title"] for m in sent[-1:] for r in m.get("quick_replies") or m.get("buttons") or []]
        assert [b.inner_text().strip() for b in visible_replies(page)] == offered, \
            f"after {title!r} the server offered {offered}"


# --- (g) phone and laptop layouts ---

def test_on_a_phone_the_chat_keeps_the_screen_once_started(phone_page, chat):
    page = phone_page
    open_chat(page, chat)
    say(page, COMPLAINT)
    notice = page.locator("#notice")
    height = notice.bounding_box()["height"]
    assert height <= 34, f"the notice takes {height}px once the chat has started"
    expect(page.locator("#notice-more")).to_be_hidden()
    viewport_shot(page, "layout-390x844")
    # the full text is one tap away
    page.locator("#notice-toggle").click()
    expect(notice).to_contain_text("cannot examine you")
    expect(notice.locator(".emergency-line")).to_be_visible()
    page.locator("#notice-toggle").click()
    # with the on-screen keyboard open about 500 px are left: most of it is the conversation
    page.set_viewport_size({"width": 390, "height": 500})
    page.wait_for_timeout(300)
    messages = page.locator("#rw-messages").bounding_box()["height"]
    assert messages >= 0.6 * 500, f"the conversation has {messages}px of 500"
    box = page.locator(INPUT).bounding_box()
    assert box["y"] + box["height"] <= 500


def test_on_a_laptop_the_input_is_on_screen_at_load(laptop_page, chat):
    page = laptop_page
    open_chat(page, chat)
    box = page.locator(INPUT).bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800, f"the input is at {box}"
    assert page.evaluate("document.documentElement.scrollHeight") <= 800
    viewport_shot(page, "layout-1280x800")


@pytest.fixture
def chat(bot_servers):
    return bot_servers["page"]
