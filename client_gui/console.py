"""The client without a console: where its log and its command-line answers go.

The installed client on Windows is a windowed program (PyInstaller's
windowed bundle, like ``pythonw``): started from the Start menu or a
shortcut it has no standard output or error at all, so the log of
``--debug``, the answer to ``--version`` or ``--help``, and a mistyped
option's error would go nowhere.  Without a console, then:

* the log goes to ``besedka.log`` in the user's log folder
  (``%LOCALAPPDATA%\\Besedka\\Logs`` on Windows; platformdirs' per-user
  log folder elsewhere), warnings always and everything with ``--debug``;
* what the command line would have printed is shown in a message box.

With a console (a terminal, or a test's pipes) nothing changes.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import logging
import logging.handlers
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QMessageBox

__all__ = ["configure_logging", "has_console", "log_file_path", "parse_arguments"]

LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def has_console() -> bool:
    """Whether the process has standard output and error to write to."""
    return sys.stdout is not None and sys.stderr is not None


def log_file_path() -> Path:
    """The client's log file when it has no console."""
    return Path(platformdirs.user_log_dir("Besedka", appauthor=False)) / "besedka.log"


def configure_logging(debug: bool) -> Path | None:
    """Log to standard error, or without a console to :func:`log_file_path`.

    Args:
        debug: everything (network activity included), not only warnings.

    Returns:
        The log file, when the log goes to one.
    """
    level = logging.DEBUG if debug else logging.WARNING
    if has_console():
        logging.basicConfig(level=level, format=LOG_FORMAT)
        return None
    path = log_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2,
                                                   encoding="utf-8")
    logging.basicConfig(level=level, format=LOG_FORMAT, handlers=[handler])
    return path


def parse_arguments(parser: argparse.ArgumentParser,
                    argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """``parser.parse_known_args(argv)``, with what argparse prints shown in a
    message box when there is no console to print it to.

    Raises:
        SystemExit: as argparse does, after ``--help``, ``--version`` or a
            usage error.
    """
    if has_console():
        return parser.parse_known_args(argv)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            return parser.parse_known_args(argv)
    except SystemExit as leaving:
        _show(printed.getvalue(), error=leaving.code not in (0, None))
        raise


def _show(text: str, *, error: bool) -> None:
    if not text.strip():
        return
    # Qt needs an application while the box is shown; main() has not made
    # one yet when the arguments are parsed.
    application = QApplication.instance() or QApplication([sys.argv[0]])
    # Preformatted: argparse lines its help up in columns, which only a
    # fixed-width font keeps (its <, > and & escaped, as usage lines hold them).
    box = QMessageBox(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information,
                      "Besedka", f"<pre>{html.escape(text.strip())}</pre>")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.exec()
    application.processEvents()  # let the box go before the process does
