"""The session's settings for toolkits that need asking: Java's ATK bridge and Qt 6's bus address."""

from pathlib import Path

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
