"""Bounded read-ahead: results in input order, a bounded number of items in flight, errors at
their own position, and an early close that cancels what has not started."""
import threading
import time

import pytest

from voxdesk.engine.readahead import ordered_map


class Reader:
    """fn for ordered_map that records how far reading ran ahead of the consumer."""

    def __init__(self, delay=0.0):
        self.started, self.lock, self.delay = [], threading.Lock(), delay

    def __call__(self, i):
        with self.lock:
            self.started.append(i)
        time.sleep(self.delay)
        if i == 5:
            raise ValueError("item 5 is broken")
        return i * 10


def test_results_keep_the_input_order_and_reading_runs_ahead_within_bounds():
    reader = Reader(delay=0.002)
    out, lead = [], []
    gen = ordered_map(reader, range(40), ahead=3, workers=2)
    with pytest.raises(ValueError, match="item 5"):
        for r in gen:
            time.sleep(0.01)  # the consumer is slower than the reader
            lead.append(len(reader.started) - len(out) - 1)
            out.append(r)
    assert out == [0, 10, 20, 30, 40]
    assert 1 <= max(lead) <= 3  # it read ahead, and never more than 3 items besides the one held


def test_serial_when_ahead_is_zero_and_an_early_close_returns_at_once():
    reader = Reader()
    assert list(ordered_map(reader, range(5), ahead=0)) == [0, 10, 20, 30, 40]
    slow = Reader(delay=0.2)
    gen = ordered_map(slow, range(100), ahead=2, workers=1)
    assert next(gen) == 0
    gen.close()
    time.sleep(0.5)
    assert len(slow.started) <= 3  # the one held, the one reading when closed; the rest cancelled
