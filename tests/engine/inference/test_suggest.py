"""What to label next (issue 19): uncertainty scores, and a ranking that puts the cases a model is
unsure about before those it is certain of; the guess is reported, never written as a label."""
import numpy as np
import pytest

from voxdesk.engine.errors import VoxdeskError
from voxdesk.engine.inference.suggest import rank, suggest, uncertainty


def test_entropy_and_margin_are_zero_when_certain_and_one_for_a_tie():
    probs = np.array([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0.0], [0.9, 0.05, 0.05]])
    h = uncertainty(probs, "entropy")
    assert h[0] == pytest.approx(0) and h[1] == pytest.approx(1) and 0 < h[3] < h[2] < 1
    m = uncertainty(probs, "margin")
    assert m[0] == pytest.approx(0) and m[2] == pytest.approx(1) and m[3] == pytest.approx(0.15)
    with pytest.raises(VoxdeskError, match="unknown score"):
        uncertainty(probs, "variance")


def test_rank_puts_the_uncertain_first_and_a_spread_can_reorder():
    probs = np.array([[0.99, 0.01], [0.6, 0.4], [0.5, 0.5], [0.95, 0.05]])
    order, _ = rank(probs)
    assert order.tolist() == [2, 1, 3, 0]
    order, scores = rank(probs, spread=[0.0, 0.0, 0.0, 1.0])  # unstable under augmentation
    assert order[0] == 3 and scores[3] > 1


def test_a_model_certain_on_some_scans_ranks_the_uncertain_first(mean_bundle, scan_folder):
    from voxdesk.engine.datasets.labelling import batch_item, discover

    bundle, _ = mean_bundle
    root, fractions = scan_folder
    entries = discover(root)
    ranking = suggest(bundle, [batch_item(e) for e in entries])
    rel = [str(s.source)[len(str(root)) + 1:] for s in ranking.suggestions]
    uncertain = {p for p, f in fractions.items() if 0.3 < f < 0.7}
    assert set(rel[: len(uncertain)]) == uncertain  # c1, c3 and the stack's second volume
    assert ranking.suggestions[0].rank == 1 and not ranking.failed
    top = ranking.suggestions[0]
    assert top.guess in ("dark", "bright") and 0.5 <= top.confidence < 0.7
    certain = ranking.suggestions[-1]
    assert certain.confidence > 0.99 and certain.score < 0.05
    assert len(suggest(bundle, [batch_item(e) for e in entries], method="margin", top=2).suggestions) == 2


def test_an_unreadable_case_is_reported_not_ranked(mean_bundle, tmp_path):
    bundle, _ = mean_bundle
    bad = tmp_path / "broken.npy"
    bad.write_bytes(b"not an array")
    ranking = suggest(bundle, [str(bad)])
    assert ranking.suggestions == [] and ranking.failed[0][0] == str(bad)
