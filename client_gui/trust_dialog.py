"""Asking whether to trust a server's certificate the first time we meet it.

Besedka servers make their own certificates, so no authority vouches for
them; the user does, once, by comparing the fingerprint shown here with the
one the server logged when it started (the administrator can read it to
them).  The answer is pinned by the session (see
:meth:`client_gui.client.ChatClient.trust_certificate`); this module only
asks.

It always asks (unless the administrator decided beforehand, see
:mod:`client_gui.trust`): what a server announces on the LAN is shown as a
remark, "matches the fingerprint this server announces" or a warning when
it does not, and never answers the question in the user's place.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFontDatabase, QIcon
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from protocol.discovery import FingerprintCheck
from protocol.tls import format_fingerprint

from .i18n import follow_language
from .iconset import IconName, Tone
from .iconset import icon as icon_of
from .widgets import ErrorLabel, HintLabel

__all__ = ["TrustDialog"]


class TrustDialog(QDialog):
    """"Trust this server?": the fingerprint, "Trust and connect" or "Cancel".

    Accepted means trust; rejected (Cancel, Esc, closing it) means do not.

    Args:
        host, port: the server, as the user named it.
        fingerprint: the presented certificate's fingerprint (64 hex digits).
        announcement: what the LAN's announcements for that address say of
            it (:meth:`client_gui.trust.CertificateTrust.announcement`).
    """

    def __init__(self, host: str, port: int, fingerprint: str,
                 parent: QWidget | None = None, *,
                 announcement: FingerprintCheck = FingerprintCheck.NOT_ANNOUNCED) -> None:
        super().__init__(parent)
        self.setObjectName("trust_dialog")
        self.host, self.port, self.fingerprint = host, port, fingerprint
        self.announcement = announcement
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        # Two lines of eight groups, so the label never breaks in mid-row
        # and the groups can be read out and compared line by line.
        groups = format_fingerprint(fingerprint).split()
        self.fingerprint_label = QLabel(
            " ".join(groups[:8]) + "\n" + " ".join(groups[8:]), self)
        self.fingerprint_label.setObjectName("fingerprint")
        self.fingerprint_label.setFont(
            QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.fingerprint_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        #: What the announcements say: a muted remark when they agree, a
        #: warning when one does not; hidden when nothing was announced.
        self.announcement_label: QLabel = (
            ErrorLabel(self) if announcement is FingerprintCheck.MISMATCH else HintLabel(self))
        self.announcement_label.setObjectName("announcement")
        self.announcement_label.setVisible(announcement is not FingerprintCheck.NOT_ANNOUNCED)
        self.buttons = QDialogButtonBox(self)
        self.trust_button = QPushButton(self)
        self.trust_button.setObjectName("trust")
        self.buttons.addButton(self.trust_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        assert self.cancel_button is not None
        # Trusting must be a decision, not what Enter does by accident: a
        # dialog makes the focused button the default unless it is not
        # auto-default, and it gives the focus to the first button, Trust.
        self.trust_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        # Where the style puts icons on dialog buttons, Cancel gets its
        # standard one and our own button none: both get ours, or neither.
        style = self.style()
        if style is not None and style.styleHint(
                QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons, None, self):
            self.trust_button.setIcon(icon_of(IconName.TRUST, Tone.POSITIVE))
            self.cancel_button.setIcon(icon_of(IconName.CANCEL))
        else:
            self.cancel_button.setIcon(QIcon())
        self.cancel_button.setFocus()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.fingerprint_label)
        layout.addWidget(self.announcement_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(self.tr("Trust this server?"))
        self.explanation.setText(self.tr(
            "This is the first connection to %1. Trust it if this fingerprint is the one "
            "its administrator sees in the server's log; Besedka will then refuse any other "
            "certificate for this server.").replace("%1", f"{self.host}:{self.port}"))
        self.trust_button.setText(self.tr("&Trust and connect"))
        if self.announcement is FingerprintCheck.MATCH:
            self.announcement_label.setText(self.tr(
                "This fingerprint matches the fingerprint this server announces on the "
                "network. Anyone on the network can announce a server, so this proves "
                "nothing: compare it with the administrator's all the same."))
        elif self.announcement is FingerprintCheck.MISMATCH:
            self.announcement_label.setText(self.tr(
                "Warning: a server announced on this network at this address gives another "
                "fingerprint. Someone may be impersonating the server. Trust it only if the "
                "administrator confirms this fingerprint."))
