"""Starting the client with the system: where each system looks for it.

Whether Besedka starts when the user logs in is kept where the system
reads it, not in our settings, so that the answer is always what will
happen: on Windows the ``Besedka`` value of the user's ``Run`` key in the
registry, elsewhere an XDG autostart entry,
``$XDG_CONFIG_HOME/autostart/besedka.desktop`` (GNOME, KDE, Xfce and the
others read it).  The command is the program that runs now: the frozen
``Besedka`` executable, or this Python with ``-m client_gui``.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Final

__all__ = ["AUTOSTART_NAME", "autostart_command", "autostart_entry", "is_enabled",
           "set_enabled"]

AUTOSTART_NAME: Final = "Besedka"
_RUN_KEY: Final = r"Software\Microsoft\Windows\CurrentVersion\Run"


def autostart_command() -> list[str]:
    """The command line that starts this client."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    executable = sys.executable
    if sys.platform == "win32":
        # pythonw.exe: no console window opens at login.
        windowed = Path(executable).with_name("pythonw.exe")
        executable = str(windowed) if windowed.exists() else executable
    return [executable, "-m", "client_gui"]


def autostart_entry() -> Path:
    """Where the XDG autostart entry goes (``~/.config/autostart`` by default)."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / "besedka.desktop"


def _desktop_entry(command: list[str]) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=Besedka",
        "Comment=LAN chat",
        f"Exec={shlex.join(command)}",
        "Icon=besedka",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


def is_enabled() -> bool:
    """Whether the client starts when the user logs in."""
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, _RUN_KEY) as key:
                winreg.QueryValueEx(key, AUTOSTART_NAME)
        except OSError:
            return False
        return True
    return autostart_entry().is_file()


def set_enabled(enabled: bool) -> None:
    """Start the client when the user logs in, or stop doing so.

    Raises:
        OSError: the registry or the autostart folder cannot be written.
    """
    command = autostart_command()
    if sys.platform == "win32":
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, _RUN_KEY) as key:
            if enabled:
                value = " ".join(f'"{part}"' if " " in part else part for part in command)
                winreg.SetValueEx(key, AUTOSTART_NAME, 0, winreg.REG_SZ, value)
            else:
                try:
                    winreg.DeleteValue(key, AUTOSTART_NAME)
                except FileNotFoundError:
                    pass
        return
    entry = autostart_entry()
    if enabled:
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text(_desktop_entry(command), "utf-8")
    else:
        entry.unlink(missing_ok=True)
