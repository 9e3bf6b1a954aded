"""The view of one conversation: scrolling, links, copying.

:class:`MessageView` shows a :class:`~client_gui.models.MessageListModel`
painted by :class:`~client_gui.delegates.MessageDelegate`.

It is a one-column :class:`~PyQt6.QtWidgets.QTableView`, not a
:class:`~PyQt6.QtWidgets.QListView`, for the sake of long conversations: a
list view with rows of different heights lays out *every* row again (one
``sizeHint`` call each) whenever rows are inserted, so paging back through
10,000 messages cost quadratic time.  A table keeps row heights in its
vertical header, in C++; the view measures each row once when it arrives,
and again only when the width changes (then in the background, rows on
screen first).

On top of the plain view it

* asks for older pages as the user nears the top (:attr:`older_wanted`) and
  keeps the messages on screen still when a page is prepended; in a
  conversation opened at a message of the past, asks for newer pages as the
  user nears the bottom (:attr:`newer_wanted`), and shows that message
  (:meth:`show_message`);
* follows new messages when the user was at the bottom, and only then;
* answers clicks on links, files, quoted strips and reaction chips, and
  shows a pointing hand over links and files (:mod:`client_gui.message_clicks`
  finds what is under the mouse in the delegate's layout);
* copies the selected messages with Ctrl+C or the context menu, and opens a
  read-only text browser over a message (double-click or "Select text") to
  select any part of it;
* offers what can be done with a message (reply, edit, delete, react) in
  its context menu and by key (:mod:`client_gui.message_menu`), and jumps to
  the message a reply quotes when its strip is clicked
  (:meth:`MessageView.scroll_to_message`).
"""

from __future__ import annotations

from typing import Final

from PyQt6.QtCore import (
    QEvent,
    QModelIndex,
    Qt,
    QTimer,
    QUrl,
    pyqtSignal,
    pyqtSlot,
)
from PyQt6.QtGui import (
    QAction,
    QContextMenuEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from .delegates import MessageDelegate
from .file_cards import FileServices
from .message_clicks import MessageClicks
from .message_menu import Abilities, build_message_menu, key_action
from .models import MessageListModel, MessageRow, Roles
from .widgets import blend

__all__ = ["MessageView"]

#: Start fetching an older page while this many pixels are left above.
_PREFETCH_PIXELS: Final = 400
#: How close to the bottom still counts as "at the bottom".
_BOTTOM_SLACK_PIXELS: Final = 8
#: Rows re-measured per step after a width change.
_REMEASURE_SLICE: Final = 400
#: Changes that never change a row's height (ticks, "seen by", a quote's text).
_SAME_HEIGHT_ROLES: Final = frozenset({Roles.RECEIPT, Roles.SEEN_BY, Roles.QUOTE})


class MessageView(QTableView):
    """Shows one conversation at a time; swap conversations with :meth:`setModel`.

    Signals:
        older_wanted(): the user is near the top and older messages may exist.
        newer_wanted(): the user is near the bottom of a conversation that
            shows the past, and newer messages exist.
        link_activated(QUrl): a link in a message was clicked.
        discard_requested(key): "Delete" on a message the server refused.
        file_action(MessageRow, FileAction): a click on a file's picture or
            one of its card's actions (download, open, cancel...).
        reply_requested(MessageRow), edit_requested(MessageRow),
        delete_requested(MessageRow), pick_reaction_requested(MessageRow):
            the user chose that for a stored message.
        react_requested(MessageRow, emoji, on): add or take back my reaction.
        quote_activated(message id): the quoted strip of a reply was clicked.
    """

    older_wanted = pyqtSignal()
    newer_wanted = pyqtSignal()
    link_activated = pyqtSignal(QUrl)
    discard_requested = pyqtSignal(str)
    file_action = pyqtSignal(object, object)  # MessageRow, FileAction
    reply_requested = pyqtSignal(object)
    edit_requested = pyqtSignal(object)
    delete_requested = pyqtSignal(object)
    pick_reaction_requested = pyqtSignal(object)
    react_requested = pyqtSignal(object, str, bool)
    quote_activated = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message_delegate = MessageDelegate(self)
        self.setItemDelegate(self.message_delegate)
        self.message_delegate.link_activated.connect(self.link_activated)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        columns = self.horizontalHeader()
        assert columns is not None
        columns.hide()
        columns.setStretchLastSection(True)
        rows = self.verticalHeader()
        assert rows is not None
        rows.hide()
        # Fixed: heights come from resizeSection() only, never from asking
        # the delegate about every row (which ResizeToContents would do).
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(1)
        self._rows_header = rows
        self._measured_width = -1
        self._remeasure_from = 0  # rows below this were measured at the current width
        self._remeasure_timer = QTimer(self)
        self._remeasure_timer.setInterval(0)
        self._remeasure_timer.timeout.connect(self.on_remeasure_due)
        self.setMouseTracking(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.verticalScrollBar().valueChanged.connect(self.on_scrolled)  # type: ignore[union-attr]
        self._anchor: tuple[int, int] | None = None  # (row, top) kept across a prepend
        self._follow_bottom = True
        self.copy_action = QAction(self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.triggered.connect(self.copy_selection)
        self.select_action = QAction(self)
        self.select_action.triggered.connect(self._edit_current)
        #: what the server lets people do with messages (set per session)
        self.abilities = Abilities()
        #: what is under the mouse, and what a click on it asks for
        self.clicks = MessageClicks(self)
        self.retranslate()

    def retranslate(self) -> None:
        """Set the texts of the context menu in the current language."""
        self.copy_action.setText(self.tr("&Copy"))
        self.select_action.setText(self.tr("&Select text"))
        self.message_delegate.invalidate()
        self.viewport().update()  # type: ignore[union-attr]

    # ------------------------------------------------------------------
    # Model

    def set_file_services(self, services: FileServices) -> None:
        """Show files as pictures and cards (a server that offers files)."""
        self.message_delegate.set_file_services(services)
        services.previews.ready.connect(self.on_preview_ready)
        services.avatars.changed.connect(self.viewport().update)  # type: ignore[union-attr]

    @pyqtSlot(str)
    def on_preview_ready(self, file_id: str) -> None:
        """A picture arrived (or will not): the rows showing it take their
        real height."""
        model = self.message_model()
        if model is not None:
            for number in model.rows_with_file(file_id):
                self._follow_bottom = self._at_bottom()
                self._remember_anchor()
                self._measure(number, number + 1)
                self._settle()

    def setModel(self, model: MessageListModel | None) -> None:  # type: ignore[override]
        previous = self.model()
        if isinstance(previous, MessageListModel):
            previous.rowsAboutToBeInserted.disconnect(self.on_rows_about_to_be_inserted)
            previous.rowsInserted.disconnect(self.on_rows_inserted)
            previous.dataChanged.disconnect(self.on_data_changed)
        super().setModel(model)
        if model is not None:
            # Connected after the header's own handlers, so the header
            # already has sections for new rows when these run.
            model.rowsAboutToBeInserted.connect(self.on_rows_about_to_be_inserted)
            model.rowsInserted.connect(self.on_rows_inserted)
            model.dataChanged.connect(self.on_data_changed)
            self._measure(0, model.rowCount())
        self._follow_bottom = True
        self._scroll_to_end()
        QTimer.singleShot(0, self._check_need_older)

    def message_model(self) -> MessageListModel | None:
        model = self.model()
        return model if isinstance(model, MessageListModel) else None

    @pyqtSlot(QModelIndex, int, int)
    def on_rows_about_to_be_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        model = self.message_model()
        if model is None:
            return
        # Rows of a conversation that shows the past arrive below as the
        # user scrolls down: they must not pull the view to their end.
        self._follow_bottom = self._at_bottom() and not model.has_newer
        self._anchor = None
        if first == 0 and model.rowCount() > 0:
            self._remember_anchor()

    @pyqtSlot(QModelIndex, int, int)
    def on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if first < self._remeasure_from:
            self._remeasure_from += last - first + 1
        self._measure(first, last + 1)
        if first == 0 and last + 1 < self._rows_header.count():
            self._measure(last + 1, last + 2)  # it may have lost its day separator
        self._settle(shift=last - first + 1)
        QTimer.singleShot(0, self._check_need_older)

    @pyqtSlot(QModelIndex, QModelIndex, "QList<int>")
    def on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                        roles: list[int]) -> None:
        if roles and set(roles) <= _SAME_HEIGHT_ROLES:  # (a transfer's progress too)
            self.viewport().update()  # type: ignore[union-attr]
            return
        # A message that grew (a reaction, an edit) must not leave the view
        # short of the bottom it was at: new messages would stop following.
        follow = self._at_bottom()
        self._measure(top_left.row(), bottom_right.row() + 1)
        if follow:
            self._scroll_to_end()

    def _settle(self, shift: int = 0) -> None:
        """After heights changed: stay at the bottom, or keep the anchor row
        (now ``shift`` rows further down) where it was on screen."""
        # The scroll range follows the header only after this.
        self.updateGeometries()
        bar = self.verticalScrollBar()
        assert bar is not None
        if self._follow_bottom:
            self._scroll_to_end()
        elif self._anchor is not None:
            row, top = self._anchor
            bar.setValue(self._rows_header.sectionPosition(row + shift) - top)
        self._anchor = None

    def _scroll_to_end(self) -> None:
        self.updateGeometries()
        bar = self.verticalScrollBar()
        assert bar is not None
        bar.setValue(bar.maximum())

    # ------------------------------------------------------------------
    # Row heights

    def _measure(self, first: int, end: int) -> None:
        """Set the heights of rows ``first`` up to ``end`` (exclusive)."""
        model = self.message_model()
        viewport = self.viewport()
        if model is None or viewport is None:
            return
        width = viewport.width()
        height_of = self.message_delegate.row_height
        resize = self._rows_header.resizeSection
        for number in range(first, min(end, model.rowCount())):
            resize(number, height_of(model.row(number), model.placement(number), width))

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        follow = self._at_bottom()
        super().resizeEvent(event)
        viewport = self.viewport()
        assert viewport is not None
        if viewport.width() != self._measured_width:
            self._measure_again(follow)
        elif follow:
            # Only shorter or taller (a line for who is typing came or went
            # below): whoever was at the bottom stays there.
            self._scroll_to_end()

    def changeEvent(self, event: QEvent | None) -> None:
        super().changeEvent(event)
        if event is not None and event.type() in (QEvent.Type.FontChange,
                                                  QEvent.Type.PaletteChange):
            # Another font (the Settings dialog's size) wraps every message
            # anew; another palette (a theme) colours the links anew.
            self.message_delegate.invalidate()
            self._measure_again(self._at_bottom())

    def _measure_again(self, follow: bool) -> None:
        """Measure every row again (the width or the font changed)."""
        viewport = self.viewport()
        assert viewport is not None
        self._measured_width = viewport.width()
        self._follow_bottom = follow
        self._remember_anchor()
        # Re-wrapping every row can take a while in a long conversation:
        # the rows on screen now, the rest in slices between events.
        top = max(0, self.rowAt(0))
        self._measure(max(0, top - 20), top + 80)
        self._settle()
        self._remeasure_from = 0
        self._remeasure_timer.start()

    @pyqtSlot()
    def on_remeasure_due(self) -> None:
        model = self.message_model()
        if model is None or self._remeasure_from >= model.rowCount():
            self._remeasure_timer.stop()
            return
        self._follow_bottom = self._at_bottom()
        self._remember_anchor()
        end = self._remeasure_from + _REMEASURE_SLICE
        self._measure(self._remeasure_from, end)
        self._remeasure_from = end
        self._settle()

    def _remember_anchor(self) -> None:
        self._anchor = None
        if not self._follow_bottom:
            top = self.rowAt(0)
            if top >= 0:
                bar = self.verticalScrollBar()
                assert bar is not None
                self._anchor = (top, self._rows_header.sectionPosition(top) - bar.value())

    # ------------------------------------------------------------------
    # Paging

    @pyqtSlot(int)
    def on_scrolled(self, value: int) -> None:
        self._follow_bottom = self._at_bottom()
        if value < _PREFETCH_PIXELS:
            self._want_older()
        bar = self.verticalScrollBar()
        assert bar is not None
        if value > bar.maximum() - _PREFETCH_PIXELS:
            self._want_newer()

    def _want_newer(self) -> None:
        model = self.message_model()
        if model is not None and model.has_newer and not model.loading_newer:
            self.newer_wanted.emit()

    def show_message(self, message_id: int) -> None:
        """Scroll a loaded message to the middle of the view and select it
        (a search result opened in its conversation)."""
        model = self.message_model()
        row = None if model is None else model.position_of(message_id)
        if model is None or row is None:
            return
        index = model.index(row)
        self._follow_bottom = False
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.setCurrentIndex(index)
        self.selectRow(row)
        self._follow_bottom = self._at_bottom() and not model.has_newer

    def _check_need_older(self) -> None:
        bar = self.verticalScrollBar()
        assert bar is not None
        # A first page shorter than the view has no scroll bar to pull.
        if bar.maximum() == 0 or bar.value() < _PREFETCH_PIXELS:
            self._want_older()
        if bar.maximum() == 0 or bar.value() > bar.maximum() - _PREFETCH_PIXELS:
            self._want_newer()

    def _want_older(self) -> None:
        model = self.message_model()
        if model is not None and model.has_older and not model.loading:
            self.older_wanted.emit()

    def _at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        assert bar is not None
        return bar.value() >= bar.maximum() - _BOTTOM_SLACK_PIXELS

    # ------------------------------------------------------------------
    # Clicks (what is under the mouse: MessageClicks)

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:
        assert event is not None
        self.clicks.hover(event.position().toPoint())
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:
        assert event is not None
        if (event.button() == Qt.MouseButton.LeftButton
                and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            self.clicks.click(event.position().toPoint())
        super().mouseReleaseEvent(event)

    def scroll_to_message(self, message_id: int) -> bool:
        """Select a loaded message and bring it to the middle of the view;
        whether it is loaded."""
        model = self.message_model()
        number = None if model is None else model.position_of(message_id)
        if model is None or number is None:
            return False
        index = model.index(number)
        self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    # ------------------------------------------------------------------
    # Copying and selecting

    def selected_rows(self) -> list[MessageRow]:
        model = self.message_model()
        selection = self.selectionModel()
        if model is None or selection is None:
            return []
        return [model.row(index.row()) for index in sorted(selection.selectedRows(),
                                                           key=QModelIndex.row)]

    @pyqtSlot()
    def copy_selection(self) -> None:
        """Copy the selected messages: one alone as its text, several with
        sender and time so the copy still makes sense elsewhere."""
        rows = self.selected_rows()
        if not rows:
            return
        if len(rows) == 1:
            text = rows[0].body
        else:
            text = "\n".join(
                f"[{row.local_time:%Y-%m-%d %H:%M}] {row.sender}: {row.body}" for row in rows)
        clipboard = QGuiApplication.clipboard()
        assert clipboard is not None
        clipboard.setText(text)

    def keyPressEvent(self, event: QKeyEvent | None) -> None:
        assert event is not None
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        current = self.currentIndex()
        if current.isValid() and key_action(self, current.data(Roles.ROW), event):
            event.accept()
            return
        super().keyPressEvent(event)

    def _edit_current(self) -> None:
        index = self.currentIndex()
        if index.isValid():
            self.edit(index)

    def contextMenuEvent(self, event: QContextMenuEvent | None) -> None:
        assert event is not None
        position = event.pos()
        index = self.indexAt(position)
        if not index.isValid():
            return
        selection = self.selectionModel()
        assert selection is not None
        if not selection.isSelected(index):
            self.setCurrentIndex(index)
        menu = build_message_menu(self, index.data(Roles.ROW), self.clicks.link_at(position))
        menu.exec(event.globalPos())
        menu.deleteLater()

    # ------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent | None) -> None:
        super().paintEvent(event)
        model = self.message_model()
        if model is None or model.rowCount():
            return
        text = self.tr("Loading\u2026") if model.loading else self.tr("No messages yet.")
        viewport = self.viewport()
        assert viewport is not None
        painter = QPainter(viewport)
        palette = self.palette()
        painter.setPen(blend(palette.color(QPalette.ColorRole.Base),
                             palette.color(QPalette.ColorRole.Text), 0.5))
        painter.drawText(viewport.rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
