"""Where a session stands: one state machine, every transition written down.

A session goes from opening a socket, through the server's ``hello`` and the
login, to being online; it loses its connection, waits, and starts over.
:class:`SessionMachine` holds that position (a :class:`Phase`) and whether
the session is *established* (its first login succeeded), and refuses any
move :data:`TRANSITIONS` does not list, so a handler that fires in the wrong
phase is a loud bug, not a silent mix-up of flags.

Whether the session is established decides what a failure means: before
the first login it ends the attempt and the login window says why; after
it, the session waits and tries again (unless the server refused the
password).  Ending the session (:meth:`SessionMachine.end`) is allowed from
every phase.

The windows see less detail: :class:`ConnectionState`, the four states the
status bar tells apart, is derived from the phase.
"""

from __future__ import annotations

import logging
from enum import Enum
from typing import Final

from PyQt6.QtCore import QObject, pyqtSignal

__all__ = ["TRANSITIONS", "ConnectionState", "Phase", "SessionMachine"]

log = logging.getLogger("besedka.client")


class ConnectionState(Enum):
    """Where the session stands, as the status bar shows it."""

    OFFLINE = "offline"  # never connected, logged out, or given up
    CONNECTING = "connecting"  # opening the socket or logging in
    ONLINE = "online"  # logged in; requests flow
    WAITING = "waiting"  # lost the connection; a reconnect is scheduled


class Phase(Enum):
    """Where the session's connection is, step by step."""

    #: No session: never started, logged out, or given up.
    OFFLINE = "offline"
    #: Opening the socket (and, for TLS, the handshake and the pin check).
    CONNECTING = "connecting"
    #: The server's certificate is new: waiting for the user to trust it.
    TRUST_PAUSE = "trust_pause"
    #: Connected; waiting for the server's ``hello``.
    GREETING = "greeting"
    #: ``login`` (or ``register``) sent; waiting for the answer.
    AUTHENTICATING = "authenticating"
    #: Logged in: requests flow (a ``sync`` may be catching up meanwhile).
    ONLINE = "online"
    #: The connection was lost; a reconnect is scheduled.
    WAITING = "waiting"


#: Every move a session may make (besides ending, allowed from anywhere).
TRANSITIONS: Final[dict[Phase, frozenset[Phase]]] = {
    Phase.OFFLINE: frozenset({Phase.CONNECTING}),
    Phase.CONNECTING: frozenset({Phase.GREETING, Phase.TRUST_PAUSE, Phase.WAITING}),
    # Trusting connects again at once; during a reconnect, a question left
    # unanswered is not a reason to stop retrying.
    Phase.TRUST_PAUSE: frozenset({Phase.CONNECTING}),
    Phase.GREETING: frozenset({Phase.AUTHENTICATING, Phase.WAITING}),
    Phase.AUTHENTICATING: frozenset({Phase.ONLINE, Phase.WAITING}),
    Phase.ONLINE: frozenset({Phase.WAITING}),
    Phase.WAITING: frozenset({Phase.CONNECTING}),
}

_SHOWN_AS: Final = {
    Phase.OFFLINE: ConnectionState.OFFLINE,
    Phase.CONNECTING: ConnectionState.CONNECTING,
    Phase.TRUST_PAUSE: ConnectionState.CONNECTING,
    Phase.GREETING: ConnectionState.CONNECTING,
    Phase.AUTHENTICATING: ConnectionState.CONNECTING,
    Phase.ONLINE: ConnectionState.ONLINE,
    Phase.WAITING: ConnectionState.WAITING,
}

#: Phases only an established session can be in: before the first login a
#: lost connection is a failed attempt, not something to wait out.
_ESTABLISHED_ONLY: Final = frozenset({Phase.WAITING})


class SessionMachine(QObject):
    """The phase of one session and whether it is established.

    Signals:
        state_changed(ConnectionState): the state the windows show changed.
    """

    state_changed = pyqtSignal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._phase = Phase.OFFLINE
        self._established = False

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def established(self) -> bool:
        """Whether the first login of this session succeeded."""
        return self._established

    @property
    def state(self) -> ConnectionState:
        return _SHOWN_AS[self._phase]

    @property
    def logged_in(self) -> bool:
        """Whether the connection is logged in, so requests may be sent."""
        return self._phase is Phase.ONLINE

    def move_to(self, phase: Phase) -> None:
        """Make a transition that :data:`TRANSITIONS` allows.

        Raises:
            RuntimeError: it does not (a bug: some handler ran in the wrong phase).
        """
        if phase not in TRANSITIONS[self._phase]:
            raise RuntimeError(f"session cannot go from {self._phase.name} to {phase.name}")
        if phase in _ESTABLISHED_ONLY and not self._established:
            raise RuntimeError(f"only an established session can be {phase.name}")
        if phase is Phase.ONLINE:
            self._established = True
        self._set(phase)

    def end(self) -> None:
        """Back to OFFLINE from anywhere; the session is over."""
        self._established = False
        self._set(Phase.OFFLINE)

    def _set(self, phase: Phase) -> None:
        shown = self.state
        log.debug("session: %s -> %s", self._phase.name, phase.name)
        self._phase = phase
        if self.state is not shown:
            self.state_changed.emit(self.state)
