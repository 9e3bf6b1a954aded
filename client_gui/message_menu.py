"""What can be done with one message: its context menu, and the keys that do the same.

Right-clicking a message (or pressing the menu key) offers Reply, Edit,
Delete, React (a few common emoji at hand, and "More…" for the picker),
Copy, Select text and, on a link, Copy link address; a message the server
refused offers "Delete unsent message" instead.  Each entry shows its key
(R, E, Del, +, Ctrl+C), which works on the selected message when the list
has the focus (:func:`key_action`).

What is offered depends on the message (mine or not, stored, deleted) and
on the server (:class:`Abilities`: a version 1 server has no edits).  The
menu only emits the view's signals; the chat window decides what they do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PyQt6.QtCore import QCoreApplication, Qt
from PyQt6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PyQt6.QtWidgets import QMenu

from .emoji_picker import QUICK_REACTIONS
from .models import MessageRow, RowState

if TYPE_CHECKING:
    from .message_view import MessageView

__all__ = ["Abilities", "build_message_menu", "key_action"]


@dataclass(frozen=True, slots=True)
class Abilities:
    """What the server lets anyone do with messages (PROTOCOL-2.md features)."""

    edits: bool = False
    reactions: bool = False


def _stored(row: MessageRow) -> bool:
    return row.id is not None and row.state is RowState.SENT and not row.deleted


def build_message_menu(view: MessageView, row: MessageRow, link: str | None) -> QMenu:
    """The context menu of ``row`` in ``view``; choosing an entry emits
    the view's matching signal."""
    menu = QMenu(view)
    abilities = view.abilities
    if _stored(row) and abilities.edits:
        reply = menu.addAction(QCoreApplication.translate("MessageMenu", "&Reply"))
        assert reply is not None
        reply.setShortcut(QKeySequence(Qt.Key.Key_R))
        reply.triggered.connect(lambda: view.reply_requested.emit(row))
    if _stored(row) and abilities.reactions:
        react = menu.addMenu(QCoreApplication.translate("MessageMenu", "Re&act"))
        assert react is not None
        for emoji in QUICK_REACTIONS:
            mine = emoji in row.my_reactions
            action = react.addAction(emoji)
            assert action is not None
            action.setCheckable(True)
            action.setChecked(mine)
            action.triggered.connect(
                lambda _=False, e=emoji, on=not mine: view.react_requested.emit(row, e, on))
        react.addSeparator()
        more = react.addAction(QCoreApplication.translate("MessageMenu", "&More\u2026"))
        assert more is not None
        more.setShortcut(QKeySequence(Qt.Key.Key_Plus))
        more.triggered.connect(lambda: view.pick_reaction_requested.emit(row))
    if link is not None:
        copy_link = menu.addAction(
            QCoreApplication.translate("MessageMenu", "Copy &link address"))
        assert copy_link is not None
        copy_link.triggered.connect(lambda: _copy(link))
    menu.addAction(view.copy_action)
    menu.addAction(view.select_action)
    if _stored(row) and row.own and abilities.edits:
        menu.addSeparator()
        edit = menu.addAction(QCoreApplication.translate("MessageMenu", "&Edit"))
        assert edit is not None
        edit.setShortcut(QKeySequence(Qt.Key.Key_E))
        edit.triggered.connect(lambda: view.edit_requested.emit(row))
        delete = menu.addAction(QCoreApplication.translate("MessageMenu", "&Delete\u2026"))
        assert delete is not None
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.triggered.connect(lambda: view.delete_requested.emit(row))
    if row.state is RowState.FAILED:
        discard = menu.addAction(
            QCoreApplication.translate("MessageMenu", "&Delete unsent message"))
        assert discard is not None
        discard.triggered.connect(lambda: view.discard_requested.emit(row.key))
    return menu


def key_action(view: MessageView, row: MessageRow, event: QKeyEvent) -> bool:
    """Do what a key pressed on the selected message ``row`` means; whether
    it meant anything (R reply, E edit, Del delete, + react)."""
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
        return False
    abilities, key = view.abilities, event.key()
    if key == Qt.Key.Key_Delete and row.state is RowState.FAILED:
        view.discard_requested.emit(row.key)
    elif not _stored(row):
        return False
    elif key == Qt.Key.Key_R and abilities.edits:
        view.reply_requested.emit(row)
    elif key == Qt.Key.Key_E and abilities.edits and row.own:
        view.edit_requested.emit(row)
    elif key == Qt.Key.Key_Delete and abilities.edits and row.own:
        view.delete_requested.emit(row)
    elif key == Qt.Key.Key_Plus and abilities.reactions:
        view.pick_reaction_requested.emit(row)
    else:
        return False
    return True


def _copy(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None
    clipboard.setText(text)
