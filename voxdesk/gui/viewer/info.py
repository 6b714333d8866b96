"""What the open volume is: name, shape, type, spacing, orientation, range and warnings."""
from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from voxdesk.gui.infra.i18n import translate

META_ROWS = {"dataset": QT_TRANSLATE_NOOP("Info", "Dataset"), "sample_index": QT_TRANSLATE_NOOP("Info", "Sample index"),
             "n_samples": QT_TRANSLATE_NOOP("Info", "N samples"),
             "volume_index": QT_TRANSLATE_NOOP("Info", "Volume index"),
             "n_volumes": QT_TRANSLATE_NOOP("Info", "N volumes")}


def describe(volume) -> str:
    if volume is None:
        return "<i>{}</i>".format(translate("Info", "No volume open."))
    lo, hi = volume.value_range
    orient = "".join(volume.axcodes)
    if not volume.orientation_known:
        orient += translate("Info", " (assumed: the file stores no orientation)")
    rows = [
        (translate("Info", "Name"), volume.name or translate("Info", "(unnamed)")),
        (translate("Info", "Source"), volume.source),
        (translate("Info", "Shape"), " x ".join(str(n) for n in volume.shape)),
        (translate("Info", "Type"), str(volume.dtype)),
        (translate("Info", "Spacing"), " x ".join(f"{s:.4g}" for s in volume.spacing) + " mm"),
        (translate("Info", "Orientation"), orient),
        (translate("Info", "Range"), f"{lo:.6g} .. {hi:.6g}"),
    ]
    for key, label in META_ROWS.items():
        if key in volume.meta:
            rows.append((translate("Info", label), str(volume.meta[key])))
    def breakable(text: str) -> str:  # long paths wrap at / and _
        return html.escape(text).replace("/", "/\u200b").replace("_", "_\u200b")

    body = "".join(f"<tr><td style='color:#999;padding-right:8px'>{html.escape(k)}</td>"
                   f"<td>{breakable(str(v))}</td></tr>" for k, v in rows)
    text = f"<table>{body}</table>"
    if volume.warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in volume.warnings)
        warnings = translate("Info", "Warnings")
        text += f"<p style='color:#e8b04a'><b>{warnings}</b></p><ul style='color:#e8b04a'>{items}</ul>"
    return text


class InfoPanel(QScrollArea):
    """objectName ``infoPanel``."""

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("infoPanel")
        self.setWidgetResizable(True)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        self.label = QLabel(describe(None))
        self.label.setObjectName("volumeInfo")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.label)
        layout.addStretch(1)
        self.setWidget(inner)
        state.volume_changed.connect(lambda v: self.label.setText(describe(v)))
