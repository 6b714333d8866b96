"""voxdesk-cli suggest (issue 19): CSV of the next cases to label, uncertain first, labelled ones
left out; bad input is one line on stderr and exit code 2."""
import csv
import io

from voxdesk.cli import main
from voxdesk.engine.datasets.labelling import LabellingSession


def run_cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_suggest_prints_the_uncertain_unlabelled_cases_first(mean_bundle, scan_folder, capsys):
    _, bundle_path = mean_bundle
    root, fractions = scan_folder
    session = LabellingSession.start(root, classes=["dark", "bright"])
    session.assign(session.cases.index(next(c for c in session.cases if c.path == "c1.npy")), "dark")
    code, out, err = run_cli(capsys, "suggest", bundle_path, root, "--manifest", session.manifest, "--top", "3")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["rank", "path", "score", "guess", "confidence"]
    assert [r["rank"] for r in rows] == ["1", "2", "3"]
    paths = [r["path"] for r in rows]
    assert "c1.npy" not in paths  # labelled in the manifest
    assert set(paths[:2]) == {"c3.npy", "more/stack.h5:/X[1]"}  # relative, as the manifest writes them
    assert all(r["guess"] in ("dark", "bright") for r in rows) and float(rows[0]["score"]) > 0.5
    assert session.manifest.read_text().count(",labelled,") == 1  # the guesses were not written as labels


def test_without_a_manifest_every_case_is_ranked(mean_bundle, scan_folder, capsys):
    _, bundle_path = mean_bundle
    root, fractions = scan_folder
    code, out, err = run_cli(capsys, "suggest", bundle_path, root, "--top", "100", "--score", "margin")
    assert code == 0, err
    assert len(list(csv.DictReader(io.StringIO(out)))) == len(fractions)


def test_bad_input_is_one_line_and_exit_2(mean_bundle, scan_folder, tmp_path, capsys):
    _, bundle_path = mean_bundle
    root, _ = scan_folder
    for args in ([bundle_path, tmp_path / "nowhere"], [bundle_path, root, "--top", "0"],
                 [bundle_path, root, "--manifest", tmp_path / "missing.csv"],
                 [tmp_path / "missing.voxmodel", root]):
        code, out, err = run_cli(capsys, "suggest", *args)
        assert code == 2 and len(err.strip().splitlines()) == 1 and err.startswith("voxdesk-cli: error:"), (args, err)


def test_an_unreadable_case_exits_2_after_ranking_the_others(mean_bundle, scan_folder, capsys):
    _, bundle_path = mean_bundle
    root, fractions = scan_folder
    (root / "broken.npy").write_bytes(b"not an array")
    code, out, err = run_cli(capsys, "suggest", bundle_path, root, "--top", "100")
    assert code == 2 and "1 of" in err and "broken.npy" in err and len(err.strip().splitlines()) == 1
    assert len(list(csv.DictReader(io.StringIO(out)))) == len(fractions)
