"""The test-only entry point: the client, driven from the environment.

The packaging tests run the *frozen* client, which qtbot cannot reach.
``python -m client_gui.scripted`` (frozen: the ``besedka-scripted``
executable beside ``Besedka`` in the build's bundle, see
``packaging/README.md``) runs exactly the client of :func:`client_gui.app.main`
and lets the tests prove it works from outside the process:

- ``BESEDKA_REPORT=1``: print ``login window shown`` once the login window
  is on screen (the cold-start measurement waits for this line), then
  ``logged in as NAME`` after each login and ``received message: FROM: BODY``
  for each message that arrives.
- ``BESEDKA_AUTOLOGIN_USER`` and ``BESEDKA_AUTOLOGIN_PASSWORD``: also fill
  in the login window and press its Log in button, as a person would, for
  the server given with ``--server``.  Implies ``BESEDKA_REPORT``.

The real client (``python -m client_gui``, ``Besedka``) never imports this
module, and the installed products (the .deb, the Windows installer) leave
``besedka-scripted`` out: a password in the environment is visible to other
programs of the same account, which is fine for a test and not for users.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from PyQt6.QtCore import QTimer

from protocol.objects import Message

from .app import Besedka
from .app import main as run_client

__all__ = ["install", "main"]

REPORT = "BESEDKA_REPORT"
AUTOLOGIN_USER = "BESEDKA_AUTOLOGIN_USER"
AUTOLOGIN_PASSWORD = "BESEDKA_AUTOLOGIN_PASSWORD"


def _say(line: str) -> None:
    # A windowed Windows program has no stdout (None); besedka-scripted is
    # built as a console program so that it has one.
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the client (as :func:`client_gui.app.main`) with :func:`install`."""
    return run_client(argv, started=install)


if __name__ == "__main__":
    sys.exit(main())
