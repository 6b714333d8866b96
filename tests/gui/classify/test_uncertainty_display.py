"""A per-case uncertainty reads as "confidence ± spread" in the Classify result and the batch table."""
from __future__ import annotations

from PySide6.QtCore import Qt

from voxdesk.engine.inference.classify import Prediction, Row


def _prediction(spread, method):
    return Prediction(class_name="tumour", class_index=1, confidence=0.912, probabilities={"normal": 0.088,
                      "tumour": 0.912}, uncertainty=spread, uncertainty_method=method)


def test_the_result_and_the_batch_table_show_the_spread(qtbot):
    from voxdesk.gui.classify.batch_panel import CONFIDENCE, BatchTableModel
    from voxdesk.gui.classify.panel import ClassifyPanel
    from voxdesk.gui.state import ViewerState

    panel = ClassifyPanel(ViewerState())
    qtbot.addWidget(panel)
    panel.show_prediction(_prediction(0.031, "mc"))
    assert "91.2% ± 3.1% confidence" in panel.top.text()
    assert "Monte-Carlo dropout" in panel.top.toolTip()
    panel.show_prediction(_prediction(None, "none"))  # a single pass: no spread, no tooltip
    assert "91.2% confidence" in panel.top.text() and "±" not in panel.top.text() and panel.top.toolTip() == ""
    model = BatchTableModel()
    model.add([Row(source="a.nii.gz", prediction=_prediction(0.05, "tta")),
               Row(source="b.nii.gz", prediction=_prediction(None, "none"))])
    assert model.data(model.index(0, CONFIDENCE)) == "91.2% ± 5.0%"
    assert "test-time augmentation" in model.data(model.index(0, CONFIDENCE), Qt.ToolTipRole)
    assert model.data(model.index(1, CONFIDENCE)) == "91.2%"


def test_the_csv_has_the_uncertainty_column():
    from voxdesk.engine.inference.report import csv_header, csv_row

    header = csv_header(["normal", "tumour"])
    cells = dict(zip(header, csv_row(Row(source="a.nii.gz", prediction=_prediction(0.05, "mc")), ["normal", "tumour"],
                                     "m")))
    assert header[3:6] == ["confidence", "uncertainty", "refer"] and cells["uncertainty"] == "0.050000"
    cells = dict(zip(header, csv_row(Row(source="a.nii.gz", prediction=_prediction(None, "none")),
                                     ["normal", "tumour"], "m")))
    assert cells["uncertainty"] == ""
