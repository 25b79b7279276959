"""The web chat page's Content-Security-Policy (webchat/serve.py): no inline script runs,
the page connects only to Rasa, and no other site can frame it."""
import re
import threading
import urllib.request
from http.server import ThreadingHTTPServer

import pytest

from tests.servers import ROOT

import importlib.util

_spec = importlib.util.spec_from_file_location("webchat_serve", ROOT / "webchat" / "serve.py")
serve = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(serve)


@pytest.fixture
def page():
    server = ThreadingHTTPServer(("127.0.0.1", 0), serve.make_handler(None))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("path", ["/", "/summary.html", "/app.js"])
def test_every_response_forbids_inline_script_framing_and_other_connections(page, path):
    with urllib.request.urlopen(page + path) as response:
        policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["connect-src"] == "http://127.0.0.1:5005 ws://127.0.0.1:5005"


def test_the_pages_have_no_inline_script():
    for name in ("index.html", "summary.html"):
        html = (ROOT / "webchat" / name).read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), name
        assert "'unsafe-inline'" not in re.search(r"script-src[^;\"]*", html).group(0)


def test_another_rasa_url_is_the_only_connection_allowed():
    assert serve.rasa_origins("https://bot.example.org", "x") == "https://bot.example.org wss://bot.example.org"


@pytest.mark.skipif(not (ROOT / "webchat/node_modules/rasa-webchat/lib/index.js").exists(),
                    reason="npm ci --prefix webchat")
def test_the_widget_is_served_with_its_link_check_on_and_no_images(page):
    with urllib.request.urlopen(page + "/lib/index.js") as response:
        bundle = response.read()
    assert serve.UNCHECKED_LINKS not in bundle  # javascript: links would be live
    assert bundle.count(serve.CHECKED_LINKS) == 1


def test_the_widget_gets_real_reply_buttons_a_named_send_button_and_a_labelled_input(page):
    with urllib.request.urlopen(page + "/lib/index.js") as response:
        bundle = response.read()
    assert b'createElement("button",{type:"button",key:t,className:"rw-reply"' in bundle
    assert b'createElement("div",{key:t,className:"rw-reply",onClick:function(t)' not in bundle
    assert b'className:"rw-send","aria-label":"Send"' in bundle
    assert b'className:"rw-new-message","aria-label":"Your message"' in bundle
    assert b"fonts.googleapis.com" not in bundle


def test_another_widget_version_is_refused_rather_than_served_inaccessible():
    with pytest.raises(ValueError, match="bundle changed"):
        serve.accessible_bundle(b"a bundle without the expected code")


def test_the_emergency_number_setting_reaches_the_page(monkeypatch):
    monkeypatch.setenv("TWITCH_EMERGENCY_NUMBERS", "911, 112")
    server = ThreadingHTTPServer(("127.0.0.1", 0), serve.make_handler(None))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/config.js") as response:
            config = response.read().decode()
    finally:
        server.shutdown()
    assert '"emergencyNumbers": ["911", "112"]' in config
