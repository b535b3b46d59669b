"""Serve the app as N `streamlit run` replicas behind nginx, all reading one store.

`python -m deploy.serve --replicas 2 --port 8501 [--store DIR_OR_URL]`: each replica is its own
process (its own GIL), so a team's reruns run on every core instead of queueing on one. nginx
(Debian package `nginx-light`) routes each visitor to one replica for the life of their session.
Stops everything on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
HEALTH_TIMEOUT_S = 120
STOP_TIMEOUT_S = 10
# The same number as server.maxUploadSize in .streamlit/config.toml (MB).
MAX_UPLOAD_MB = 200


@dataclass
class Team:
    """The running replicas and the proxy in front of them."""

    replicas: list[subprocess.Popen]
    ports: list[int]
    proxy: subprocess.Popen
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def nginx_config(run: Path, host: str, port: int, replica_ports: Sequence[int]) -> str:
    """The proxy's configuration for these replicas."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in replica_ports)
    return TEMPLATE.read_text(encoding="utf-8").format(
        run=run, host=host, port=port, servers=servers, max_upload_mb=MAX_UPLOAD_MB
    )


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _replica(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "streamlit", "run", "gated_app.py",  # uploads and metrics behind sign-in
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_healthy(urls: Sequence[str], processes: Sequence[subprocess.Popen]) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while not all(healthy(u) for u in urls):
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("a replica or the proxy exited while starting (see the logs)")
        if time.monotonic() > deadline:
            raise RuntimeError(f"not healthy after {HEALTH_TIMEOUT_S} s")
        time.sleep(0.25)


def stop_process(process: subprocess.Popen, timeout: float = STOP_TIMEOUT_S) -> None:
    """Ask a process to stop; kill it if it has not within timeout seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def team(
    replicas: int,
    *,
    store: str | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    logs: Path | None = None,
) -> Iterator[Team]:
    """Start `replicas` app processes and nginx in front; stop them all on exit."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed: apt-get install -y nginx-light")
    run = Path(tempfile.mkdtemp(prefix="coverage-proxy-"))
    logs = logs or run
    logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if store:
        env["COVERAGE_STORE"] = store
    ports = [free_port() for _ in range(replicas)]
    started = [_replica(p, env, logs / f"replica-{p}.log") for p in ports]
    proxy: subprocess.Popen | None = None
    try:
        port = port or free_port(host)
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):  # nginx buffers big responses here
            (run / temp).mkdir(exist_ok=True)
        (run / "nginx.conf").write_text(nginx_config(run, host, port, ports), encoding="utf-8")
        proxy = subprocess.Popen(
            [nginx, "-c", str(run / "nginx.conf"), "-p", str(run), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=(logs / "nginx.log").open("w"),
        )  # fmt: skip
        _wait_healthy([f"http://127.0.0.1:{p}" for p in ports] + [f"http://{host}:{port}"], [*started, proxy])
        yield Team(started, ports, proxy, host, port)
    finally:
        for process in [*started, *([proxy] if proxy else [])]:
            stop_process(process)
        shutil.rmtree(run, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--host", default="127.0.0.1", help="address the proxy listens on")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument(
        "--store", default=None, help="store folder or web address (default: $COVERAGE_STORE)"
    )
    args = parser.parse_args(argv)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    with team(args.replicas, store=args.store, host=args.host, port=args.port) as running:
        print(f"serving {args.replicas} replicas at {running.url} (Ctrl-C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while not stopping and all(p.poll() is None for p in [*running.replicas, running.proxy]):
                time.sleep(0.5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
