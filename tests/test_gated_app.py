"""gated_app.py's gate: which endpoints it covers, and what counts as signed in."""

from __future__ import annotations

import json

import pytest

import gated_app


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/_stcore/upload_file/sid/fid", True),
        ("/coverage/_stcore/upload_file/sid/fid", True),  # behind server.baseUrlPath
        ("/_stcore/metrics", True),
        ("/_stcore/metrics/", True),
        ("/_stcore/health", False),
        ("/_stcore/stream", False),
        ("/auth/login", False),
        ("/", False),
    ],
)
def test_gated_endpoints(path: str, expected: bool) -> None:
    assert gated_app.gated(path) is expected


def test_only_a_validly_signed_identity_is_signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit import auth_util
    from streamlit.web.server.starlette import starlette_websocket
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    secret, origin = "s" * 40, "http://127.0.0.1:8501"
    monkeypatch.setattr(starlette_websocket, "get_cookie_secret", lambda: secret)
    monkeypatch.setattr(auth_util, "get_origin_from_redirect_uri", lambda: origin)

    def cookie(payload: dict[str, object], key: str = secret) -> dict[str, str]:
        return {"_streamlit_user": create_signed_value(key, "_streamlit_user", json.dumps(payload)).decode()}

    assert gated_app.signed_in(cookie({"origin": origin, "is_logged_in": True}))
    assert not gated_app.signed_in(cookie({"origin": origin, "is_logged_in": False}))
    assert not gated_app.signed_in(cookie({"origin": "http://evil.example", "is_logged_in": True}))
    assert not gated_app.signed_in(cookie({"origin": origin, "is_logged_in": True}, key="t" * 40))
    assert not gated_app.signed_in({"_streamlit_user": "forged"})
    assert not gated_app.signed_in({})
