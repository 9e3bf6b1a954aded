"""The servers found on the LAN, as the login window shows them.

:class:`FoundServersView` sits above the address fields: it lists what
:class:`~client_gui.discovery.ServerBrowser` finds, live, and choosing a
server fills in its address.  Typing an address by hand always works, and
when nothing turns up after a few seconds the view says so, and that
multicast may be blocked on this network.

The browser is started only once the view is on screen (after the first
paint), so discovery never delays the window.
"""

from __future__ import annotations

from PyQt6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QTimer,
    pyqtSignal,
    pyqtSlot,
)
from PyQt6.QtGui import QShowEvent
from PyQt6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

from .discovery import DiscoveredServer, ServerBrowser, ServerListModel
from .i18n import follow_language
from .widgets import HintLabel

__all__ = ["FoundServersView"]

#: Rows the list shows before it scrolls.
VISIBLE_ROWS = 4


class FoundServersView(QWidget):
    """A live list of the servers on the LAN, with a hint when there are none.

    Args:
        browser: looks for servers; started when this view is first shown.
        model: what the browser found (it lives as long as the browser, so a
            login window opened again lists the servers at once).
        remembered_name: the name of the server used last, preselected when
            it appears (the address fields preselect by address first).
        parent: the Qt parent.

    Signals:
        server_chosen(DiscoveredServer): the user picked a server (or the
            remembered one was preselected by name): fill in its address.
    """

    server_chosen = pyqtSignal(object)

    def __init__(self, browser: ServerBrowser, model: ServerListModel,
                 remembered_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._browser = browser
        self._model = model
        self._remembered_name = remembered_name
        #: The address in the fields; the matching server is selected.
        self._address: tuple[str, int] = ("", 0)
        self._user_chose = False
        self._selecting = False

        self.caption = QLabel(self)
        self.list = QListView(self)
        self.list.setObjectName("found_servers")
        self.list.setModel(model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(True)
        row_height = self.list.fontMetrics().height() + 6
        self.list.setMaximumHeight(row_height * VISIBLE_ROWS + 2 * self.list.frameWidth())
        self.caption.setBuddy(self.list)
        self.hint = HintLabel(self)
        self.hint.setObjectName("discovery_hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)

        selection = self.list.selectionModel()
        assert selection is not None
        selection.currentChanged.connect(self.on_current_changed)
        model.rowsInserted.connect(self.on_rows_changed)
        model.rowsRemoved.connect(self.on_rows_changed)
        model.modelReset.connect(self.on_rows_changed)
        model.dataChanged.connect(self.on_rows_changed)
        model.destroyed.connect(self.on_model_destroyed)
        browser.search_timed_out.connect(self.on_rows_changed)
        browser.browsing_failed.connect(self.on_rows_changed)
        follow_language(self, self.retranslate)
        self.on_rows_changed()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.caption.setText(self.tr("Servers found on this &network:"))
        self._update_hint()

    def showEvent(self, event: QShowEvent | None) -> None:
        super().showEvent(event)
        if not self._browser.running:
            # Start once the window is on screen; zeroconf itself then starts
            # in the browser's own thread.
            QTimer.singleShot(0, self._browser.start)

    def set_address(self, host: str, port: int, *, typed: bool = False) -> None:
        """The address fields changed: select the server they name, if listed.

        Args:
            typed: the user typed it, so no server found later may replace it.
        """
        self._address = (host.strip(), port)
        if typed:
            self._user_chose = True
        self._sync_selection()

    def selected_server(self) -> DiscoveredServer | None:
        selection = self.list.selectionModel()
        if selection is None or not selection.hasSelection():
            return None
        return self._model.server_at(selection.selectedRows()[0].row())

    def _sync_selection(self) -> None:
        selected = self.selected_server()
        host, port = self._address
        if selected is not None and port == selected.port and (
                host == selected.host or host in selected.addresses):
            return
        row = self._model.row_of_address(host, port)
        if row < 0 and not self._user_chose and self._remembered_name:
            # The server used last may have a new address (DHCP): find it by name.
            row = next((r for r, server in enumerate(self._model.servers())
                        if server.name == self._remembered_name), -1)
        self._select(row)

    def _select(self, row: int) -> None:
        selection = self.list.selectionModel()
        assert selection is not None
        self._selecting = True
        try:
            if row < 0:
                selection.clear()
            else:
                selection.setCurrentIndex(
                    self._model.index(row),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._selecting = False
        if row >= 0:
            server = self._model.server_at(row)
            host, port = self._address
            if server is not None and (server.host, server.port) != (host, port) \
                    and host not in server.addresses:
                # Preselected by name: its address goes into the fields.
                self.server_chosen.emit(server)

    @pyqtSlot(QModelIndex, QModelIndex)
    def on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._selecting or not current.isValid():
            return
        server = self._model.server_at(current.row())
        if server is not None:
            self._user_chose = True
            self.server_chosen.emit(server)

    @pyqtSlot()
    def on_model_destroyed(self) -> None:
        # The model lives as long as the application object, a login window
        # usually shorter; when the model goes first (at exit, in tests), Qt
        # leaves the list's selection model without a model, and the list's
        # delayed reset then warns "Selecting when no model has been set".
        self.list.setModel(None)

    @pyqtSlot()
    def on_rows_changed(self) -> None:
        self.list.setVisible(self._model.rowCount() > 0)
        self._sync_selection()
        self._update_hint()

    def _update_hint(self) -> None:
        if self._model.rowCount() > 0:
            self.hint.hide()
            return
        if self._browser.failed or self._browser.timed_out:
            self.hint.setText(self.tr(
                "No server found on this network. Type the server's address below; "
                "multicast (mDNS), which finds servers, may be blocked on this network."))
        else:
            self.hint.setText(self.tr("Looking for servers on this network\u2026"))
        self.hint.show()
