#!/usr/bin/env bash
# Installs the Debian packages VoxDesk's GUI and tests need, when missing.
# Qt's xcb platform plugin and pyqtgraph's OpenGL view need these at run time; Xvfb gives
# CI (no display) a real X server with GLX so OpenGL tests can run. The desktop-integration
# tests (tests/test_packaging.py) validate with desktop-file-utils and appstream, and build and
# query a MIME database with shared-mime-info and libfile-mimeinfo-perl (`mimetype`);
# packaging/smoke-frozen.sh finds the frozen app's window with x11-utils (xwininfo, xprop).
# fonts-nanum: Hangul for the Korean interface and its screenshots (10 MB download, 33 MB
# installed; fonts-noto-cjk is 57/91 MB).
set -uo pipefail
PKGS=(xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
      libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxkbcommon0 libxcb-cursor0
      libxcb-shape0 libxcb-randr0 libegl1 libgl1 libglx-mesa0 libgl1-mesa-dri
      libfontconfig1 libdbus-1-3 fonts-nanum
      desktop-file-utils appstream shared-mime-info libfile-mimeinfo-perl x11-utils)
command -v dpkg-query >/dev/null 2>&1 || { echo "sysdeps: not a Debian system; install Xvfb and the xcb/GL runtime yourself"; exit 0; }
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "sysdeps: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  exit 0
fi
echo "sysdeps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
