"""Status: Available, Away or Busy with a short text (PROTOCOL-2.md, "Status").

* :class:`StatusButton` sits above the conversation list: it shows my
  status and sets another, or a text, from its menu;
* :class:`AutoAway` sets Away after :data:`AWAY_AFTER_SECONDS` without
  input in Besedka and Available again at the next input, only over a
  status it set itself: Away or Busy chosen by the user stays;
* :func:`status_name`, :func:`status_colour` and :func:`describe_status`
  say a status the same way in the list, the header and the button.

All of it appears only when the server offers ``status`` (``hello``).
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from PyQt6.QtCore import QCoreApplication, QEvent, QObject, QRect, QRectF, QSize, Qt, QTimer, pyqtSlot
from PyQt6.QtGui import QAction, QActionGroup, QColor, QIcon, QPainter, QPaintEvent, QPixmap
from PyQt6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLineEdit,
    QMenu,
    QStyle,
    QStyleOptionToolButton,
    QStylePainter,
    QToolButton,
    QWidget,
)

from protocol.errors import ProtocolError
from protocol.limits import STATUS_TEXT_MAX_CHARS
from protocol.objects import STATUS_AVAILABLE, STATUSES
from protocol.rules import normalize_status_text

from .i18n import follow_language

if TYPE_CHECKING:  # the list's delegate draws statuses without the session
    from .client import ChatClient

__all__ = ["AWAY_AFTER_SECONDS", "AutoAway", "StatusButton", "describe_status", "dot_icon",
           "fit_status_text", "status_colour", "status_name"]

#: Seconds without input after which the client sets Away by itself.
AWAY_AFTER_SECONDS = 10 * 60

STATUS_AWAY = "away"
STATUS_BUSY = "busy"

_COLOURS = {STATUS_AVAILABLE: "#2eaa4f", STATUS_AWAY: "#e0a526", STATUS_BUSY: "#c0392b"}
#: Input that shows somebody is at the computer.
_INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                           QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin})


def status_name(status: str) -> str:
    """A status as people read it ("Away"), in the current language."""
    names = {
        STATUS_AVAILABLE: QCoreApplication.translate("Status", "Available"),
        STATUS_AWAY: QCoreApplication.translate("Status", "Away"),
        STATUS_BUSY: QCoreApplication.translate("Status", "Busy"),
    }
    return names.get(status, names[STATUS_AVAILABLE])


def status_colour(status: str) -> QColor:
    """The colour of a status's dot (an unknown status is available's)."""
    return QColor(_COLOURS.get(status, _COLOURS[STATUS_AVAILABLE]))


def describe_status(status: str, text: str) -> str:
    """"Away: at lunch", or "Away" without a text."""
    name = status_name(status)
    return QCoreApplication.translate("Status", "%1: %2").replace("%1", name).replace(
        "%2", text) if text else name


class StatusButton(QToolButton):
    """My status, and a menu to set another or a text.

    Args:
        client: the session whose status it shows and sets.
    """

    def __init__(self, client: ChatClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status_button")
        self._client = client
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.menu_ = QMenu(self)
        group = QActionGroup(self)
        self.status_actions: dict[str, QAction] = {}
        for status in STATUSES:
            action = QAction(self)
            action.setCheckable(True)
            action.setData(status)
            action.triggered.connect(self.on_status_chosen)
            group.addAction(action)
            self.menu_.addAction(action)
            self.status_actions[status] = action
        self.menu_.addSeparator()
        self.text_action = QAction(self)
        self.text_action.triggered.connect(self.on_text_wanted)
        self.menu_.addAction(self.text_action)
        self.setMenu(self.menu_)
        client.account.my_status_changed.connect(self.on_my_status_changed)
        follow_language(self, self.retranslate)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width() + self._arrow_width(), hint.height())

    def _arrow_width(self) -> int:
        style = self.style()
        return (style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, self)
                if style is not None else 12)

    def paintEvent(self, event: QPaintEvent | None) -> None:
        # The style puts an instant popup's arrow in the bottom right corner,
        # under the text's baseline, where it reads as a stray mark: it is
        # drawn here beside the text, centred, where it says "a menu".
        painter = QStylePainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        option.features &= ~QStyleOptionToolButton.ToolButtonFeature.HasMenu
        arrow = self._arrow_width()
        option.rect = QRect(option.rect.adjusted(0, 0, -arrow, 0))
        panel = QStyleOptionToolButton(option)
        panel.rect = self.rect()
        if option.state & (QStyle.StateFlag.State_MouseOver | QStyle.StateFlag.State_Sunken):
            painter.drawPrimitive(QStyle.PrimitiveElement.PE_PanelButtonTool, panel)
        painter.drawControl(QStyle.ControlElement.CE_ToolButtonLabel, option)
        indicator = QStyleOptionToolButton(option)
        indicator.rect = QRect(self.rect().right() - arrow, 0, arrow, self.height())
        painter.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorArrowDown, indicator)

    def retranslate(self) -> None:
        """Set every text in the current language."""
        for status, action in self.status_actions.items():
            action.setText(status_name(status))
        self.text_action.setText(self.tr("Status &message\u2026"))
        self.setToolTip(self.tr("Your status, as the others see it"))
        self._show(*self._client.account.status)

    def _show(self, status: str, text: str) -> None:
        self.setIcon(dot_icon(status_colour(status)))
        self.setText(describe_status(status, text))
        action = self.status_actions.get(status)
        if action is not None:
            action.setChecked(True)

    @pyqtSlot(str, str)
    def on_my_status_changed(self, status: str, text: str) -> None:
        self._show(status, text)

    @pyqtSlot()
    def on_status_chosen(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self._client.account.set_status(str(action.data()))

    @pyqtSlot()
    def on_text_wanted(self) -> None:
        status, current = self._client.account.status
        text, accepted = QInputDialog.getText(
            self, self.tr("Status message"),
            self.tr("What the others see beside your status (at most %1 characters):").replace(
                "%1", str(STATUS_TEXT_MAX_CHARS)),
            QLineEdit.EchoMode.Normal, current)
        if accepted:
            self._client.account.set_status(status, fit_status_text(text))


def fit_status_text(text: str) -> str:
    """``text`` made a valid status text: control characters dropped, cut
    to the length the server takes (pasted text may have either)."""
    text = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
                   for char in text)
    try:
        return normalize_status_text(text)
    except ProtocolError:
        return normalize_status_text(text.strip()[:STATUS_TEXT_MAX_CHARS])


def dot_icon(colour: QColor) -> QIcon:
    """A small round dot of ``colour``, as the conversation list draws presence."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(QRectF(1, 1, 10, 10))
    painter.end()
    return QIcon(pixmap)


class AutoAway(QObject):
    """Away after a while without input, Available again at the next input.

    It watches the input of the whole application (an event filter on it)
    and changes only a status it set itself: when the user chose Away or
    Busy, or changed the status while away, it leaves it alone.

    Args:
        client: the session whose status it sets.
        seconds: how long without input counts as away.
    """

    def __init__(self, client: ChatClient, seconds: float = AWAY_AFTER_SECONDS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client
        #: Seconds without input that count as away.
        self.seconds = seconds
        #: Whether the current Away is ours to take back.
        self.set_away = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(seconds * 1000))
        self._timer.timeout.connect(self.on_idle)
        client.account.my_status_changed.connect(self.on_my_status_changed)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def stop(self) -> None:
        """Watch no more (the chat window closes)."""
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        if event is not None and event.type() in _INPUT_EVENTS:
            self._timer.start()  # restarts the wait
            if self.set_away:
                self.set_away = False
                self._client.account.set_status(STATUS_AVAILABLE)
        return False

    @pyqtSlot()
    def on_idle(self) -> None:
        if self._client.account.status[0] == STATUS_AVAILABLE:
            self.set_away = True
            self._client.account.set_status(STATUS_AWAY)

    @pyqtSlot(str, str)
    def on_my_status_changed(self, status: str, text: str) -> None:
        if status != STATUS_AWAY:
            # Changed by the user (here or on another computer): not ours.
            self.set_away = False
