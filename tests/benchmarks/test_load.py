"""The load harness against a real server: a few analysts on a small store, no timings judged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks import load

ARTICLES, CLIENTS = 300, 3
# One round each, however slow the machine; the time limit only stops a hung server.
PLAN = load.Plan(seconds=300.0, think_s=0.2, ramp_s=1.0, rounds=1)


# 0: one server alone; 2: two replicas behind nginx (deploy/serve.py), as a team deploys it.
@pytest.fixture(scope="module", params=[0, 2], ids=["one-server", "two-replicas-behind-nginx"])
def phase(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> load.Phase:
    if request.param and not Path("/usr/sbin/nginx").exists():
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed: CI must run the team deployment")
        pytest.skip("nginx is not installed (apt-get install -y nginx-light)")
    scratch = tmp_path_factory.mktemp("load")
    store = load.store_for(ARTICLES, scratch, log=lambda _: None)
    return load.run_phase(store, CLIENTS, PLAN, scratch / "logs", replicas=request.param)


def test_no_errors_and_every_page_as_expected(phase: load.Phase) -> None:
    assert phase.errors == []
    assert phase.failed_checks == []
    assert all(i.seconds is not None and i.seconds > 0 for i in phase.interactions)


def test_every_analyst_loads_the_page_then_narrows_it_by_country(phase: load.Phase) -> None:
    for client in range(CLIENTS):
        mine = [i for i in phase.interactions if i.client == client]
        assert mine[0].step == "page_load"
        total = mine[0].articles
        assert total is not None and 0 < total <= ARTICLES
        countries = [i for i in mine if i.step == "country"]
        assert countries, f"analyst {client} never picked a country"
        # A country chip narrows the whole corpus: fewer articles, but some.
        assert all(0 < (i.articles or 0) < total for i in countries)


def test_every_analyst_does_one_whole_round(phase: load.Phase) -> None:
    for client in range(CLIENTS):
        steps = [i.step for i in phase.interactions if i.client == client]
        # Opening an article is skipped only when the filters left nothing to open.
        assert [s for s in steps if s != "article"] == [
            "page_load",
            *(s for s in load.STEPS if s != "article"),
        ]
    assert len(phase.interactions) + phase.skipped_steps == CLIENTS * (1 + len(load.STEPS))


def test_opening_an_article_reruns_only_the_reading_fragment(phase: load.Phase) -> None:
    opened = [i for i in phase.interactions if i.step == "article"]
    assert opened, "no analyst had an article to open"
    assert all(i.fragment for i in opened)
    assert not any(i.fragment for i in phase.interactions if i.step != "article")


def test_clear_all_brings_back_the_whole_corpus(phase: load.Phase) -> None:
    totals = {i.articles for i in phase.interactions if i.step == "page_load"}
    cleared = [i for i in phase.interactions if i.step == "clear_all"]
    assert len(totals) == 1
    assert len(cleared) == CLIENTS
    assert {i.articles for i in cleared} == totals


def test_memory_is_sampled_while_the_analysts_work(phase: load.Phase) -> None:
    assert len(phase.rss_samples_mb) >= 2
    assert phase.peak_rss_mb > phase.rss_idle_mb > 0
    assert phase.server_cpu_s > 0


def test_the_report_names_every_step_and_figure(phase: load.Phase) -> None:
    report = load.Report(ARTICLES, ARTICLES, PLAN, "now", "1 / 1 / 1", "1 / 1 / 1", [phase])
    text = load.render(report)
    for step in {i.step for i in phase.interactions}:
        assert f"| {step} |" in text
    assert "--rounds 1" in text
    assert "median ms" in text and "server RSS peak MB" in text


def test_quarter_points_are_start_quarters_and_end() -> None:
    assert load.quarter_points([float(n) for n in range(9)]) == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert load.quarter_points([]) == []


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [
        ([1.0], 0.95, 1000.0),
        ([0.1 * n for n in range(1, 21)], 0.95, 1900.0),
        ([0.1 * n for n in range(1, 21)], 0.5, 1000.0),
        ([0.3, 0.1, 0.2], 1.0, 300.0),
    ],
)
def test_percentile_is_the_nearest_rank(values: list[float], share: float, expected: float) -> None:
    assert load.percentile_ms(values, share) == pytest.approx(expected)


def test_a_broken_page_is_an_error_not_a_crash() -> None:
    page = load.Page()
    msg = load.ForwardMsg()
    msg.delta.new_element.exception.type = "ImportError"
    msg.delta.new_element.exception.message = "cannot import name"
    page.take(msg)
    assert page.errors == ["exception: ImportError: cannot import name"]


def test_widgets_are_found_by_their_key_with_their_fragment() -> None:
    page = load.Page()
    msg = load.ForwardMsg()
    msg.delta.fragment_id = "reading"
    button = msg.delta.new_element.button
    button.id, button.label, button.type = "$$ID-0a1b-result-00112233aabbccdd", "Envoys meet", "primary"
    page.take(msg)
    assert page.widgets == {
        "result-00112233aabbccdd": load.Widget(button.id, "button", "reading", "Envoys meet", primary=True)
    }
    assert page.outside("reading").widgets == {}
    assert page.outside("").widgets == page.widgets


def test_pills_offer_their_labels() -> None:
    page = load.Page()
    msg = load.ForwardMsg()
    pills = msg.delta.new_element.button_group
    pills.id = "$$ID-9f-f_country-chips"
    pills.options.add(content="Israel · 12,345")
    pills.options.add(content="Lebanon · 2,001")
    page.take(msg)
    assert page.widgets["f_country-chips"].options == ("Israel · 12,345", "Lebanon · 2,001")


def test_the_store_is_reused_when_it_opens(tmp_path: Path) -> None:
    built: list[str] = []
    first = load.store_for(40, tmp_path, log=built.append)
    again = load.store_for(40, tmp_path, log=built.append)
    assert first == again
    assert len([line for line in built if line.startswith("building")]) == 1


def test_a_store_from_other_loaders_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = load.store_for(40, tmp_path, log=lambda _: None)
    monkeypatch.setattr(load, "loaders_fingerprint", lambda: "edited")
    new = load.store_for(40, tmp_path, log=lambda _: None)
    assert new != old and new.name.endswith("-edited")
    assert not old.exists()
