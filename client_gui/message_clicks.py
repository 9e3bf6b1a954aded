"""What the mouse finds on a message: a link, a file, a quote, a reaction.

A message's bubble holds parts that answer a click: a link in its text
opens, a file's picture or a card's action (download, open, cancel...) runs,
a reply's quoted strip jumps to the message it answers, and a reaction chip
adds or takes back my reaction.  :class:`MessageClicks` finds the part under
the mouse in a :class:`~client_gui.message_view.MessageView` by asking the
view's :class:`~client_gui.delegates.MessageDelegate` where it drew each
one, shows a pointing hand over links and files, and emits the view's
signals for a click; what they lead to is the chat window's business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, QPoint, QPointF, Qt, QUrl

from .file_cards import FileAction
from .models import MessageRow, Roles

if TYPE_CHECKING:
    from .message_view import MessageView

__all__ = ["MessageClicks"]


class MessageClicks(QObject):
    """Hit-testing of a message view's rows, for its mouse events.

    Positions are in the view's viewport coordinates.

    Args:
        view: the view whose rows are clicked (its delegate knows where the
            parts are; its :attr:`~client_gui.message_view.MessageView.abilities`
            say whether a chip may be toggled).
    """

    def __init__(self, view: MessageView) -> None:
        super().__init__(view)
        self._view = view

    def link_at(self, position: QPoint) -> str | None:
        """The link under a viewport position, if any."""
        view = self._view
        index = view.indexAt(position)
        if not index.isValid():
            return None
        return view.message_delegate.link_at(view.visualRect(index), index, QPointF(position))

    def file_action_at(self, position: QPoint) -> FileAction | None:
        """The file action under a viewport position, if any."""
        view = self._view
        index = view.indexAt(position)
        if not index.isValid():
            return None
        return view.message_delegate.file_action_at(view.visualRect(index), index, position)

    def hover(self, position: QPoint) -> None:
        """The mouse moved to ``position``: a pointing hand over what a click opens."""
        over_link = (self.link_at(position) is not None
                     or self.file_action_at(position) is not None)
        viewport = self._view.viewport()
        assert viewport is not None
        if over_link:
            viewport.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            viewport.unsetCursor()

    def click(self, position: QPoint) -> None:
        """A plain left click at ``position``: emit what it asks for, if anything."""
        if self._click_part(position):
            return
        link = self.link_at(position)
        action = self.file_action_at(position)
        if link is not None:
            self._view.link_activated.emit(QUrl(link))
        elif action is not None:
            index = self._view.indexAt(position)
            self._view.file_action.emit(index.data(Roles.ROW), action)

    def _click_part(self, position: QPoint) -> bool:
        """A click on a reply's strip or on a reaction chip; whether it was one."""
        view = self._view
        index = view.indexAt(position)
        if not index.isValid():
            return False
        rect, point = view.visualRect(index), QPointF(position)
        quoted = view.message_delegate.quote_at(rect, index, point)
        if quoted is not None:
            view.quote_activated.emit(quoted)
            return True
        emoji = view.message_delegate.reaction_at(rect, index, point)
        if emoji is not None and view.abilities.reactions:
            row: MessageRow = index.data(Roles.ROW)
            view.react_requested.emit(row, emoji, emoji not in row.my_reactions)
            return True
        return False
