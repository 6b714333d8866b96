"""Strategy choice, and a real two-worker MultiWorkerMirroredStrategy run on 127.0.0.1."""
import json
import os
import socket
import subprocess
import sys

import h5py
import numpy as np
import pytest

from voxdesk.engine.errors import ModelError
from voxdesk.engine.training.distribute import cluster_from_env, parse_workers, tf_config_for


def test_parse_workers_and_tf_config(monkeypatch):
    assert parse_workers(None) is None
    assert parse_workers("a:1, b:2") == ["a:1", "b:2"]
    with pytest.raises(ModelError):
        parse_workers("nohost")
    cfg = tf_config_for(["a:1", "b:2"], 1)
    assert cfg["task"] == {"type": "worker", "index": 1}
    with pytest.raises(ModelError):
        tf_config_for(["a:1"], 3)
    monkeypatch.setenv("TF_CONFIG", json.dumps(cfg))
    assert cluster_from_env() == (["a:1", "b:2"], 1)
    monkeypatch.setenv("TF_CONFIG", "{bad")
    with pytest.raises(ModelError):
        cluster_from_env()


def test_single_device_gets_the_default_strategy(monkeypatch):
    pytest.importorskip("tensorflow")
    from voxdesk.engine.training.distribute import choose_strategy, describe

    monkeypatch.delenv("TF_CONFIG", raising=False)
    strategy = choose_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert describe(strategy).startswith("default")


def _free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


@pytest.mark.slow
def test_two_workers_finish_with_the_same_weights(tmp_path):
    pytest.importorskip("tensorflow")
    rng = np.random.default_rng(0)
    y = np.arange(32) % 2
    x = rng.random((32, 8, 8, 8)).astype(np.float32) * 0.3
    x[y == 1, :4] += 1
    data = tmp_path / "tiny.h5"
    with h5py.File(data, "w") as f:
        f["X_train"], f["y_train"] = x.reshape(32, -1), y
        f["X_test"], f["y_test"] = x[:8].reshape(8, -1), y[:8]
    workers = ",".join(f"127.0.0.1:{p}" for p in _free_ports(2))
    out = tmp_path / "m.voxmodel"
    env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    env["CUDA_VISIBLE_DEVICES"] = ""
    procs = [subprocess.Popen(
        [sys.executable, "-m", "voxdesk.cli", "train", str(data), "--epochs", "2", "--batch-size", "8",
         "--out", str(out), "--workers", workers, "--worker-index", str(i), "--seed", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) for i in range(2)]
    try:
        logs = [p.communicate(timeout=300)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0, 0], "\n".join(log[-3000:] for log in logs)
    assert "MultiWorkerMirroredStrategy (2 replica(s))" in logs[0]
    from voxdesk.engine.model.bundle import load_bundle

    chief, other = load_bundle(out), load_bundle(tmp_path / "m.voxmodel.worker1")
    assert len(chief.model.get_weights()) == len(other.model.get_weights())
    for a, b in zip(chief.model.get_weights(), other.model.get_weights()):  # BatchNorm statistics too
        np.testing.assert_array_equal(a, b)
    # what the user sees: both epochs ran and were logged the same on both workers, the chief's
    # bundle says how it was trained and classifies the (easily separable) data
    assert "epoch   2/2" in logs[0] and "epoch   2/2" in logs[1]
    history = (tmp_path / "m.voxmodel.history.csv").read_text().splitlines()
    assert history[0].startswith("epoch,") and [r.split(",")[0] for r in history[1:]] == ["1", "2"]
    assert history == (tmp_path / "m.voxmodel.worker1.history.csv").read_text().splitlines()
    assert chief.metadata["training"]["strategy"] == "MultiWorkerMirroredStrategy (2 replica(s))"
    assert chief.metadata["training"]["epochs_run"] == 2
    assert not any(getattr(layer, "synchronized", False) for layer in chief.model.layers)
    assert (chief.predict_proba(list(x)).argmax(1) == y).mean() >= 0.9


def test_fit_context_is_a_no_op_without_multi_worker():
    pytest.importorskip("tensorflow")
    import tensorflow as tf

    from voxdesk.engine.training.distribute import fit_context

    class Model:  # fit_context must not touch anything on a single-process strategy
        def __setattr__(self, name, value):
            raise AssertionError(f"fit_context set {name}")

    model = Model()
    with fit_context(tf.distribute.get_strategy(), model):
        pass
