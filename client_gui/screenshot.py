"""The "Screenshot" tool: choose an area of the screen, and it is attached.

:func:`grab_screen` takes a picture of the whole desktop (every screen, as
one image).  :class:`ScreenshotOverlay` shows that picture, dimmed, over
the entire desktop; the user drags a rectangle, which is shown undimmed
with its size, and releasing the mouse takes it (:attr:`captured`).  Esc or
a right click gives up (:attr:`cancelled`).  The chat window hides itself
before the picture is taken, so it is not in it.
"""

from __future__ import annotations

from PyQt6.QtCore import QPoint, QRect, Qt, pyqtSignal
from PyQt6.QtGui import (
    QCloseEvent,
    QColor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PyQt6.QtWidgets import QWidget

__all__ = ["ScreenshotOverlay", "grab_screen"]


def grab_screen() -> tuple[QPixmap, QRect]:
    """A picture of every screen and the desktop rectangle it covers."""
    screens = QGuiApplication.screens()
    desktop = QRect()
    for screen in screens:
        desktop = desktop.united(screen.geometry())
    picture = QPixmap(desktop.size())
    picture.fill(QColor("black"))
    painter = QPainter(picture)
    for screen in screens:
        shot = screen.grabWindow()  # no window: the whole screen
        painter.drawPixmap(screen.geometry().topLeft() - desktop.topLeft(), shot)
    painter.end()
    return picture, desktop


class ScreenshotOverlay(QWidget):
    """A picture of the desktop over the desktop, to drag an area on.

    Args:
        picture: the desktop as it was (see :func:`grab_screen`).
        desktop: where on the desktop the picture goes.

    Signals:
        captured(QImage): the chosen area, at the picture's full resolution.
        cancelled()
    """

    captured = pyqtSignal(QImage)
    cancelled = pyqtSignal()

    #: A drag shorter than this is a click, not an area.
    MIN_SIZE = 4

    def __init__(self, picture: QPixmap, desktop: QRect, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.Tool)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMouseTracking(True)
        self.picture = picture
        self.setGeometry(desktop)
        self._start: QPoint | None = None
        self._end: QPoint | None = None
        self._captured = False

    def selection(self) -> QRect:
        """The area dragged so far, in the widget's coordinates."""
        if self._start is None or self._end is None:
            return QRect()
        start, end = self._start, self._end
        # From corner to corner, not both corners' pixels (QRect(p, q) is one wider).
        return QRect(min(start.x(), end.x()), min(start.y(), end.y()),
                     abs(end.x() - start.x()), abs(end.y() - start.y()))

    def _picture_rect(self, area: QRect) -> QRect:
        """``area`` in the picture's own pixels (high-density screens have more)."""
        ratio = self.picture.width() / max(1, self.width())
        return QRect(int(area.x() * ratio), int(area.y() * ratio),
                     int(area.width() * ratio), int(area.height() * ratio))

    def paintEvent(self, event: QPaintEvent | None) -> None:
        painter = QPainter(self)
        painter.drawPixmap(self.rect(), self.picture)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 110))
        area = self.selection()
        if not area.isEmpty():
            painter.drawPixmap(area, self.picture, self._picture_rect(area))
            painter.setPen(QPen(QColor("#3d7ab8"), 2))
            painter.drawRect(area.adjusted(0, 0, -1, -1))
            label = f"{area.width()} \u00d7 {area.height()}"
            painter.setPen(QColor("white"))
            painter.drawText(area.left() + 4, max(14, area.top() - 6), label)
        else:
            painter.setPen(QColor("white"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             self.tr("Drag over the area to send. Esc cancels."))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent | None) -> None:
        assert event is not None
        if event.button() == Qt.MouseButton.RightButton:
            self._cancel()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self._start = self._end = event.position().toPoint()
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:
        assert event is not None
        if self._start is not None:
            self._end = event.position().toPoint()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:
        assert event is not None
        if event.button() != Qt.MouseButton.LeftButton or self._start is None:
            return
        self._end = event.position().toPoint()
        area = self.selection()
        if area.width() < self.MIN_SIZE or area.height() < self.MIN_SIZE:
            self._start = self._end = None
            self.update()
            return
        image = self.picture.copy(self._picture_rect(area)).toImage()
        self._captured = True
        self.close()
        self.captured.emit(image)

    def keyPressEvent(self, event: QKeyEvent | None) -> None:
        assert event is not None
        if event.key() == Qt.Key.Key_Escape:
            self._cancel()
            return
        super().keyPressEvent(event)

    def _cancel(self) -> None:
        self.close()

    def closeEvent(self, event: QCloseEvent | None) -> None:
        # However it closes without an area (Esc, a right click, the window
        # manager's close): the chat window that hid for it must come back.
        super().closeEvent(event)
        if not self._captured:
            self.cancelled.emit()
