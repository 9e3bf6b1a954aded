"""A test-only hook: drive the client from the environment, report on stdout.

The packaging tests run the *frozen* client (``dist/Besedka/Besedka``, the
installed ``/opt/besedka/Besedka``), which qtbot cannot reach.  This module
lets them prove it works from outside the process:

- ``BESEDKA_REPORT=1``: print ``login window shown`` once the login window
  is on screen (the cold-start measurement waits for this line), then
  ``logged in as NAME`` after each login and ``received message: FROM: BODY``
  for each message that arrives.
- ``BESEDKA_AUTOLOGIN_USER`` and ``BESEDKA_AUTOLOGIN_PASSWORD``: also fill
  in the login window and press its Log in button, as a person would, for
  the server given with ``--server``.  Implies ``BESEDKA_REPORT``.

With none of them set nothing here runs.  Not for users: a password in the
environment is visible to other programs of the same account.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from PyQt6.QtCore import QTimer

from protocol.objects import Message

if TYPE_CHECKING:
    from .app import Besedka

__all__ = ["install"]

REPORT = "BESEDKA_REPORT"
AUTOLOGIN_USER = "BESEDKA_AUTOLOGIN_USER"
AUTOLOGIN_PASSWORD = "BESEDKA_AUTOLOGIN_PASSWORD"


def _say(line: str) -> None:
    # A windowed Windows build has no console: stdout is None there.
    if sys.stdout is not None:
        print(line, flush=True)


def install(besedka: Besedka) -> None:
    """Act on the variables above for a client whose login window is shown."""
    username = os.environ.get(AUTOLOGIN_USER)
    if not username and not os.environ.get(REPORT):
        return
    besedka.client.logged_in.connect(lambda name: _say(f"logged in as {name}"))

    def on_messages(messages: list[Message], live: bool) -> None:
        for message in messages:
            _say(f"received message: {message.sender}: {message.body}")

    besedka.client.messages_arrived.connect(on_messages)

    def on_event_loop_started() -> None:
        # A zero timer fires once the event loop runs, i.e. after the
        # window's show and first paint events were queued and handled.
        window = besedka.login_window
        if window is None or not window.isVisible():
            return
        _say("login window shown")
        if username:
            window.username.setText(username)
            window.password.setText(os.environ.get(AUTOLOGIN_PASSWORD, ""))
            window.log_in_button.click()

    QTimer.singleShot(0, on_event_loop_started)
