"""The Zalo OA access token: seeded from the settings once, rotated in the database after.

Zalo refresh tokens are single-use. `refresh` asks the repository to rotate the pair under
a row lock: the HTTP refresh runs inside that transaction and the new pair is written before
it commits, so the pair survives restarts, and a second worker (or task) that finds the
token already replaced simply uses the new one instead of spending the old refresh token.

Once Zalo answered a refresh, the old refresh token is spent: the new pair is all we have.
If the database cannot store it (`UnsavedGrant`), it is kept here, logged at CRITICAL, used
for sending, and written at the next chance (`access`, at most every `SAVE_RETRY` seconds);
a refresh needed meanwhile spends the pair kept here, never the spent one in the database.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from cchc_bot.channels.alerts import describe
from cchc_bot.storage import OaToken, StorageError, TokenGrant, ZaloRepository
from cchc_bot.storage.zalo_repo import UnsavedGrant

log = logging.getLogger(__name__)

EARLY = timedelta(minutes=5)  # refresh this long before the access token expires
SAVE_RETRY = 5.0  # seconds between two tries to store a pair the database refused


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
        save_retry: float = SAVE_RETRY,
    ) -> None:
        self.repository = repository
        self.app_id = app_id
        self._seed = (access_token, refresh_token)
        self._refresher = refresher
        self._clock = clock
        self._token: OaToken | None = None
        self._unsaved: tuple[str, TokenGrant] | None = None  # (spent in the DB, new pair)
        self._next_save = 0.0
        self._save_retry = save_retry
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
        if self._unsaved is not None and time.monotonic() >= self._next_save:
            async with self._lock:
                if self._unsaved is not None:  # not stored by another task meanwhile
                    await self._save()
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
            if self._unsaved is not None and not await self._save():
                return await self._refresh_unsaved(self._unsaved)
            if self._token is not current:  # the pair kept here is stored now
                assert self._token is not None
                if self._token.access_token != stale:
                    return self._token.access_token
            try:
                token = await asyncio.to_thread(
                    self.repository.rotate_oa_token, self.app_id, stale, self._refresher
                )
            except UnsavedGrant as exc:
                return self._keep(exc.spent, exc.grant, exc)
            if current is None or token.version != current.version:
                log.info("Zalo OA access token refreshed (version %d)", token.version)
            self._token = token
            return token.access_token

    def _keep(self, spent: str, grant: TokenGrant, exc: BaseException) -> str:
        """A pair the database would not take: use it, and store it later."""
        log.critical(
            "Zalo OA: the new token pair could not be stored (%s); it is kept in memory and "
            "stored as soon as the database takes it. Do not restart before that, or the "
            "app must be authorised again.",
            describe(exc.__cause__ or exc),
        )
        self._unsaved = (spent, grant)
        self._next_save = time.monotonic() + self._save_retry
        version = self._token.version if self._token is not None else 0
        expires = self._clock() + timedelta(seconds=grant.expires_in) if grant.expires_in else None
        self._token = OaToken(
            self.app_id, grant.access_token, grant.refresh_token, expires, version
        )
        return grant.access_token

    async def _save(self) -> bool:
        """Store the pair kept in memory (under the lock); False while the database refuses."""
        assert self._unsaved is not None
        spent, grant = self._unsaved
        try:
            token = await asyncio.to_thread(
                self.repository.save_oa_grant, self.app_id, spent, grant
            )
        except StorageError as exc:
            self._next_save = time.monotonic() + self._save_retry
            log.error("Zalo OA: the kept token pair is still not stored (%s)", describe(exc))
            return False
        self._unsaved = None
        if token.refresh_token != grant.refresh_token:
            log.warning("Zalo OA: the stored tokens changed meanwhile; using the stored pair")
        else:
            log.warning("Zalo OA: the kept token pair is stored now (version %d)", token.version)
        self._token = token
        return True

    async def _refresh_unsaved(self, unsaved: tuple[str, TokenGrant]) -> str:
        """A refresh while the database still refuses our pair: spend the pair kept here."""
        spent, grant = unsaved
        fresh = await asyncio.to_thread(self._refresher, grant.refresh_token)
        return self._keep(spent, fresh, StorageError("database still unavailable"))
