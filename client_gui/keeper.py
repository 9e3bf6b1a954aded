"""Keeping the user logged in between runs: when to save, resume and forget.

:class:`SessionKeeper` is the application's half of "Keep me logged in"
(the server's is ``server/sessions.py``, the storage's
:mod:`client_gui.credentials`).  It decides:

* what to save: the token a login or registration got when it asked to be
  kept logged in, with the server, the account and the certificate the
  server presented then;
* whether to resume at start: only with the certificate the token was
  issued under still the one trusted for that server (so the token goes to
  no other), and only for the server the command line names, if it names
  one;
* when to forget: Log out, a login without the box ticked, a token the
  server refuses (``invalid_token``), the certificate of its server
  forgotten.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSlot

from protocol.errors import ErrorCode

from .client import ChatClient
from .credentials import CredentialStore, RememberedLogin
from .failures import AuthFailure
from .settings import KEEP_LOGGED_IN, Settings

__all__ = ["SessionKeeper"]


class SessionKeeper(QObject):
    """Saves, resumes and forgets the remembered session of one client.

    Args:
        client: the session; its tokens are saved here.
        settings: where the box's state is remembered.
        store: where the token is kept, or None: nothing is kept, and the
            box is left out.
    """

    def __init__(self, client: ChatClient, settings: Settings, store: CredentialStore | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._settings = settings
        self._store = store
        #: Whether the attempt under way asked to be kept logged in.
        self.keep = False
        #: The remembered login the attempt under way resumes, if it does.
        self.resuming: RememberedLogin | None = None
        client.session_remembered.connect(self.on_session_remembered)

    def box_state(self) -> bool | None:
        """The "Keep me logged in" box as the user left it; None without a store."""
        return None if self._store is None else self._settings.get(KEEP_LOGGED_IN)

    def remembered(self, server: tuple[str, int] | None) -> tuple[RememberedLogin, str] | None:
        """The remembered login and its token, if it may be resumed now
        (``server``: the one the command line names, if any)."""
        loaded = self._store.load() if self._store is not None else None
        if loaded is None:
            return None
        login, _ = loaded
        client = self._client
        pinned = client.trust.pinned(login.host, login.port) if client.tls else None
        if login.fingerprint != pinned or (client.tls and pinned is None):
            return None
        if server is not None and server != (login.host, login.port):
            return None
        return loaded

    def resume(self, server: tuple[str, int] | None) -> RememberedLogin | None:
        """Resume the remembered session, if there is one to resume; returns its login."""
        loaded = self.remembered(server)
        if loaded is None:
            return None
        login, token = loaded
        self.keep, self.resuming = True, login
        self._client.resume(login.host, login.port, login.username, token, login.fingerprint)
        return login

    def attempt(self, keep: bool) -> bool:
        """A login or registration begins, with the box ticked or not;
        returns whether to ask the server for a token."""
        self.resuming = None
        self.keep = keep and self._store is not None
        if self._store is not None:
            self._settings.set(KEEP_LOGGED_IN, keep)
        return self.keep

    def logged_in(self) -> None:
        """The attempt succeeded.  Without the box ticked nothing is kept,
        not even a session remembered before."""
        if not self.keep:
            self.forget()
        self.resuming = None

    def failed(self, failure: AuthFailure) -> RememberedLogin | None:
        """The attempt (or the session) failed; returns the login it was
        resuming, if it was.  A token the server refuses is forgotten."""
        resuming, self.resuming = self.resuming, None
        if failure.code is ErrorCode.INVALID_TOKEN:
            self.forget()
        return resuming

    def forget(self) -> None:
        """Remember no session any more (Log out)."""
        if self._store is not None:
            self._store.forget()

    def forget_server(self, host: str, port: int) -> None:
        """The certificate of ``host:port`` was forgotten: a token issued
        under it goes nowhere now."""
        remembered = self._store.remembered() if self._store is not None else None
        if remembered is not None and (remembered.host, remembered.port) == (host, port):
            self.forget()

    @pyqtSlot(str)
    def on_session_remembered(self, token: str) -> None:
        if not self.keep or self._store is None:
            return
        client = self._client
        fingerprint = client.trust.pinned(client.host, client.port) if client.tls else None
        self._store.save(
            RememberedLogin(client.host, client.port, client.username, fingerprint), token)
