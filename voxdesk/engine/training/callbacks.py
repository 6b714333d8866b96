"""The Keras callback that adapts training to VoxDesk's plain callbacks.

``progress(fraction, message)``, ``on_batch(dict)`` and ``on_epoch(dict)`` (see
``training.train``); a ``CancelToken`` becomes ``model.stop_training = True`` at the end of the
current batch; the weights of the best epoch are kept and restored when training ends, also
after a cancel or an early stop.

Best epoch and early stopping look at ``monitor`` (the validation loss) *smoothed*: an
exponential moving average over epochs with weight ``SMOOTHING`` on the newest value. On a
validation set of a few dozen scans one lucky or unlucky epoch moves the raw loss by more than
real progress does; the average does not chase it. Early stopping (``patience`` epochs without
a better smoothed value, counted from the best epoch or ``patience_from_epoch``, whichever is
later) is considered only from epoch ``stop_from_epoch`` on.

Per-batch cost: the callback is called after every batch (cancel must be seen there), but its
work is throttled: the progress message is formatted at most every ``PROGRESS_INTERVAL_S``
seconds (and at the last batch of each epoch), and only when there is no ``on_batch``: with one,
``progress`` gets the phases (preparing data, evaluating) and ``on_batch`` the batches, as plain
floats without any per-batch conversion of the logs beyond what Keras already did. TensorFlow/Keras are imported
by the caller (``keras`` is passed in), never at module import.
"""
from __future__ import annotations

import math
import time

PROGRESS_INTERVAL_S = 0.1
SMOOTHING = 0.5
"""Weight of the newest epoch in the smoothed monitor (1 = no smoothing)."""


def progress_callback(keras, *, epochs, steps, batch_size, monitor, progress, on_epoch, on_batch, cancel,
                      patience=None, stop_from_epoch=1, patience_from_epoch=0):
    """A fresh ``keras.callbacks.Callback`` instance (the class needs ``keras``, imported lazily)."""

    class VoxdeskProgress(keras.callbacks.Callback):
        """Per-batch/per-epoch reports with ETA, cancel -> stop_training, best weights kept."""

        def on_train_begin(self, logs=None):
            self.t0 = time.perf_counter()
            self.done = 0
            self.best, self.best_weights, self.best_epoch = math.inf, None, None
            self.smoothed = None
            self.stopped_early = False
            self.cancelled = False
            self.epoch = 0
            self.first_epoch = None
            """0-based epoch this run started at (> 0 when Keras' BackupAndRestore resumed it)."""
            self.fit_seconds = 0.0
            self.next_report = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            if self.first_epoch is None:
                self.first_epoch = epoch
                self.done = epoch * steps
            self.t_epoch = time.perf_counter()

        def _eta(self, now):
            remaining = epochs * steps - self.done
            return (now - self.t0) / max(self.done, 1) * remaining

        def on_train_batch_end(self, batch, logs=None):
            self.done += 1
            if cancel is not None and cancel.cancelled:
                self.cancelled = True
                self.model.stop_training = True
            if on_batch is None and progress is None:
                return
            now = time.perf_counter()
            last = batch + 1 == steps
            report = now >= self.next_report or last
            if not report and on_batch is None:
                return
            rate = (batch + 1) * batch_size / max(now - self.t_epoch, 1e-9)
            eta = self._eta(now)
            if report and progress is not None and on_batch is None:  # else on_batch has the numbers
                self.next_report = now + PROGRESS_INTERVAL_S
                progress(0.05 + 0.95 * min(1.0, self.done / (epochs * steps)),
                         f"epoch {self.epoch + 1}/{epochs} batch {batch + 1}/{steps} "
                         f"{rate:.0f} samples/s ETA {eta:.0f} s")
            if on_batch is not None:
                info = {"epoch": self.epoch + 1, "epochs": epochs, "batch": batch + 1, "steps": steps,
                        "samples_per_s": rate, "eta_s": eta}
                info.update(logs or {})
                on_batch(info)
                if cancel is not None and cancel.cancelled:  # on_batch itself may cancel
                    self.cancelled = True
                    self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            lr = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
            if logs is not None:
                logs["learning_rate"] = lr  # into Keras' history too (the schedule's value this epoch)
            logs = {k: float(v) for k, v in (logs or {}).items()}
            value = logs.get(monitor, logs.get("loss", math.inf))
            if not math.isfinite(value):
                value = math.inf
            self.smoothed = value if self.smoothed is None or not math.isfinite(self.smoothed) \
                else SMOOTHING * value + (1 - SMOOTHING) * self.smoothed
            if self.smoothed < self.best:
                self.best, self.best_epoch = self.smoothed, epoch + 1
                self.best_weights = self.model.get_weights()
            if (patience is not None and epoch + 1 >= stop_from_epoch and self.best_epoch is not None
                    and epoch + 1 - max(self.best_epoch, patience_from_epoch) >= patience and not self.cancelled):
                self.stopped_early = True
                self.model.stop_training = True
            self.done = max(self.done, (epoch + 1) * steps)
            now = time.perf_counter()
            seconds = now - self.t_epoch
            if on_epoch is not None:
                on_epoch({"epoch": epoch + 1, "epochs": epochs, "seconds": seconds, "learning_rate": lr,
                          "samples_per_s": steps * batch_size / max(seconds, 1e-9), "eta_s": self._eta(now),
                          "best_epoch": self.best_epoch, "cancelled": self.cancelled,
                          f"smoothed_{monitor}": self.smoothed, **logs})

        def on_train_end(self, logs=None):
            self.fit_seconds = time.perf_counter() - self.t0
            if self.best_weights is not None:
                self.model.set_weights(self.best_weights)

    return VoxdeskProgress()
