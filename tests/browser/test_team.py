"""A team deployment (deploy/serve.py): two replicas behind nginx. A visitor's page, its
websocket and its uploads must reach one replica, or an upload lands where no session waits."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from deploy.serve import Team, team
from tests.browser.test_page import METRIC, VIEWPORT, metric, open_app, settle

pytestmark = pytest.mark.browser

UPLOAD = "title,body,published,source\n" + "".join(
    f'"Border talks, round {n}","Negotiators met in Amman for round {n} of the border talks. '
    f'They agreed to meet again next week, officials said.",2024-05-{n:02d},Team Desk\n'
    for n in range(1, 4)
)


@pytest.fixture(scope="module")
def proxied(browser_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        message = "nginx is not installed (apt-get install -y nginx-light)"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must run the team test")
        pytest.skip(message)
    with team(2, store=str(browser_store), logs=tmp_path_factory.mktemp("team")) as running:
        yield running


def test_an_upload_through_the_proxy_reaches_the_visitors_session(
    browser: Browser, proxied: Team, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        open_app(page, proxied.url)
        assert any(c["name"] == "coverage_route" for c in context.cookies()), "no route cookie"
        before = int(metric(page, METRIC).inner_text().replace(",", ""))
        upload = tmp_path / "team-upload.csv"
        upload.write_text(UPLOAD, encoding="utf-8")
        page.get_by_text("Add files").click()
        page.locator(".st-key-uploads input[type='file']").set_input_files(str(upload))
        # The file is sent to the replica (PUT /_stcore/upload_file) before the button is offered.
        expect(page.locator(".st-key-uploads")).to_contain_text(upload.name, timeout=30_000)
        # The file is previewed (a child process) before Add to coverage is offered.
        expect(page.locator(".st-key-ingest button")).to_be_enabled(timeout=120_000)
        page.locator(".st-key-ingest button").click(timeout=30_000)
        settle(page)
        expect(metric(page, METRIC)).to_have_text(f"{before + 3:,}", timeout=60_000)
    finally:
        context.close()
