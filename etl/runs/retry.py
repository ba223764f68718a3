"""Bounded retries with exponential backoff for database errors that pass (a server restart).

Only connection-level failures are retried: a DBAPI error for which SQLAlchemy invalidated the
connection (the server closed it, or the network dropped), a `DisconnectionError`, and
`DatabaseUnavailable` (the server refused to connect, e.g. while it restarts). A constraint
violation or a bug is never retried. The work retried must be safe to repeat: each file loads
in one transaction, so a retry starts it again from nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, DisconnectionError

from etl.errors import DatabaseUnavailable, TransientErrorsExhausted

T = TypeVar("T")

#: Called before each retry with the attempt that failed (1-based), the delay and the error.
RetryCallback = Callable[[int, float, BaseException], None]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often to try (`attempts` in all) and how long to wait between tries: `first_delay`
    seconds, doubling each time, at most `max_delay`."""

    attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        return float(min(self.max_delay, self.first_delay * 2 ** (attempt - 1)))


def is_transient(exc: BaseException) -> bool:
    """Whether the error is a connection-level failure worth trying again."""
    if isinstance(exc, DatabaseUnavailable | DisconnectionError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def with_retries(
    work: Callable[[], T],
    policy: RetryPolicy,
    *,
    what: str,
    on_retry: RetryCallback | None = None,
) -> T:
    """Run `work`, trying it again after transient errors, up to `policy.attempts` times.

    Raises `TransientErrorsExhausted` (naming `what`) when the last attempt fails too.
    """
    attempts = max(1, policy.attempts)
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except Exception as exc:
            if not is_transient(exc):
                raise
            if attempt == attempts:
                raise TransientErrorsExhausted(
                    f"{what}: the database kept failing after {attempt} attempts: "
                    + _driver_message(exc)
                ) from exc
            delay = policy.delay(attempt)
            if on_retry is not None:
                on_retry(attempt, delay, exc)
            time.sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def _driver_message(exc: BaseException) -> str:
    """The first line of the driver's message: not the statement, not its parameters."""
    source = getattr(exc, "orig", None) or exc
    lines = str(source).strip().splitlines() or [type(source).__name__]
    return " ".join(lines[0].split())[:500]
