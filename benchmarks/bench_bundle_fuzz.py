"""Bundle fuzz, the long run of the tests' fuzzers: cases per second and findings (anything but a
ModelError) for three mutation kinds of a real ``.voxmodel``:

* ``metadata``: fields of a full ``metadata.json`` replaced by odd values or dropped, then the
  schema, the preprocessing spec, calibration, the consistency checks and the GUI model card;
* ``bytes``: byte-level mutations of a small bundle file (zip headers, central directory,
  metadata), then ``read_metadata``;
* ``load``: byte mutations of a real bundle's ``model.keras`` (itself a zip: Keras's config and
  weights), rewrapped with valid checksums, then ``load_bundle`` (slow: Keras reads each one).

The generators are the tests' own (``tests/fixtures/bundles.py``). Run:

    .venv/bin/python benchmarks/bench_bundle_fuzz.py [--cases 20000] [--load-cases 100] [--seed 0]
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # fixtures.bundles

import numpy as np
from fixtures.bundles import byte_mutations, full_metadata, mutations

from voxdesk.engine.errors import ModelError


def _run(name, cases, attempt) -> None:
    findings: collections.Counter = collections.Counter()
    outcomes: collections.Counter = collections.Counter()
    t = time.perf_counter()
    for case in cases:
        try:
            outcomes[attempt(case)] += 1
        except ModelError:
            outcomes["refused"] += 1
        except Exception as exc:  # a finding: anything but a ModelError is a bug
            where = traceback.extract_tb(exc.__traceback__)[-1]
            findings[f"{type(exc).__name__}: {str(exc)[:90]} ({Path(where.filename).name}:{where.lineno})"] += 1
    dt = time.perf_counter() - t
    n = sum(outcomes.values()) + sum(findings.values())
    print(f"{name:9s} {n:7d} cases  {n / dt:8.0f} cases/s  {dict(outcomes)}  findings: {sum(findings.values())}")
    for text, count in findings.most_common(10):
        print(f"    {count:5d} x {text}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=20_000, help="metadata and byte cases each")
    ap.add_argument("--load-cases", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from voxdesk.engine.model.bundle import Bundle, load_bundle, read_metadata, save_bundle
    from voxdesk.engine.model.calibration import refer_below, temperature_of
    from voxdesk.engine.model.consistency import check_volume
    from voxdesk.engine.model.networks import build_model
    from voxdesk.engine.model.preprocessing import PreprocessSpec, make_spec
    from voxdesk.engine.model.schema import check_metadata
    from voxdesk.engine.volume import Volume
    from voxdesk.gui.classify.panel import card_html

    work = Path(tempfile.mkdtemp(prefix="bundle-fuzz-"))
    spec = make_spec((8, 8, 8))
    meta = {"class_names": ["a", "b"], "input_shape": list(spec.input_shape), "preprocessing": spec.to_dict()}
    real = save_bundle(Bundle(build_model("voxnet-bn", spec.input_shape, 2), meta), work / "real.voxmodel")
    good = full_metadata(read_metadata(real))
    vol = Volume(np.random.default_rng(0).random((10, 9, 8)).astype(np.float32))

    def use(m):
        check_metadata(m, "b.voxmodel")
        PreprocessSpec.from_dict(m["preprocessing"])
        temperature_of(m), refer_below(m), check_volume(vol, m), card_html(m, "b.voxmodel")
        return "accepted"

    _run("metadata", mutations(good, args.cases, args.seed), use)

    small = work / "small.voxmodel"
    with zipfile.ZipFile(small, "w") as zf:
        zf.writestr("metadata.json", json.dumps(good))
        zf.writestr("model.keras", b"k" * 64)
    case = work / "case.voxmodel"

    def read(data):
        case.write_bytes(data)
        read_metadata(case)
        return "read"

    _run("bytes", byte_mutations(small.read_bytes(), args.cases, args.seed), read)

    with zipfile.ZipFile(real) as zf:
        model_bytes, real_meta = zf.read("model.keras"), zf.read("metadata.json")

    def load(data):  # the inner model.keras mutated, rewrapped with valid CRCs: Keras reads it
        with zipfile.ZipFile(case, "w") as zf:
            zf.writestr("metadata.json", real_meta)
            zf.writestr("model.keras", data)
        load_bundle(case)
        return "loaded"

    _run("load", byte_mutations(model_bytes, args.load_cases, args.seed), load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
