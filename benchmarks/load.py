"""Many analysts at once: websocket clients drive a real `streamlit run app.py` server.

`python -m benchmarks.load --articles 100000 --clients 20 --seconds 120` builds (or reuses) a
synthetic store under the system temp folder, then runs two phases, each on a fresh server bound
to 127.0.0.1: one analyst alone, then all the analysts at once. Every analyst is a websocket
client speaking Streamlit's own protocol (BackMsg / ForwardMsg protobufs on /_stcore/stream), as
the browser does, and repeats what an analyst does: pick a country chip, set a date range (From,
then To), search a word, open an article, clear all filters. It prints a table and writes
benchmarks/LOAD.md. Latency runs from sending the rerun to receiving script_finished.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import hashlib
import math
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from deploy.serve import free_port, stop_process
from deploy.serve import healthy as _healthy

ROOT = Path(__file__).resolve().parents[1]
LOAD_PATH = ROOT / "benchmarks" / "LOAD.md"
SCRATCH = Path(tempfile.gettempdir()) / "coverage-load"
SEED = 0
# The file reader refuses files over 200 MB: the corpus is written in parts of this many articles.
CSV_PART_ARTICLES = 20_000
CSV_COLUMNS = ("title", "body", "published", "url", "source")

HEALTH_TIMEOUT_S = 120
STOP_TIMEOUT_S = 10
# One rerun taking longer than this counts as an error (the analyst would have given up).
RERUN_TIMEOUT_S = 120.0
RSS_SAMPLE_S = 0.5
# Analysts arrive over this many seconds rather than in one instant.
RAMP_S = 5.0
# Seconds an analyst spends looking at the page between two clicks (uniform around the mean).
THINK_S = 2.0
LOG_TAIL_CHARS = 3000
CODE_VERSION_ENV = "COVERAGE_LOAD_COMMIT"
# A session adding less than this share of one analyst's peak RSS is not a copy of the store.
SHARED_STORE_SHARE = 0.1

# One round of an analyst's work, in order; filters accumulate until clear_all.
STEPS = ("country", "date_from", "date_to", "search", "article", "clear_all")
# Words an analyst of Middle East diplomacy types; each matches 90 to 94,000 of the 100,000
# synthetic articles (seed 0), so searches range from rare to near-universal.
SEARCH_WORDS = (
    "ceasefire", "sanctions", "refugees", "reconstruction", "hostages", "nuclear", "elections",
    "humanitarian", "negotiators", "delegation", "envoy", "summit", "mediators", "investment",
    "shipping", "counterterrorism", "normalization", "truce", "energy", "security",
)  # fmt: skip
# Analysts mostly click one of the first few country chips (the most covered countries).
TOP_CHIPS = 6
FIRST_YEAR, LAST_YEAR = 2016, 2025
WINDOW_MONTHS = (3, 36)
SUMMARY_LABEL = "Articles matching"
# The top countries under the current filters, as one pills widget ("Israel · 12,345").
COUNTRY_CHIPS = "f_country-chips"
RESULT_BUTTON = re.compile(r"^result-([0-9a-f]{16})$")
FINISHED_WELL = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
WIDGET_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(.+)$")


# --- the store --------------------------------------------------------------------------------


def loaders_fingerprint() -> str:
    """A hash of the code and gazetteers that build a store: a store from other loaders is stale."""
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted((ROOT / "loaders").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv", ".yaml", ".yml", ".txt"):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def store_for(articles: int, scratch: Path = SCRATCH, log: Callable[[str], None] = print) -> Path:
    """A store of `articles` synthetic articles (seed SEED) built by the current loaders: reused
    when one exists and opens, else ingested (a store of the same size from other loaders goes)."""
    from storage.query import Store

    store = scratch / f"store-{articles}-seed{SEED}-{loaders_fingerprint()}"
    try:
        Store(store).close()
        return store
    except Exception as error:  # missing, half-built, or unreadable by this code
        log(f"building the {articles:,}-article store in {store} ({error.__class__.__name__})")
    from storage.ingest import ingest

    for stale in scratch.glob(f"store-{articles}-seed{SEED}*"):
        shutil.rmtree(stale, ignore_errors=True)
    folder = scratch / f"csv-{articles}-seed{SEED}"
    write_csv_parts(articles, folder)
    report = ingest([folder], store)
    shutil.rmtree(folder, ignore_errors=True)
    log(f"built: {report.articles_after:,} distinct articles, version {report.version}")
    return store


def write_csv_parts(articles: int, folder: Path) -> int:
    """The generated corpus as CSV files of CSV_PART_ARTICLES rows; returns the file count."""
    from benchmarks.generate import generate_articles

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    generated = generate_articles(articles, SEED)
    parts = 0
    for start in range(0, articles, CSV_PART_ARTICLES):
        rows = min(CSV_PART_ARTICLES, articles - start)
        with (folder / f"part-{parts:04d}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            for _, article in zip(range(rows), generated, strict=False):
                writer.writerow([article[c] or "" for c in CSV_COLUMNS])
        parts += 1
    return parts


# --- the server -------------------------------------------------------------------------------


@dataclass
class Server:
    """A running `streamlit run app.py`: its process, address and log."""

    process: subprocess.Popen
    port: int
    log: Path
    replicas: tuple[int, ...] = ()  # behind a proxy: the app processes' pids (process is nginx)

    @property
    def app_pids(self) -> tuple[int, ...]:
        """The processes that run the app's script: their memory and CPU are the server's."""
        return self.replicas or (self.process.pid,)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stream(self) -> str:
        return f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-LOG_TAIL_CHARS:] if self.log.exists() else ""


@contextlib.contextmanager
def serving(store: Path, log_dir: Path, replicas: int = 0) -> Iterator[Server]:
    """`streamlit run app.py` on a free port of 127.0.0.1 serving store; stopped on exit.
    replicas > 0: that many app processes behind nginx (deploy/serve.py), as a team deploys it."""
    if replicas:
        from deploy.serve import team

        with team(replicas, store=str(store), logs=log_dir) as running:
            pids = tuple(p.pid for p in running.replicas)
            yield Server(running.proxy, running.port, log_dir / "nginx.log", pids)
        return
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"streamlit-{port}.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = {**os.environ, "COVERAGE_STORE": str(store), "PYTHONUNBUFFERED": "1"}
    env.pop("COVERAGE_SHARED_INGEST", None)
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, port, log)
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while not _healthy(server.url):
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {process.returncode}:\n{server.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit not healthy after {HEALTH_TIMEOUT_S} s:\n{server.tail()}")
            time.sleep(0.25)
        yield server
    finally:
        stop_process(process, STOP_TIMEOUT_S)


def rss_mb(pids: Sequence[int]) -> float:
    """Resident memory of the processes now, summed, from /proc (Linux)."""
    total = 0.0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds the processes have used, summed, from /proc (Linux)."""
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def machine_busy() -> tuple[float, float]:
    """Busy and total CPU jiffies of the whole machine since boot, from /proc/stat (Linux)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


async def sample_rss(pid: Sequence[int], samples: list[float], stop: asyncio.Event) -> None:
    """Append the server's RSS every RSS_SAMPLE_S until stop is set."""
    while not stop.is_set():
        with contextlib.suppress(OSError):
            samples.append(rss_mb(pid))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RSS_SAMPLE_S)


# --- one analyst ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Widget:
    """One widget as the page drew it."""

    id: str
    kind: str  # the element type: button, button_group, text_input, date_input, ...
    fragment: str = ""  # the st.fragment it was drawn in; "" = the main script
    label: str = ""
    primary: bool = False  # a button drawn as primary (the open article)
    options: tuple[str, ...] = ()  # the labels a pills or segmented control offers


@dataclass
class Page:
    """What the browser would show after a run: widgets by key, metrics, errors, how it ended."""

    widgets: dict[str, Widget] = field(default_factory=dict)  # by the widget's user key
    metrics: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (value, fragment)
    errors: list[str] = field(default_factory=list)
    finished: str = ""

    @property
    def articles(self) -> int | None:
        """The summary strip's count of matching articles."""
        text = self.metrics.get(SUMMARY_LABEL, ("", ""))[0].replace(",", "")
        return int(text) if text.isdigit() else None

    def outside(self, fragment: str) -> Page:
        """What stays on screen while one fragment reruns: everything drawn outside it."""
        return Page(
            {k: w for k, w in self.widgets.items() if w.fragment != fragment},
            {k: m for k, m in self.metrics.items() if m[1] != fragment},
        )

    def take(self, msg: ForwardMsg) -> None:
        """Note what one delta adds to the page."""
        if msg.delta.WhichOneof("type") != "new_element":
            return
        element, fragment = msg.delta.new_element, msg.delta.fragment_id
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if kind == "exception":
            self.errors.append(f"exception: {proto.type}: {proto.message}")
        elif kind == "alert" and proto.format == Alert.ERROR:
            self.errors.append(f"error: {proto.body}")
        elif kind == "metric":
            self.metrics[proto.label] = (proto.body, fragment)
        matched = WIDGET_ID.match(getattr(proto, "id", "") or "")
        if matched:
            options = tuple(o.content for o in proto.options) if kind == "button_group" else ()
            primary = kind == "button" and proto.type == "primary"
            label = getattr(proto, "label", "")
            self.widgets[matched.group(1)] = Widget(proto.id, kind, fragment, label, primary, options)


@dataclass
class Interaction:
    """One click or entry and how the page answered it."""

    client: int
    step: str
    seconds: float | None  # None: nothing was sent (the page lacked the widget)
    errors: list[str]
    check: str = ""  # what the page showed that it should not have; "" = as expected
    articles: int | None = None  # the summary count on the page that came back
    fragment: str = ""  # the st.fragment that reran alone; "" = the whole page


class Analyst:
    """One browser tab: a websocket session that reruns the page with widget changes."""

    def __init__(self, server: Server, number: int) -> None:
        self.server = server
        self.number = number
        self.rng = random.Random(f"{SEED}-{number}")
        self.socket: ClientConnection | None = None
        self.query_string = ""
        self.page_hash = ""
        self.page = Page()
        self.total: int | None = None  # articles in the unfiltered view
        self.window_start = date(FIRST_YEAR, 1, 1)
        self.skipped = 0  # steps the page offered nothing for (no results to open)
        self.last_fragment = ""

    async def open(self) -> Interaction:
        """Connect and load the page, as a browser opening the app's URL."""
        started = time.perf_counter()
        self.query_string, self.page_hash, self.page = "", "", Page()
        try:
            self.socket = await connect(self.server.stream, subprotocols=["streamlit"], max_size=None)
        except (OSError, WebSocketException) as error:
            self.page.errors.append(f"cannot connect: {error}")
            return Interaction(self.number, "page_load", None, self.page.errors)
        done = await self._rerun([], started)
        self.total = self.page.articles
        check = "" if self.total else "no article count on the first page"
        return Interaction(self.number, "page_load", done, self.page.errors, check, self.total)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def step(self, step: str) -> Interaction | None:
        """Do one step of the round; None when the page offers nothing to click for it."""
        before = self.page.articles
        try:
            change = getattr(self, f"_{step}")()
        except KeyError as missing:  # the last page lacked a widget every page has
            return Interaction(self.number, step, None, [], f"the page has no {missing} widget")
        if change is None:
            return None
        states, expect = change
        seconds = await self._rerun(states, time.perf_counter())
        check = expect(before, self.page)
        done = Interaction(self.number, step, seconds, self.page.errors, check, self.page.articles)
        done.fragment = self.last_fragment
        return done

    # Each step returns the widget states to send and a check of the page that comes back.

    def _country(self) -> tuple[list[WidgetState], Callable[[int | None, Page], str]] | None:
        if self.page.articles == 0:
            return None
        chips = self.page.widgets[COUNTRY_CHIPS]
        picked = self.rng.choice(chips.options[:TOP_CHIPS])
        # The round starts with no country chosen, so the chip's count (matching articles that
        # carry the country) is exactly what the summary must say once it is picked.
        shown = int(picked.rsplit("·", 1)[-1].strip().replace(",", ""))

        def expect(before: int | None, page: Page) -> str:
            if page.articles != shown:
                return f"picked {picked!r}, summary says {page.articles}"
            return ""

        state = WidgetState(id=chips.id)
        state.string_array_value.data.append(picked)
        return [state], expect

    def _date_from(self) -> tuple[list[WidgetState], Callable[[int | None, Page], str]]:
        year = self.rng.randint(FIRST_YEAR, LAST_YEAR - 1)
        self.window_start = date(year, self.rng.randint(1, 12), 1)
        return [self._dates("date_from", self.window_start)], _narrower

    def _date_to(self) -> tuple[list[WidgetState], Callable[[int | None, Page], str]]:
        months = self.window_start.year * 12 + self.window_start.month - 1 + self.rng.randint(*WINDOW_MONTHS)
        end = min(date(months // 12, months % 12 + 1, 1), date(LAST_YEAR, 12, 31))
        return [self._dates("date_to", end)], _narrower

    def _search(self) -> tuple[list[WidgetState], Callable[[int | None, Page], str]]:
        state = WidgetState(id=self.page.widgets["q"].id, string_value=self.rng.choice(SEARCH_WORDS))
        return [state], _narrower

    def _article(self) -> tuple[list[WidgetState], Callable[[int | None, Page], str]] | None:
        results = [k for k in self.page.widgets if RESULT_BUTTON.match(k)]
        if not results and self.page.articles == 0:
            return None
        key = self.rng.choice(results) if results else "result-<any>"

        def expect(before: int | None, page: Page) -> str:
            if page.articles != before:
                return f"opening an article changed the count from {before} to {page.articles}"
            opened = page.widgets.get(key)
            return "" if opened and opened.primary else f"{key} not shown as the open article"

        return [self._trigger(key)], expect

    def _clear_all(self) -> tuple[list[WidgetState], Callable[[int | None, Page], str]]:
        total = self.total

        def expect(before: int | None, page: Page) -> str:
            return "" if page.articles == total else f"cleared view shows {page.articles}, not {total}"

        return [self._trigger("clear_all")], expect

    def _trigger(self, key: str) -> WidgetState:
        return WidgetState(id=self.page.widgets[key].id, trigger_value=True)

    def _dates(self, key: str, day: date) -> WidgetState:
        state = WidgetState(id=self.page.widgets[key].id)
        state.string_array_value.data.append(day.isoformat())
        return state

    async def _rerun(self, states: Sequence[WidgetState], started: float) -> float:
        """Send a rerun with these widget changes; read the page until script_finished."""
        assert self.socket is not None
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query_string
        rerun.page_script_hash = self.page_hash
        rerun.widget_states.widgets.extend(states)
        rerun.context_info.timezone = "UTC"
        rerun.context_info.locale = "en-US"
        rerun.context_info.url = f"{self.server.url}/?{self.query_string}"
        # A widget drawn inside an st.fragment reruns only that fragment, as in the browser;
        # what the page drew outside it stays on screen.
        changed = {state.id for state in states}
        fragments = {w.fragment for w in self.page.widgets.values() if w.id in changed}
        fragment = fragments.pop() if len(fragments) == 1 else ""
        rerun.fragment_id = self.last_fragment = fragment
        self.page = self.page.outside(fragment) if fragment else Page()
        await self.socket.send(msg.SerializeToString())
        try:
            async with asyncio.timeout(RERUN_TIMEOUT_S):
                while not self.page.finished:
                    self._read(await self.socket.recv())
        except TimeoutError:
            self.page.errors.append(f"no script_finished within {RERUN_TIMEOUT_S:.0f} s")
        except WebSocketException as error:
            self.page.errors.append(f"connection lost: {error}")
        return time.perf_counter() - started

    def _read(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "delta":
            self.page.take(msg)
        elif kind == "new_session":
            self.page_hash = msg.new_session.main_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
            if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return  # st.rerun(): the next run follows on its own, as the browser waits for it
            self.page.finished = status
            if msg.script_finished not in FINISHED_WELL:
                self.page.errors.append(f"script finished: {status}")


def _narrower(before: int | None, page: Page) -> str:
    """A filter added to the others can only narrow the set."""
    if page.articles is None:
        return "no article count on the page"
    if before is not None and page.articles > before:
        return f"a narrower filter raised the count from {before} to {page.articles}"
    return ""


@dataclass(frozen=True)
class Plan:
    """How long the analysts work: a time limit, and optionally a number of rounds each."""

    seconds: float
    think_s: float = THINK_S
    ramp_s: float = RAMP_S
    rounds: int | None = None  # None: as many rounds as fit in the time
    replicas: int = 0  # 0: one `streamlit run` alone; N: N replicas behind nginx (deploy/serve.py)


async def analyst_rounds(analyst: Analyst, plan: Plan, until: float, delay_s: float, record: list) -> None:
    """Open the page, then repeat the round of steps until the deadline or the round count."""
    await asyncio.sleep(delay_s)
    record.append(await analyst.open())
    rounds = 0
    try:
        while time.perf_counter() < until and rounds != plan.rounds:
            rounds += 1
            for step in STEPS:
                await asyncio.sleep(analyst.rng.uniform(0.5, 1.5) * plan.think_s)
                if time.perf_counter() >= until:
                    return
                done = await analyst.step(step)
                if done is None:
                    analyst.skipped += 1
                    continue
                record.append(done)
                if done.errors or done.seconds is None:
                    break  # a broken page: the analyst reloads it and starts again
            else:
                continue
            await analyst.close()
            record.append(await analyst.open())
    finally:
        await analyst.close()


# --- one phase: N analysts against a fresh server ---------------------------------------------


@dataclass
class Phase:
    """What N analysts saw in one run of the server."""

    clients: int
    seconds: float
    interactions: list[Interaction]
    rss_idle_mb: float
    rss_samples_mb: list[float]
    server_cpu_s: float
    skipped_steps: int
    client_cpu_s: float  # this process: the analysts' own protocol work
    machine_busy: float  # share of all cores busy during the phase, every process counted

    @property
    def reruns(self) -> list[Interaction]:
        """Interactions after the first page load."""
        return [i for i in self.interactions if i.step != "page_load"]

    @property
    def errors(self) -> list[str]:
        return [e for i in self.interactions for e in i.errors]

    @property
    def failed_checks(self) -> list[str]:
        return [f"{i.step}: {i.check}" for i in self.interactions if i.check]

    @property
    def peak_rss_mb(self) -> float:
        return max(self.rss_samples_mb, default=self.rss_idle_mb)


def run_phase(store: Path, clients: int, plan: Plan, log_dir: Path, replicas: int = 0) -> Phase:
    """Start a fresh server on store, let `clients` analysts work as planned, stop it."""
    with serving(store, log_dir, replicas) as server:
        pid = server.app_pids
        idle = rss_mb(pid)
        cpu_before, client_before, busy_before = cpu_seconds(pid), time.process_time(), machine_busy()
        started = time.perf_counter()
        interactions, samples, skipped = asyncio.run(_analysts(server, clients, plan))
        elapsed = time.perf_counter() - started
        cpu, client = cpu_seconds(pid) - cpu_before, time.process_time() - client_before
        busy_after = machine_busy()
    busy = (busy_after[0] - busy_before[0]) / max(busy_after[1] - busy_before[1], 1)
    return Phase(clients, elapsed, interactions, idle, samples, cpu, skipped, client, busy)


async def _analysts(server: Server, clients: int, plan: Plan) -> tuple[list[Interaction], list[float], int]:
    samples: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(server.app_pids, samples, stop))
    record: list[Interaction] = []
    until = time.perf_counter() + plan.seconds
    analysts = [Analyst(server, number) for number in range(clients)]
    # Analyst n arrives n/(clients-1) of the way through the ramp.
    delay = plan.ramp_s / max(clients - 1, 1)
    try:
        await asyncio.gather(*(analyst_rounds(a, plan, until, a.number * delay, record) for a in analysts))
    finally:
        stop.set()
        await sampler
    return record, samples, sum(a.skipped for a in analysts)


# --- figures and the report -------------------------------------------------------------------


def timings(interactions: Iterable[Interaction]) -> list[float]:
    """Seconds of the interactions that sent something."""
    return [i.seconds for i in interactions if i.seconds is not None]


def percentile_ms(values: Sequence[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank), in ms."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = math.ceil(share * len(ordered) - 1e-9)  # the tolerance absorbs float noise in share * n
    return 1000 * ordered[min(max(rank, 1), len(ordered)) - 1]


def median_ms(values: Sequence[float]) -> float:
    return 1000 * statistics.median(values) if values else float("nan")


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages: other work on the machine skews every figure."""
    with contextlib.suppress(OSError, AttributeError):
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return "unknown"


def machine() -> str:
    """Cores, RAM, CPU model, Python and Streamlit versions, in one line."""
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("streamlit", "duckdb", "websockets"))
    return f"{os.cpu_count()} cores ({cpu}), {ram:.1f} GB RAM, Python {platform.python_version()}, {versions}"


def commit() -> str:
    """The measured code: git commit, and whether the served code differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout

    try:
        head = git("rev-parse", "--short", "HEAD").strip()
        dirty = git("status", "--porcelain", "app.py", "components", "loaders").strip()
    except (OSError, subprocess.CalledProcessError):
        # A run from an exported snapshot of a commit (git archive) names it here.
        return os.environ.get(CODE_VERSION_ENV, "unknown (not a git checkout)")
    return head + (" with uncommitted changes in app.py/components/loaders" if dirty else "")


def phase_row(phase: Phase) -> list[str]:
    times = timings(phase.reruns)
    loads = timings(i for i in phase.interactions if i.step == "page_load")
    return [
        str(phase.clients),
        f"{len(times):,}",
        f"{len(times) / phase.seconds:.1f}",
        f"{median_ms(times):,.0f}",
        f"{percentile_ms(times, 0.95):,.0f}",
        f"{1000 * max(times, default=float('nan')):,.0f}",
        f"{median_ms(loads):,.0f}",
        str(len(phase.errors)),
        str(len(phase.failed_checks)),
        f"{phase.rss_idle_mb:,.0f}",
        f"{phase.peak_rss_mb:,.0f}",
        f"{100 * phase.server_cpu_s / phase.seconds:.0f}%",
        f"{1000 * phase.server_cpu_s / max(len(timings(phase.interactions)), 1):,.0f}",
        f"{100 * phase.client_cpu_s / phase.seconds:.0f}%",
        f"{100 * phase.machine_busy:.0f}%",
    ]


PHASE_HEADER = (
    "analysts", "reruns", "reruns/s", "median ms", "p95 ms", "max ms", "page load ms (median)",
    "errors", "failed checks", "server RSS idle MB", "server RSS peak MB", "server CPU",
    "server CPU ms per run", "clients CPU", "machine busy",
)  # fmt: skip


def step_rows(phase: Phase) -> list[list[str]]:
    rows = []
    for step in ("page_load", *STEPS):
        done = [i for i in phase.interactions if i.step == step]
        times = timings(done)
        if times:
            reran = "one fragment" if all(i.fragment for i in done) else "whole page"
            rows.append(
                [
                    step,
                    reran,
                    str(len(times)),
                    f"{median_ms(times):,.0f}",
                    f"{percentile_ms(times, 0.95):,.0f}",
                ]
            )
    return rows


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


@dataclass
class Report:
    """One load test: the setting and the phases."""

    articles: int
    distinct: int
    plan: Plan
    started: str
    load_start: str
    load_end: str
    phases: list[Phase]


def render(report: Report) -> str:
    """LOAD.md: the setting, the figures per phase and per step, and what they mean."""
    alone, crowd, plan = report.phases[0], report.phases[-1], report.plan
    per_session = (crowd.peak_rss_mb - alone.peak_rss_mb) / max(crowd.clients - alone.clients, 1)
    lines = [
        "# Load test: many analysts at once",
        "",
        f"Run {report.started} with `python -m benchmarks.load --articles {report.articles}"
        f" --clients {crowd.clients} --seconds {plan.seconds:g} --think {plan.think_s:g}"
        f"{f' --rounds {plan.rounds}' if plan.rounds else ''}"
        f"{f' --replicas {plan.replicas}' if plan.replicas else ''}`"
        f" on commit {commit()}.",
        "",
        f"Machine: {machine()}.",
        f"Load average (1/5/15 min) at start {report.load_start}, at end {report.load_end}"
        " (the load test itself adds about 2: one server and one client process).",
        "",
        f"Store: {report.articles:,} synthetic articles (`benchmarks.generate`, seed {SEED}),"
        f" {report.distinct:,} distinct after folding copies, served by {_served_by(plan)} on"
        " 127.0.0.1 (headless, no file watcher). Each phase starts a fresh server.",
        "",
        "Each analyst is a websocket client speaking Streamlit's protocol: it loads the page, then"
        f" repeats {', '.join(STEPS)}, pausing {0.5 * plan.think_s:g}-{1.5 * plan.think_s:g} s"
        " between steps (filters accumulate until clear_all). Analysts arrive over"
        f" {plan.ramp_s:g} s. Latency = sending the rerun BackMsg to receiving script_finished."
        " An error is an exception element, an st.error alert, a run that did not finish"
        " successfully, a lost connection, or no answer within"
        f" {RERUN_TIMEOUT_S:.0f} s. A failed check is a page whose content disagrees with the click"
        " (the summary count after a country chip differs from the chip's count, a narrower filter"
        " raised the count, the opened article is not marked open, clear all does not restore"
        " the total).",
        "",
        *table(PHASE_HEADER, [phase_row(p) for p in report.phases]),
        "",
        "reruns = clicks and entries after the first page load, over the phase's wall time;"
        " server CPU = CPU seconds of the server process per wall second (100% = one core), and"
        " per script run (page loads and reruns);"
        " clients CPU = the same for the process running every analyst; machine busy = share of"
        " all cores busy, every process on the machine counted. Steps with nothing to click (no"
        " result to open after a search found nothing) are skipped:"
        f" {', '.join(f'{p.skipped_steps} with {p.clients}' for p in report.phases)}.",
        "",
        f"Per step with {crowd.clients} analysts (median / p95 ms):",
        "",
        *table(("step", "reruns", "count", "median ms", "p95 ms"), step_rows(crowd)),
        "",
        "Memory: the store is opened once per server process (`st.cache_resource`) and query answers"
        " live in `st.cache_data` caches bounded by entry count, shared by every session. Peak RSS"
        f" grew by {crowd.peak_rss_mb - alone.peak_rss_mb:,.0f} MB from 1 to {crowd.clients}"
        f" analysts, {per_session:,.1f} MB per extra session (sessions, their widget state and"
        f" more cached answers), against {alone.peak_rss_mb:,.0f} MB for one analyst: "
        + (
            "one shared store, not one per session."
            if per_session < SHARED_STORE_SHARE * alone.peak_rss_mb
            else "each session costs a sizeable share of one analyst's memory: look for per-session copies."
        ),
        "",
        f"Server RSS during the {crowd.clients}-analyst phase, MB at 0/25/50/75/100% of it:"
        f" {' / '.join(f'{v:,.0f}' for v in quarter_points(crowd.rss_samples_mb))}"
        " (a plateau, not a climb, means memory is bounded).",
        "",
        capacity(crowd, plan),
        "",
        "Caveats: the clients send only the widget that changed (the browser sends every widget's"
        " value, which the server parses in microseconds) and no cached-message hashes (the browser"
        " does, so the server sends slightly more here); they do not fetch the page's static files"
        " (HTML and JavaScript, which a browser loads once and caches). Clients and server share"
        " the machine's cores, so the figures include the clients' own CPU.",
    ]
    errors = [*alone.errors, *crowd.errors]
    checks = [*alone.failed_checks, *crowd.failed_checks]
    if errors or checks:
        lines += ["", "First errors and failed checks:", ""]
        lines += [f"- {e}" for e in (errors + checks)[:10]]
    return "\n".join(lines) + "\n"


def _served_by(plan: Plan) -> str:
    if not plan.replicas:
        return "one `streamlit run app.py`"
    return (
        f"{plan.replicas} `streamlit run app.py` replicas behind nginx (`deploy/serve.py`; a visitor"
        " stays on one replica by a route cookie; server RSS and CPU below are the replicas' sums)"
    )


def quarter_points(samples: Sequence[float]) -> list[float]:
    """The samples at the start, quarters and end of a run."""
    if not samples:
        return []
    return [samples[round(q * (len(samples) - 1))] for q in (0, 0.25, 0.5, 0.75, 1)]


def capacity(phase: Phase, plan: Plan) -> str:
    """Why latency grows with analysts: server CPU per run against the runs asked for."""
    runs = len(timings(phase.interactions))
    per_run_s = phase.server_cpu_s / max(runs, 1)
    return (
        f"Capacity: the server spent {1000 * per_run_s:,.0f} ms of CPU per script run with"
        f" {phase.clients} analysts. Streamlit runs every session's script in a thread of the one"
        " server process, and those threads share Python's GIL (DuckDB and SQLite release it"
        f" while they query), so one process serves about {1 / per_run_s:.1f} runs/s per core it"
        f" gets. {phase.clients} analysts pausing {plan.think_s:g} s between clicks ask for up to"
        f" {phase.clients / plan.think_s:.1f} runs/s; they got {runs / phase.seconds:.1f}/s, so"
        " most of the latency above one analyst's is waiting for the server."
    )


def distinct_articles(store: Path) -> int:
    from storage.query import Store

    handle = Store(store)
    try:
        return handle.size
    finally:
        handle.close()


def run_load(
    articles: int, clients: int, plan: Plan, scratch: Path = SCRATCH, log: Callable[[str], None] = print
) -> Report:
    """Build or reuse the store, then run 1 analyst and `clients` analysts on fresh servers."""
    store = store_for(articles, scratch, log)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    load_start = load_average()
    phases = []
    for count in dict.fromkeys((1, clients)):
        log(f"{count} analyst(s) for {plan.seconds:g} s on {articles:,} articles")
        phases.append(run_phase(store, count, plan, scratch / "logs", plan.replicas))
        log("  " + " | ".join(phase_row(phases[-1])))
    return Report(articles, distinct_articles(store), plan, started, load_start, load_average(), phases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120.0, help="length of each phase")
    parser.add_argument("--think", type=float, default=THINK_S, help="mean pause between steps, s")
    parser.add_argument("--rounds", type=int, default=None, help="stop each analyst after this many rounds")
    parser.add_argument("--replicas", type=int, default=0, help="app processes behind nginx (0: one, direct)")
    parser.add_argument("--scratch", type=Path, default=SCRATCH, help="where stores and logs go")
    parser.add_argument("--out", type=Path, default=LOAD_PATH, help="the report to write")
    args = parser.parse_args(argv)
    plan = Plan(args.seconds, args.think, rounds=args.rounds, replicas=args.replicas)
    report = run_load(args.articles, args.clients, plan, args.scratch)
    text = render(report)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    crowd = report.phases[-1]
    return 1 if crowd.errors or report.phases[0].errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
