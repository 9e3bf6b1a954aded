"""The dialog of the chat window that changes the password.

The password dialog stays open until the server has answered, so a wrong old
password is reported under that field rather than after the dialog is gone.
"""

from __future__ import annotations

from PyQt6.QtCore import pyqtSlot
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from protocol.errors import ErrorCode

from .client import ChatClient
from .failures import FailureReason
from .i18n import follow_language
from .texts import describe_error, password_problem, password_rules
from .widgets import ErrorLabel, HintLabel, with_error

__all__ = ["ChangePasswordDialog"]


class ChangePasswordDialog(QDialog):
    """Old password, new password twice; closes once the server agreed.

    Args:
        client: the session whose password changes.
    """

    def __init__(self, client: ChatClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self.old = QLineEdit(self)
        self.old.setObjectName("old")
        self.old_error = ErrorLabel(self)
        self.new = QLineEdit(self)
        self.new.setObjectName("new")
        self.new_error = ErrorLabel(self)
        self.repeat = QLineEdit(self)
        self.repeat.setObjectName("repeat")
        self.repeat_error = ErrorLabel(self)
        for field in (self.old, self.new, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.textEdited.connect(self.on_text_edited)
        self.rules = HintLabel(self)
        self.error = ErrorLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.on_accepted)
        self.buttons.rejected.connect(self.reject)
        self._labels = [QLabel(self) for _ in range(3)]
        form = QFormLayout()
        form.addRow(self._labels[0], with_error(self.old, self.old_error))
        form.addRow(self._labels[1], with_error(self.new, self.new_error))
        form.addRow(self._labels[2], with_error(self.repeat, self.repeat_error))
        for label, buddy in zip(self._labels, (self.old, self.new, self.repeat), strict=True):
            label.setBuddy(buddy)
        layout = QVBoxLayout(self)
        layout.addWidget(self.rules)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        client.account.password_changed.connect(self.on_password_changed)
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Change password"))
        self.rules.setText(password_rules())
        for label, text in zip(self._labels, (self.tr("&Current password:"),
                                              self.tr("&New password:"),
                                              self.tr("&Repeat new password:")), strict=True):
            label.setText(text)

    @pyqtSlot(str)
    def on_text_edited(self, text: str) -> None:
        self.error.show_text(None)
        self.old_error.show_text(None)
        self._validate(show_all=False)

    def _validate(self, *, show_all: bool) -> bool:
        new_problem = password_problem(self.new.text()) if self.new.text() or show_all else None
        repeat_problem = None
        if (self.repeat.text() or show_all) and self.repeat.text() != self.new.text():
            repeat_problem = self.tr("The passwords do not match.")
        old_problem = self.tr("Enter your current password.") if (
            show_all and not self.old.text()) else None
        self.new_error.show_text(new_problem)
        self.repeat_error.show_text(repeat_problem)
        if old_problem:
            self.old_error.show_text(old_problem)
        return not (new_problem or repeat_problem or old_problem)

    @pyqtSlot()
    def on_accepted(self) -> None:
        if not self._validate(show_all=True):
            return
        self.buttons.setEnabled(False)
        self._client.account.change_password(self.old.text(), self.new.text())

    @pyqtSlot(object)
    def on_password_changed(self, error: ErrorCode | FailureReason | None) -> None:
        self.buttons.setEnabled(True)
        if error is None:
            self.accept()
        elif error is ErrorCode.INVALID_CREDENTIALS:
            self.old_error.show_text(self.tr("The current password is wrong."))
            self.old.setFocus()
            self.old.selectAll()
        elif error is ErrorCode.WEAK_PASSWORD:
            self.new_error.show_text(describe_error(error))
        elif error is FailureReason.CONNECTION_LOST:
            self.error.show_text(self.tr("Not connected to the server. Try again when the "
                                         "connection is back."))
        else:
            assert isinstance(error, ErrorCode)
            self.error.show_text(describe_error(error))

