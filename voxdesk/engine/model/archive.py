"""Reading a bundle's zip without trusting it: sizes are checked before a byte is inflated.

A bundle is a small zip (``metadata.json`` + ``model.keras``, stored). A tampered one may declare
members that inflate to gigabytes (a 5.8 MB file used 4.1 GB of memory; another took 42 s per
load), hold thousands of members or a ``model.keras`` that is no Keras file at all. Here:

* at most ``MAX_MEMBERS`` members, no duplicate names, no encrypted or exotic compression;
* every member's declared size is checked before reading: ``metadata.json`` <= ``MAX_METADATA``,
  ``model.keras`` <= ``MAX_MODEL``, a compressed member inflating more than ``MAX_RATIO`` times
  is refused (``zipfile`` never returns more than the declared size, and checks the CRC when a
  member is read to its end, so no separate ``testzip`` pass over the whole file is needed);
* members are streamed: ``metadata.json`` is read with a bound, ``model.keras`` copied in chunks
  to a temporary file after checking the free space there;
* ``model.keras`` itself is a zip (Keras 3's format): it is opened and bounded the same way
  before Keras sees it, so a damaged one is "not a Keras model file", never Keras's
  "File not found".
"""
from __future__ import annotations

import shutil
import zipfile
import zlib
from pathlib import Path

from voxdesk.engine.errors import ModelError

MAX_MEMBERS = 16
MAX_INNER_MEMBERS = 256
MAX_METADATA = 8 << 20
"""8 MiB: VoxDesk writes at most ~5.5 MB (2 x 100,000 sample digests); usually ~20 KB."""
MAX_MODEL = 4 << 30
MAX_INNER_JSON = 4 << 20
"""Keras's ``config.json`` (the architecture) and ``metadata.json`` inside ``model.keras``: ~30 KB
for VoxDesk's networks, under 1 MB for the largest published Keras applications."""
MAX_RATIO = 100
"""Model weights and JSON compress ~1.1-10x; a member claiming more is a zip bomb."""
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
_CHUNK = 1 << 20


def _check_members(zf: zipfile.ZipFile, what: str, limits: dict[str, int],
                   max_members: int) -> dict[str, zipfile.ZipInfo]:
    """Members by name; ``limits``: the most bytes a named member may declare (others: MAX_MODEL)."""
    infos = zf.infolist()
    if len(infos) > max_members:
        raise ModelError(f"{what} holds {len(infos)} members (a bundle has 2; at most {max_members} are read)")
    out: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name in out:
            raise ModelError(f"{what} holds two members named {name!r}; it was tampered with")
        if info.flag_bits & 0x1:
            raise ModelError(f"{what}: member {name!r} is encrypted")
        if info.compress_type not in _METHODS:
            raise ModelError(f"{what}: member {name!r} uses an unsupported compression (method "
                             f"{info.compress_type}); re-save the bundle with VoxDesk")
        limit = limits.get(name, MAX_MODEL)
        if info.file_size > limit:
            raise ModelError(f"{what}: member {name!r} declares {info.file_size:,} bytes (at most {limit:,})")
        if info.compress_type != zipfile.ZIP_STORED and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ModelError(f"{what}: member {name!r} would inflate {info.compress_size:,} bytes to "
                             f"{info.file_size:,} (more than {MAX_RATIO}x: a zip bomb?)")
        out[name] = info
    return out


def open_bundle(path: Path) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """(open ZipFile, members by name) of a bundle, its member table checked."""
    if not path.is_file():
        raise ModelError(f"model bundle {path} does not exist or is not a file")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ModelError(f"{path} is not a VoxDesk model bundle or is corrupt (not a readable zip: {exc})") from None
    try:
        members = _check_members(zf, f"model bundle {path}", {"metadata.json": MAX_METADATA}, MAX_MEMBERS)
    except ModelError:
        zf.close()
        raise
    return zf, members


def _damaged(what: str, name: str, exc: Exception) -> ModelError:
    return ModelError(f"{what} is corrupt (damaged member {name}: {exc})")


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, what: str, limit: int) -> bytes:
    """The bytes of one member, at most ``limit`` (declared size checked first, then the read)."""
    if info.file_size > limit:
        raise ModelError(f"{what}: {info.filename} is {info.file_size:,} bytes (at most {limit:,} are read)")
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise _damaged(what, info.filename, exc) from None
    if len(data) > limit:
        raise ModelError(f"{what}: {info.filename} is larger than {limit:,} bytes")
    return data


def extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, what: str) -> Path:
    """Stream one member to ``dest`` (a file path) in chunks, after checking the free space."""
    free = shutil.disk_usage(dest.parent).free
    if info.file_size > free:
        raise ModelError(f"{what}: {info.filename} needs {info.file_size / 2**20:.0f} MB in the temporary "
                         f"folder {dest.parent.parent}, only {free / 2**20:.0f} MB are free")
    try:
        with zf.open(info) as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, out, _CHUNK)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError) as exc:
        raise _damaged(what, info.filename, exc) from None
    except OSError as exc:
        raise ModelError(f"{what}: could not unpack {info.filename} to the temporary folder "
                         f"({exc.strerror or exc})") from None
    return dest


def check_keras_file(path: Path, what: str) -> None:
    """Refuse a ``model.keras`` that is not a bounded Keras 3 zip (before Keras reads it)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise ModelError(f"{what}: its model.keras is not a Keras model file (not a zip archive); "
                         "the bundle is damaged") from None
    with zf:
        limits = {"config.json": MAX_INNER_JSON, "metadata.json": MAX_INNER_JSON}
        members = _check_members(zf, f"{what}: model.keras", limits, MAX_INNER_MEMBERS)
        if "config.json" not in members:
            raise ModelError(f"{what}: its model.keras is not a Keras model file (no config.json inside)")
        total = sum(i.file_size for i in members.values())
        if total > MAX_MODEL:
            raise ModelError(f"{what}: model.keras would unpack to {total:,} bytes (at most {MAX_MODEL:,})")
