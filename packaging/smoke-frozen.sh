#!/usr/bin/env bash
# Smoke test of the frozen app (`make package` -> dist/voxdesk): make smoke-frozen, or
#   packaging/smoke-frozen.sh [DIST]        (default dist/voxdesk)
# Runs the bundle's executables under Xvfb with an emptied environment (no PATH, no
# PYTHONPATH, a fresh HOME): the bundle must need no Python. Steps: --version of both
# executables, a tiny demo dataset, a 1-epoch training, a classification, the GUI opening a
# scan as a double-click would, and screenshots of the main window with a sample opened (plain,
# then classified by the trained model with its Grad-CAM heat map). Each step's exit code is
# checked, and each PNG must be a real screenshot (not blank). Prints the time of every step;
# exit 0 when all pass. VOXDESK_SMOKE_KEEP=DIR keeps each step's output and the PNGs.
set -euo pipefail
DIST=$(cd "${1:-dist/voxdesk}" 2>/dev/null && pwd) || { echo "smoke-frozen: no ${1:-dist/voxdesk} (make package first)" >&2; exit 2; }
[ -x "$DIST/voxdesk-cli" ] && [ -x "$DIST/voxdesk" ] || { echo "smoke-frozen: $DIST lacks voxdesk / voxdesk-cli" >&2; exit 2; }

if [ -z "${DISPLAY:-}" ]; then  # a display of its own
  command -v xvfb-run >/dev/null || { echo "smoke-frozen: needs xvfb-run (make sysdeps)" >&2; exit 2; }
  exec xvfb-run -a -s "-screen 0 1600x1000x24 +extension GLX" bash "$0" "$DIST"
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/run" && chmod 700 "$T/run"
start=$(date +%s.%N)

# The executable with nothing of this machine's Python setup: only the display and a fresh HOME.
ENVIRONMENT=(PATH=/nonexistent HOME="$T/home" XDG_RUNTIME_DIR="$T/run" LANG=C.UTF-8
             DISPLAY="$DISPLAY" ${XAUTHORITY:+XAUTHORITY="$XAUTHORITY"} QT_QPA_PLATFORM=xcb)
frozen() {
  env -i "${ENVIRONMENT[@]}" "$@"
}

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

step() {  # step NAME COMMAND...: run it, time it, stop on failure with its output
  local name=$1 t0 rc=0; shift
  t0=$(date +%s.%N)
  frozen "$@" >"$T/out" 2>&1 || rc=$?
  [ -z "${VOXDESK_SMOKE_KEEP:-}" ] || cp "$T/out" "$VOXDESK_SMOKE_KEEP/$name.log"
  printf '%-12s %6s s  rc=%d\n' "$name" "$(elapsed "$t0")" "$rc"
  if [ $rc -ne 0 ]; then
    echo "smoke-frozen: '$name' failed: $*" >&2
    tail -n 40 "$T/out" >&2
    exit 1
  fi
}

# A screenshot, not a blank window: a PNG of the asked size, and far larger than a PNG of one
# flat colour at that size (a few kB) would be.
check_png() {
  local png=$1 w=$2 h=$3 size
  [ -s "$png" ] || { echo "smoke-frozen: no $png" >&2; exit 1; }
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || { echo "smoke-frozen: $png is not a PNG" >&2; exit 1; }
  local dims
  dims=$(od -An -tu1 -j16 -N8 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
  [ "$dims" = "${w}x${h}" ] || { echo "smoke-frozen: $png is $dims, not ${w}x${h}" >&2; exit 1; }
  size=$(stat -c %s "$png")
  [ "$size" -gt 40000 ] || { echo "smoke-frozen: $png is only $size bytes: a blank window?" >&2; exit 1; }
  echo "             $(basename "$png"): ${dims}, $((size / 1024)) kB"
}

step version "$DIST/voxdesk-cli" --version
grep -q '^voxdesk [0-9]' "$T/out" || { echo "smoke-frozen: --version printed: $(cat "$T/out")" >&2; exit 1; }
step gui-version "$DIST/voxdesk" --version
step demo "$DIST/voxdesk-cli" demo --out "$T/demo" --n-per-class 4 --size 16
step train "$DIST/voxdesk-cli" train "$T/demo/demo.h5" --out "$T/model.voxmodel" --epochs 1
step classify "$DIST/voxdesk-cli" classify "$T/model.voxmodel" "$T/demo/nifti/test" --csv "$T/classes.csv" --quiet
[ "$(wc -l < "$T/classes.csv")" -eq 4 ] || { echo "smoke-frozen: expected 3 rows in the CSV:" >&2; cat "$T/classes.csv" >&2; exit 1; }
sample=$(ls "$T"/demo/nifti/test/tumour/*.nii.gz | head -n 1)
# What a double-click in a file manager runs (Exec=voxdesk %f): the window shows, titled by the scan.
if command -v xwininfo >/dev/null && command -v xprop >/dev/null; then
  t0=$(date +%s.%N)
  env -i "${ENVIRONMENT[@]}" "$DIST/voxdesk" "$sample" >"$T/gui.out" 2>&1 &
  gui=$!  # env execs the app: this is its process
  title="$(basename "$sample") - VoxDesk" wid=
  for _ in $(seq 240); do
    wid=$(xwininfo -root -tree 2>/dev/null | awk -v t="\"$title\"" 'index($0, t) { print $1; exit }')
    [ -n "$wid" ] && break
    kill -0 $gui 2>/dev/null || break
    sleep 0.5
  done
  class=$( [ -n "$wid" ] && xprop -id "$wid" WM_CLASS 2>/dev/null || true)
  kill $gui 2>/dev/null || true
  wait $gui 2>/dev/null || true
  printf '%-12s %6s s  %s\n' gui-open "$(elapsed "$t0")" "${class:-no window}"
  [ -n "$wid" ] || { echo "smoke-frozen: no window titled '$title' within 120 s" >&2; tail -n 40 "$T/gui.out" >&2; exit 1; }
  [[ $class == *'"voxdesk"'* ]] || { echo "smoke-frozen: WM_CLASS is not voxdesk (the .desktop's StartupWMClass)" >&2; exit 1; }
else
  echo "gui-open     skipped (no xwininfo/xprop: Debian x11-utils)"
fi
step screenshot "$DIST/voxdesk-cli" screenshot "$sample" "$T/window.png" --size 1400x900
check_png "$T/window.png" 1400 900
step shot+model "$DIST/voxdesk-cli" screenshot "$sample" "$T/classified.png" --size 1400x900 --model "$T/model.voxmodel" --explain
check_png "$T/classified.png" 1400 900
[ -z "${VOXDESK_SMOKE_KEEP:-}" ] || cp "$T"/*.png "$VOXDESK_SMOKE_KEEP"/
echo "smoke-frozen: all steps passed in $(elapsed "$start") s ($DIST)"
