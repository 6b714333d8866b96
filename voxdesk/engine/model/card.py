"""The model card's own words: intended use, limitations, author and licence.

Stored in the bundle's ``metadata.json`` as ``"card": {field: text}``; shown by the GUI's model
card, the HTML report and ``voxdesk-cli card``. ``write_card(path, fields)`` rewrites a saved
bundle in place, atomically (the model member is copied as is, never re-saved by Keras);
``set_card(metadata, fields)`` edits an unsaved bundle's metadata in memory.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from voxdesk.engine.errors import ModelError
from voxdesk.engine.io.atomic import atomic_path, write_error

FIELDS = (("intended_use", "Intended use"), ("limitations", "Limitations"), ("author", "Author"),
          ("license", "Licence"))
"""(key, label) in the order shown."""
KEYS = tuple(k for k, _ in FIELDS)
MAX_CHARS = 4000
"""Per field: a card is a few paragraphs, not a document."""


def clean_card(fields: dict | None, source: str = "the model card") -> dict[str, str]:
    """The card's fields checked: known keys, text of at most ``MAX_CHARS``; empty ones dropped."""
    if fields is None:
        return {}
    if not isinstance(fields, dict):
        raise ModelError(f"{source}: the card must be an object of texts, not {type(fields).__name__}")
    out = {}
    for key, value in fields.items():
        if key not in KEYS:
            raise ModelError(f"{source}: unknown card field {key!r} (known: {', '.join(KEYS)})")
        if value is None:
            continue
        if not isinstance(value, str):
            raise ModelError(f"{source}: card field {key!r} must be text")
        if len(value) > MAX_CHARS:
            raise ModelError(f"{source}: card field {key!r} is longer than {MAX_CHARS} characters")
        if value.strip():
            out[key] = value.strip()
    return out


def card_of(metadata: dict | None) -> dict[str, str]:
    try:
        return clean_card((metadata or {}).get("card"))
    except ModelError:
        return {}


def set_card(metadata: dict, fields: dict) -> dict:
    """Merge ``fields`` into ``metadata["card"]`` (an empty text removes a field); returns the card."""
    merged = {**card_of(metadata), **{k: v for k, v in fields.items() if v is not None}}
    card = clean_card(merged)
    metadata["card"] = card
    return card


def write_card(path, fields: dict) -> dict:
    """Update the card of the saved bundle at ``path`` atomically; returns the new card."""
    from voxdesk.engine.model.bundle import METADATA, read_metadata

    path = Path(path)
    meta = read_metadata(path)  # refuses anything that is not a readable bundle
    card = set_card(meta, fields)
    try:
        with zipfile.ZipFile(path) as src, atomic_path(path) as tmp, \
                zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as dst:
            for info in src.infolist():
                if info.filename == METADATA:
                    dst.writestr(METADATA, json.dumps({**json.loads(src.read(METADATA)), "card": card}, indent=2))
                else:
                    with src.open(info) as fin, dst.open(info.filename, "w") as fout:
                        while chunk := fin.read(1 << 20):
                            fout.write(chunk)
    except OSError as exc:
        raise write_error("the model card", path, exc, ModelError) from None
    except zipfile.BadZipFile:
        raise ModelError(f"{path} is not a readable model bundle (damaged zip)") from None
    return card
