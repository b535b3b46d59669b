"""zip, gzip and tar archives read member by member in memory, with caps so a bomb is a Problem."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
import zlib
from collections.abc import Iterator

MB = 1024 * 1024
MAX_MEMBERS = 1_000
MAX_TOTAL_BYTES = 500 * MB
MAX_MEMBER_BYTES = 200 * MB
# A member unpacking to more than this many times its packed size is a bomb, not coverage.
MAX_RATIO = 200
# Members an archiver leaves beside the data.
_LITTER = ("__MACOSX/", ".DS_Store", "Thumbs.db")


class ArchiveError(ValueError):
    """An archive that cannot be read or breaks a cap; the message is the Problem's reason."""


def kind_of(data: bytes) -> str | None:
    """ "zip", "gzip" or "tar" from the leading bytes, else None."""
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\x1f\x8b"):
        return "gzip"
    if len(data) > 262 and data[257:262] == b"ustar":
        return "tar"
    return None


def members(data: bytes, name: str) -> Iterator[tuple[str, bytes]]:
    """(member name, bytes) of each file in the archive; ArchiveError on damage or a broken cap."""
    kind = kind_of(data)
    try:
        if kind == "zip":
            yield from _zip_members(data)
        elif kind == "gzip":
            yield from _gzip_members(data, name)
        elif kind == "tar":
            yield from _tar_members(io.BytesIO(data))
        else:
            raise ArchiveError("not an archive")
    except ArchiveError:
        raise
    # A damaged archive raises many types from zipfile, zlib and tarfile; each means "damaged".
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as exc:
        raise ArchiveError(f"damaged {kind} archive ({exc})") from exc
    except (NotImplementedError, RuntimeError, KeyError) as exc:
        raise ArchiveError(f"{kind} archive uses a method that cannot be read ({exc})") from exc


def _zip_members(data: bytes) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir() and not i.filename.startswith(_LITTER)]
        _check_sizes([(i.filename, i.file_size, i.compress_size) for i in infos])
        for info in infos:
            if info.flag_bits & 0x1:
                raise ArchiveError(f"member {info.filename!r} is encrypted")
            with archive.open(info) as handle:
                yield info.filename, _read_capped(handle, info.filename)


def _gzip_members(data: bytes, name: str) -> Iterator[tuple[str, bytes]]:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
        inner = _read_capped(handle, name, ratio_base=len(data))
    if kind_of(inner) == "tar":
        yield from _tar_members(io.BytesIO(inner))
    else:
        yield name.removesuffix(".gz").removesuffix(".GZ"), inner


def _tar_members(handle: io.BytesIO) -> Iterator[tuple[str, bytes]]:
    with tarfile.open(fileobj=handle) as archive:
        infos = [m for m in archive.getmembers() if m.isfile() and not m.name.startswith(_LITTER)]
        _check_sizes([(m.name, m.size, m.size) for m in infos])
        for info in infos:
            extracted = archive.extractfile(info)
            if extracted is not None:
                yield info.name, _read_capped(extracted, info.name)


def _check_sizes(sizes: list[tuple[str, int, int]]) -> None:
    """Refuse an archive whose listing already breaks a cap."""
    if len(sizes) > MAX_MEMBERS:
        raise ArchiveError(f"archive holds {len(sizes)} files (limit {MAX_MEMBERS})")
    total = sum(size for _, size, _ in sizes)
    if total > MAX_TOTAL_BYTES:
        raise ArchiveError(f"archive unpacks to {total / MB:.0f} MB (limit {MAX_TOTAL_BYTES / MB:.0f} MB)")
    for name, size, packed in sizes:
        if size > MAX_RATIO * max(packed, 1) and size > MB:
            raise ArchiveError(
                f"member {name!r} unpacks {size // max(packed, 1)}x its size: refused as a bomb"
            )


def _read_capped(handle: io.BufferedIOBase | object, name: str, ratio_base: int | None = None) -> bytes:
    """A member's bytes, stopping at MAX_MEMBER_BYTES whatever its header claims."""
    data = handle.read(MAX_MEMBER_BYTES + 1)  # type: ignore[attr-defined]
    if len(data) > MAX_MEMBER_BYTES:
        raise ArchiveError(f"member {name!r} larger than {MAX_MEMBER_BYTES / MB:.0f} MB unpacked")
    if ratio_base is not None and len(data) > MB and len(data) > MAX_RATIO * ratio_base:
        raise ArchiveError(f"{name!r} unpacks {len(data) // ratio_base}x its size: refused as a bomb")
    return data
