"""Sign-in on a real server: "Sign in" starts the OIDC flow against a local stub provider, and a
visitor who is not signed in can neither upload nor read metrics (gated_app.py's gate)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page
from websockets.asyncio.client import connect

from tests.browser.conftest import _free_port, running_app
from tests.browser.test_page import open_app

pytestmark = pytest.mark.browser

CLIENT_ID = "coverage-browser"
COOKIE_SECRET = "a-test-secret-that-is-long-enough-0123456789"


class StubProvider(BaseHTTPRequestHandler):
    """An OIDC provider that publishes its configuration and records authorize requests."""

    authorized: ClassVar[list[dict[str, list[str]]]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        url = urlparse(self.path)
        if url.path == "/.well-known/openid-configuration":
            body = json.dumps({
                "issuer": base, "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token", "jwks_uri": f"{base}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }).encode()  # fmt: skip
        elif url.path == "/authorize":
            self.authorized.append(parse_qs(url.query))
            body = b"<html><body>Stub provider: sign in here</body></html>"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if url.path.startswith("/.well") else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    StubProvider.authorized = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubProvider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def gated_server(
    provider: str, fixture_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`streamlit run gated_app.py` with [auth] pointing at the stub provider."""
    port = _free_port()
    folder = tmp_path_factory.mktemp("signin")
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f'[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\nclient_id = "{CLIENT_ID}"\nclient_secret = "stub"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    log = folder / "streamlit.log"
    script, args = "gated_app.py", ["--secrets.files", str(secrets)]
    with running_app(fixture_store, log, script=script, port=port, args=args) as running:
        yield running.url


def test_sign_in_redirects_to_the_providers_authorize_endpoint(page: Page, gated_server: str) -> None:
    open_app(page, gated_server)
    assert page.get_by_text("Sign in to browse the coverage.").is_visible()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/authorize?**", timeout=20_000)
    assert page.get_by_text("Stub provider: sign in here").is_visible()
    asked = StubProvider.authorized[-1]
    assert asked["client_id"] == [CLIENT_ID] and asked["response_type"] == ["code"]
    assert asked["redirect_uri"] == [f"{gated_server}/oauth2callback"]
    assert "openid" in asked["scope"][0] and asked["state"][0]


async def _upload_from_a_live_session(url: str, payload: bytes, identity: str = "") -> tuple[int, str]:
    """Open a session the way a browser tab does (not signed in), then PUT a file into it
    (identity: an identity cookie to send with the PUT, as a signed-in browser would)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    async with connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"]) as socket:
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        await socket.send(rerun.SerializeToString())
        session = ""
        while not session:
            msg = ForwardMsg()
            msg.ParseFromString(await socket.recv())
            if msg.WhichOneof("type") == "new_session":
                session = msg.new_session.initialize.session_id
        token = generate_xsrf_token_string()  # a double-submit token any client can make
        boundary = "coverageboundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
                f"Content-Type: text/csv\r\n\r\n"
            ).encode()
            + payload
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            f"{url}/_stcore/upload_file/{session}/file-1", data=body, method="PUT",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": token,
                     "Cookie": f"_streamlit_xsrf={token}{identity}"},
        )  # fmt: skip
        return await asyncio.to_thread(_status, request)


def _status(request: urllib.request.Request) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_visitor_not_signed_in_cannot_upload(gated_server: str) -> None:
    payload = b"title,body\nA,B\n" * 1000
    # Its own thread: Playwright's sync API keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        status, text = pool.submit(asyncio.run, _upload_from_a_live_session(gated_server, payload)).result()
    assert status == 403 and "Sign in" in text


def _identity(url: str) -> str:
    """The cookie Streamlit sets after a sign-in, signed with the deployment's cookie secret."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    user = json.dumps({"origin": url, "is_logged_in": True, "email": "analyst@example.org"})
    return "; _streamlit_user=" + create_signed_value(COOKIE_SECRET, "_streamlit_user", user).decode()


def test_a_signed_in_analyst_still_uploads(gated_server: str) -> None:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        upload = _upload_from_a_live_session(gated_server, b"title,body\nA,B\n", _identity(gated_server))
        status, text = pool.submit(asyncio.run, upload).result()
    assert status == 204, text


def test_metrics_answer_only_after_sign_in(gated_server: str) -> None:
    status, text = _status(urllib.request.Request(f"{gated_server}/_stcore/metrics"))
    assert status == 403 and "Sign in" in text
    signed = urllib.request.Request(
        f"{gated_server}/_stcore/metrics", headers={"Cookie": _identity(gated_server)[2:]}
    )
    assert _status(signed)[0] == 200
    assert _status(urllib.request.Request(f"{gated_server}/_stcore/health"))[0] == 200
