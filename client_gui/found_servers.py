"""The servers found on the LAN, as the login window shows them.

:class:`FoundServersView` sits above the address fields: it lists what
:class:`~client_gui.discovery.ServerBrowser` finds, live, and choosing a
server fills in its address.  Typing an address by hand always works, and
when nothing turns up after a few seconds the view says so, and that
multicast may be blocked on this network.

The address fields are the user's, and only the user changes them: a click
or a key press in the list fills them in, nothing else does.  Servers
appearing, changing or leaving, an error, the keyboard focus entering the
list: none of them puts another address in the fields (issue 13).  The list
only follows the fields, selecting the server they name when it is listed.
Anyone on the LAN can announce any name, so a server is never chosen for
the user because of what it announced, not even under the name of the one
used last.

The browser is started only once the view is on screen (after the first
paint), so discovery never delays the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PyQt6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QTimer,
    pyqtSignal,
    pyqtSlot,
)
from PyQt6.QtGui import QKeyEvent, QMouseEvent, QShowEvent
from PyQt6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

from .discovery import DiscoveredServer, ServerBrowser, ServerListModel
from .i18n import follow_language
from .widgets import HintLabel

__all__ = ["FoundServersView", "ServerList"]

#: Rows the list shows before it scrolls.
VISIBLE_ROWS = 4


class ServerList(QListView):
    """The list of found servers, telling the user's choices from Qt's own moves.

    Qt moves a list's current row by itself: to a neighbour when the current
    row is removed, to the first row when the list gets the keyboard focus
    without one.  Taken for the user's choice, either put another server's
    address in the login window, and the next password went there.  Only a
    change made while the list handles the user's mouse or keys is one
    (:attr:`by_user`).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: True while the list handles the user's mouse or keyboard input.
        self.by_user = False

    @contextmanager
    def _user_input(self) -> Iterator[None]:
        self.by_user = True
        try:
            yield
        finally:
            self.by_user = False

    def mousePressEvent(self, event: QMouseEvent | None) -> None:
        with self._user_input():
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:
        with self._user_input():
            super().mouseMoveEvent(event)

    def keyPressEvent(self, event: QKeyEvent | None) -> None:
        with self._user_input():
            super().keyPressEvent(event)


class FoundServersView(QWidget):
    """A live list of the servers on the LAN, with a hint when there are none.

    Args:
        browser: looks for servers; started when this view is first shown.
        model: what the browser found (it lives as long as the browser, so a
            login window opened again lists the servers at once).
        parent: the Qt parent.

    Signals:
        server_chosen(DiscoveredServer): the user picked a server with the
            mouse or the keyboard: fill in its address.  Never emitted for
            anything else.
    """

    server_chosen = pyqtSignal(object)

    def __init__(self, browser: ServerBrowser, model: ServerListModel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._browser = browser
        self._model = model
        #: The address in the fields; the matching server is selected.
        self._address: tuple[str, int] = ("", 0)
        self._selecting = False

        self.caption = QLabel(self)
        self.list = ServerList(self)
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

    def set_address(self, host: str, port: int) -> None:
        """The address fields changed: select the server they name, if listed."""
        self._address = (host.strip(), port)
        self._sync_selection()

    def selected_server(self) -> DiscoveredServer | None:
        selection = self.list.selectionModel()
        if selection is None or not selection.hasSelection():
            return None
        return self._model.server_at(selection.selectedRows()[0].row())

    def _sync_selection(self) -> None:
        """Select the server the fields name (or nothing); never the other way round."""
        selected = self.selected_server()
        host, port = self._address
        if selected is not None and port == selected.port and (
                host == selected.host or host in selected.addresses):
            return
        self._select(self._model.row_of_address(host, port))

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

    @pyqtSlot(QModelIndex, QModelIndex)
    def on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._selecting:
            return
        if not self.list.by_user:
            # Qt moved the current row on its own (a row removed, the focus
            # entering the list): put the selection back where the fields say.
            self._sync_selection()
            return
        server = self._model.server_at(current.row()) if current.isValid() else None
        if server is not None:
            self.server_chosen.emit(server)

    @pyqtSlot()
    def on_model_destroyed(self) -> None:
        # The model lives as long as the application object, a login window
        # usually shorter; when the model goes first (at exit, in tests), Qt
        # leaves the list's selection model without a model, and the list's
        # delayed reset then warns "Selecting when no model has been set".
        # When the garbage collector takes this view's wrapper apart first
        # (a cycle through it, collected in the GUI thread), its attributes
        # are already gone: the view is going too, there is nothing to do.
        view = getattr(self, "list", None)
        if view is not None:
            view.setModel(None)

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
