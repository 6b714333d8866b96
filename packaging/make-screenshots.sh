#!/usr/bin/env bash
# Regenerates the README's screenshots with the app itself: `make screenshots` (runs under
# Xvfb). Trains a model on the built-in demo data with the default recipe on the way.
set -euo pipefail
VENV=${1:-.venv}
CLI="$VENV/bin/voxdesk-cli"
OUT=resources/screenshots
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

SAMPLE=$("$VENV/bin/python" -c "from voxdesk.engine.demo.store import ensure_demo_data; print(ensure_demo_data('$WORK/demo').sample_volume)")
MNI=$("$VENV/bin/python" -c "import glob, os, nilearn; print(glob.glob(os.path.join(os.path.dirname(nilearn.__file__), 'datasets/data/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz'))[0])")

"$CLI" screenshot "$MNI" "$OUT/viewer-mni152.png" --size 1500x950
"$CLI" screenshot "$SAMPLE" "$OUT/viewer-demo-ct.png" --size 1500x950 --preset "CT soft tissue"
"$CLI" screenshot "$SAMPLE" "$OUT/main-ko.png" --size 1400x900 --preset "CT soft tissue" --language ko
"$CLI" demo --out "$WORK/bench" --n-per-class 1 --benchmark-3dmnist "$WORK/digits.h5" --n-train 4000 --n-test 1000 >/dev/null
"$CLI" screenshot "$WORK/digits.h5:/X_train" "$OUT/training.png" --size 1500x950 --index 7 --train "$WORK/digits.h5" --epochs 6
"$CLI" train "$WORK/demo/demo.h5" --out "$WORK/demo.voxmodel"
"$CLI" screenshot "$SAMPLE" "$OUT/classify.png" --size 1500x950 --preset "CT soft tissue" \
    --model "$WORK/demo.voxmodel" --explain
# labelling: 24 unlabelled test phantoms, 14 labelled (their true class), the rest ranked by the demo model
"$VENV/bin/python" - "$WORK" <<'PY'
import glob, random, shutil, sys
from pathlib import Path
from voxdesk.engine.datasets.labelling import LabellingSession
work = Path(sys.argv[1]); out = work / "unlabelled"; out.mkdir()
files = sorted(glob.glob(str(work / "demo" / "nifti" / "test" / "*" / "*.nii.gz")))
random.Random(0).shuffle(files)
truth = {}
for f in files[:24]:
    shutil.copy(f, out / Path(f).name); truth[Path(f).name] = Path(f).parent.name
s = LabellingSession.start(out, classes=["cyst", "normal", "tumour"])
for i in range(14):
    s.assign(i, truth[Path(s.cases[i].path).name])
s.mark_unsure(14)
PY
"$CLI" screenshot "$SAMPLE" "$OUT/labelling.png" --size 1400x900 --label "$WORK/unlabelled" --model "$WORK/demo.voxmodel"
echo "screenshots written to $OUT"
