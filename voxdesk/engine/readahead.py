"""Bounded read-ahead: ``ordered_map(fn, items)`` yields ``fn(item)`` in input order while the
next few items are already being read on worker threads.

The one owner of "reading overlaps compute" for training's streamed pipeline
(``training.augment.stream_dataset``: one item = one batch of sample indices) and batch
classification (``inference.classify.iter_classify``: one item = one file). Memory stays bounded:
at most ``ahead`` results are computed or waiting besides the one the caller holds, whatever the
number of items. Decompressing (zlib for .nii.gz) and file reads release the GIL, so a second
reader thread overlaps the model's own work.

An exception raised by ``fn`` is re-raised by the generator at that item's position; callers
that want one bad item to spoil only its own row catch inside ``fn``. Closing the generator
early (a cancelled run, early stopping) cancels what has not started and returns at once.
Imports nothing else of VoxDesk.
"""
from __future__ import annotations

import itertools
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

__all__ = ["DEFAULT_AHEAD", "DEFAULT_WORKERS", "ordered_map"]

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_AHEAD = 2
"""Items read in advance: enough to hide one slow read behind the compute of the current item."""
DEFAULT_WORKERS = 2
"""Reader threads (this project's machines have 2-16 cores; readers mostly wait on I/O and zlib)."""


def ordered_map(fn: Callable[[T], R], items: Iterable[T], *, ahead: int = DEFAULT_AHEAD,
                workers: int = DEFAULT_WORKERS) -> Iterator[R]:
    """``map(fn, items)`` with up to ``ahead`` items computed in advance on ``workers`` threads.

    ``ahead <= 0`` (or ``workers <= 0``) is the plain serial ``map``, run in the caller's thread.
    """
    if ahead <= 0 or workers <= 0:
        yield from map(fn, items)
        return
    source = iter(items)
    pool = ThreadPoolExecutor(max_workers=min(workers, ahead), thread_name_prefix="voxdesk-read")
    pending: deque = deque(pool.submit(fn, item) for item in itertools.islice(source, ahead))
    try:
        while pending:
            result = pending.popleft().result()
            nxt = next(source, _END)
            if nxt is not _END:
                pending.append(pool.submit(fn, nxt))
            yield result
            del result  # the caller's copy is the only one while it computes
    finally:
        for fut in pending:
            fut.cancel()
        pool.shutdown(wait=False, cancel_futures=True)


_END = object()
