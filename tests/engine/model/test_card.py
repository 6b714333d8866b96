"""The model card's own words: set in a saved bundle atomically, shown everywhere, checked."""
from __future__ import annotations

import shutil

import pytest

from voxdesk.cli import main
from voxdesk.engine.errors import ModelError
from voxdesk.engine.model.bundle import load_bundle, read_metadata
from voxdesk.engine.model.card import MAX_CHARS, card_of, set_card, write_card


def test_write_card_keeps_the_model_and_the_rest_of_the_metadata(tiny, tmp_path):
    path = shutil.copy(tiny.path, tmp_path / "m.voxmodel")
    before = read_metadata(path)
    card = write_card(path, {"intended_use": "Research on liver phantoms only.\nNot for diagnosis.",
                             "author": "Dr. Kim 김"})
    assert card == {"intended_use": "Research on liver phantoms only.\nNot for diagnosis.", "author": "Dr. Kim 김"}
    after = load_bundle(path)  # still a loadable bundle
    assert card_of(after.metadata) == card
    assert {k: v for k, v in after.metadata.items() if k != "card"} == before
    assert write_card(path, {"author": ""}) == {"intended_use": card["intended_use"]}  # empty removes
    assert list(tmp_path.iterdir()) == [tmp_path / "m.voxmodel"]  # no temp files left


@pytest.mark.parametrize("fields, words", [
    ({"colour": "x"}, "unknown card field"),
    ({"author": 5}, "must be text"),
    ({"limitations": "x" * (MAX_CHARS + 1)}, "longer than"),
])
def test_bad_card_fields_are_refused(fields, words):
    with pytest.raises(ModelError, match=words):
        set_card({}, fields)


def test_cli_card_sets_and_shows(tiny, tmp_path, capsys):
    path = shutil.copy(tiny.path, tmp_path / "m.voxmodel")
    assert main(["card", str(path), "--license", "CC-BY-4.0", "--limitations", "Phantoms, 16^3"]) == 0
    out = capsys.readouterr().out
    assert "Licence: CC-BY-4.0" in out and "Limitations: Phantoms, 16^3" in out and "Author: (not given)" in out
    assert main(["card", str(path)]) == 0 and "Licence: CC-BY-4.0" in capsys.readouterr().out
    assert main(["card", str(tmp_path / "missing.voxmodel"), "--author", "x"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
