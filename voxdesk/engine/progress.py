"""Progress reporting and cooperative cancellation shared by every long engine call."""
from __future__ import annotations

import threading
from typing import Callable

ProgressFn = Callable[..., None]
"""``progress(fraction: float, message: str = "")``; fraction in [0, 1]."""


def no_progress(fraction: float, message: str = "") -> None:
    """Default progress callback: ignore."""


class Cancelled(Exception):
    """Raised by an engine call that stopped because its CancelToken was set."""


class CancelToken:
    """Thread-safe flag: the GUI/CLI sets it, the engine checks it between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled by the user")
