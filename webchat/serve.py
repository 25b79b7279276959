#!/usr/bin/env python3
"""Serve the Twitch Check web chat page (stdlib only).

    python webchat/serve.py [--host 127.0.0.1] [--port 8080] [--rasa-url URL]

Serves exactly these, nothing else from disk:
  /             -> webchat/index.html
  /lib/index.js -> webchat/node_modules/rasa-webchat/lib/index.js (from `npm ci`),
                   minus its Google Fonts @import (no CDN)
  /lib/react.js -> webchat/node_modules/react/umd/react.production.min.js (installed
                   with rasa-webchat): builds the result card's elements (card.js)
  /app.js       -> webchat/app.js: the page's own script (no inline script: see the CSP)
  /card.js      -> webchat/card.js: the result card and the doctor's summary in the chat
  /summary.html, /summary.js -> the printable summary for a doctor
  /config.js    -> optional runtime config; with --rasa-url (or $RASA_URL) the page
                   talks to that Rasa server instead of <same host>:5005; with
                   $TWITCH_EMERGENCY_NUMBERS the card's first call button is its first entry.

Every response carries a Content-Security-Policy header: scripts only from this server (no
inline script), connections only to the Rasa server (http and ws), no framing by other sites
(`frame-ancestors 'none'`, which a <meta> policy cannot set), nothing else from anywhere.
"""

import argparse
import json
import os
import re
import sys
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The rasa-webchat bundle's CSS @imports the Inter font from Google Fonts. Drop
# that import so the page never contacts a CDN (the page's CSP would block it
# anyway, but with console errors); the page uses the system font instead.
CDN_IMPORT = re.compile(rb"@import url\(https?://fonts\.googleapis\.com/[^)]*\);?")
# rasa-webchat 1.0.1 renders the assistant's Markdown with react-markdown's link check switched
# off (transformLinkUri: null), so a javascript: link would be live. Served with react-markdown's
# own check, and no images: the assistant sends none, and its text is sent as plain text anyway
# (channels/socketio.py); this is the second line.
UNCHECKED_LINKS = b"transformLinkUri:null"
CHECKED_LINKS = b'transformLinkUri:void 0,disallowedTypes:["image","imageReference"]'

# The bundle renders reply choices as <div>s (Tab never reaches them, screen readers read
# "Yes No Not sure" as text), an unnamed send button and an unlabelled input. These exact
# edits of rasa-webchat 1.0.1's code make them a real <button>, a named button and a
# labelled input, and let the keyboard reach the scrolling message list. Each must match
# once: another bundle version fails loudly in the tests rather than silently.
ACCESSIBLE = (
    (b'o.a.createElement("div",{key:t,className:"rw-reply",onClick:function(t){t.stopPropagation()',
     b'o.a.createElement("button",{type:"button",key:t,className:"rw-reply",'
     b'onClick:function(t){t.stopPropagation()'),
    (b'{type:"submit",className:"rw-send",',
     b'{type:"submit",className:"rw-send","aria-label":"Send",'),
    (b'className:"rw-new-message",name:"message",',
     b'className:"rw-new-message","aria-label":"Your message",name:"message",'),
    (b'{id:"rw-messages",style:',
     b'{id:"rw-messages",role:"region","aria-label":"Conversation",tabIndex:0,style:'),
)
JS = "application/javascript; charset=utf-8"
HTML = "text/html; charset=utf-8"
FILES = {
    "/": (HERE / "index.html", HTML),
    "/index.html": (HERE / "index.html", HTML),
    "/app.js": (HERE / "app.js", JS),
    "/card.js": (HERE / "card.js", JS),
    "/summary.html": (HERE / "summary.html", HTML),
    "/summary.js": (HERE / "summary.js", JS),
    "/lib/react.js": (HERE / "node_modules" / "react" / "umd" / "react.production.min.js", JS),
    "/lib/index.js": (
        HERE / "node_modules" / "rasa-webchat" / "lib" / "index.js",
        "application/javascript; charset=utf-8",
    ),
}


def accessible_bundle(bundle: bytes) -> bytes:
    """The widget bundle without its CDN font import, with the edits in ACCESSIBLE."""
    bundle = CDN_IMPORT.sub(b"", bundle)
    for old, new in ACCESSIBLE:
        if bundle.count(old) != 1:
            raise ValueError(f"rasa-webchat bundle changed: {old[:40]!r} not found once")
        bundle = bundle.replace(old, new)
    return bundle


def rasa_origins(rasa_url, host_header):
    """The Rasa server the page may connect to, over HTTP and its websocket: --rasa-url, or the
    page's own host on port 5005 (what app.js uses by default)."""
    from urllib.parse import urlsplit

    if rasa_url:
        parts = urlsplit(rasa_url)
        scheme, netloc = parts.scheme or "http", parts.netloc
    else:
        host = urlsplit("//" + (host_header or "localhost")).hostname or "localhost"
        scheme, netloc = "http", f"[{host}]:5005" if ":" in host else f"{host}:5005"
    socket_scheme = "wss" if scheme == "https" else "ws"
    return f"{scheme}://{netloc} {socket_scheme}://{netloc}"


def content_security_policy(rasa_url, host_header):
    return ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; "
            f"connect-src {rasa_origins(rasa_url, host_header)}; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def make_handler(rasa_url):
    config = {"socketUrl": rasa_url} if rasa_url else {}
    # The emergency number shown first on the card: the setting's first entry, when set (the
    # card lists them all; card.js otherwise goes by the browser's locale).
    chosen = [n.strip() for n in os.environ.get("TWITCH_EMERGENCY_NUMBERS", "").split(",") if n.strip()]
    if chosen:
        config["emergencyNumbers"] = chosen
    config_js = "window.TWITCH_CHECK_CONFIG = %s;\n" % json.dumps(config)

    class Handler(SimpleHTTPRequestHandler):
        def do_HEAD(self):
            self.do_GET(head_only=True)

        def do_GET(self, head_only=False):
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == "/config.js":
                body, ctype = config_js.encode(), "application/javascript; charset=utf-8"
            elif path in FILES:
                file, ctype = FILES[path]
                try:
                    body = file.read_bytes()
                    if path == "/lib/index.js":
                        body = accessible_bundle(body)
                    body = body.replace(UNCHECKED_LINKS, CHECKED_LINKS)
                except FileNotFoundError:
                    self.send_error(
                        HTTPStatus.NOT_FOUND,
                        "rasa-webchat is not installed: run `npm ci --prefix webchat`",
                    )
                    return
            else:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            # Always fresh: a stale page or bundle after an upgrade is confusing.
            self.send_header("Cache-Control", "no-cache")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Security-Policy",
                             content_security_policy(rasa_url, self.headers.get("Host")))
            self.end_headers()
            if not head_only:
                self.wfile.write(body)

        def log_message(self, fmt, *args):
            sys.stderr.write("webchat: %s - %s\n" % (self.address_string(), fmt % args))

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("WEBCHAT_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEBCHAT_PORT", 8080)))
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get("RASA_URL", ""),
        help="Rasa server for the socket (default: same host as the page, port 5005)",
    )
    args = parser.parse_args(argv)
    if not FILES["/lib/index.js"][0].exists():
        print("warning: webchat/node_modules is missing; run `npm ci --prefix webchat`",
              file=sys.stderr)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.rasa_url))
    print(f"Twitch Check web chat on http://{args.host}:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
