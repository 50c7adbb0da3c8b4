"""A small client for the Zalo Official Account API v3 and its token endpoint (httpx).

- messages: `POST {api_url}/v3.0/oa/message/{cs|transaction|promotion}` with header
  `access_token`, body `{"recipient": {"user_id": …}, "message": {…}}`; the answer is
  `{"error": 0, "message": "Success", "data": {"message_id": …}}`, a non-zero `error` a
  failure (channels.md §6; official PHP SDK, chatwoot);
- tokens: `POST {oauth_url}/access_token` with header `secret_key` and form fields
  `refresh_token`, `app_id`, `grant_type=refresh_token`; the new pair comes back flat or
  under `data` (both are accepted), `expires_in` as a number or a string. The refresh is
  synchronous: it runs inside the database transaction that holds the token row.
"""

from __future__ import annotations

from typing import Any

import httpx

from cchc_bot.storage import TokenGrant

# Error codes as chatwoot's OA sender classifies them (the official list is not reachable).
TOKEN_CODES = frozenset({-216, -124, -220})  # access token invalid or expired
RETRY_CODES = frozenset({-32, -100})  # rate limit, temporary failure
# Not a follower, blocked, banned or inactive, no interaction, interaction expired, night
# curfew (22:00–06:00), user restricted this kind of message: the chat cannot be written now.
WINDOW_CODES = frozenset({-213, -217, -227, -230, -232, -234, -244})
CURFEW = -234


class OaError(Exception):
    """The OA API refused a call (`code` is Zalo's `error`, `status` the HTTP status)."""

    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    @property
    def token(self) -> bool:
        return self.code in TOKEN_CODES or self.status == 401

    @property
    def retry(self) -> bool:
        return self.code in RETRY_CODES or self.status >= 500 or self.status == 429

    @property
    def window(self) -> bool:
        return self.code in WINDOW_CODES


class OaNetworkError(Exception):
    def __init__(self, kind: str, *, maybe_sent: bool) -> None:
        super().__init__(kind)
        self.maybe_sent = maybe_sent


class OaApi:
    def __init__(
        self,
        api_url: str,
        oauth_url: str,
        app_id: str,
        secret: str,
        *,
        timeout: float = 15.0,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.oauth_url = oauth_url.rstrip("/")
        self.app_id = app_id
        self._secret = secret
        self._timeout = timeout
        limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)  # see api.py
        self._client = httpx.AsyncClient(timeout=timeout, limits=limits)

    def __repr__(self) -> str:
        return f"OaApi({self.api_url!r}, app_id={self.app_id!r})"

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, kind: str, access_token: str, body: dict[str, Any]) -> dict[str, Any]:
        """Send one message of `kind` (cs, transaction, promotion); returns `data`."""
        url = f"{self.api_url}/v3.0/oa/message/{kind}"
        headers = {"access_token": access_token}
        try:
            response = await self._client.post(url, json=body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise OaNetworkError(type(exc).__name__, maybe_sent=False) from None  # never left us
        except httpx.HTTPError as exc:  # it may have reached Zalo: never sent twice
            raise OaNetworkError(type(exc).__name__, maybe_sent=True) from None
        return _data(response)

    def refresh(self, refresh_token: str) -> TokenGrant:
        """Trade a refresh token for a new pair (blocking; the old refresh token is spent)."""
        form = {
            "refresh_token": refresh_token,
            "app_id": self.app_id,
            "grant_type": "refresh_token",
        }
        with httpx.Client(timeout=self._timeout) as client:
            response = client.post(
                f"{self.oauth_url}/access_token", data=form, headers={"secret_key": self._secret}
            )
        try:
            body = response.json()
        except ValueError:
            raise OaError(0, "token endpoint: not JSON", response.status_code) from None
        data = body.get("data") if isinstance(body, dict) else None
        fields = data if isinstance(data, dict) and data.get("access_token") else body
        if not isinstance(fields, dict) or not fields.get("access_token"):
            code = body.get("error") if isinstance(body, dict) else None
            message = (body.get("message") or body.get("error_description") or "") if code else ""
            raise OaError(int(code or 0), f"token refresh refused {message}".strip(), 401)
        if not fields.get("refresh_token"):
            raise OaError(0, "token refresh answered no refresh token", response.status_code)
        try:
            expires_in: float | None = float(fields.get("expires_in") or 0) or None
        except (TypeError, ValueError):
            expires_in = None
        return TokenGrant(str(fields["access_token"]), str(fields["refresh_token"]), expires_in)


def _data(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise OaError(0, "not JSON", response.status_code) from None
    if not isinstance(body, dict):
        raise OaError(0, "not a JSON object", response.status_code)
    try:
        code = int(body.get("error") or 0)
    except (TypeError, ValueError):
        code = 0
    if code == 0 and response.status_code < 400:
        data = body.get("data")
        return data if isinstance(data, dict) else {}
    raise OaError(code, str(body.get("message") or ""), response.status_code)
