"""The first window: which server, who is logging in.

It only collects input and shows the outcome; connecting is the business of
:class:`~client_gui.client.ChatClient`, which the application wires to the
signals here.  The last server and username are remembered through
:mod:`client_gui.settings`; the password never is.

What the user typed or chose stays as it is whatever happens meanwhile (an
error, servers found or gone on the LAN): the fields change only under the
user's hands (see :mod:`client_gui.found_servers`).

"Keep me logged in" asks the server for a remembered session
(:mod:`client_gui.credentials` keeps it).  When a remembered session could
not be resumed at start (the server was down), the window names it, and
Log in with the password left empty tries it again.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QKeyEvent
from PyQt6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from .discovery import DiscoveredServer, ServerBrowser, ServerListModel
from .found_servers import FoundServersView
from .i18n import follow_language
from .settings import SERVER_HOST, SERVER_PORT, USERNAME, Settings
from .widgets import ErrorLabel, heading, lay_out_page

__all__ = ["LoginWindow", "ServerFields", "keep_logged_in_box"]


def keep_logged_in_box(parent: QWidget, checked: bool | None) -> QCheckBox:
    """The "Keep me logged in" box of the login and registration windows;
    hidden when ``checked`` is None (this client cannot keep a session)."""
    box = QCheckBox(parent)
    box.setObjectName("keep_logged_in")
    box.setChecked(bool(checked))
    box.setVisible(checked is not None)
    return box


class ServerFields:
    """The host and port inputs, shared by the login and registration windows."""

    def __init__(self, parent: QWidget, host: str, port: int) -> None:
        self.host = QLineEdit(host, parent)
        self.host.setObjectName("host")
        self.port = QSpinBox(parent)
        self.port.setObjectName("port")
        self.port.setRange(1, 65535)
        self.port.setValue(port)
        # A port is a number, not a quantity: no "7,447".
        self.port.setGroupSeparatorShown(False)
        self.row = QHBoxLayout()
        self.row.addWidget(self.host, 1)
        self.row.addWidget(self.port)

    def address(self) -> tuple[str, int]:
        return self.host.text().strip(), self.port.value()


class LoginWindow(QWidget):
    """Server address, username and password; Enter logs in.

    Args:
        settings: where the last server and username are remembered.
        server: a ``(host, port)`` from the command line, or the one the
            last attempt of this run went to, which wins over the remembered one.
        username: the name the last attempt of this run used, which wins
            over the remembered one.
        browser, servers: LAN discovery and what it found, listed above the
            address fields; without them the address is typed.
        keep_logged_in: the box's state, or None to leave it out.
        remembered: the ``(host, port, username)`` of a remembered session
            that is kept, if any: Log in without a password resumes it.

    Signals:
        login_requested(host, port, username, password, keep_logged_in)
        resume_requested(): Log in without a password, the fields naming the
            remembered session.
        registration_requested(host, port): open the registration window.
        forget_certificate_requested(host, port): unpin the certificate of a
            server that presented another one (see :meth:`offer_forget_certificate`).
    """

    login_requested = pyqtSignal(str, int, str, str, bool)
    resume_requested = pyqtSignal()
    registration_requested = pyqtSignal(str, int)
    forget_certificate_requested = pyqtSignal(str, int)

    def __init__(self, settings: Settings, server: tuple[str, int] | None = None,
                 parent: QWidget | None = None, *, username: str | None = None,
                 browser: ServerBrowser | None = None,
                 servers: ServerListModel | None = None, keep_logged_in: bool | None = None,
                 remembered: tuple[str, int, str] | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._remembered = remembered
        host, port = server or (settings.get(SERVER_HOST), settings.get(SERVER_PORT))
        self.server = ServerFields(self, host, port)
        self.username = QLineEdit(settings.get(USERNAME) if username is None else username, self)
        self.username.setObjectName("username")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.keep_logged_in = keep_logged_in_box(self, keep_logged_in)
        self.error = ErrorLabel(self)
        self.error.setObjectName("error")
        self.log_in_button = QPushButton(self)
        self.log_in_button.setObjectName("log_in")
        self.log_in_button.setDefault(True)
        self.register_button = QPushButton(self)
        self.register_button.setObjectName("register")
        self.register_button.setFlat(True)
        self.title = heading(self)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._labels = [QLabel(self) for _ in range(3)]
        self.form.addRow(self._labels[0], self.server.row)
        self.form.addRow(self._labels[1], self.username)
        self.form.addRow(self._labels[2], self.password)
        self.form.addRow("", self.keep_logged_in)
        for label, buddy in zip(self._labels, (self.server.host, self.username, self.password),
                                strict=True):
            label.setBuddy(buddy)
        self.found_servers: FoundServersView | None = None
        if browser is not None and servers is not None:
            self.found_servers = FoundServersView(browser, servers, self)
        top: list[QWidget] = [self.title]
        if self.found_servers is not None:
            top.append(self.found_servers)
        lay_out_page(self, top, self.form, self.error, self.register_button,
                     self.log_in_button,
                     minimum_width=440)
        # Shown only under the warning about a changed certificate.
        self.forget_certificate_button = QPushButton(self)
        self.forget_certificate_button.setObjectName("forget_certificate")
        self.forget_certificate_button.hide()
        self._certificate_server: tuple[str, int] | None = None
        page = self.layout()
        assert isinstance(page, QBoxLayout)
        page.insertWidget(page.indexOf(self.error) + 1, self.forget_certificate_button, 0,
                          Qt.AlignmentFlag.AlignLeft)

        self.log_in_button.clicked.connect(self.on_log_in_clicked)
        self.forget_certificate_button.clicked.connect(self.on_forget_certificate_clicked)
        self.register_button.clicked.connect(self.on_register_clicked)
        if self.found_servers is not None:
            self.found_servers.server_chosen.connect(self.on_found_server_chosen)
            self.server.host.textEdited.connect(self.on_host_edited)
            self.server.port.valueChanged.connect(self.on_port_edited)
            self.found_servers.set_address(*self.server.address())
        follow_language(self, self.retranslate)
        (self.password if self.username.text() else self.username).setFocus()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(self.tr("Besedka \u2014 Log in"))
        self.title.setText(self.tr("Log in to Besedka"))
        for label, text in zip(self._labels, (self.tr("&Server:"), self.tr("&Username:"),
                                              self.tr("&Password:")), strict=True):
            label.setText(text)
        self.server.host.setPlaceholderText(self.tr("host name or address"))
        self.log_in_button.setText(self.tr("&Log in"))
        self.keep_logged_in.setText(self.tr("&Keep me logged in"))
        self.keep_logged_in.setToolTip(self.tr(
            "Open Besedka logged in next time, until you choose Log out. Leave it off on a "
            "computer that others use."))
        self.password.setPlaceholderText(
            self.tr("leave empty to use the saved login") if self._remembered else "")
        self.register_button.setText(self.tr("Create an &account\u2026"))
        self.forget_certificate_button.setText(self.tr("&Forget this server\u2019s certificate"))

    def keyPressEvent(self, event: QKeyEvent | None) -> None:
        # The line edits and the spin box pass Enter on to their parent.
        assert event is not None
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.on_log_in_clicked()
            return
        super().keyPressEvent(event)

    def set_busy(self, busy: bool) -> None:
        """Disable the inputs while a login is under way."""
        for widget in (self.server.host, self.server.port, self.username, self.password,
                       self.keep_logged_in, self.log_in_button, self.register_button,
                       self.found_servers):
            if widget is not None:
                widget.setEnabled(not busy)
        if busy:
            self.error.show_text(None)
            self.forget_certificate_button.hide()
            self.log_in_button.setText(self.tr("Connecting\u2026"))
        else:
            self.log_in_button.setText(self.tr("&Log in"))

    def show_error(self, text: str) -> None:
        """Report why logging in did not work, in the window."""
        self.set_busy(False)
        self.error.show_text(text)
        self.password.setFocus()
        self.password.selectAll()

    def offer_forget_certificate(self, host: str, port: int) -> None:
        """Offer to unpin the certificate of ``host:port`` (under the warning)."""
        self._certificate_server = (host, port)
        self.forget_certificate_button.show()

    @pyqtSlot()
    def on_forget_certificate_clicked(self) -> None:
        if self._certificate_server is None:
            return
        self.forget_certificate_button.hide()
        self.forget_certificate_requested.emit(*self._certificate_server)
        self.error.show_text(self.tr(
            "The certificate is forgotten. Log in again to see the server\u2019s new "
            "fingerprint and decide whether to trust it."))

    @pyqtSlot()
    def on_log_in_clicked(self) -> None:
        if not self.log_in_button.isEnabled():
            return
        host, port = self.server.address()
        username = self.username.text().strip()
        password = self.password.text()
        if not host:
            self.error.show_text(self.tr("Enter the address of the server."))
            self.server.host.setFocus()
        elif not username:
            self.error.show_text(self.tr("Enter your username."))
            self.username.setFocus()
        elif not password and self._remembered == (host, port, username):
            self.set_busy(True)
            self.resume_requested.emit()
        elif not password:
            self.error.show_text(self.tr("Enter your password."))
            self.password.setFocus()
        else:
            self.set_busy(True)
            self.login_requested.emit(host, port, username, password,
                                      self.keep_logged_in.isChecked())

    @pyqtSlot()
    def on_register_clicked(self) -> None:
        host, port = self.server.address()
        self.registration_requested.emit(host, port)

    @pyqtSlot(object)
    def on_found_server_chosen(self, server: DiscoveredServer) -> None:
        # The user clicked it (found_servers emits for nothing else).  Both
        # fields first, then one update: half-changed they name no server.
        self.server.port.blockSignals(True)
        self.server.host.setText(server.host)
        self.server.port.setValue(server.port)
        self.server.port.blockSignals(False)
        if self.found_servers is not None:
            self.found_servers.set_address(server.host, server.port)

    @pyqtSlot(str)
    def on_host_edited(self, text: str) -> None:
        if self.found_servers is not None:
            self.found_servers.set_address(*self.server.address())

    @pyqtSlot(int)
    def on_port_edited(self, value: int) -> None:
        self.on_host_edited(self.server.host.text())
