"""The dialogs of rooms: a new room, browsing public rooms, a room's settings, inviting.

Each dialog that changes something on the server stays open until the
server has answered, so a refusal is reported where the user is looking
(as the password dialog does); the room name's rules are checked as the
user types, and the reason shown, before anything is sent.
:class:`UserPicker` (a filter over a list of people to tick) serves the new
room's members and the invitations.
"""

from __future__ import annotations

from collections.abc import Iterable

from PyQt6.QtCore import QSortFilterProxyModel, Qt, pyqtSlot
from PyQt6.QtGui import QStandardItem, QStandardItemModel
from PyQt6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from protocol.errors import ErrorCode
from protocol.rooms import Room
from protocol.rules import username_key

from .failures import FailureReason
from .i18n import follow_language
from .room_directory import RoomDirectory
from .room_models import MemberListModel
from .rooms import RoomsClient
from .texts import describe_error, room_name_problem, room_name_rules, topic_problem
from .widgets import ErrorLabel, HintLabel, with_error

__all__ = ["BrowseRoomsDialog", "InviteDialog", "NewRoomDialog", "RoomSettingsDialog",
           "UserPicker"]

_ROOM_ID = Qt.ItemDataRole.UserRole + 1


class UserPicker(QWidget):
    """People to tick, with a filter box above them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("people_filter")
        self.filter.setClearButtonEnabled(True)
        self.people = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.people)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = QListView(self)
        self.list.setObjectName("people")
        self.list.setModel(self.proxy)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        self.filter.setPlaceholderText(self.tr("Filter people"))

    def set_people(self, names: Iterable[str]) -> None:
        """The people to choose from, by name (case-folded name order)."""
        self.people.clear()
        for name in sorted(names, key=lambda n: (username_key(n), n)):
            item = QStandardItem(name)
            item.setCheckable(True)
            item.setEditable(False)
            self.people.appendRow(item)

    def set_checked(self, name: str, checked: bool = True) -> None:
        for row in range(self.people.rowCount()):
            item = self.people.item(row)
            if item is not None and item.text() == name:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def checked(self) -> list[str]:
        """The names ticked, in list order."""
        names = []
        for row in range(self.people.rowCount()):
            item = self.people.item(row)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                names.append(item.text())
        return names

    def shown(self) -> list[str]:
        """The names the filter lets through."""
        return [str(self.proxy.index(row, 0).data()) for row in range(self.proxy.rowCount())]


class _WaitingDialog(QDialog):
    """A dialog that sends one room request and closes when it succeeds.

    Args:
        rooms: the session's rooms.
        kind: the request type it waits for (``create_room``...), whose
            refusal it reports.
    """

    def __init__(self, rooms: RoomsClient, kind: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._rooms = rooms
        self._kind = kind
        self.error = ErrorLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.on_accepted)
        self.buttons.rejected.connect(self.reject)
        rooms.request_failed.connect(self.on_request_failed)

    @property
    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    @pyqtSlot()
    def on_accepted(self) -> None:
        raise NotImplementedError

    def sent(self) -> None:
        """The request went out: wait for the answer."""
        self.error.show_text(None)
        self.buttons.setEnabled(False)

    @pyqtSlot(str, object)
    def on_request_failed(self, kind: str, code: ErrorCode | FailureReason | str) -> None:
        if kind == self._kind and not self.buttons.isEnabled():
            self.buttons.setEnabled(True)
            self.show_refusal(code)

    def show_refusal(self, code: ErrorCode | FailureReason | str) -> None:
        self.error.show_text(describe_error(code))

    def done(self, result: int) -> None:
        # Not waiting any more: a late answer must not reach a dialog gone.
        self._rooms.request_failed.disconnect(self.on_request_failed)
        super().done(result)


class NewRoomDialog(_WaitingDialog):
    """A room's name, whether anyone may find and join it, and who is in it.

    Args:
        rooms: the session's rooms.
        people: everyone the room could hold (not me).
    """

    def __init__(self, rooms: RoomsClient, people: Iterable[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(rooms, "create_room", parent)
        self.name = QLineEdit(self)
        self.name.setObjectName("room_name")
        self.name_error = ErrorLabel(self)
        self.rules = HintLabel(self)
        self.public = QCheckBox(self)
        self.public.setObjectName("public")
        self.members = UserPicker(self)
        self.members.set_people(people)
        self._labels = [QLabel(self), QLabel(self)]
        form = QFormLayout()
        form.addRow(self._labels[0], with_error(self.name, self.name_error))
        form.addRow("", self.public)
        form.addRow(self._labels[1], self.members)
        self._labels[0].setBuddy(self.name)
        self._labels[1].setBuddy(self.members.filter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.rules)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self.name.textEdited.connect(self.on_name_edited)
        rooms.room_opened.connect(self.on_room_opened)
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("New room"))
        self.rules.setText(room_name_rules())
        self._labels[0].setText(self.tr("&Name:"))
        self._labels[1].setText(self.tr("&Members:"))
        self.public.setText(self.tr("&Public: anyone can find and join it"))
        self.ok_button.setText(self.tr("&Create"))
        if self.name_error.isVisible():
            self.name_error.show_text(room_name_problem(self.name.text()))

    @pyqtSlot(str)
    def on_name_edited(self, text: str) -> None:
        self.error.show_text(None)
        # Said at once when it breaks a rule; "give it a name" waits for Create.
        self.name_error.show_text(room_name_problem(text) if text else None)

    @pyqtSlot()
    def on_accepted(self) -> None:
        problem = room_name_problem(self.name.text())
        self.name_error.show_text(problem)
        if problem is not None:
            self.name.setFocus()
            return
        self.sent()
        self._rooms.create(self.name.text().strip(), self.public.isChecked(),
                           self.members.checked())

    def show_refusal(self, code: ErrorCode | FailureReason | str) -> None:
        if code is ErrorCode.INVALID_ROOM_NAME:
            self.name_error.show_text(describe_error(code))
        else:
            super().show_refusal(code)

    @pyqtSlot(object)
    def on_room_opened(self, room: Room) -> None:
        if not self.buttons.isEnabled():
            self.accept()

    def done(self, result: int) -> None:
        self._rooms.room_opened.disconnect(self.on_room_opened)
        super().done(result)


class BrowseRoomsDialog(_WaitingDialog):
    """The public rooms I am not in, to join one.

    Args:
        rooms: the session's rooms.
        directory: where the public rooms are listed.
    """

    def __init__(self, rooms: RoomsClient, directory: RoomDirectory,
                 parent: QWidget | None = None) -> None:
        super().__init__(rooms, "join_room", parent)
        self._directory = directory
        self.filter = QLineEdit(self)
        self.filter.setObjectName("rooms_filter")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setObjectName("public_rooms")
        self.empty = HintLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumSize(440, 360)
        self.filter.textChanged.connect(self._fill)
        self.list.itemDoubleClicked.connect(lambda _: self.on_accepted())
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        directory.public_rooms_changed.connect(self._fill)
        rooms.room_opened.connect(self.on_room_opened)
        follow_language(self, self.retranslate)
        rooms.list_rooms()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Browse public rooms"))
        self.filter.setPlaceholderText(self.tr("Filter rooms"))
        self.ok_button.setText(self.tr("&Join"))
        self._fill()

    def _fill(self) -> None:
        chosen = self.list.currentItem()
        chosen_id = None if chosen is None else chosen.data(_ROOM_ID)
        self.list.clear()
        needle = self.filter.text().casefold()
        for room in sorted(self._directory.public_rooms,
                           key=lambda r: (r.name.casefold(), r.id)):
            if needle and needle not in room.name.casefold() and needle not in \
                    room.topic.casefold():
                continue
            text = self.tr("%1 \u00b7 %n member(s)", "", room.members).replace("%1", room.name)
            if room.topic:
                text += "\n" + room.topic
            item = QListWidgetItem(text, self.list)
            item.setData(_ROOM_ID, room.id)
            if room.id == chosen_id:
                self.list.setCurrentItem(item)
        self.empty.setText(self.tr("No public rooms to join.") if not self.list.count() else "")
        self.empty.setVisible(not self.list.count())
        self._enable()

    def _enable(self) -> None:
        self.ok_button.setEnabled(self.list.currentItem() is not None)

    @pyqtSlot()
    def on_accepted(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.sent()
        self._rooms.join(int(item.data(_ROOM_ID)))

    @pyqtSlot(object)
    def on_room_opened(self, room: Room) -> None:
        if not self.buttons.isEnabled():
            self.accept()

    def done(self, result: int) -> None:
        self._rooms.room_opened.disconnect(self.on_room_opened)
        self._directory.public_rooms_changed.disconnect(self._fill)
        super().done(result)


class RoomSettingsDialog(_WaitingDialog):
    """A room's name, topic and openness, for its owner to change."""

    def __init__(self, rooms: RoomsClient, room: Room, parent: QWidget | None = None) -> None:
        super().__init__(rooms, "update_room", parent)
        self.room = room
        self.name = QLineEdit(room.name, self)
        self.name.setObjectName("room_name")
        self.name_error = ErrorLabel(self)
        self.topic = QLineEdit(room.topic, self)
        self.topic.setObjectName("topic")
        self.topic_error = ErrorLabel(self)
        self.public = QCheckBox(self)
        self.public.setObjectName("public")
        self.public.setChecked(room.public)
        self._labels = [QLabel(self), QLabel(self)]
        form = QFormLayout()
        form.addRow(self._labels[0], with_error(self.name, self.name_error))
        form.addRow(self._labels[1], with_error(self.topic, self.topic_error))
        form.addRow("", self.public)
        self._labels[0].setBuddy(self.name)
        self._labels[1].setBuddy(self.topic)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self.name.textEdited.connect(
            lambda text: self.name_error.show_text(room_name_problem(text)))
        self.topic.textEdited.connect(lambda text: self.topic_error.show_text(topic_problem(text)))
        rooms.room_changed.connect(self.on_room_changed)
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Room settings"))
        self._labels[0].setText(self.tr("&Name:"))
        self._labels[1].setText(self.tr("&Topic:"))
        self.public.setText(self.tr("&Public: anyone can find and join it"))
        self.ok_button.setText(self.tr("&Save"))

    @pyqtSlot()
    def on_accepted(self) -> None:
        name_problem = room_name_problem(self.name.text())
        topic = self.topic.text().strip()
        problem = topic_problem(topic)
        self.name_error.show_text(name_problem)
        self.topic_error.show_text(problem)
        if name_problem or problem:
            return
        name: str | None = self.name.text().strip()
        public: bool | None = self.public.isChecked()
        # Only what changed is sent: the others stay as they are.
        name = None if name == self.room.name else name
        public = None if public == self.room.public else public
        new_topic = None if topic == self.room.topic else topic
        if (name, new_topic, public) == (None, None, None):
            self.accept()
            return
        self.sent()
        self._rooms.update(self.room.id, name=name, topic=new_topic, public=public)

    @pyqtSlot(object)
    def on_room_changed(self, room: Room) -> None:
        if room.id == self.room.id and not self.buttons.isEnabled():
            self.accept()

    def done(self, result: int) -> None:
        self._rooms.room_changed.disconnect(self.on_room_changed)
        super().done(result)


class InviteDialog(QDialog):
    """People to add to a room: everyone who is not in it yet.

    The invitations go out when the dialog is accepted; a refusal is
    reported by the window, which hears of every room request.

    Args:
        rooms: the session's rooms.
        room: the room to invite to.
        everyone: everybody else's names.
        members: the room's members, followed as they arrive and change.
    """

    def __init__(self, rooms: RoomsClient, room: Room, everyone: Iterable[str],
                 members: MemberListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rooms = rooms
        self.room = room
        self._everyone = list(everyone)
        self._members = members
        self.people = UserPicker(self)
        self._fill()
        members.modelReset.connect(self._fill)
        self.hint = HintLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.on_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.people)
        layout.addWidget(self.buttons)
        self.setMinimumSize(360, 360)
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Invite to %1").replace("%1", self.room.name))
        self.hint.setText(self.tr("Tick the people to add to the room."))
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        button.setText(self.tr("&Invite"))

    def _fill(self) -> None:
        """Everyone who is not a member (those ticked stay ticked)."""
        ticked = self.people.checked()
        inside = {username_key(name) for name in self._members.names()}
        self.people.set_people(name for name in self._everyone
                               if username_key(name) not in inside)
        for name in ticked:
            self.people.set_checked(name)

    @pyqtSlot()
    def on_accepted(self) -> None:
        for name in self.people.checked():
            self._rooms.invite(self.room.id, name)
        self.accept()

    def done(self, result: int) -> None:
        self._members.modelReset.disconnect(self._fill)
        super().done(result)
