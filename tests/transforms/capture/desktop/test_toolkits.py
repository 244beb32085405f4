"""The session and the explorer for toolkits that need asking: Java's ATK bridge, Qt 6's bus address and its
top-level widgets."""

from pathlib import Path

from transforms.capture.desktop.explore import Explorer
from transforms.capture.desktop.settings import APP_UNSET, java_options


def test_java_options_load_the_atk_bridge_only_where_it_is_installed(tmp_path):
    jar = tmp_path / "java-atk-wrapper.jar"
    home = Path("/tmp/session/home")
    without = java_options(home, jar)
    assert without == "-Duser.home=/tmp/session/home"  # naming a missing bridge would end every Swing app
    jar.write_bytes(b"PK")
    with_jar = java_options(home, jar).split()
    assert with_jar[0] == "-Duser.home=/tmp/session/home"
    assert f"-Xbootclasspath/a:{jar}" in with_jar
    assert "-Djavax.accessibility.assistive_technologies=org.GNOME.Accessibility.AtkWrapper" in with_jar


def test_applications_find_the_accessibility_bus_themselves():
    # Qt 6.4 never registers when it is handed the address (issue 22, qt6ct)
    assert "AT_SPI_BUS_ADDRESS" in APP_UNSET


def _node(path, role, name, box, states, parent):
    return {"path": path, "role": role, "name": name, "box": box, "states": states, "parent": parent}


def test_a_qt_top_level_widget_that_is_a_filler_is_a_window():
    # qt6ct's main window as Qt 6 reports it (a plain QWidget, no QMainWindow): before, no window was
    # found in its tree and the capture ended in no_atspi after the start timeout
    shown = ["enabled", "showing", "visible"]
    nodes = [
        _node("application[0]", "application", "qt6ct", [0, 0, 0, 0], shown, -1),
        _node("application[0]/filler[0]", "filler", "Qt6 Configuration Tool", [0, 19, 1280, 781], shown, 0),
        _node("application[0]/filler[0]/frame[0]", "frame", "", [0, 0, 0, 0], ["enabled"], 1),
        _node("application[0]/filler[1]", "filler", "", [0, 0, 0, 0], ["enabled"], 0),  # not showing
    ]
    assert Explorer.top_windows(None, nodes) == [1]
