"""My own account within a session: password, picture, status, sessions.

:class:`AccountClient` is the part of :class:`~client_gui.client.ChatClient`
(:attr:`ChatClient.account`) that changes things about me rather than about
a conversation: it sends those requests over the session's channel and
turns their replies into signals the settings dialogs and the status button
listen to.  It also keeps the one piece of state about me the server tells
every connection: my status and its text, which another of my computers may
change at any time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from protocol.errors import ErrorCode
from protocol.features import Feature
from protocol.files import SetAvatar
from protocol.objects import STATUS_AVAILABLE, RosterEntry
from protocol.replies import ErrorReply, Reply
from protocol.requests import ChangePassword
from protocol.rules import username_key
from protocol.sessions import RevokeSession, SessionList, Sessions, SetStatus

from .failures import FailureReason
from .link import SessionLink

__all__ = ["AccountClient"]

log = logging.getLogger("besedka.client")


class AccountClient(QObject):
    """Requests about my account, and my status as the server last said.

    Args:
        link: the session's link (its channel, whether it is logged in, my
            name, the server's features; a new password goes to it so that
            the next reconnect uses it).
        presence_changed: how my own roster entry reaches the windows when
            the server accepted a new status (the server tells my other
            connections, not the one that asked).

    Signals:
        password_changed(error): ``None`` on success, else the error code (or
            FailureReason.CONNECTION_LOST when offline).
        my_status_changed(status, text): my status, from each login's roster
            and whenever it changes.
        sessions_received(object): the answer to :meth:`request_sessions`,
            a list of :class:`~protocol.sessions.SessionInfo`, or the error.
        session_revoked(session, error): the answer to :meth:`revoke_session`
            (``error`` None on success).
    """

    password_changed = pyqtSignal(object)
    my_status_changed = pyqtSignal(str, str)
    sessions_received = pyqtSignal(object)
    session_revoked = pyqtSignal(int, object)

    def __init__(self, link: SessionLink, presence_changed: Callable[[RosterEntry], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._link = link
        self._presence_changed = presence_changed
        #: My status and its text, as the server last said.
        self.status: tuple[str, str] = (STATUS_AVAILABLE, "")

    @property
    def _online(self) -> bool:
        return self._link.machine.logged_in

    def set_avatar(self, file_id: str | None,
                   on_done: Callable[[ErrorReply | None], None] | None = None) -> None:
        """Show an uploaded image as my picture (None: none); ``on_done``
        hears None, or the refusal (offline: ``internal_error``)."""
        if not self._online:
            if on_done is not None:
                on_done(ErrorReply(None, ErrorCode.INTERNAL_ERROR, "not connected"))
            return

        def on_reply(reply: Reply | ErrorReply) -> None:
            if on_done is not None:
                on_done(reply if isinstance(reply, ErrorReply) else None)

        self._link.channel.request(SetAvatar(file_id), on_reply)

    def change_password(self, old_password: str, new_password: str) -> None:
        """Ask the server to change my password; answered by :attr:`password_changed`."""
        if not self._online:
            self.password_changed.emit(FailureReason.CONNECTION_LOST)
            return

        def on_reply(reply: Reply | ErrorReply) -> None:
            if isinstance(reply, ErrorReply):
                self.password_changed.emit(reply.code)
                return
            self._link.password_changed(new_password)
            self.password_changed.emit(None)

        self._link.channel.request(ChangePassword(old_password, new_password), on_reply)

    def set_status(self, status: str, text: str | None = None) -> None:
        """Set my status (and its text, unless None); best effort when offline."""
        if not self._online or Feature.STATUS not in self._link.features:
            return

        def on_reply(reply: Reply | ErrorReply) -> None:
            if isinstance(reply, ErrorReply):
                log.warning("status refused: %s", reply.code)
                return
            # The server tells the others; I learn it from the answer.
            self._set_status(status, self.status[1] if text is None else text)
            self._presence_changed(RosterEntry(self._link.username, True, 0, *self.status))

        self._link.channel.request(SetStatus(status, text), on_reply)

    def request_sessions(self) -> None:
        """Ask for my remembered sessions; answered by :attr:`sessions_received`."""
        if not self._online:
            QTimer.singleShot(0, lambda: self.sessions_received.emit(
                FailureReason.CONNECTION_LOST))
            return

        def on_reply(reply: SessionList | ErrorReply) -> None:
            self.sessions_received.emit(
                reply.code if isinstance(reply, ErrorReply) else list(reply.sessions))

        self._link.channel.request(Sessions(), on_reply)

    def revoke_session(self, session: int) -> None:
        """End one of my remembered sessions; answered by :attr:`session_revoked`."""
        if not self._online:
            QTimer.singleShot(0, lambda: self.session_revoked.emit(
                session, FailureReason.CONNECTION_LOST))
            return

        def on_reply(reply: Reply | ErrorReply) -> None:
            self.session_revoked.emit(
                session, reply.code if isinstance(reply, ErrorReply) else None)

        self._link.channel.request(RevokeSession(session), on_reply)

    def heard(self, users: tuple[RosterEntry, ...] | list[RosterEntry]) -> None:
        """Roster entries the server sent (a roster, a presence event): mine,
        if among them, says my status, perhaps set on another computer."""
        me = username_key(self._link.username)
        for user in users:
            if username_key(user.username) == me:
                self._set_status(user.status, user.status_text)

    def _set_status(self, status: str, text: str) -> None:
        if (status, text) != self.status:
            self.status = (status, text)
            self.my_status_changed.emit(status, text)
