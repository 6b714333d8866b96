"""File > Save Project / Open Project: the window's state as an engine ``Project`` and back.

``collect(window)`` reads what is open (the scan and how it was addressed, the dataset, the
training settings, the Classify dock's model, the view and the dock arrangement);
``apply(window, project)`` opens it all again (each file in its own worker, as the menus do)
and says in one dialog which files the project names that are gone. ``ProjectActions``
owns the two menu actions and the unsaved-model question before saving.
"""
from __future__ import annotations

import base64
import os

from PySide6.QtCore import QByteArray, QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from voxdesk.engine.io.formats import PROJECT_SUFFIX, project_filter
from voxdesk.engine.project import Project, load_project, save_project
from voxdesk.engine.training.augment import AugmentConfig
from voxdesk.engine.training.config import TrainConfig
from voxdesk.gui.infra import settings
from voxdesk.gui.infra.actions import make_action
from voxdesk.gui.infra.errors import report_error, user_message
from voxdesk.gui.infra.i18n import translate


def collect(window) -> Project:
    """The project that reopens what ``window`` shows now."""
    state, training, classify = window.state, window.training, window.classify
    volume = None
    if state.volume is not None and window.opener.path:
        kw = getattr(window.opener, "_kwargs", {}) or {}
        volume = {"path": os.path.abspath(window.opener.path), "dataset": kw.get("dataset"), "index": kw.get("index")}
    dataset = getattr(training.dataset, "source", None) if training.dataset is not None else None
    try:
        config = training.train_panel.form._candidate().to_dict()
    except ValueError:  # a field cannot be read: keep the defaults rather than nothing
        config = TrainConfig().to_dict()
    for key in ("backup_dir", "workers", "worker_index"):
        config.pop(key, None)
    bundle = classify.bundle
    model = str(bundle.path) if bundle is not None and getattr(bundle, "path", None) else None
    view = {"layout": window.ortho.current_layout, "colormap": state.colormap, "radiological": state.radiological}
    if state.volume is not None:
        view.update(cursor=[int(v) for v in state.cursor], levels=[float(v) for v in state.levels])
        explanation = getattr(classify, "explanation", None)
        if state.overlay is not None and state.overlay.kind == "heat-map" and explanation is not None:
            view["heat_map"] = str(explanation.class_name)
    return Project(volume=volume, dataset=str(dataset) if dataset else None, training=config, model=model, view=view,
                   window_state=base64.b64encode(bytes(window.saveState())).decode("ascii"))


def apply_config(form, config: TrainConfig) -> None:
    """Show ``config`` in the training form (the form then validates it as if typed)."""
    i = form.model_combo.findData(config.model)
    if i >= 0:
        form.model_combo.setCurrentIndex(i)
    form.input_size.setText("x".join(map(str, config.input_size)) if config.input_size else "")
    spacing = config.target_spacing_mm
    form.spacing.setText((f"{spacing[0]:g}" if len(set(spacing)) == 1 else ",".join(f"{v:g}" for v in spacing))
                         if spacing else "")
    form.epochs.setValue(config.epochs or 0)
    form.batch_size.setValue(config.batch_size or 0)
    form.learning_rate.setText(f"{config.learning_rate:g}")
    form.val_fraction.setValue(config.val_fraction)
    i = form.normalization.findData(config.normalization)
    if i >= 0:
        form.normalization.setCurrentIndex(i)
    form.class_weights.setChecked(bool(config.class_weights))
    form.seed.setValue(int(config.seed))
    form.precision.setCurrentIndex(max(form.precision.findData(config.precision), 0))
    form.refer_target.setValue(100 * float(config.referral_target))
    form.left_right.setChecked(bool(config.left_right_matters))
    aug = config.augment
    mode = "auto" if aug == "auto" else ("on" if isinstance(aug, AugmentConfig) and aug.enabled else "off")
    form.augment_mode.setCurrentIndex(max(form.augment_mode.findData(mode), 0))
    if isinstance(aug, AugmentConfig):
        form.flips.setChecked(aug.flips)
        form.rot90.setChecked(aug.rot90)
        form.rotation.setValue(aug.rotation_deg)
        form.shift.setValue(aug.shift)
        form.intensity.setValue(aug.intensity)
        form.noise.setValue(aug.noise)


def apply(window, project: Project) -> None:
    """Open what ``project`` names in ``window``; one dialog lists the files that are gone."""
    if project.window_state:
        try:
            window.restoreState(QByteArray(base64.b64decode(project.window_state)))
        except ValueError:
            pass
    view = project.view
    if view.get("layout"):
        window.set_layout(view["layout"])
    if view.get("colormap"):
        window.state.set_colormap(view["colormap"])
    if "radiological" in view:
        window.act_radiological.setChecked(bool(view["radiological"]))
    if project.training is not None:
        apply_config(window.training.train_panel.form, project.train_config())
    gone = set(project.missing)
    if project.dataset and project.dataset not in gone:
        window.training.open_dataset(project.dataset)
    if project.model and project.model not in gone:
        window.classify.load_model(project.model)
    vol = project.volume or {}
    if vol.get("path") and vol["path"] not in gone:
        kwargs = {k: vol[k] for k in ("dataset", "index") if vol.get(k) is not None}
        _restore_view_after_open(window, view)
        window.open_path(vol["path"], **kwargs)
    if view.get("heat_map") and project.model and vol.get("path") and not gone & {project.model, vol["path"]}:
        _explain_when_ready(window, view["heat_map"])
    if gone:
        QMessageBox.warning(window, translate("Project", "Files not found"),
                            translate("Project", "The project names files that are not there (moved or deleted?):")
                            + "\n\n" + "\n".join(sorted(gone)))


def _restore_view_after_open(window, view: dict) -> None:
    def restore(_volume) -> None:
        window.opener.opened.disconnect(restore)
        if view.get("cursor") and len(view["cursor"]) == 3:
            window.state.set_cursor(tuple(int(v) for v in view["cursor"]))
        if view.get("levels") and len(view["levels"]) == 2:
            window.state.set_levels(*map(float, view["levels"]))

    window.opener.opened.connect(restore)  # after the window's own handler has shown the volume


def _explain_when_ready(window, class_name: str) -> None:
    """Compute the heat map again once both the scan and the model are in (each loads in its own
    worker, in either order): the project stores which class, never the map."""
    classify = window.classify

    def try_explain(*_args) -> None:
        if window.state.volume is None or classify.bundle is None or classify.busy:
            return
        for signal, slot in connections:
            signal.disconnect(slot)
        names = list(classify.bundle.class_names)
        classify.explain(class_name if class_name in names else None)

    connections = [(window.opener.opened, try_explain), (classify.idle, try_explain)]
    for signal, slot in connections:
        signal.connect(slot)


class ProjectActions(QObject):
    """File > Save Project… and Open Project…, and opening a ``.voxproj`` from anywhere."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.save_action = make_action(window,
            translate("Project", "Save &Project…"), self.save, "Ctrl+S", "saveProjectAction")
        self.save_action.setToolTip(translate("Project", "The open scan, dataset, training settings, model and layout, "
                                              "as relative paths"))
        self.open_action = make_action(window,
            translate("Project", "Open Pro&ject…"), self.open, None, "openProjectAction")

    def open(self, path: str | None = None) -> Project | None:
        w = self.window
        if not path:
            path, _ = QFileDialog.getOpenFileName(w,
                translate("Project", "Open Project"), settings.last_folder(), project_filter())
            if not path:
                return None
        if w.training.is_training:
            report_error(w, translate("Project", "Training in progress"),
                         translate("Project", "Stop training before opening a project."))
            return None
        if not w.training.keep_model("opening a project", lambda: self.open(path)):
            return None
        try:
            project = load_project(path)
        except Exception as exc:  # a damaged project is a dialog
            report_error(w, translate("Project", "Cannot open the project"), user_message(exc))
            return None
        apply(w, project)
        self._remember(path)
        w.statusBar().showMessage(
            translate("Project", "Opened project {name}").format(name=os.path.basename(path)), 10000)
        return project

    def save(self, path: str | None = None) -> str | None:
        w = self.window
        ctl = w.training
        if ctl.has_unsaved_model and ctl.bundle is w.classify.bundle:
            # the project can only name a saved model: Save writes it first, then the project
            if not ctl.keep_model("saving the project", lambda: self.save(path)):
                return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(w,
                translate("Project", "Save Project"), os.path.join(settings.last_folder(),
                                                  "project" + PROJECT_SUFFIX), project_filter())
            if not path:
                return None
        try:
            written = save_project(collect(w), path)
        except Exception as exc:  # a failed write is a dialog
            report_error(w, translate("Project", "Cannot save the project"), user_message(exc))
            return None
        self._remember(str(written))
        w.statusBar().showMessage(translate("Project", "Project saved to {path}").format(path=written), 15000)
        return str(written)

    def _remember(self, path: str) -> None:
        if self.window.persist_settings:
            settings.add_recent_file(os.path.abspath(path))
