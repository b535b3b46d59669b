"""Ingest in a child process with a memory and a CPU-time limit: a bad file fails only its own ingest.

The server never parses an upload itself. `run_ingest` starts `python -m storage.worker`, which
limits its own address space and CPU time before importing any parser, ingests the folder and
reports progress and the result as JSON lines on stdout. The parent relays progress, watches the
child's resident memory, and kills it when a limit is hit, when the caller says stop (the session
ended) or when the caller is interrupted. The store builds aside and swaps atomically
(storage/build.py), so a killed ingest leaves it as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from loaders.schema import Problem
from storage.ingest import IngestReport, ingest, write_uploads
from storage.sessions import UPLOAD_PREFIX

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
# Resident memory one ingest may use (the parent kills the child past it), and its address
# space (the kernel refuses allocations past it); parsers reserve far more address space than
# they touch, so the second is the looser of the two. A 176 MB CSV peaks at 1.5 GB resident and
# 5.7 GB of address space (the whole file's articles are held while it is appended).
MEMORY_ENV, DEFAULT_MEMORY_MB = "COVERAGE_INGEST_MEMORY_MB", 2048
ADDRESS_SPACE_ENV, DEFAULT_ADDRESS_SPACE_MB = "COVERAGE_INGEST_ADDRESS_SPACE_MB", 8192
CPU_ENV, DEFAULT_CPU_SECONDS = "COVERAGE_INGEST_CPU_SECONDS", 900
# How often the parent looks at the child's memory, the caller's stop flag and the pipe.
POLL_SECONDS = 0.1
# Threads the child's libraries may start: every one reserves address space, and uploads are small.
THREAD_ENV = {"POLARS_MAX_THREADS": "2", "OMP_NUM_THREADS": "1", "RAYON_NUM_THREADS": "2"}
# Exit status of a child that caught its own MemoryError.
OUT_OF_MEMORY_EXIT = 3
# What C++ allocators, DuckDB and Python write when an allocation fails under the limit.
OUT_OF_MEMORY_MARKS = ("std::bad_alloc", "MemoryError", "OutOfMemoryException", "Cannot allocate memory")

Progress = Callable[[int, int, str], None]


class IngestStopped(Exception):
    """The ingest did not finish; the message is one line for the analyst. The store is unchanged."""


class Busy(IngestStopped):
    """This owner (a session) already has an ingest running."""


_running: set[str] = set()
_running_lock = threading.Lock()


@dataclass(frozen=True)
class Limits:
    """What one ingest may use."""

    memory_mb: int
    address_space_mb: int
    cpu_seconds: int

    @classmethod
    def from_env(cls) -> Limits:
        """The deployment's limits, else the defaults."""
        return cls(
            int(os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY_MB),
            int(os.environ.get(ADDRESS_SPACE_ENV) or DEFAULT_ADDRESS_SPACE_MB),
            int(os.environ.get(CPU_ENV) or DEFAULT_CPU_SECONDS),
        )


def run_ingest(
    files: list[tuple[str, bytes]],
    store: Path,
    *,
    progress: Progress | None = None,
    keep_going: Callable[[], bool] = lambda: True,
    owner: str = "",
    limits: Limits | None = None,
    mappings: list[dict[str, str] | None] | None = None,
    mappings_from: Path | None = None,
) -> IngestReport:
    """Ingest files given as (name, content) into the store, in a child process within limits.

    `mappings` holds each file's field -> column choice (None: the saved mapping or the guess),
    in the order of files; saved mappings are those of `mappings_from` (default: store).
    Raises IngestStopped (one line, no server path) when a limit is hit, the child fails, or
    keep_going() turns False; Busy when `owner` already runs an ingest.
    """
    limits = limits or Limits.from_env()
    with (
        _one_per_owner(owner),
        tempfile.TemporaryDirectory(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-") as folder,
    ):
        names = write_uploads(files, Path(folder))
        chosen = {n: m for n, m in zip(names, mappings or [], strict=False) if m is not None}
        args = ["ingest", folder, str(store), json.dumps(chosen), str(mappings_from or store)]
        message = _supervise(args, limits, progress or (lambda *_: None), keep_going)
        report = _report(message)
        report.read_as = [_own_name(line, names, files) for line in report.read_as]
        return report


def run_preview(
    files: list[tuple[str, bytes]],
    store: Path,
    *,
    limits: Limits | None = None,
    mappings: list[dict[str, str] | None] | None = None,
) -> list[dict]:
    """How each file would be read (storage/preview.py), judged in a child process within limits:
    an upload is never parsed by the server itself. Stores nothing. `mappings`: each file's
    field -> column choice (None: the saved mapping or the guess), in the order of files."""
    limits = limits or Limits.from_env()
    with tempfile.TemporaryDirectory(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-") as folder:
        names = write_uploads(files, Path(folder))
        chosen = {n: m for n, m in zip(names, mappings or [], strict=False) if m is not None}
        args = ["preview", folder, str(store), json.dumps(chosen)]
        return _supervise(args, limits, lambda *_: None, lambda: True)


def _own_name(line: str, names: list[str], files: list[tuple[str, bytes]]) -> str:
    """A summary line about a written upload ("003-x.csv: ...") under the file's own name."""
    for written, (name, _) in zip(names, files, strict=True):
        if line.startswith(f"{written}: "):
            return Path(name).name + line[len(written) :]
    return line


@contextlib.contextmanager
def _one_per_owner(owner: str) -> Iterator[None]:
    """One ingest at a time per owner: a second click waits for nothing, it is refused."""
    with _running_lock:
        if owner and owner in _running:
            raise Busy("an ingest of yours is still running: wait for it to finish")
        _running.add(owner)
    try:
        yield
    finally:
        with _running_lock:
            _running.discard(owner)


def _supervise(args: list[str], limits: Limits, progress: Progress, keep_going: Callable[[], bool]) -> Any:
    """Run the child, relay its progress, enforce the limits; returns what the child answered.
    The child never outlives this call."""
    command = [sys.executable, "-m", "storage.worker", str(limits.address_space_mb), str(limits.cpu_seconds)]
    command += args
    env = {**os.environ, **THREAD_ENV, "COVERAGE_BUILD_MEMORY": f"{max(limits.memory_mb // 3, 64)}MB"}
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=errors)
        try:
            return _follow(child, limits, progress, keep_going, errors)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            assert child.stdout is not None
            child.stdout.close()


def _follow(
    child: subprocess.Popen[bytes],
    limits: Limits,
    progress: Progress,
    keep_going: Callable[[], bool],
    errors: IO[bytes],
) -> Any:
    """Read the child's messages until it answers or dies; stop it when a limit says so."""
    assert child.stdout is not None
    lines = _Lines(child.stdout.fileno())
    while True:
        for message in lines.read(POLL_SECONDS):
            if "progress" in message:
                progress(*message["progress"])
            elif "answer" in message:
                return message["answer"]
        if not keep_going():
            raise IngestStopped("the ingest was stopped: its session ended")
        if _resident_mb(child.pid) > limits.memory_mb:
            raise IngestStopped(memory_message(limits))
        if lines.closed and child.poll() is not None:
            raise IngestStopped(_death_message(child.returncode, limits, _tail(errors)))


class _Lines:
    """JSON lines from a pipe, read without blocking past a timeout."""

    def __init__(self, fd: int) -> None:
        self.fd, self.buffer, self.closed = fd, b"", False

    def read(self, timeout: float) -> list[dict]:
        if self.closed:
            time.sleep(timeout)
            return []
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return []
        chunk = os.read(self.fd, 1 << 16)
        self.closed = not chunk
        self.buffer += chunk
        *complete, self.buffer = self.buffer.split(b"\n")
        return [json.loads(line) for line in complete if line.strip()]


def _resident_mb(pid: int) -> int:
    """The child's resident memory in MB (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(ln.split()[1]) // 1024 for ln in status.splitlines() if ln.startswith("VmRSS:")), 0)


def memory_message(limits: Limits) -> str:
    """The one line shown when an ingest needs more memory than it may use."""
    return (
        f"the ingest stopped at its memory limit ({limits.memory_mb} MB): a file expands too much "
        "when read; split it or leave it out"
    )


def _tail(errors: IO[bytes]) -> str:
    """The end of what the child wrote to stderr (a traceback, an allocator's complaint)."""
    errors.seek(0, os.SEEK_END)
    errors.seek(max(0, errors.tell() - 4096))
    return errors.read().decode("utf-8", errors="replace")


def _death_message(code: int, limits: Limits, stderr: str = "") -> str:
    """Why a child ended without a report, in one line (stderr is read, never shown)."""
    if code == OUT_OF_MEMORY_EXIT or any(mark in stderr for mark in OUT_OF_MEMORY_MARKS):
        return memory_message(limits)
    if code == -signal.SIGXCPU:
        return f"the ingest stopped at its CPU-time limit ({limits.cpu_seconds} s): upload fewer files"
    if code == -signal.SIGKILL:
        return "the ingest was killed at its CPU-time or memory limit: upload fewer or smaller files"
    return f"the ingest process ended unexpectedly (exit {code}), probably at its memory limit"


def _report(fields: dict) -> IngestReport:
    """An IngestReport from the child's JSON."""
    problems = [Problem(p["path"], p["reason"]) for p in fields.pop("problems")]
    return IngestReport(**fields, problems=problems)


# --- the child -------------------------------------------------------------------------------


def _limit_self(address_space_mb: int, cpu_seconds: int) -> None:
    """Limits the kernel enforces on this process: allocations fail, CPU time ends it (SIGXCPU)."""
    resource.setrlimit(resource.RLIMIT_AS, (address_space_mb * MB, address_space_mb * MB))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def _send(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    """python -m storage.worker ADDRESS_SPACE_MB CPU_SECONDS ingest FOLDER STORE CHOSEN_JSON SAVED_IN
    python -m storage.worker ADDRESS_SPACE_MB CPU_SECONDS preview FOLDER STORE [CHOSEN_JSON]"""
    address_space_mb, cpu_seconds, command, folder, store, *rest = argv
    _limit_self(int(address_space_mb), int(cpu_seconds))
    try:
        if command == "preview":
            from storage.preview import preview_folder  # late: the limits are set before parsers load

            chosen = json.loads(rest[0]) if rest else {}
            _send({"answer": preview_folder(Path(folder), Path(store), chosen)})
            return 0
        chosen, remembered_in = json.loads(rest[0]), Path(rest[1])
        progress = lambda d, t, n: _send({"progress": [d, t, n]})  # noqa: E731
        report = ingest(
            [folder], Path(store), progress=progress, file_mappings=chosen, mappings_from=remembered_in
        )
    except MemoryError:  # DuckDB's OutOfMemoryException is told apart by the parent from stderr
        return OUT_OF_MEMORY_EXIT
    fields = {k: v for k, v in vars(report).items() if k != "problems"}
    _send({"answer": {**fields, "problems": [vars(p) for p in report.problems]}})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
