"""A model bundle scored on a labelled dataset's split: the one path behind ``voxdesk-cli
evaluate``, ``voxdesk-cli report`` and the GUI's report export."""
from __future__ import annotations

from voxdesk.engine.errors import DatasetError


def evaluate_bundle(bundle, dataset, split: str | None = None, *, batch_size: int = 64,
                    progress=None) -> tuple[dict, str, list[str]]:
    """(metrics, split name, preprocessing warnings) of ``bundle`` on ``dataset``'s ``split``
    (default: test, else all), with the bundle's calibration, referral threshold and
    training-sample digests (so evaluating training data says so)."""
    from voxdesk.engine.model.calibration import refer_below
    from voxdesk.engine.model.preprocessing import PreprocessStats
    from voxdesk.engine.training.evaluation import evaluate_model

    name = split or next((s for s in ("test", "all") if s in dataset.splits), None)
    if name not in dataset.splits:
        raise DatasetError(f"split {name!r} not in {dataset.source} (splits: {', '.join(dataset.splits)})")
    if list(dataset.class_names) != list(bundle.class_names):
        raise DatasetError(f"the dataset's classes {dataset.class_names} differ from the model's {bundle.class_names}")
    samples = dataset.splits[name]
    if len(samples) == 0:
        raise DatasetError(f"split {name!r} of {dataset.source} is empty")
    stats = PreprocessStats()
    metrics = evaluate_model(bundle.model, samples, bundle.spec, bundle.class_names, batch_size=batch_size,
                             stats=stats, progress=progress, trained_digests=bundle.metadata.get("sample_digests"),
                             temperature=bundle.temperature, refer_below=refer_below(bundle.metadata))
    return metrics, name, list(stats.warnings())
