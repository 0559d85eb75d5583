from __future__ import annotations

from shopdesk.services.uistate import UiState, load_ui_state, save_ui_state, state_path


def test_round_trip_and_defaults(tmp_path):
    assert load_ui_state(tmp_path) == UiState()
    save_ui_state(tmp_path, UiState(theme="shopdesk-dark", language="en"))
    assert load_ui_state(tmp_path) == UiState("shopdesk-dark", "en")


def test_a_damaged_file_means_defaults(tmp_path):
    state_path(tmp_path).write_text("{not json", encoding="utf-8")
    assert load_ui_state(tmp_path) == UiState()
    state_path(tmp_path).write_text('{"theme": 3, "language": "fr"}', encoding="utf-8")
    assert load_ui_state(tmp_path) == UiState()


def test_the_export_folder_is_kept_and_a_bad_one_ignored(tmp_path):
    save_ui_state(tmp_path, UiState(export_folder="/media/anna/KINGSTON"))
    assert load_ui_state(tmp_path).export_folder == "/media/anna/KINGSTON"
    state_path(tmp_path).write_text('{"export_folder": ["x"]}', encoding="utf-8")
    assert load_ui_state(tmp_path).export_folder == ""
