"""The chat window's status bar: the connection, and what waits to be sent.

:class:`ConnectionStatus` fills a :class:`~PyQt6.QtWidgets.QStatusBar`: an
icon of the connection's state, a sentence about it (said shorter when the
window is narrow, :class:`~client_gui.widgets.FittingLabel`), how many
messages wait in the outbox, and while the session waits to reconnect, the
"Reconnect now" button.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, QSize, pyqtSlot
from PyQt6.QtWidgets import QLabel, QPushButton, QStatusBar

from .client import ChatClient
from .i18n import follow_language
from .iconset import IconName, Tone, tone_color
from .iconset import icon as icon_of
from .iconset import pixmap as pixmap_of
from .session_state import ConnectionState
from .widgets import FittingLabel

__all__ = ["ConnectionStatus"]

#: The picture of each connection state.
_STATE_ICONS: dict[ConnectionState, tuple[IconName, Tone]] = {
    ConnectionState.ONLINE: (IconName.CONNECTED, Tone.POSITIVE),
    ConnectionState.CONNECTING: (IconName.RECONNECTING, Tone.MUTED),
    ConnectionState.WAITING: (IconName.DISCONNECTED, Tone.NEGATIVE),
    ConnectionState.OFFLINE: (IconName.DISCONNECTED, Tone.MUTED),
}


class ConnectionStatus(QObject):
    """Keeps a status bar telling where the session stands.

    Args:
        bar: the window's status bar, filled here.
        client: the session it tells about.

    Attributes:
        icon, text, waiting: the labels (state icon, the sentence, the outbox).
        reconnect_button: "Reconnect now", shown while waiting to reconnect.
    """

    def __init__(self, bar: QStatusBar, client: ChatClient) -> None:
        super().__init__(bar)
        self._bar = bar
        self._client = client
        self._countdown = 0
        self.icon = QLabel(bar)
        self.icon.setObjectName("status_icon")
        self.text = FittingLabel(bar)
        self.text.setObjectName("status")
        self.waiting = FittingLabel(bar)
        self.waiting.setObjectName("outbox_status")
        self.reconnect_button = QPushButton(bar)
        self.reconnect_button.setObjectName("reconnect")
        self.reconnect_button.setIcon(icon_of(IconName.RECONNECTING))
        self.reconnect_button.setVisible(False)
        self.reconnect_button.clicked.connect(client.reconnect_now)
        bar.addWidget(self.icon)
        bar.addWidget(self.text, 3)
        bar.addWidget(self.waiting, 2)
        bar.addPermanentWidget(self.reconnect_button)
        client.state_changed.connect(self.refresh)
        client.reconnect_countdown.connect(self.on_reconnect_countdown)
        for signal in (client.outbox_added, client.outbox_delivered, client.outbox_failed):
            signal.connect(self.refresh)
        follow_language(bar, self.retranslate)

    def retranslate(self) -> None:
        self.reconnect_button.setText(self.tr("Reconnect &now"))
        self.refresh()

    @pyqtSlot(int)
    def on_reconnect_countdown(self, seconds: int) -> None:
        self._countdown = seconds
        self.refresh()

    @pyqtSlot()
    def refresh(self) -> None:
        """Say everything anew (after any change of state, countdown or outbox)."""
        client = self._client
        state = client.state
        address = f"{client.host}:{client.port}"
        seconds = self._countdown
        if state is ConnectionState.ONLINE:
            self.text.set_variants(
                self.tr("Connected as %1 to %2").replace("%1", client.username).replace(
                    "%2", address),
                self.tr("Connected as %1").replace("%1", client.username),
                self.tr("Connected"))
        elif state is ConnectionState.WAITING:
            self.text.set_variants(
                self.tr("Connection to %1 lost. Reconnecting in %n second(s)\u2026", "",
                        seconds).replace("%1", address),
                self.tr("Reconnecting in %n second(s)\u2026", "", seconds),
                self.tr("Offline"))
        elif state is ConnectionState.CONNECTING:
            self.text.set_variants(self.tr("Reconnecting to %1\u2026").replace("%1", address),
                                   self.tr("Reconnecting\u2026"))
        else:
            self.text.set_variants(self.tr("Not connected"))
        waiting = len(client.outbox)
        self.waiting.setVisible(waiting > 0)
        if waiting:
            self.waiting.set_variants(
                self.tr("%n message(s) waiting to be sent", "", waiting),
                self.tr("%n waiting", "", waiting))
        self.reconnect_button.setVisible(state is ConnectionState.WAITING)
        name, tone = _STATE_ICONS[state]
        side = self.text.fontMetrics().height()
        self.icon.setPixmap(pixmap_of(name, QSize(side, side), tone_color(tone),
                                      self._bar.devicePixelRatioF()))
