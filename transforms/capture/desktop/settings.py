"""What a desktop session is configured with, as text: its D-Bus bus, window manager, GTK and Qt settings
and the environment every process of the session sees (session.py writes them into the session's HOME)."""

from pathlib import Path

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={runtime}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow user="{user}"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
# Application windows open maximised, as a person works; dialogs keep their own size. No key or mouse
# bindings: the window manager takes no input meant for the application.
OPENBOX_RC = """<?xml version="1.0" encoding="UTF-8"?>
<openbox_config xmlns="http://openbox.org/3.4/rc">
  <focus><focusNew>yes</focusNew></focus>
  <placement><policy>Smart</policy><center>yes</center><monitor>Primary</monitor></placement>
  <applications><application class="*" type="normal"><maximized>yes</maximized></application></applications>
</openbox_config>
"""
# Scrollbars always drawn: GTK's overlay scrollbars show when a list is mapped or scrolled and fade out
# on a timer, so whether a state showed one was timing (Writer's Character dialog, its font list).
GTK_SETTINGS = (
    "[Settings]\ngtk-cursor-blink=false\ngtk-enable-animations=false\ngtk-overlay-scrolling=false\n"
)
# GTK 2 reads neither settings.ini nor GSettings: its settings come from ~/.gtkrc-2.0 (HexChat's caret
# blinked, and two runs differed where it stood).
GTK2_RC = "gtk-cursor-blink = 0\ngtk-enable-animations = 0\n"
# jEdit's status bar, as its default has it, less its live widgets: the JVM's memory gauge ("14/232MB",
# a different figure on every run) and the clock; and its caret steady (Swing's caret is jEdit's own,
# blinking unless told not to), and no "Input/output complete" in the status bar after a file is read
# (jEdit clears it on a timer of its own: whether a state still showed it was timing). Written to
# ~/.jedit/properties; without a `firstTime` line jEdit still starts as at a first start.
JEDIT_PROPERTIES = (
    "view.caretBlink=false\n"
    "view.status.io.done=\n"
    "view.status=( mode , fold , encoding ) locked wrap multiSelect rectSelect overwrite lineSep "
    "buffersets task-monitor errors\n"
)
# Qt 5 takes its caret's blinking from the platform theme only: qt5ct's, with a flash time of 0, keeps the
# caret steady (a blinking caret gave two runs different bytes).
# Everything else as Qt's own default theme has it (its fonts, no underlined shortcuts).
QT5CT_SETTINGS = (
    "[Interface]\ncursor_flash_time=0\nunderline_shortcut=0\n"
    '[Fonts]\ngeneral="Sans Serif,9,-1,5,50,0,0,0,0,0"\nfixed="Monospace,9,-1,5,50,0,0,0,0,0"\n'
)
# Swing's own text fields (jEdit's dialogs: the Open… dialog's file name) blink at their look and feel's
# rate, which no Java option sets: a BeanShell script jEdit runs at start sets it to 0 (steady) for
# every kind of Swing text component, before any is made.
JEDIT_STARTUP = "".join(
    f'javax.swing.UIManager.put("{kind}.caretBlinkRate", new Integer(0));\n'
    for kind in ("TextField", "FormattedTextField", "PasswordField", "TextArea", "TextPane", "EditorPane")
)
# HexChat, in a session without network, cycles through its servers on a timer ("Cycling to next
# server", "Unknown host" again every few seconds): how many of those lines its log shows depended on how
# long the run took. It tries once.
HEXCHAT_CONF = "net_auto_reconnect = 0\nnet_auto_reconnectonfail = 0\n"


def write_settings(home: Path) -> None:
    """Each toolkit's settings, and those of the applications that would otherwise draw something live,
    where each reads them, into the session's HOME."""
    files = {
        ".config/gtk-3.0/settings.ini": GTK_SETTINGS,
        ".config/gtk-4.0/settings.ini": GTK_SETTINGS,
        ".gtkrc-2.0": GTK2_RC,
        ".config/qt5ct/qt5ct.conf": QT5CT_SETTINGS,
        ".jedit/properties": JEDIT_PROPERTIES,
        ".jedit/startup/steady-carets.bsh": JEDIT_STARTUP,
        ".config/hexchat/hexchat.conf": HEXCHAT_CONF,
    }
    for name, text in files.items():
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_text(text)


# What every process of the session sees: accessibility on for GTK, Qt and LibreOffice, no portals,
# no dconf, one device pixel per pixel.
SESSION_ENV = {
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "TZ": "UTC",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "GTK_MODULES": "gail:atk-bridge",
    "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
    "QT_ACCESSIBILITY": "1",
    "GTK_USE_PORTAL": "0",
    "GSETTINGS_BACKEND": "memory",
    "SAL_USE_VCLPLUGIN": "gtk3",
    "GDK_SCALE": "1",
    "GDK_DPI_SCALE": "1",
    "QT_SCALE_FACTOR": "1",
    "QT_AUTO_SCREEN_SCALE_FACTOR": "0",
    "QT_QPA_PLATFORM": "xcb",
    "QT_QPA_PLATFORMTHEME": "qt5ct",
    "GDK_BACKEND": "x11",
    "LIBGL_ALWAYS_SOFTWARE": "1",
    "NO_AT_BRIDGE": "0",
    "GTK_A11Y": "atspi",
    "GTK_OVERLAY_SCROLLING": "0",  # GTK 3's own switch, besides its setting (GTK_SETTINGS)
}

# Java Swing exposes its tree through the ATK bridge (Debian's libatk-wrapper-java and -jni), which Java
# loads only when asked to: the jar on the boot class path and named as the assistive technology. Java
# takes its home from the password database (`/nonexistent` for nobody), not from HOME: jEdit then
# failed to start, so the session's HOME is passed as `user.home`.
ATK_WRAPPER_JAR = Path("/usr/share/java/java-atk-wrapper.jar")


def java_options(home: Path, jar: Path = ATK_WRAPPER_JAR) -> str:
    """JAVA_TOOL_OPTIONS of the session: its HOME, and the ATK bridge where it is installed (naming an
    assistive technology Java cannot load makes every Swing application exit at start)."""
    options = [f"-Duser.home={home}"]
    if jar.exists():
        options += [
            f"-Xbootclasspath/a:{jar}",
            "-Djavax.accessibility.assistive_technologies=org.GNOME.Accessibility.AtkWrapper",
        ]
    return " ".join(options)


# Not passed to the applications: Qt 6.4's bridge connects to the address this variable gives while it
# is being built and announces the bus before it listens for that, so the application never registers
# (qt6ct: connected, `Hello`, nothing more). Without it, Qt asks the session bus for the address as Qt 5
# does; GTK, Java's bridge and LibreOffice find it there or on the root window (AT_SPI_BUS). The tree
# reader keeps it.
APP_UNSET = ("AT_SPI_BUS_ADDRESS",)
