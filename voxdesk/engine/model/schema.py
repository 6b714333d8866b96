"""THE schema of a bundle's ``metadata.json``: every field VoxDesk reads, its type and range.

``check_metadata(meta, where)`` is called by ``bundle.read_metadata`` (every load, the model card,
``evaluate``) and by ``bundle.save_bundle`` before anything is written, so VoxDesk never writes a
bundle it would refuse to read. A failure is a ``ModelError`` naming the bundle and the field::

    model bundle m.voxmodel: metadata field preprocessing.spatial_shape[0] must be an integer
    from 1 to 2048, got '16' (a string)

The schema is a small tree of checkers (no jsonschema/pydantic dependency: the checks are few,
and the messages must read like VoxDesk's). Fields the app does not read may hold any JSON value;
``check_structure`` bounds every value first (nesting depth, string and list lengths), so even an
unread field cannot make loading slow or large. Cross-field rules (the spec's shape equals
``input_shape``, distinct class names, percentile order) follow the per-field checks.
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable

from voxdesk.engine.errors import ModelError
from voxdesk.engine.model.preprocessing import RESAMPLE_ORDERS, SPACING_RANGE, SPEC_NORMALIZATIONS, SPEC_VERSION

FORMAT = "voxdesk-model-bundle"
FORMAT_VERSION = 1
MAX_DEPTH = 32
MAX_STRING = 1 << 16
MAX_LIST = 250_000
"""Above the 2 x 100,000 sample digests training may record (``splits.MAX_DIGESTS``)."""
MAX_CLASSES = 1000
MAX_CLASS_NAME = 200
MAX_SIDE = 2048
MAX_CHANNELS = 512
MAX_INPUT_VALUES = 1 << 28
"""One model input of at most 2^28 values (1 GiB of float32)."""


class Invalid(Exception):
    """A field failed its check (``field``: dotted path; ``problem``: what it must be)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


def _show(v: Any) -> str:
    kind = {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "a list",
            dict: "an object", type(None): "null"}.get(type(v), type(v).__name__)
    text = repr(v)
    return kind if isinstance(v, (list, dict)) or v is None else f"{text[:40]}{'…' if len(text) > 40 else ''} ({kind})"


def _bad(what: str, v: Any):
    raise Invalid("", f"must be {what}, got {_show(v)}")


def _inside(key: str, exc: Invalid) -> Invalid:
    """``exc`` of a child, its field prefixed with the child's key (paths are built on failure only)."""
    return Invalid(key + exc.field, exc.problem)


Check = Callable[[Any], None]


def boolean(v) -> None:
    if not isinstance(v, bool):
        _bad("true or false", v)


def integer(lo: int | None = None, hi: int | None = None) -> Check:
    what = ("an integer" + (f" from {lo} to {hi}" if lo is not None and hi is not None else
                            f" >= {lo}" if lo is not None else ""))

    def check(v):
        if isinstance(v, bool) or not isinstance(v, int) or (lo is not None and v < lo) or (hi is not None and v > hi):
            _bad(what, v)
    return check


def number(lo: float | None = None, hi: float | None = None, *, above: float | None = None,
           finite: bool = True) -> Check:
    parts = ["a finite number" if finite else "a number"]
    parts += [f">= {lo}"] if lo is not None else []
    parts += [f"<= {hi}"] if hi is not None else []
    parts += [f"> {above}"] if above is not None else []
    what = " ".join(parts)

    def check(v):
        ok = isinstance(v, (int, float)) and not isinstance(v, bool)
        ok = ok and (not finite or math.isfinite(v))
        ok = ok and (lo is None or v >= lo) and (hi is None or v <= hi) and (above is None or v > above)
        if not ok:
            _bad(what, v)
    return check


def string(max_len: int = MAX_STRING, *, nonempty: bool = False, choices=None) -> Check:
    def check(v):
        if not isinstance(v, str):
            _bad("a string", v)
        if choices is not None and v not in choices:
            _bad("one of " + ", ".join(map(repr, choices)), v)
        if nonempty and not v.strip():
            _bad("a non-empty string", v)
        if len(v) > max_len:
            raise Invalid("", f"must be at most {max_len} characters, got {len(v)}")
        if nonempty and any(ord(c) < 32 for c in v):
            _bad("a name without control characters (tab, newline...)", v)
    return check


def nullable(inner: Check) -> Check:
    def check(v):
        if v is not None:
            inner(v)
    return check


def list_of(item: Check, *, min_len: int = 0, max_len: int = MAX_LIST) -> Check:
    def check(v):
        if not isinstance(v, list):
            _bad("a list" if min_len <= 1 else f"a list of at least {min_len} items", v)
        if not min_len <= len(v) <= max_len:
            size = f"{min_len} items" if min_len == max_len else f"{min_len} to {max_len} items"
            raise Invalid("", f"must hold {size}, got {len(v)}")
        for i, x in enumerate(v):
            try:
                item(x)
            except Invalid as exc:
                raise _inside(f"[{i}]", exc) from None
    return check


def obj(fields: dict[str, Check], required: tuple[str, ...] = ()) -> Check:
    """An object: ``required`` keys must be present; other keys are free (any bounded JSON)."""
    def check(v):
        if not isinstance(v, dict):
            _bad("an object", v)
        for key in required:
            if key not in v:
                raise Invalid(f".{key}", "is missing")
        for key, sub in fields.items():
            if key in v:
                try:
                    sub(v[key])
                except Invalid as exc:
                    raise _inside(f".{key}", exc) from None
    return check


def mapping(value: Check) -> Check:
    def check(v):
        if not isinstance(v, dict):
            _bad("an object", v)
        for key, x in v.items():
            try:
                value(x)
            except Invalid as exc:
                raise _inside(f".{key}", exc) from None
    return check


side = integer(1, MAX_SIDE)
_unit = number(0.0, 1.0)


def or_nan(inner: Check) -> Check:
    """``inner`` or NaN: for values that are only shown or compared (a NaN metric prints "nan" and
    compares false), so a NaN from training never makes its bundle unsaveable."""
    def check(v):
        if not (isinstance(v, float) and math.isnan(v)):
            inner(v)
    return check


fraction = nullable(or_nan(_unit))


count = nullable(integer(0))
_PREPROCESSING = obj({
    "spatial_shape": list_of(side, min_len=2, max_len=3),
    "channels": integer(1, MAX_CHANNELS),
    "normalization": string(choices=SPEC_NORMALIZATIONS),
    "percentiles": list_of(number(0.0, 100.0), min_len=2, max_len=2),
    "window_level": number(),
    "window_width": number(above=0.0),
    "source_has_channels": boolean,
    "resample_order": integer(min(RESAMPLE_ORDERS), max(RESAMPLE_ORDERS)),
    "target_spacing": nullable(list_of(number(*SPACING_RANGE), min_len=2, max_len=3)),
    "version": integer(SPEC_VERSION, SPEC_VERSION),
}, required=("spatial_shape",))
_METRICS = obj({
    "n": count, "accuracy": fraction, "balanced_accuracy": fraction, "macro_f1": fraction,
    "roc_auc": fraction, "ece": fraction, "ece_uncalibrated": fraction,
    "accuracy_ci": nullable(list_of(number(0.0, 1.0), min_len=2, max_len=2)),
})
_CALIBRATION = obj({
    "temperature": number(above=0.0), "fitted_on": nullable(string()), "n": count,
    "referral": nullable(obj({"threshold": nullable(number(0.0, 1.01)), "coverage": fraction})),
}, required=("temperature",))
_TRAINING = obj({
    "config": nullable(obj({"left_right_matters": boolean, "model": nullable(string()),
                            "precision": string(16)})),  # the setting; absent before it existed
    "precision": string(16),  # what the run used (float32, bfloat16, float16); absent: float32
    "epochs_run": count, "best_epoch": count,
    "split_sizes": nullable(obj({k: count for k in ("train", "val", "test")})),
})
_DATA_STATS = obj({
    "version": integer(), "n_samples": count,
    "shape_min": nullable(list_of(integer(1), max_len=4)), "shape_max": nullable(list_of(integer(1), max_len=4)),
    "spacing_min": nullable(list_of(or_nan(number(0.0)), max_len=4)),
    "spacing_max": nullable(list_of(or_nan(number(0.0)), max_len=4)),
    "axcodes": nullable(list_of(string(16))), "orientation_known": nullable(boolean),
    "intensity_low": nullable(number()), "intensity_high": nullable(number()),
    "intensity_span": nullable(number(0.0)),
})
_CLASS_NAME = string(MAX_CLASS_NAME, nonempty=True)
_CLASS_NAMES = list_of(_CLASS_NAME, min_len=2, max_len=MAX_CLASSES)
SCHEMA = obj({
    "format": string(choices=(FORMAT,)),
    "class_names": _CLASS_NAMES,
    "input_shape": list_of(side, min_len=3, max_len=4),
    "preprocessing": _PREPROCESSING,
    "model_name": nullable(string(200)),
    "created": nullable(string(64)),
    "libraries": nullable(mapping(string(200))),
    "dataset_fingerprint": nullable(string(200)),
    "sample_digests": nullable(obj({"train": list_of(string(64)), "val": list_of(string(64))})),
    "metrics": nullable(_METRICS),
    "calibration": nullable(_CALIBRATION),
    "training": nullable(_TRAINING),
    "history": nullable(mapping(nullable(list_of(nullable(number(finite=False)))))),
    "data_stats": nullable(_DATA_STATS),
    "card": nullable(mapping(nullable(string(4000)))),  # engine/model/card.py checks the keys
}, required=("format", "format_version", "class_names", "input_shape", "preprocessing"))


def check_class_names(names, where: str) -> None:
    """The bundle's rule for class names, applied before training (so a dataset whose names a
    bundle cannot hold is refused before hours of training, not at the save)."""
    for i, name in enumerate(names):  # how many classes there must be, training itself says
        try:
            _CLASS_NAME(name)
        except Invalid as exc:
            raise ModelError(f"{where}: the class names cannot be stored in a model bundle: class {i + 1} "
                             f"({str(name)[:40]!r}) {exc.problem}; rename the class folders or labels") from None


def _path(node) -> str:
    parts = []
    while node is not None:
        node, key = node
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return re.sub(r"(\[\d+\]){2,}", "[…]", "".join(reversed(parts))).lstrip(".")


def check_structure(value: Any) -> None:
    """Bound any parsed JSON: nesting depth, string length and list/object sizes. Iterative (no
    recursion); field paths are linked (parent, key) pairs, turned into text only on failure."""
    stack = [(value, None, 0)]
    while stack:
        v, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Invalid(_path(where) or "metadata", f"is nested more than {MAX_DEPTH} levels deep")
        if len(v) > MAX_LIST:
            raise Invalid(_path(where) or "metadata", f"holds {len(v)} items (at most {MAX_LIST})")
        for key, x in (v.items() if isinstance(v, dict) else enumerate(v)):
            if isinstance(x, str):
                if len(x) > MAX_STRING:
                    raise Invalid(_path((where, key)), f"is a string of {len(x)} characters (at most {MAX_STRING})")
            elif isinstance(x, (list, dict)):
                stack.append((x, (where, key), depth + 1))


def _consistent(meta: dict) -> None:
    names = meta["class_names"]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise Invalid(f"class_names[{i}]", f"repeats {name!r} (class_names[{seen[name]}]); "
                                               "class names must be distinct")
        seen[name] = i
    p, shape = meta["preprocessing"], list(meta["input_shape"])
    spatial = list(p["spatial_shape"]) + [p.get("channels", 1)]
    if spatial != shape:
        raise Invalid("preprocessing.spatial_shape", f"{p['spatial_shape']} with {p.get('channels', 1)} channel(s) "
                                                     f"disagrees with input_shape {shape}")
    if p.get("target_spacing") is not None and len(p["target_spacing"]) != len(p["spatial_shape"]):
        raise Invalid("preprocessing.target_spacing", f"{p['target_spacing']} needs one size per axis of "
                                                      f"spatial_shape {p['spatial_shape']}")
    lo, hi = p.get("percentiles", (1.0, 99.0))
    if not lo < hi:
        raise Invalid("preprocessing.percentiles", f"must be low < high, got {lo}, {hi}")
    stats = meta.get("data_stats") or {}
    for lo, hi in (("shape_min", "shape_max"), ("spacing_min", "spacing_max"), ("intensity_low", "intensity_high")):
        a, b = stats.get(lo), stats.get(hi)
        if (a is None) != (b is None) or (isinstance(a, list) and len(a) != len(b)):
            raise Invalid(f"data_stats.{hi}", f"does not match data_stats.{lo} (both given with as many values, "
                                              "or neither)")
    metrics = meta.get("metrics") or {}
    if metrics.get("ece_uncalibrated") is not None and metrics.get("ece") is None:
        raise Invalid("metrics.ece", "is missing (metrics.ece_uncalibrated is given)")
    values = math.prod(shape)
    if values > MAX_INPUT_VALUES:
        raise Invalid("input_shape", f"{shape} is {values:,} values per scan (at most {MAX_INPUT_VALUES:,})")


def check_metadata(meta: Any, where: str) -> dict:
    """``meta`` (parsed ``metadata.json``) checked against ``SCHEMA``; ``ModelError`` naming
    ``where`` (the bundle) and the field otherwise. Returns ``meta`` unchanged."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError(f"{where} is not a VoxDesk model bundle (its metadata.json has no "
                         f"\"format\": \"{FORMAT}\")")
    version = meta.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:  # not True, not 1.0
        raise ModelError(f"model bundle {where} has format version {version!r}; this VoxDesk reads version "
                         f"{FORMAT_VERSION} (a newer VoxDesk may be needed)")
    try:
        check_structure(meta)
        SCHEMA(meta)
        _consistent(meta)
    except Invalid as exc:
        field = exc.field.lstrip(".") or "metadata"
        raise ModelError(f"model bundle {where}: metadata field {field} {exc.problem}") from None
    return meta
