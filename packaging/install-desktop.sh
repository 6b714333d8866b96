#!/usr/bin/env bash
# Desktop integration for the current user (make install-desktop / make uninstall-desktop):
# the launcher, the file types and the icon under $XDG_DATA_HOME (default ~/.local/share), so
# that VoxDesk is in the applications menu and double-clicking a scan opens it.
#
#   packaging/install-desktop.sh [--exec PROGRAM]   install; PROGRAM (default: the checkout's
#                                                   .venv/bin/voxdesk) is what the launcher runs
#   packaging/install-desktop.sh --uninstall        remove what install put
#
# Installs applications/io.github.voxdesk.voxdesk.desktop (Exec=PROGRAM %f),
# mime/packages/voxdesk.xml (then update-mime-database) and
# icons/hicolor/scalable/apps/voxdesk.svg; refreshes the icon and desktop caches when their
# tools exist. Uninstall removes those three files, refreshes the same caches, and removes a
# cache or folder only when nothing but what the caches generated is left in it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
APP_ID=io.github.voxdesk.voxdesk
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
DESKTOP=$DATA/applications/$APP_ID.desktop
MIME_PKG=$DATA/mime/packages/voxdesk.xml
ICON=$DATA/icons/hicolor/scalable/apps/voxdesk.svg

mode=install
program=$ROOT/.venv/bin/voxdesk
while [ $# -gt 0 ]; do
  case $1 in
    --uninstall) mode=uninstall ;;
    --exec) program=${2:?--exec needs a program}; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-desktop: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

have() { command -v "$1" >/dev/null 2>&1; }

# The Exec value: the program's absolute path, quoted as the Desktop Entry spec asks when it
# holds anything but plain path characters (then \ " ` $ are escaped, and every \ doubled once
# more because the value is itself an escaped string).
exec_value() {
  local p=$1
  if [[ $p =~ ^[A-Za-z0-9_./+-]+$ ]]; then
    printf '%s %%f' "$p"
  else
    p=${p//\\/\\\\}; p=${p//\"/\\\"}; p=${p//\`/\\\`}; p=${p//\$/\\\$}
    p=${p//\\/\\\\}
    printf '"%s" %%f' "$p"
  fi
}

refresh_caches() {
  if have update-mime-database && [ -d "$DATA/mime/packages" ]; then
    update-mime-database "$DATA/mime"
  fi
  if have gtk-update-icon-cache && [ -d "$DATA/icons/hicolor" ]; then
    gtk-update-icon-cache -q -f -t "$DATA/icons/hicolor" 2>/dev/null || true
  fi
  if have update-desktop-database && [ -d "$DATA/applications" ]; then
    update-desktop-database -q "$DATA/applications" 2>/dev/null || true
  fi
}

# The first file under $1 other than the icon cache, if any.
icons_in() {
  find "$1" -type f ! -name icon-theme.cache -print -quit 2>/dev/null
}

# Remove $1 and then its parents up to $DATA, as long as they are empty.
prune() {
  local d=$1
  while [ "$d" != "$DATA" ] && [ "${d#"$DATA"/}" != "$d" ] && rmdir "$d" 2>/dev/null; do
    d=$(dirname "$d")
  done
}

if [ "$mode" = install ]; then
  if [ ! -x "$program" ]; then
    echo "install-desktop: $program is not an executable (make venv, or pass --exec PROGRAM)" >&2
    exit 2
  fi
  program=$(cd "$(dirname "$program")" && pwd)/$(basename "$program")
  mkdir -p "$(dirname "$DESKTOP")" "$(dirname "$MIME_PKG")" "$(dirname "$ICON")"
  exec_line=$(exec_value "$program")
  while IFS= read -r line; do
    case $line in
      "# "*) ;;  # the source file's comments are for the repository
      Exec=*) printf 'Exec=%s\n' "$exec_line" ;;
      *) printf '%s\n' "$line" ;;
    esac
  done < "$HERE/$APP_ID.desktop" > "$DESKTOP.tmp"
  mv "$DESKTOP.tmp" "$DESKTOP"
  install -m 644 "$HERE/voxdesk-mime.xml" "$MIME_PKG"
  install -m 644 "$ROOT/resources/icons/voxdesk.svg" "$ICON"
  refresh_caches
  have update-mime-database || echo "install-desktop: update-mime-database not found (Debian: shared-mime-info); file types take effect once it runs"
  echo "install-desktop: installed $DESKTOP (Exec=$exec_line), $MIME_PKG, $ICON"
  exit 0
fi

rm -f "$DESKTOP" "$MIME_PKG" "$ICON"
refresh_caches
# What the cache tools generated, where nothing else is left, goes too.
if [ -d "$DATA/mime" ] && [ -z "$(find "$DATA/mime/packages" -type f -print -quit 2>/dev/null)" ]; then
  rm -rf "$DATA/mime"  # the user database is generated from mime/packages alone
fi
if [ -d "$DATA/icons/hicolor" ] && [ -z "$(icons_in "$DATA/icons/hicolor")" ]; then
  rm -f "$DATA/icons/hicolor/icon-theme.cache"
  find "$DATA/icons/hicolor" -depth -type d -empty -delete
  prune "$DATA/icons"
fi
cache=$DATA/applications/mimeinfo.cache
if [ -f "$cache" ] && ! grep -q = "$cache"; then
  rm -f "$cache"  # no application left here claims a file type
fi
prune "$DATA/applications"
prune "$(dirname "$ICON")"
prune "$(dirname "$MIME_PKG")"
echo "install-desktop: removed $DESKTOP, $MIME_PKG, $ICON"
