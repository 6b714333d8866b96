"""The engine's training callback: with an on_batch callback, batches go there (as numbers) and
progress() gets only the phases, so no front end parses progress text."""
import numpy as np

from voxdesk.engine.datasets import from_arrays
from voxdesk.engine.training.augment import NO_AUGMENT
from voxdesk.engine.training.config import TrainConfig
from voxdesk.engine.training.train import train


def _data(n=16, side=8):
    rng = np.random.default_rng(0)
    y = np.arange(n) % 2
    x = rng.normal(0, 1, (n, side, side, side)).astype(np.float32) + y[:, None, None, None]
    return from_arrays(x, y)


def test_batches_go_to_on_batch_and_progress_gets_the_phases():
    messages, batches = [], []
    cfg = TrainConfig(epochs=2, batch_size=4, augment=NO_AUGMENT, test_fraction=0.25, val_fraction=0.25)
    train(cfg, _data(), progress=lambda f, m="": messages.append((f, m)), on_batch=batches.append)
    assert batches and {b["epoch"] for b in batches} == {1, 2}
    assert all({"batch", "steps", "loss", "samples_per_s", "eta_s"} <= set(b) for b in batches)
    texts = [m for _, m in messages]
    assert not any(t.startswith("epoch ") for t in texts)
    assert any(t.startswith("preparing data") for t in texts) and "evaluating on the test split" in texts


def test_without_on_batch_progress_reports_the_batches():
    messages = []
    cfg = TrainConfig(epochs=1, batch_size=4, augment=NO_AUGMENT, test_fraction=0.0, val_fraction=0.25)
    train(cfg, _data(), progress=lambda f, m="": messages.append(m))
    assert any(m.startswith("epoch 1/1 batch") for m in messages)
