"""Web chat sessions that only their own browser can use (README, "Privacy").

The browser holds ``<id>.<signature>``: a random id and an HMAC of it under a server secret.
The conversation is stored as ``web:<id>``; the signature is never stored or logged, so a
conversation id seen anywhere (the database, a log, a REST reply) cannot be turned back into
a session. The secret is ``TWITCH_SESSION_SECRET`` or, if unset, 32 random bytes generated
once into ``var/session_secret`` (mode 0600); several Rasa instances must share it.
"""

import hashlib
import hmac
import os
import re
import secrets
import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Optional, Text

PREFIX = "web:"
SECRET_FILE = Path(__file__).resolve().parent.parent / "var" / "session_secret"
TOKEN = re.compile(r"([0-9a-f]{32})\.([0-9a-f]{32})")
FORGOTTEN_KEPT = 10_000

_lock = threading.Lock()
_secret: Optional[bytes] = None
_forgotten: "OrderedDict[Text, None]" = OrderedDict()


def _read_or_create_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting together end up with the same secret
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_bytes().strip()
        if len(value) < 32:
            raise RuntimeError(f"{path} is too short to be a session secret")
        return value
    value = secrets.token_hex(32).encode()
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)
    return value


def secret() -> bytes:
    global _secret
    with _lock:
        if _secret is None:
            given = os.environ.get("TWITCH_SESSION_SECRET", "").strip()
            _secret = given.encode() if given else _read_or_create_secret(SECRET_FILE)
        return _secret


def _signature(session: Text) -> Text:
    return hmac.new(secret(), (PREFIX + session).encode(), hashlib.sha256).hexdigest()[:32]


def new_token() -> Text:
    session = uuid.uuid4().hex
    return f"{session}.{_signature(session)}"


def conversation_of(token: object) -> Optional[Text]:
    """The conversation (sender id) this browser token opens, or None: not a token, a wrong
    signature, or a conversation deleted on request (its id is never used again)."""
    if not isinstance(token, str):
        return None
    match = TOKEN.fullmatch(token)
    if match is None or not hmac.compare_digest(match.group(2), _signature(match.group(1))):
        return None
    conversation = PREFIX + match.group(1)
    with _lock:
        if conversation in _forgotten:
            return None
    return conversation


def forgotten(conversation: Text) -> None:
    """After "forget me": this conversation's token opens nothing any more (in this process)."""
    with _lock:
        _forgotten[conversation] = None
        while len(_forgotten) > FORGOTTEN_KEPT:
            _forgotten.popitem(last=False)
