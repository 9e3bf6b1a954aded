"""Besedka's desktop client (PyQt6).

It talks to a server only through PROTOCOL.md, using :mod:`protocol` for the
wire format.  The pieces, from the socket up:

* :mod:`client_gui.network`: the socket, in a thread of its own;
* :mod:`client_gui.client`: the session: login, reconnects, outbox, sync;
* :mod:`client_gui.conversations` and :mod:`client_gui.models`: what is
  loaded and unread, as Qt item models;
* the windows (:mod:`~client_gui.login_window`,
  :mod:`~client_gui.registration_window`, :mod:`~client_gui.chat_window`)
  and :mod:`client_gui.app`, which starts everything.
"""
