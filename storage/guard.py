"""The store boundary: whatever DuckDB, SQLite or the file system raise while a store is opened or
asked a question becomes one StoreError that says which part of the store failed, so the page can
show one clear message (and fall back to an older generation) instead of an app error."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

import duckdb

from storage.layout import StoreError

# What reading a damaged, truncated, missing or foreign file raises.
READ_ERRORS: tuple[type[Exception], ...] = (duckdb.Error, sqlite3.Error, OSError)
# Opening also meets a database that opens but lacks the store's meta rows or holds junk in them.
OPEN_ERRORS = (*READ_ERRORS, KeyError, ValueError, IndexError)


def describe(error: BaseException) -> str:
    """One sentence for the page: which file, what to do. No path (the page is not the host's)."""
    part = "full-text index" if isinstance(error, sqlite3.Error) else "database"
    return (
        f"the store's {part} cannot be read ({type(error).__name__}): it is damaged, missing"
        " or from another program; re-ingest or restore the store"
    )


def guarded(
    method: Callable[..., Any], errors: tuple[type[Exception], ...] = READ_ERRORS
) -> Callable[..., Any]:
    """The method, raising StoreError (caused by the original) for any of errors."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except StoreError:
            raise
        except errors as error:
            raise StoreError(describe(error)) from error

    return wrapper


def guard(cls: type, names: Iterable[str]) -> None:
    """Put the store boundary around __init__ and these methods of cls."""
    cls.__init__ = guarded(cls.__init__, OPEN_ERRORS)  # type: ignore[misc]
    for name in names:
        setattr(cls, name, guarded(getattr(cls, name)))
