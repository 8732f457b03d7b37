"""Who is signed in: OpenID Connect ID tokens verified against the issuer's published keys.

The console trusts exactly one issuer (`COMPLAINTS_OIDC_ISSUER`) for one audience (its client
id). A token names the person (`sub`, or the configured claim); who they are in the company,
their role, level, stores and limit come from the staff directory, never from the token's
other claims or from a form. `DevIssuer` is the embedded issuer `make run` uses: it signs
tokens for the demo staff with its own key, and exists only in development mode.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ALGORITHMS = ["EdDSA", "RS256", "ES256", "PS256"]
"""Asymmetric only: a token signed with a shared secret ("HS256") or none is refused."""
JWKS_TTL_S = 600.0
LEEWAY_S = 30
DEV_TOKEN_LIFETIME_S = 300


class NotAuthenticated(Exception):
    """The token is missing, forged, expired, for someone else, or names nobody we know."""


JwksSource = Callable[[], Awaitable[dict[str, Any]]]


def http_jwks(url: str, timeout_s: float = 10.0) -> JwksSource:
    """The issuer's JWKS document over HTTP."""

    async def fetch() -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.get(url)
            response.raise_for_status()
            return response.json()

    return fetch


class TokenVerifier:
    """Verifies ID tokens: signature by a key in the issuer's JWKS, issuer, audience, expiry,
    and the nonce of the sign-in that asked for it."""

    def __init__(self, issuer: str, audience: str, jwks: JwksSource, staff_claim: str = "sub"):
        self.issuer, self.audience, self.staff_claim = issuer, audience, staff_claim
        self._jwks, self._keys, self._fetched = jwks, None, 0.0

    async def _key(self, kid: str | None, *, refresh: bool = False) -> jwt.PyJWK | None:
        stale = time.monotonic() - self._fetched > JWKS_TTL_S
        if self._keys is None or refresh or stale:
            try:
                self._keys = jwt.PyJWKSet.from_dict(await self._jwks())
            except (httpx.HTTPError, jwt.PyJWTError, ValueError) as error:
                raise NotAuthenticated(f"the issuer's keys cannot be read: {error}") from None
            self._fetched = time.monotonic()
        for key in self._keys.keys:
            if kid is None or key.key_id == kid:
                return key
        return None

    async def verify(self, token: str, nonce: str | None = None) -> str:
        """The staff id the token names, once everything about it checks out."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise NotAuthenticated("not a signed token") from None
        if header.get("alg") not in ALGORITHMS:
            raise NotAuthenticated(f"tokens signed with {header.get('alg')!r} are not accepted")
        kid = header.get("kid")
        key = await self._key(kid) or await self._key(kid, refresh=True)
        if key is None:
            raise NotAuthenticated("the token is signed with a key the issuer does not publish")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[header["alg"]],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_S,
                options={"require": ["exp", "iat", "iss", "aud", self.staff_claim]},
            )
        except jwt.PyJWTError as error:
            raise NotAuthenticated(f"the token is not valid: {error}") from None
        if nonce is not None and claims.get("nonce") != nonce:
            raise NotAuthenticated("the token was not issued for this sign-in")
        staff_id = claims[self.staff_claim]
        if not isinstance(staff_id, str) or not staff_id:
            raise NotAuthenticated("the token names nobody")
        return staff_id


class DevIssuer:
    """Development only: an OpenID issuer inside the console, with its own Ed25519 key,
    that signs an ID token for whichever demo staff member is picked on its sign-in page."""

    def __init__(self, issuer: str, audience: str) -> None:
        self.issuer, self.audience = issuer, audience
        self._key = Ed25519PrivateKey.generate()
        self.kid = f"dev-{secrets.token_hex(4)}"

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.OKPAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [public | {"kid": self.kid, "use": "sig", "alg": "EdDSA"}]}

    async def jwks_source(self) -> dict[str, Any]:
        return self.jwks()

    def id_token(self, staff_id: str, nonce: str | None, lifetime_s: int = DEV_TOKEN_LIFETIME_S):
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.audience, "sub": staff_id, "iat": now}
        claims["exp"] = now + lifetime_s
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode(claims, self._key, algorithm="EdDSA", headers={"kid": self.kid})
