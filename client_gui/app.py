"""Starting the client: command line, application object, window flow.

``python -m client_gui`` and the ``besedka`` launcher both end up in
:func:`main`.  :class:`Besedka` owns what lives as long as the process (the
settings, the language, the network thread and the session) and moves the
user between the login, registration and chat windows.

With a remembered session ("Keep me logged in", :mod:`client_gui.credentials`)
the client starts without the login window: it resumes the session, and
shows the login window only if that fails, saying why.  Closing the window
keeps the session; Account → Log out forgets it, here and on the server.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, QSettings, Qt, QTimer, QUrl, pyqtSlot
from PyQt6.QtGui import QDesktopServices, QIcon
from PyQt6.QtWidgets import QApplication, QWidget

from protocol.provisioning import PROVISIONING_FILE_NAME, parse_address, parse_trust_entry
from protocol.tls import PinCheck
from protocol.version import BESEDKA_VERSION

from . import console
from .chat_window import ChatWindow
from .client import ChatClient
from .collector import GuiThreadCollector
from .conversations import DEFAULT_OLDER_PAGE_SIZE, DEFAULT_PAGE_SIZE, Conversations
from .credentials import CredentialStore
from .discovery import ServerBrowser, ServerListModel
from .failures import AuthFailure, FailureReason
from .i18n import LanguageManager
from .keeper import SessionKeeper
from .login_window import LoginWindow
from .network import Connection, NetworkThread
from .registration_window import RegistrationWindow
from .server_watch import ServerWatch
from .settings import (
    SERVER_HOST, SERVER_PORT, USERNAME, CertificatePins, Settings,
)
from .texts import describe_failure
from .theme import Appearance
from .trust import CertificateTrust, ProvisionedServers
from .trust_dialog import TrustDialog

__all__ = ["Besedka", "main", "parse_server", "app_icon"]

log = logging.getLogger("besedka.client")

ICON_PATH = Path(__file__).resolve().parent / "icons" / "besedka.png"


def parse_server(text: str) -> tuple[str, int]:
    """Split ``HOST[:PORT]`` (``[v6]:PORT`` for IPv6); the port defaults to 7447.

    Raises:
        argparse.ArgumentTypeError: the text is not an address.
    """
    try:
        return parse_address(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parse_trust(text: str) -> str:
    """Check a ``--trust HOST:PORT=FINGERPRINT`` option (read again by
    :meth:`ProvisionedServers.load`).

    Raises:
        argparse.ArgumentTypeError: the text is not such an entry.
    """
    try:
        parse_trust_entry(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def app_icon() -> QIcon:
    return QIcon(str(ICON_PATH))


class Besedka(QObject):
    """The running client: one session, and the window that shows it.

    Args:
        app: the application.
        settings: the user's remembered settings.
        client: the session; its network thread is started and stopped by
            the caller.
        languages: the translators.
        server: the server from the command line, if any.
        page_sizes: messages in the first and in each older history page.
        open_url: opens a clicked link (the desktop's browser by default).
        browser: finds servers on the LAN for the login window (None: the
            address is typed); :meth:`shut_down` stops it.
        appearance: the theme and font size (made here if not given, and
            then not applied until the user changes them).
        credentials: where "Keep me logged in" keeps its token (None: the
            box is left out and nothing is kept).
    """

    def __init__(self, app: QApplication, settings: Settings, client: ChatClient,
                 languages: LanguageManager, server: tuple[str, int] | None = None,
                 page_sizes: tuple[int, int] = (DEFAULT_PAGE_SIZE, DEFAULT_OLDER_PAGE_SIZE),
                 open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
                 browser: ServerBrowser | None = None,
                 appearance: Appearance | None = None,
                 credentials: CredentialStore | None = None) -> None:
        super().__init__()
        self.appearance = appearance if appearance is not None else Appearance(app, settings,
                                                                                 self)
        self._browser = browser
        #: "Keep me logged in": what to save, resume and forget.
        self.keeper = SessionKeeper(client, settings, credentials, self)
        #: What discovery found; kept for the whole run, so a login window
        #: opened again lists the servers at once.
        self.found_servers = ServerListModel(self)
        if browser is not None:
            self.found_servers.follow(browser)
            client.trust.follow_announcements(self.found_servers.announced_fingerprints)
            #: Reconnects at once when the server announces itself again.
            self.server_watch = ServerWatch(browser, self.found_servers, client, self)
        self._open_url = open_url
        self._app = app
        self._page_sizes = page_sizes
        self._settings = settings
        self.client = client
        self._languages = languages
        #: The server to offer in the login window: the last one tried in
        #: this run, else the one from the command line, else the remembered.
        self._server = server
        #: The username the last attempt of this run used (None: the
        #: remembered one).  With :attr:`_server`, a login window built again
        #: (after an error, or back from registration) shows what the user
        #: typed, never something else.
        self._username: str | None = None
        self._icon = app_icon()
        self.login_window: LoginWindow | None = None
        self.registration_window: RegistrationWindow | None = None
        self.chat_window: ChatWindow | None = None
        #: Open while the session waits for the user to trust a certificate.
        self.trust_dialog: TrustDialog | None = None
        self._network_thread: NetworkThread | None = None
        self._collector: GuiThreadCollector | None = None
        self._shut_down = False
        client.logged_in.connect(self.on_logged_in)
        client.auth_failed.connect(self.on_auth_failed)
        client.session_ended.connect(self.on_session_ended)
        client.certificate_unknown.connect(self.on_certificate_unknown)

    @classmethod
    def with_network(cls, app: QApplication, settings: Settings, languages: LanguageManager,
                     server: tuple[str, int] | None = None, *,
                     reconnect_delays: Iterable[float] | None = None,
                     tls: bool = True, provisioned: ProvisionedServers | None = None,
                     **options: Any) -> Besedka:
        """Make the network thread and the session too, and own them.

        ``tls=False`` talks plain TCP, to servers run with ``--no-tls``;
        ``provisioned`` are the servers the administrator trusts;
        ``options`` are the remaining arguments of the constructor.  Call
        :meth:`shut_down` before the application ends.  Meanwhile garbage
        is collected in the GUI thread only (:mod:`client_gui.collector`).
        """
        collector = GuiThreadCollector()
        collector.start()
        connection = Connection()
        thread = NetworkThread(connection)
        thread.start()
        trust = CertificateTrust(CertificatePins(settings), provisioned)
        client = ChatClient(connection, trust, reconnect_delays, tls=tls)
        besedka = cls(app, settings, client, languages, server, **options)
        besedka._network_thread = thread
        besedka._collector = collector
        collector.setParent(besedka)
        return besedka

    def start(self) -> None:
        """Resume the remembered session if there is one; else show the login window."""
        if not self._resume():
            self.show_login()

    def _resume(self) -> bool:
        """Resume the remembered session, if there is one to resume."""
        login = self.keeper.resume(self._server)
        if login is not None:
            self._server, self._username = (login.host, login.port), login.username
        return login is not None

    @pyqtSlot()
    def on_resume_requested(self) -> None:
        if not self._resume() and self.login_window is not None:
            self.login_window.show_error(self.tr("Enter your password."))

    def shut_down(self) -> None:
        """Log out, close the windows, and stop discovery and the network thread.

        A remembered session stays remembered: the next start resumes it.
        Called again, it does nothing.
        """
        if self._shut_down:
            return
        self._shut_down = True
        if self._browser is not None:
            self._browser.stop()
        if self.chat_window is not None:
            self.chat_window.release()
        self.client.log_out()
        self.client.files.shut_down()  # no transfer thread outlives the client
        for window in (self.login_window, self.registration_window, self.chat_window):
            if window is not None:
                window.close()
                window.deleteLater()
        if self._network_thread is not None:
            self._network_thread.shut_down()
            self._network_thread = None
        if self._collector is not None:
            self._collector.stop()
            self._collector = None

    def show_login(self, error: str | None = None) -> None:
        loaded = self.keeper.remembered(self._server)
        remembered = (loaded[0].host, loaded[0].port, loaded[0].username) if loaded else None
        window = LoginWindow(self._settings, self._server, username=self._username,
                             browser=self._browser, servers=self.found_servers,
                             keep_logged_in=self.keeper.box_state(), remembered=remembered)
        window.setWindowIcon(self._icon)
        window.login_requested.connect(self.on_login_requested)
        window.resume_requested.connect(self.on_resume_requested)
        window.registration_requested.connect(self.on_registration_requested)
        window.forget_certificate_requested.connect(self.on_forget_certificate_requested)
        self._replace_window(window)
        self.login_window = window
        if error:
            window.show_error(error)

    def _replace_window(self, window: QWidget) -> None:
        """Show ``window`` where the current one was, and close the old one."""
        old = self.login_window or self.registration_window or self.chat_window
        if old is not None and not isinstance(old, ChatWindow) and not isinstance(window,
                                                                                   ChatWindow):
            window.move(old.pos())
        window.show()
        for previous in (self.login_window, self.registration_window, self.chat_window):
            if previous is not None and previous is not window:
                previous.hide()
                previous.deleteLater()
        self.login_window = self.registration_window = self.chat_window = None

    @pyqtSlot(str, int, str, str, bool)
    def on_login_requested(self, host: str, port: int, username: str, password: str,
                           keep: bool) -> None:
        self._server, self._username = (host, port), username
        self.client.log_in(host, port, username, password, remember=self.keeper.attempt(keep))

    @pyqtSlot(str, int)
    def on_registration_requested(self, host: str, port: int) -> None:
        if self.login_window is not None:
            self._username = self.login_window.username.text().strip()
        self._server = (host, port)
        window = RegistrationWindow(host, port, keep_logged_in=self.keeper.box_state())
        window.setWindowIcon(self._icon)
        window.registration_requested.connect(self.on_register_requested)
        window.back_requested.connect(self.on_back_to_login)
        self._replace_window(window)
        self.registration_window = window

    @pyqtSlot(str, int, str, str, bool)
    def on_register_requested(self, host: str, port: int, username: str, password: str,
                              keep: bool) -> None:
        self._server, self._username = (host, port), username
        self.client.register(host, port, username, password, remember=self.keeper.attempt(keep))

    @pyqtSlot()
    def on_back_to_login(self) -> None:
        self.client.cancel()
        registration = self.registration_window
        if registration is not None:
            # What was typed there comes back to the login window.
            self._server = registration.server.address()
            if registration.username.text().strip():
                self._username = registration.username.text().strip()
        self.show_login()

    @pyqtSlot(str)
    def on_logged_in(self, username: str) -> None:
        # Remembered only once they worked, so a typo is not offered again.
        self._settings.set(SERVER_HOST, self.client.host)
        self._settings.set(SERVER_PORT, self.client.port)
        self._settings.set(USERNAME, username)
        self.keeper.logged_in()
        conversations = Conversations(self.client, *self._page_sizes)
        # The window opens on the general room: its newest page is on its
        # way while the window is being built (tens of milliseconds).
        conversations.start_loading(None)
        window = ChatWindow(self.client, conversations, self._settings, self._languages,
                            self._icon, self._open_url, appearance=self.appearance)
        conversations.setParent(window)
        window.log_out_requested.connect(self.on_log_out_requested)
        self._replace_window(window)
        self.chat_window = window

    @pyqtSlot(object)
    def on_auth_failed(self, failure: AuthFailure) -> None:
        resuming = self.keeper.failed(failure)
        if resuming is not None and failure.reason is not FailureReason.CERTIFICATE_CHANGED:
            # The remembered session did not resume: the login window, with
            # the server and name filled in, says why.
            if self.login_window is None:
                self.show_login(describe_failure(failure))
            else:
                self.login_window.show_error(describe_failure(failure))
        elif failure.reason is FailureReason.CERTIFICATE_CHANGED:
            # The way out (forgetting the pin) is in the login window.
            self._show_changed_certificate(failure)
        elif self.registration_window is not None:
            self.registration_window.show_failure(failure)
        elif self.login_window is not None:
            self.login_window.show_error(describe_failure(failure))

    @pyqtSlot(object)
    def on_session_ended(self, failure: AuthFailure) -> None:
        if self.chat_window is not None:
            self.chat_window.release()
        self.keeper.failed(failure)
        if failure.reason is FailureReason.CERTIFICATE_CHANGED:
            self._show_changed_certificate(failure)
            return
        self.show_login(self.tr("You were logged out: %1").replace(
            "%1", describe_failure(failure)))

    def _show_changed_certificate(self, failure: AuthFailure) -> None:
        if self.login_window is None:
            self.show_login()
        assert self.login_window is not None
        self.login_window.show_error(describe_failure(failure))
        self.login_window.offer_forget_certificate(failure.host, failure.port)

    @pyqtSlot(object)
    def on_certificate_unknown(self, check: PinCheck) -> None:
        # The session asks only when the user must decide (client_gui/trust.py
        # decides the rest): show the fingerprint.
        parent = self.login_window or self.registration_window or self.chat_window
        host, port = self.client.host, self.client.port
        dialog = TrustDialog(host, port, check.fingerprint, parent,
                             announcement=self.client.trust.announcement(
                                 host, port, check.fingerprint))
        dialog.setWindowIcon(self._icon)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.client.trust_certificate(check.fingerprint))
        dialog.rejected.connect(self.on_certificate_declined)
        dialog.finished.connect(self.on_trust_dialog_finished)
        self.trust_dialog = dialog
        # open(), not exec(): window-modal without a nested event loop.
        dialog.open()

    @pyqtSlot(int)
    def on_trust_dialog_finished(self, result: int) -> None:
        self.trust_dialog = None

    @pyqtSlot()
    def on_certificate_declined(self) -> None:
        if self.chat_window is not None:
            # A running session met an unpinned server: nothing to go on with.
            self.on_log_out_requested()
            return
        self.client.cancel()
        if self.login_window is not None:
            self.login_window.set_busy(False)
        if self.registration_window is not None:
            self.registration_window.set_busy(False)

    @pyqtSlot(str, int)
    def on_forget_certificate_requested(self, host: str, port: int) -> None:
        self.client.trust.forget(host, port)
        self.keeper.forget_server(host, port)

    @pyqtSlot()
    def on_log_out_requested(self) -> None:
        if self.chat_window is not None:
            self.chat_window.release()
        # Log out forgets the remembered session, here and on the server
        # (closing the window keeps it: see shut_down).
        self.client.log_out(forget=True)
        self.keeper.forget()
        self.show_login()


def main(argv: Sequence[str] | None = None, *,
         started: Callable[[Besedka], object] | None = None) -> int:
    """Run the desktop client until its last window closes.

    Args:
        argv: the command line without the program name (default: ``sys.argv``).
        started: called with the running client once its login window is
            shown.  The product passes nothing; the test-only entry point
            (:mod:`client_gui.scripted`) drives the client through it.

    Returns:
        The process exit status.
    """
    parser = argparse.ArgumentParser(prog="besedka", description="Besedka chat client")
    parser.add_argument("--server", type=parse_server, metavar="HOST:PORT",
                        help="the server to offer in the login window")
    parser.add_argument("--version", action="version", version=f"Besedka {BESEDKA_VERSION}")
    parser.add_argument("--debug", action="store_true",
                        help="log network activity (without a console: to "
                             f"{console.log_file_path()})")
    parser.add_argument("--no-discovery", action="store_true",
                        help="do not look for servers on the LAN (mDNS); type the address")
    parser.add_argument("--no-tls", dest="tls", action="store_false",
                        help="connect in plain TCP, to a server run with --no-tls "
                             "(passwords and messages cross the network unencrypted)")
    parser.add_argument("--trust", type=parse_trust, action="append", default=[],
                        metavar="HOST:PORT=FINGERPRINT",
                        help="trust this certificate fingerprint for this server without "
                             "asking (for administrators; `python -m server admin "
                             "client-config` prints it); may be repeated, and "
                             f"{PROVISIONING_FILE_NAME} beside the installed client holds "
                             "more, one a line")
    # Without a console (the windowed Windows bundle) the answers to
    # --version and --help appear in a window and the log goes to a file.
    args, qt_args = console.parse_arguments(parser, sys.argv[1:] if argv is None else argv)
    console.configure_logging(args.debug)

    # An application made by an embedding program (or a test driving the
    # real entry point) is used as it is.
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(
        [sys.argv[0], *qt_args])
    app.setApplicationName("Besedka")
    app.setOrganizationName("Besedka")
    app.setApplicationVersion(BESEDKA_VERSION)
    app.setWindowIcon(app_icon())
    settings = Settings(QSettings())
    languages = LanguageManager(app, settings)
    languages.apply_saved()
    appearance = Appearance(app, settings)
    appearance.apply()
    provisioned = ProvisionedServers.load(ProvisionedServers.default_file(), args.trust)
    besedka = Besedka.with_network(app, settings, languages, args.server, tls=args.tls,
                                   provisioned=provisioned,
                                   credentials=CredentialStore.for_this_user(settings),
                                   browser=None if args.no_discovery else ServerBrowser(),
                                   appearance=appearance)
    besedka.start()
    if started is not None:
        started(besedka)
    # Ctrl+C in the terminal should quit; Python only sees the signal when
    # control returns to the interpreter, which a timer makes happen.
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    wake = QTimer()
    wake.start(250)
    wake.timeout.connect(lambda: None)
    try:
        return app.exec()
    finally:
        besedka.shut_down()
        settings.sync()
