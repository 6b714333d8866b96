"""The wheel must contain every sub-package and the app's resources; the desktop files validate;
make install-desktop makes scans open in VoxDesk and uninstall-desktop takes back only its own;
the PyInstaller spec names files that exist."""
import ast
import os
import pathlib
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_every_python_package_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "voxdesk").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert config["package-dir"]["voxdesk.resources"] == "resources"
    assert (ROOT / "resources" / "icons" / "voxdesk.svg").is_file()
    assert (ROOT / "resources" / "qss" / "voxdesk.qss").is_file()
    assert (ROOT / "resources" / "translations" / "voxdesk_ko.qm").is_file()
    assert "*.qm" in config["package-data"]["voxdesk.resources.translations"]


# -- desktop integration (packaging/install-desktop.sh, make install-desktop) ------------------
PACKAGING = ROOT / "packaging"
APP_ID = "io.github.voxdesk.voxdesk"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
MIME_NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
SYSTEM_MIME = pathlib.Path("/usr/share/mime/packages/freedesktop.org.xml")


def _tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (make sysdeps installs it)")
    return path


def _desktop_key(text, key):
    return next(line.split("=", 1)[1] for line in text.splitlines() if line.startswith(key + "="))


def test_the_desktop_file_validates_without_a_message():
    run = subprocess.run([_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True)
    assert (run.returncode, run.stdout + run.stderr) == (0, "")


def test_the_appstream_metadata_validates_pedantic():
    metainfo = PACKAGING / f"{APP_ID}.metainfo.xml"
    run = subprocess.run([_tool("appstreamcli"), "validate", "--pedantic", "--no-net", str(metainfo)],
                         capture_output=True, text=True)
    assert run.returncode == 0 and "Validation was successful" in run.stdout, run.stdout + run.stderr
    root = ET.parse(metainfo).getroot()
    assert root.findtext("id") == APP_ID and root.findtext("launchable") == DESKTOP.name


def _mime_types(path):
    out = {}
    for mt in ET.parse(path).getroot().findall("m:mime-type", MIME_NS):
        globs = out.setdefault(mt.get("type"), set())
        globs.update(g.get("pattern") for g in mt.findall("m:glob", MIME_NS))
    return out


def test_every_format_voxdesk_reads_has_a_type_the_launcher_lists():
    from voxdesk.engine.io import formats

    ours = _mime_types(PACKAGING / "voxdesk-mime.xml")
    known = _mime_types(SYSTEM_MIME) if SYSTEM_MIME.is_file() else {}
    listed = set(_desktop_key(DESKTOP.read_text(), "MimeType").rstrip(";").split(";"))
    by_glob = {}
    for table in (known, ours):  # ours last: a glob it adds to a type wins
        for mime, globs in table.items():
            by_glob.update({g: mime for g in globs if mime in listed})
    suffixes = {*formats.SUPPORTED_SUFFIXES, formats.BUNDLE_SUFFIX, formats.PROJECT_SUFFIX}
    if not known:  # no shared-mime-info here: only what VoxDesk defines itself
        suffixes -= {".h5", ".hdf5", ".hdf", ".dcm"}
    assert {s for s in suffixes if "*" + s not in by_glob} == set()
    assert set(ours) - {"application/x-hdf"} <= listed  # each type VoxDesk defines, it opens
    assert _desktop_key(DESKTOP.read_text(), "Exec") == "voxdesk %f"  # the GUI takes one path


def _install(data, *args):
    env = {**os.environ, "XDG_DATA_HOME": str(data)}
    return subprocess.run(["bash", str(PACKAGING / "install-desktop.sh"), *args], env=env,
                          capture_output=True, text=True, check=True)


def _filetype(data, path):
    """The MIME type the user's database gives ``path``: as ``mimetype`` (what xdg-mime asks on a
    desktop without its own tool) says, else from the generated globs2 (longest glob first)."""
    env = {**os.environ, "XDG_DATA_HOME": str(data), "XDG_DATA_DIRS": "/usr/share"}
    if shutil.which("mimetype"):
        return subprocess.run(["mimetype", "-b", str(path)], env=env, capture_output=True, text=True,
                              check=True).stdout.strip()
    rows = [line.split(":", 2) for line in (data / "mime" / "globs2").read_text().splitlines()
            if not line.startswith("#")]
    hits = [(len(glob), mime) for _w, mime, glob in rows if path.name.endswith(glob.lstrip("*"))]
    return max(hits)[1] if hits else None


def test_install_desktop_makes_scans_open_in_voxdesk_and_uninstall_takes_back_only_its_files(tmp_path):
    _tool("update-mime-database")
    data, program = tmp_path / "data", tmp_path / "my apps" / "voxdesk"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    other = data / "applications" / "other.desktop"  # another app's, installed before
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n")

    _install(data, "--exec", str(program))
    desktop = (data / "applications" / DESKTOP.name).read_text()
    assert _desktop_key(desktop, "Exec") == f'"{program}" %f'
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "voxdesk.svg").is_file()
    assert (data / "mime" / "packages" / "voxdesk.xml").is_file()
    scans = {"scan.nii.gz": "application/x-nifti-gzip", "scan.nii": "application/x-nifti",
             "x.npy": "application/x-npy", "m.voxmodel": "application/x-voxdesk-model",
             "p.voxproj": "application/x-voxdesk-project"}
    for name in scans:
        (tmp_path / name).write_bytes(b"\0" * 400)
    assert {name: _filetype(data, tmp_path / name) for name in scans} == scans
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(data / "applications" / DESKTOP.name)], check=True)

    _install(data, "--uninstall")
    left = sorted(str(p.relative_to(data)) for p in data.rglob("*"))
    assert left == ["applications", "applications/other.desktop"]


def test_uninstall_desktop_keeps_the_file_types_other_apps_installed(tmp_path):
    _tool("update-mime-database")
    data, program = tmp_path / "data", tmp_path / "voxdesk"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    theirs = data / "mime" / "packages" / "other.xml"
    theirs.parent.mkdir(parents=True)
    theirs.write_text('<?xml version="1.0"?>\n<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">'
                      '<mime-type type="application/x-other"><comment>Other</comment><glob pattern="*.zzother"/>'
                      '</mime-type></mime-info>\n')
    _install(data, "--exec", str(program))
    _install(data, "--uninstall")
    (tmp_path / "a.zzother").write_bytes(b"\0")
    (tmp_path / "scan.nii.gz").write_bytes(b"\x1f\x8b\x08\0")
    assert not (data / "mime" / "packages" / "voxdesk.xml").exists() and theirs.is_file()
    assert _filetype(data, tmp_path / "a.zzother") == "application/x-other"
    assert _filetype(data, tmp_path / "scan.nii.gz") != "application/x-nifti-gzip"
    assert not (data / "applications").exists() and not (data / "icons").exists()


# -- the frozen bundle (packaging/voxdesk.spec, make package; built and run by smoke-frozen.sh) ---
def test_the_pyinstaller_spec_parses_and_its_inputs_exist():
    spec = PACKAGING / "voxdesk.spec"
    tree = ast.parse(spec.read_text(), str(spec))
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert (PACKAGING / "frozen_main.py").is_file() and "frozen_main.py" in strings
    assert "resources" in strings and "screenshots" in strings  # resources/ from the source tree, not the README's
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"Analysis", "EXE", "COLLECT"} <= calls and "collect_data_files" not in calls
    names = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    assert {"voxdesk", "voxdesk-cli"} <= names
    ast.parse((PACKAGING / "frozen_main.py").read_text())
