"""What keeps two runs of an application the same bytes without running one: the files an application
writes dated back at the fixed clock, and the settings each toolkit or application reads from the
session's HOME (pure: files in a temporary folder)."""

from __future__ import annotations

import os
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from transforms.capture.desktop.isolation import own_and_date, redate
from transforms.capture.desktop.settings import JEDIT_PROPERTIES, write_settings

CLOCK = datetime(2025, 1, 1, tzinfo=UTC)
JEDIT_JAR = Path("/usr/share/jedit/jedit.jar")


def times(home: Path) -> set[float]:
    return {p.lstat().st_mtime for p in home.rglob("*")}


def test_what_an_application_saves_is_dated_back_at_the_fixed_clock(tmp_path):
    """The kernel dates a write by the real clock: a file chooser listed gnome-text-editor's document,
    saved by an earlier state, at the time of the run (19:55 in one run, 20:00 in the next)."""
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    (home / "docs" / "notes.txt").write_text("a sample document\n")
    own_and_date(home, None, CLOCK)
    assert times(home) == {CLOCK.timestamp()}

    (home / "docs" / "notes.txt").write_text("saved by the application\n")  # its own mtime: now
    (home / ".cache").mkdir()  # a new folder, and the new entry changes home's own time
    (home / ".cache" / "state").write_text("x")
    assert len(times(home)) > 1

    assert redate(home, CLOCK) == 3  # notes.txt, .cache and its file
    assert times(home) == {CLOCK.timestamp()}
    assert redate(home, CLOCK) == 0  # nothing new: nothing touched
    assert redate(home, None) == 0  # the real clock: files keep their real times


def test_a_link_is_dated_itself_not_what_it_points_to(tmp_path):
    home, outside = tmp_path / "home", tmp_path / "outside.txt"
    home.mkdir()
    outside.write_text("not the session's")
    before = outside.stat().st_mtime
    os.symlink(outside, home / "link")
    assert redate(home, CLOCK) == 1
    assert outside.stat().st_mtime == before
    assert (home / "link").lstat().st_mtime == CLOCK.timestamp()


def test_every_toolkit_and_application_setting_is_where_it_is_read(tmp_path):
    write_settings(tmp_path)
    assert "gtk-cursor-blink=false" in (tmp_path / ".config/gtk-3.0/settings.ini").read_text()
    assert "gtk-cursor-blink=false" in (tmp_path / ".config/gtk-4.0/settings.ini").read_text()
    for version in ("3.0", "4.0"):  # a scrollbar that fades out on a timer is drawn or not by timing
        assert "gtk-overlay-scrolling=false" in (tmp_path / f".config/gtk-{version}/settings.ini").read_text()
    assert re.search(r"^gtk-cursor-blink = 0$", (tmp_path / ".gtkrc-2.0").read_text(), re.M)
    assert "cursor_flash_time=0" in (tmp_path / ".config/qt5ct/qt5ct.conf").read_text()
    assert "net_auto_reconnect = 0" in (tmp_path / ".config/hexchat/hexchat.conf").read_text()
    assert (tmp_path / ".jedit/properties").read_text() == JEDIT_PROPERTIES
    assert (
        'UIManager.put("TextField.caretBlinkRate", new Integer(0));'
        in (tmp_path / ".jedit/startup/steady-carets.bsh").read_text()
    )


def _status_widgets(line: str) -> list[str]:
    return line.split("=", 1)[1].split()


@pytest.mark.skipif(not JEDIT_JAR.exists(), reason="jEdit is not installed")
def test_jedits_status_bar_is_its_default_less_its_live_widgets():
    """The memory gauge and the clock drew a different figure on every run; nothing else is taken out."""
    with zipfile.ZipFile(JEDIT_JAR) as jar:
        props = jar.read("org/gjt/sp/jedit/jedit_gui.props").decode("latin-1")
    default = next(line for line in props.splitlines() if line.startswith("view.status="))
    ours = next(line for line in JEDIT_PROPERTIES.splitlines() if line.startswith("view.status="))
    kept = [w for w in _status_widgets(default) if w not in ("memory-status", "clock")]
    assert kept == _status_widgets(ours)
    assert "memory-status" in _status_widgets(default)
