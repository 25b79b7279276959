"""How much a request may carry, checked before anything is read into a conversation or stored.

Rasa stores a message's metadata with its event (twice: in the event and its parse data) and
accepted any size: five REST requests with 20 MB of metadata grew the database by 400 MB, and a
full disk then stops every conversation from being saved. The text itself is bounded by the
guard (2,000 characters); these bound everything around it, for REST (``channels.rest``, HTTP
413) and socket.io (``channels.socketio``, a kind reply; the socket's own packet limit too).
"""
import json
from typing import Any, Optional, Text

# Over the message limit a text is answered "too long" (and a warning sign in it still gets the
# emergency advice) without being stored, so a pasted page must still arrive: 2 MB holds a
# million characters, or 120,000 emoji escaped as JSON. What is stored around the text is
# bounded far lower, below.
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_FIELDS = 8              # sender, message, metadata, and a few a client may add
MAX_METADATA_BYTES = 2 * 1024
MAX_METADATA_FIELDS = 20


def body_problem(body: dict) -> Optional[Text]:
    """Why a request's JSON object is refused for its size, or None."""
    if len(body) > MAX_FIELDS:
        return f"the body may have at most {MAX_FIELDS} fields"
    return metadata_problem(body.get("metadata"))


def metadata_problem(metadata: Any) -> Optional[Text]:
    """Why a message's metadata is refused for its size, or None (no metadata is fine)."""
    if metadata is None:
        return None
    if isinstance(metadata, dict) and len(metadata) > MAX_METADATA_FIELDS:
        return f"'metadata' may have at most {MAX_METADATA_FIELDS} fields"
    try:
        size = len(json.dumps(metadata, ensure_ascii=False).encode())
    except (TypeError, ValueError):
        return "'metadata' must be plain JSON"
    if size > MAX_METADATA_BYTES:
        return f"'metadata' may be at most {MAX_METADATA_BYTES:,} bytes"
    return None
