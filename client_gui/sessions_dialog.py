"""Account → Sessions…: where this account stays logged in, and ending any of it.

Each remembered session ("Keep me logged in" on some computer) is a row:
what the client called itself, when it was made and last used.  The one
this window logged in with is marked; Revoke ends the chosen one on the
server, which closes the connections that use it (this computer's own is
ended with Account → Log out instead, which also forgets it here).
"""

from __future__ import annotations

from datetime import datetime

from PyQt6.QtCore import QDateTime, QLocale, Qt, pyqtSlot
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from protocol.sessions import SessionInfo

from .client import ChatClient
from .failures import FailureReason
from .i18n import follow_language
from .texts import describe_error
from .widgets import ErrorLabel, HintLabel

__all__ = ["SessionsDialog"]

#: Where each row keeps its session's id.
_SESSION_ROLE = Qt.ItemDataRole.UserRole + 1


def _local(moment: datetime) -> str:
    """A time as this computer's locale writes it, in its time zone."""
    return QLocale().toString(QDateTime.fromSecsSinceEpoch(int(moment.timestamp())),
                              QLocale.FormatType.ShortFormat)


class SessionsDialog(QDialog):
    """The account's remembered sessions, with Revoke.

    Args:
        client: the session that asks the server for them and revokes them.
    """

    def __init__(self, client: ChatClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessions_dialog")
        self._client = client
        self._sessions: list[SessionInfo] = []
        self.explanation = HintLabel(self)
        self.table = QTreeWidget(self)
        self.table.setObjectName("sessions")
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setColumnCount(3)
        header = self.table.header()
        assert header is not None
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.error = ErrorLabel(self)
        self.error.setObjectName("error")
        self.buttons = QDialogButtonBox(self)
        self.revoke_button = QPushButton(self)
        self.revoke_button.setObjectName("revoke")
        self.revoke_button.setEnabled(False)
        self.buttons.addButton(self.revoke_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        assert close is not None
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(620, 320)

        self.revoke_button.clicked.connect(self.on_revoke_clicked)
        self.table.itemSelectionChanged.connect(self.on_selection_changed)
        client.account.sessions_received.connect(self.on_sessions_received)
        client.account.session_revoked.connect(self.on_session_revoked)
        follow_language(self, self.retranslate)
        self.refresh()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(self.tr("Sessions"))
        self.explanation.setText(self.tr(
            "Where you chose \u201cKeep me logged in\u201d. Revoke a session you do not "
            "recognise, or of a computer you no longer use: it is logged out at once. A "
            "session unused for 90 days ends by itself."))
        self.table.setHeaderLabels([self.tr("Client"), self.tr("Created"), self.tr("Last used")])
        self.revoke_button.setText(self.tr("&Revoke"))
        self._fill()

    def refresh(self) -> None:
        """Ask the server for the list again."""
        self.error.show_text(None)
        self._client.account.request_sessions()

    @property
    def sessions(self) -> list[SessionInfo]:
        """The sessions shown, in their order."""
        return list(self._sessions)

    def _fill(self) -> None:
        self.table.clear()
        for info in self._sessions:
            client = info.client or self.tr("(unnamed client)")
            if info.current:
                client = self.tr("This window: %1").replace("%1", client)
            item = QTreeWidgetItem([client, _local(info.created), _local(info.last_used)])
            item.setData(0, _SESSION_ROLE, info.session)
            item.setToolTip(0, client)
            if info.current:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
            self.table.addTopLevelItem(item)
        self.on_selection_changed()

    def _selected(self) -> SessionInfo | None:
        items = self.table.selectedItems()
        if not items:
            return None
        session = items[0].data(0, _SESSION_ROLE)
        return next((info for info in self._sessions if info.session == session), None)

    @pyqtSlot()
    def on_selection_changed(self) -> None:
        selected = self._selected()
        self.revoke_button.setEnabled(selected is not None and not selected.current)
        self.revoke_button.setToolTip(
            self.tr("This window's own session ends with Account \u2192 Log out.")
            if selected is not None and selected.current else "")

    def select(self, session: int) -> None:
        """Choose the row of ``session`` (as a click would)."""
        for row in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(row)
            if item is not None and item.data(0, _SESSION_ROLE) == session:
                self.table.setCurrentItem(item)

    @pyqtSlot()
    def on_revoke_clicked(self) -> None:
        selected = self._selected()
        if selected is None or selected.current:
            return
        self.revoke_button.setEnabled(False)
        self._client.account.revoke_session(selected.session)

    @pyqtSlot(object)
    def on_sessions_received(self, sessions: object) -> None:
        if isinstance(sessions, list):
            self._sessions = sessions
            self._fill()
        else:
            self._show_error(sessions)

    @pyqtSlot(int, object)
    def on_session_revoked(self, session: int, error: object) -> None:
        self.refresh()
        if error is not None:
            self._show_error(error)

    def _show_error(self, error: object) -> None:
        if error is FailureReason.CONNECTION_LOST:
            self.error.show_text(self.tr(
                "Not connected to the server. Try again when the connection is back."))
        else:
            self.error.show_text(describe_error(error if isinstance(error, str) else None))
