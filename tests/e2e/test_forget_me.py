""""Forget me" in the browser: after the deletion nothing of the conversation is left in the
browser's storage (the widget's transcript and session id in localStorage, the doctor's
summary in sessionStorage, here and in the summary tab), and the next conversation has a new
session id. Real headless Chromium, the whole bot running.
"""
import json

from playwright.sync_api import expect

from tests.e2e.test_webchat import BUTTONS, say, wait_for_bot

WORDS = "my left calf keeps twitching since the marathon"
STORED = """() => JSON.stringify({local: Object.assign({}, window.localStorage),
                                session: Object.assign({}, window.sessionStorage)})"""


def session_id(page):
    return json.loads(page.evaluate("() => window.localStorage.getItem('chat_session')") or "{}").get("session_id")


def test_after_forget_me_nothing_of_the_conversation_is_left_in_the_browser(page, bot_servers):
    page.goto(bot_servers["page"])
    wait_for_bot(page, 0)
    say(page, WORDS)
    with page.context.expect_page() as opened:
        page.evaluate("words => window.TwitchCheck.openSummary({title: 'Summary', said: [words]})", WORDS)
    summary_tab = opened.value
    summary_tab.wait_for_load_state()
    old_session = session_id(page)
    assert old_session and "marathon" in page.evaluate(STORED), "the browser holds a copy"
    assert "marathon" in summary_tab.evaluate(STORED)

    say(page, "delete my conversation")
    page.locator(BUTTONS, has_text="Yes, delete it").click()
    expect(page.locator("#deleted")).to_be_visible(timeout=60_000)
    wait_for_bot(page, 0)  # the new conversation's greeting

    stored = page.evaluate(STORED)
    assert "marathon" not in stored and old_session not in stored, stored
    assert session_id(page) and session_id(page) != old_session, "a new session id"
    assert summary_tab.is_closed() or "marathon" not in summary_tab.evaluate(STORED)
    assert "marathon" not in page.locator("#chat").inner_text()
