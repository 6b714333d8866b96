"""Seeded fuzz of the readers: small valid .nii, .nii.gz, .npy, .npz, .h5 and .dcm (enhanced
multi-frame) files, mutated by byte flips, truncations and header-field overwrites
(tests/fixtures/fuzz.py). Whatever a file holds, probing and opening it either succeeds or raises
one VoxdeskError naming the file on one line: never a library exception, never a Python repr.
The longer run is benchmarks/bench_fuzz.py."""
import pytest
from fixtures import fuzz

CASES_PER_FORMAT = 80


@pytest.mark.parametrize("fmt", fuzz.FORMATS)
def test_mutated_files_raise_only_voxdesk_errors_naming_the_file(tmp_path, monkeypatch, fmt):
    monkeypatch.setenv("VOXDESK_MAX_BYTES", str(256 << 20))  # a lying size must not be tried
    rng = fuzz.random.Random(f"voxdesk-fuzz-{fmt}")
    seed = fuzz.seeds()[fmt]
    findings = []
    kinds = set()
    for i in range(CASES_PER_FORMAT):
        kind, data = fuzz.mutate(rng, fmt, seed)
        kinds.add(kind)
        path = tmp_path / f"case{i}.{fmt}"
        path.write_bytes(data)
        findings += [f"case {i} ({kind}) {step}: {fuzz.signature(exc)}: {str(exc)[:120]}"
                     for step, exc in fuzz.escapes(path)]
        path.unlink()
    assert not findings, "\n".join(findings[:10])
    assert {"flip", "truncate"} <= kinds  # the mutations did run


def test_the_unmutated_seeds_open(tmp_path):
    """The fuzz starts from files that read: a finding is the mutation's, not the seed's."""
    from voxdesk.engine.io import open_volume

    for fmt, data in fuzz.seeds().items():
        path = tmp_path / f"seed.{fmt}"
        path.write_bytes(data)
        assert not fuzz.escapes(path)
        expected = (8, 8, 4) if fmt == "dcm" else (8, 8, 8)
        assert open_volume(path, dataset="x" if fmt == "npz" else None).shape == expected
