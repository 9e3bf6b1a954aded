"""Files waiting above the input box to be sent with the next message.

Attaching (the button, drag and drop, a pasted image, a screenshot) puts a
file here rather than sending it at once: the user sees what will go, can
take something off (its ✕) and types a caption in the input box; "Send"
sends them all (:meth:`client_gui.chat_files.ChatFiles.send_attachments`).
Pictures that exist only in memory (pasted, or taken with the screenshot
tool) are written to a temporary PNG first, and so are files like any other.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QImage
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from .texts import file_size_text

__all__ = ["AttachmentBar", "save_picture"]


def save_picture(image: QImage, stem: str) -> Path:
    """Write a picture to a new PNG in the temporary folder, named
    ``STEM-YYYYmmdd-HHMMSS.png``; returns its path."""
    folder = Path(tempfile.mkdtemp(prefix="besedka-"))
    path = folder / f"{stem}-{datetime.now():%Y%m%d-%H%M%S}.png"
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


class AttachmentBar(QWidget):
    """The files to send with the next message, each with a ✕ to take it off.

    Signals:
        changed(): a file was added or taken off.
    """

    changed = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self._paths: list[Path] = []
        self._chips: list[QWidget] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setVisible(False)

    def paths(self) -> list[Path]:
        """The attached files, in the order they were attached."""
        return list(self._paths)

    def add(self, path: Path) -> None:
        """Attach a file (once: attaching it again changes nothing)."""
        if path in self._paths:
            return
        self._paths.append(path)
        chip = QWidget(self)
        chip.setObjectName("attachment")
        row = QHBoxLayout(chip)
        row.setContentsMargins(6, 2, 2, 2)
        row.setSpacing(2)
        try:
            size = file_size_text(path.stat().st_size)
        except OSError:
            size = "?"
        label = QLabel(f"{path.name} ({size})", chip)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        remove = QToolButton(chip)
        remove.setObjectName("remove_attachment")
        remove.setText("\u2715")
        remove.setAutoRaise(True)
        remove.setToolTip(self.tr("Do not send this file"))
        remove.clicked.connect(lambda: self.remove(path))
        row.addWidget(label)
        row.addWidget(remove)
        chip.setStyleSheet("#attachment { border: 1px solid palette(mid); border-radius: 4px; }")
        self._chips.append(chip)
        self._layout.insertWidget(self._layout.count() - 1, chip)
        self.setVisible(True)
        self.changed.emit()

    def remove(self, path: Path) -> None:
        """Take a file off."""
        if path not in self._paths:
            return
        index = self._paths.index(path)
        del self._paths[index]
        chip = self._chips.pop(index)
        chip.deleteLater()
        self.setVisible(bool(self._paths))
        self.changed.emit()

    def clear(self) -> None:
        for path in list(self._paths):
            self.remove(path)
