"""A Redis lock store that really lets one Rasa instance at a time handle a conversation.

Rasa 3.6's ``RedisLockStore`` hands out "tickets" by reading the conversation's lock
from Redis, adding a ticket and writing it back, with nothing atomic in between. Two
instances receiving messages of one conversation at the same moment can both write,
one ticket is lost, both handle their message at once, and one message disappears
from the conversation (tests/scale found exactly that). This store keeps Rasa's
Redis connection settings and replaces the locking itself with one Redis key per
conversation, taken with ``SET NX PX`` (atomic) and released only by its owner.

endpoints.scale.yml: ``lock_store: type: channels.locks.AtomicRedisLockStore`` with the
same ``url``, ``port``, ``password``, ``db`` (and ``key_prefix``) as ``type: redis``.
"""

import asyncio
import logging
import time
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional, Text

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.02
_RELEASE = """
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
end
return 0
"""


class AtomicRedisLockStore(RedisLockStore):
    """One Redis mutex per conversation, shared by every Rasa instance."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _key(self, conversation_id: Text) -> Text:
        return f"{self.key_prefix}mutex:{conversation_id}"

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_SECONDS,
    ) -> AsyncGenerator[None, None]:
        """Holds the conversation's mutex (at most `lock_lifetime` s) while the block runs."""
        key, token = self._key(conversation_id), uuid.uuid4().hex
        give_up = time.monotonic() + lock_lifetime
        while not self.red.set(key, token, nx=True, px=int(lock_lifetime * 1000)):
            if time.monotonic() > give_up:
                raise LockError("Waited longer than the lock lifetime for a conversation.")
            await asyncio.sleep(POLL_SECONDS)
        try:
            yield None
        finally:
            try:
                self.red.eval(_RELEASE, 1, key, token)
            except Exception as e:  # it expires on its own after lock_lifetime
                logger.warning("Could not release a conversation lock (%s).", type(e).__name__)
