"""GUI responsiveness and throughput while training in the main window.

Trains the default model on a 3D-MNIST-layout file (``demo.digits.make_3dmnist_like``) twice:
  1. ``voxdesk-cli train`` in a subprocess (the reference throughput);
  2. in the real main window (its training controller), with a 10 ms precise QTimer in the GUI
     thread whose lateness is recorded from the click on Train until the result is shown.
Prints the timer's p50/p99 delay and its longest stall (whole run, and once the first batch
has arrived, i.e. after the TensorFlow import and graph tracing), and the GUI/CLI ratio of the
engine's own ``train_samples_per_s`` figure. Never asserted anywhere; figures for the notes.

    python benchmarks/bench_gui_training.py --quick        # 2,000/400 samples, 2 epochs
    python benchmarks/bench_gui_training.py                # 10,000/2,000 samples, 3 epochs
    python benchmarks/bench_gui_training.py --quick --sample --compare-warm 3
        # the issue's scenario (a CT in every view, 3D included; under Xvfb with GLX), with the
        # app's start-up warm-up (TensorFlow imported in the background before Train is pressed)
        # against without, alternating, 3 runs each, in fresh processes: the GUI timer's p99 and
        # longest stall from the click on Train, and the warm-up's own longest stall
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def make_data(path: Path, n_train: int, n_test: int) -> Path:
    from voxdesk.engine.demo.digits import make_3dmnist_like

    if not path.exists():
        t = time.perf_counter()
        make_3dmnist_like(path, n_train=n_train, n_test=n_test, seed=0)
        print(f"made {path.name}: {n_train} train / {n_test} test in {time.perf_counter() - t:.1f} s")
    return path


def run_cli(data: Path, epochs: int, batch: int, out: Path) -> float:
    exe = Path(sys.executable).with_name("voxdesk-cli")
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "voxdesk.cli"]),
           "train", str(data), "--epochs", str(epochs), "--batch-size", str(batch), "--out", str(out)]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"voxdesk-cli train failed:\n{proc.stderr[-3000:]}")
    m = re.search(r"\(([\d.]+) samples/s\)", proc.stdout)
    print(f"cli: {time.perf_counter() - t:.1f} s wall, {m.group(1) if m else '?'} samples/s")
    return float(m.group(1)) if m else float("nan")


def run_gui(data: Path, epochs: int, batch: int, interval_ms: int = 10, sample: bool = False,
            warm: bool = False) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer

    from voxdesk.gui.app import create_window, make_application

    app = make_application()
    win = create_window(restore_layout=False)  # TensorFlow's libraries mapped before the first GL context
    win.persist_settings = False
    ctl = win.training
    win.resize(1400, 900)
    win.show()
    clock = QElapsedTimer()
    clock.start()
    ticks: list[float] = []
    marks: dict[str, float] = {}
    timer = QTimer()
    timer.setTimerType(Qt.PreciseTimer)
    timer.setInterval(interval_ms)
    timer.timeout.connect(lambda: ticks.append(clock.nsecsElapsed() / 1e6))
    if sample:  # the scan in every view, the 3D view included, as a user would have it
        win.opener.finished.connect(app.quit)
        win.open_sample()
        app.exec()
        win.opener.finished.disconnect(app.quit)
    ctl.dataset_changed.connect(lambda _d: app.quit())
    ctl.open_dataset(str(data))
    app.exec()
    form = ctl.train_panel.form
    form.epochs.setValue(epochs)
    form.batch_size.setValue(batch)
    done: list = []
    phases: list[tuple[float, str]] = []
    ctl.training_started.connect(lambda: ctl._worker.progress.connect(
        lambda _f, m: phases.append((clock.nsecsElapsed() / 1e6, m)), Qt.QueuedConnection))
    ctl.batch_ended.connect(lambda _i: marks.setdefault("first_batch", clock.nsecsElapsed() / 1e6))
    ctl.training_finished.connect(lambda r: (done.append(r), marks.setdefault("end", clock.nsecsElapsed() / 1e6)))
    ctl.runner.all_done.connect(lambda: app.quit() if done else None)
    timer.start()
    warm_max = float("nan")
    if warm:  # as ``voxdesk`` itself does once the window is up: TensorFlow imported in the background
        from voxdesk.gui.infra.tf_runtime import warm_up_tensorflow

        worker = warm_up_tensorflow(win.runner)
        if worker is not None:
            worker.finished.connect(app.quit)
            app.exec()
            warm_max = float((np.diff(np.asarray(ticks)) - interval_ms).max()) if len(ticks) > 1 else float("nan")
            ticks.clear()
    # the machine's noise floor: the same timer for 3 s with the window idle
    QTimer.singleShot(3000, app.quit)
    app.exec()
    idle = np.diff(np.asarray(ticks)) - interval_ms
    ticks.clear()
    marks["start"] = clock.nsecsElapsed() / 1e6
    ctl.train_panel.train_button.click()
    app.exec()
    timer.stop()
    result = done[0]
    if result is None:
        raise SystemExit("training in the GUI failed")
    t = np.asarray(ticks)
    gaps = np.diff(t)
    late = gaps - interval_ms
    after = t[1:] > marks.get("first_batch", 0)
    out = {"samples_per_s": result.timings["train_samples_per_s"], "ticks": len(t),
           "p50": float(np.percentile(late, 50)), "p99": float(np.percentile(late, 99)),
           "max": float(late.max()), "max_at_s": float((t[1:][late.argmax()] - marks["start"]) / 1e3),
           "over_250": int((gaps > 250).sum()),
           "first_batch_s": (marks.get("first_batch", np.nan) - marks["start"]) / 1e3,
           "train_s": (marks["end"] - marks["start"]) / 1e3,
           "idle_p99": float(np.percentile(idle, 99)), "idle_max": float(idle.max()), "warm_up_max": warm_max}
    stall_at = t[1:][late.argmax()] - late.max()  # when the stalled tick was due
    out["max_phase"] = next((m for ts, m in reversed(phases) if ts <= stall_at + 1), "before any report")
    if not marks.get("first_batch") or stall_at > marks["first_batch"]:
        out["max_phase"] = "training batches" if marks.get("first_batch") else out["max_phase"]
    if after.any():
        out.update(p50_fit=float(np.percentile(late[after], 50)), p99_fit=float(np.percentile(late[after], 99)),
                   max_fit=float(late[after].max()))
    ctl.shutdown()
    win.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2,000/400 samples and 2 epochs")
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--data", type=Path, help="an existing 3D-MNIST-layout file")
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--sample", action="store_true", help="show the demo CT in the views (and 3D) while training")
    ap.add_argument("--warm", action="store_true",
                    help="import TensorFlow in the background first, as the app does after start-up")
    ap.add_argument("--compare-warm", type=int, default=0, metavar="N",
                    help="N runs each with and without the start-up warm-up, alternating, in fresh processes")
    ap.add_argument("--gui-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    n_train, n_test, epochs = (2000, 400, 2) if args.quick else (10000, 2000, 3)
    epochs = args.epochs or epochs
    work = Path(tempfile.mkdtemp(prefix="voxdesk-bench-"))
    data = args.data or make_data(work / f"digits_{n_train}.h5", n_train, n_test)
    if args.gui_only:
        import json

        print("RESULT " + json.dumps(run_gui(data, epochs, args.batch_size, sample=args.sample, warm=args.warm)),
              flush=True)
        return
    if args.compare_warm:
        compare(args, data, epochs)
        return
    cli = float("nan") if args.skip_cli else run_cli(data, epochs, args.batch_size, work / "cli.voxmodel")
    g = run_gui(data, epochs, args.batch_size, sample=args.sample)
    print(f"gui: {g['train_s']:.1f} s from Train to result; first batch after {g['first_batch_s']:.1f} s "
          "(TensorFlow import, data preparation, graph tracing)")
    print(f"10 ms GUI timer, window idle for 3 s (machine noise floor): p99 {g['idle_p99']:.1f} ms, "
          f"max {g['idle_max']:.0f} ms; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"10 ms GUI timer over the whole run ({g['ticks']} ticks): delay p50 {g['p50']:.1f} ms, "
          f"p99 {g['p99']:.1f} ms, max stall {g['max']:.0f} ms at {g['max_at_s']:.1f} s ({g['max_phase']}), "
          f"{g['over_250']} stalls > 250 ms")
    if "p99_fit" in g:
        print(f"  once batches flow: delay p50 {g['p50_fit']:.1f} ms, p99 {g['p99_fit']:.1f} ms, "
              f"max {g['max_fit']:.0f} ms")
    print(f"throughput: gui {g['samples_per_s']:.0f} samples/s, cli {cli:.0f} samples/s, "
          f"ratio gui/cli {g['samples_per_s'] / cli:.3f}")


def compare(args, data: Path, epochs: int) -> None:
    """Two variants side by side, alternating, each run in a fresh process (``--gui-only``)."""
    import json

    variants = {"warm": ({}, ["--warm"]), "cold": ({}, [])}
    runs: dict[str, list[dict]] = {name: [] for name in variants}
    for _ in range(args.compare_warm):
        for name, (extra_env, extra_args) in variants.items():
            env = {**os.environ, **extra_env}
            cmd = [sys.executable, __file__, "--gui-only", "--data", str(data), "--epochs", str(epochs),
                   "--batch-size", str(args.batch_size)] + (["--sample"] if args.sample else []) + extra_args
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
            line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
            if line is None:
                raise SystemExit(f"the GUI run failed:\n{proc.stderr[-3000:]}")
            r = json.loads(line[7:])
            runs[name].append(r)
            print(f"{name:>9}: p99 {r['p99']:.0f} ms, longest stall {r['max']:.0f} ms ({r['max_phase']}), "
                  f"{r['over_250']} stalls > 250 ms; once batches flow p99 {r.get('p99_fit', float('nan')):.0f} ms; "
                  f"{r['samples_per_s']:.0f} samples/s; idle p99 {r['idle_p99']:.1f} ms; "
                  f"warm-up's own longest stall {r['warm_up_max']:.0f} ms", flush=True)
    for name, rs in runs.items():
        med = {k: float(np.median([r[k] for r in rs])) for k in ("p99", "max", "samples_per_s")}
        print(f"median {name:>9} ({len(rs)} runs): p99 {med['p99']:.0f} ms, longest stall {med['max']:.0f} ms, "
              f"{med['samples_per_s']:.0f} samples/s")
    first, second = variants
    a, b = (float(np.median([r["samples_per_s"] for r in runs[k]])) for k in (first, second))
    print(f"throughput {first} / {second}: {a / b:.2f} (target: p99 <= 50 ms, longest <= 250 ms, from Train)")


if __name__ == "__main__":
    main()
