"""The deployment's entry point: `streamlit run gated_app.py` serves app.py behind a sign-in gate.

Streamlit gates the page (st.login, components.access) but not its HTTP endpoints: with [auth]
configured, a visitor who never signed in still holds a live session and can PUT files of up to
server.maxUploadSize to /_stcore/upload_file/<session>/<file> (5 x 100 MB took the server from 167
to 669 MB), and read /_stcore/metrics. Streamlit 1.67 has no option that turns either off or ties
it to sign-in, so this ASGI middleware (st.App) refuses both, with 403, unless the request carries
the signed identity cookie Streamlit sets after a sign-in. Without [auth] the page is a public
demo and nothing is gated. `streamlit run app.py` still works, ungated (see README: Deploying).
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

# Endpoints only a signed-in analyst may use (any base URL path in front of them).
GATED_PREFIXES = ("/_stcore/upload_file/",)
GATED_PATHS = ("/_stcore/metrics",)


def gated(path: str) -> bool:
    """Whether a request path is one of the endpoints behind the sign-in gate."""
    bare = path.rstrip("/")
    return any(p in path for p in GATED_PREFIXES) or any(bare.endswith(p) for p in GATED_PATHS)


def auth_configured() -> bool:
    """Whether [auth] is configured (in secrets.toml or st.App secrets)."""
    from streamlit.auth_util import get_secrets_auth_section

    try:
        return bool(get_secrets_auth_section())
    except Exception:  # unreadable secrets: the page itself will say so; gate to be safe
        return True


def signed_in(cookies: dict[str, str]) -> bool:
    """Whether the request carries Streamlit's identity cookie, validly signed, saying signed in."""
    # Streamlit's own reading of the cookie (signature, chunks, JSON), as its websocket does.
    from streamlit.auth_util import get_origin_from_redirect_uri
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME
    from streamlit.web.server.starlette.starlette_websocket import (
        _get_signed_cookie_with_chunks,
        _parse_decoded_user_cookie,
    )

    try:
        raw = _get_signed_cookie_with_chunks(cookies, USER_COOKIE_NAME)
        user: dict[str, Any] = (
            _parse_decoded_user_cookie(raw, get_origin_from_redirect_uri() or "") if raw else {}
        )
    except Exception:  # a forged or mangled cookie is not a sign-in
        return False
    return bool(user.get("is_logged_in"))


class SignInGate:
    """ASGI middleware: the upload and metrics endpoints answer 403 to a visitor not signed in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and gated(scope["path"]) and auth_configured():
            from starlette.requests import HTTPConnection

            if not signed_in(dict(HTTPConnection(scope).cookies)):
                refused = PlainTextResponse("Sign in to use this endpoint.", status_code=403)
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


app = st.App("app.py", middleware=[Middleware(SignInGate)])
