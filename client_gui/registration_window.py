"""Creating an account: the rules up front, checked while typing.

The checks are :mod:`protocol.rules` itself (through
:mod:`client_gui.texts`), so whatever this window accepts the server accepts
too, except what only the server can know (a name already taken), which it
reports under the field concerned.  Success logs straight in.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QKeyEvent
from PyQt6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from protocol.errors import ErrorCode

from .failures import AuthFailure, FailureReason
from .i18n import follow_language
from .login_window import ServerFields, keep_logged_in_box
from .texts import (
    describe_failure,
    password_problem,
    password_rules,
    username_problem,
    username_rules,
)
from .widgets import ErrorLabel, HintLabel, heading, lay_out_page, with_error

__all__ = ["RegistrationWindow"]


class RegistrationWindow(QWidget):
    """Username, password and its repetition, validated as they are typed.

    Args:
        host, port: the server, as entered in the login window.
        keep_logged_in: the "Keep me logged in" box's state, or None to leave it out.

    Signals:
        registration_requested(host, port, username, password, keep_logged_in)
        back_requested(): return to the login window.
    """

    registration_requested = pyqtSignal(str, int, str, str, bool)
    back_requested = pyqtSignal()

    def __init__(self, host: str, port: int, parent: QWidget | None = None, *,
                 keep_logged_in: bool | None = None) -> None:
        super().__init__(parent)
        self.server = ServerFields(self, host, port)
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.username_error = ErrorLabel(self)
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_error = ErrorLabel(self)
        self.repeat = QLineEdit(self)
        self.repeat.setObjectName("repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_error = ErrorLabel(self)
        self.keep_logged_in = keep_logged_in_box(self, keep_logged_in)
        self.error = ErrorLabel(self)
        self.error.setObjectName("error")
        self.rules = HintLabel(self)
        self.title = heading(self)
        self.create_button = QPushButton(self)
        self.create_button.setObjectName("create")
        self.create_button.setDefault(True)
        self.back_button = QPushButton(self)
        self.back_button.setFlat(True)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._labels = [QLabel(self) for _ in range(4)]
        self.form.addRow(self._labels[0], self.server.row)
        self.form.addRow(self._labels[1], with_error(self.username, self.username_error))
        self.form.addRow(self._labels[2], with_error(self.password, self.password_error))
        self.form.addRow(self._labels[3], with_error(self.repeat, self.repeat_error))
        self.form.addRow("", self.keep_logged_in)
        for label, buddy in zip(self._labels, (self.server.host, self.username, self.password,
                                               self.repeat), strict=True):
            label.setBuddy(buddy)
        lay_out_page(self, [self.title, self.rules], self.form, self.error, self.back_button,
                     self.create_button,
                     minimum_width=480)

        # Which fields the user has touched: a field says nothing until then,
        # so an empty form does not greet anyone with three errors.
        self._touched: set[QLineEdit] = set()
        for field in (self.username, self.password, self.repeat):
            field.textEdited.connect(self.on_text_edited)
        self.create_button.clicked.connect(self.on_create_clicked)
        self.back_button.clicked.connect(self.back_requested)
        follow_language(self, self.retranslate)
        self.username.setFocus()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(self.tr("Besedka \u2014 Create an account"))
        self.title.setText(self.tr("Create an account"))
        self.rules.setText(username_rules() + "\n" + password_rules())
        for label, text in zip(self._labels, (self.tr("&Server:"), self.tr("&Username:"),
                                              self.tr("&Password:"),
                                              self.tr("&Repeat password:")), strict=True):
            label.setText(text)
        self.create_button.setText(self.tr("&Create account"))
        self.keep_logged_in.setText(self.tr("&Keep me logged in"))
        self.back_button.setText(self.tr("\u2190 &Back to login"))
        self._validate()

    def keyPressEvent(self, event: QKeyEvent | None) -> None:
        assert event is not None
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.on_create_clicked()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------

    def _problems(self) -> dict[QLineEdit, str | None]:
        password = self.password.text()
        repeat_problem = None
        if self.repeat.text() != password:
            repeat_problem = self.tr("The passwords do not match.")
        return {
            self.username: username_problem(self.username.text().strip()),
            self.password: password_problem(password),
            self.repeat: repeat_problem,
        }

    def _validate(self, *, show_all: bool = False) -> bool:
        problems = self._problems()
        labels = {self.username: self.username_error, self.password: self.password_error,
                  self.repeat: self.repeat_error}
        for field, problem in problems.items():
            shown = show_all or field in self._touched
            labels[field].show_text(problem if shown else None)
        return not any(problems.values())

    @pyqtSlot(str)
    def on_text_edited(self, text: str) -> None:
        sender = self.sender()
        if isinstance(sender, QLineEdit):
            self._touched.add(sender)
        if sender is self.password and self.repeat.text():
            self._touched.add(self.repeat)
        self.error.show_text(None)
        self._validate()

    def set_busy(self, busy: bool) -> None:
        for widget in (self.server.host, self.server.port, self.username, self.password,
                       self.repeat, self.keep_logged_in, self.create_button,
                       self.back_button):
            widget.setEnabled(not busy)
        self.create_button.setText(self.tr("Creating\u2026") if busy
                                   else self.tr("&Create account"))

    @pyqtSlot()
    def on_create_clicked(self) -> None:
        if not self.create_button.isEnabled():
            return
        host, port = self.server.address()
        if not host:
            self.error.show_text(self.tr("Enter the address of the server."))
            return
        if not self._validate(show_all=True):
            return
        self.set_busy(True)
        self.error.show_text(None)
        self.registration_requested.emit(host, port, self.username.text().strip(),
                                         self.password.text(), self.keep_logged_in.isChecked())

    def show_failure(self, failure: AuthFailure) -> None:
        """Show a refusal under the field it concerns, or below the form."""
        self.set_busy(False)
        text = describe_failure(failure)
        if failure.reason is FailureReason.SERVER and failure.code in (
                ErrorCode.USERNAME_TAKEN, ErrorCode.INVALID_USERNAME):
            self.username_error.show_text(text)
            self.username.setFocus()
            self.username.selectAll()
        elif failure.reason is FailureReason.SERVER and failure.code is ErrorCode.WEAK_PASSWORD:
            self.password_error.show_text(text)
            self.password.setFocus()
        else:
            self.error.show_text(text)
