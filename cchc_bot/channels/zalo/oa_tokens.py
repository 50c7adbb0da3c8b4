"""The Zalo OA access token: seeded from the settings once, rotated in the database after.

Zalo refresh tokens are single-use. `refresh` asks the repository to rotate the pair under
a row lock: the HTTP refresh runs inside that transaction and the new pair is written before
it commits, so the pair survives restarts, and a second worker (or task) that finds the
token already replaced simply uses the new one instead of spending the old refresh token.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from cchc_bot.storage import OaToken, TokenGrant, ZaloRepository

log = logging.getLogger(__name__)

EARLY = timedelta(minutes=5)  # refresh this long before the access token expires


def seed_hash(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()


class OaTokens:
    def __init__(
        self,
        repository: ZaloRepository,
        app_id: str,
        access_token: str,
        refresh_token: str,
        refresher: Callable[[str], TokenGrant],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repository = repository
        self.app_id = app_id
        self._seed = (access_token, refresh_token)
        self._refresher = refresher
        self._clock = clock
        self._token: OaToken | None = None
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"OaTokens(app_id={self.app_id!r})"

    @property
    def version(self) -> int | None:
        return self._token.version if self._token else None

    async def start(self) -> None:
        """Load the stored pair (seeding it from the settings the first time)."""
        access, refresh = self._seed
        self._token = await asyncio.to_thread(
            self.repository.seed_oa_token, self.app_id, access, refresh, seed_hash(refresh)
        )

    async def access(self) -> str:
        """A usable access token (refreshed first when missing or about to expire)."""
        if self._token is None:
            await self.start()
        token = self._token
        assert token is not None
        expiring = token.expires_at is not None and token.expires_at - EARLY <= self._clock()
        if not token.access_token or expiring:
            return await self.refresh(token.access_token)
        return token.access_token

    async def refresh(self, stale: str) -> str:
        """Replace `stale` (Zalo refused it or it expires); another worker's new one is used."""
        async with self._lock:
            current = self._token
            if current is not None and current.access_token != stale:
                return current.access_token  # refreshed by another task meanwhile
            token = await asyncio.to_thread(
                self.repository.rotate_oa_token, self.app_id, stale, self._refresher
            )
            if current is None or token.version != current.version:
                log.info("Zalo OA access token refreshed (version %d)", token.version)
            self._token = token
            return token.access_token
