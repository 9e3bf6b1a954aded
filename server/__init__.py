"""Besedka's chat server: asyncio networking around :mod:`protocol` and :mod:`db`.

* :mod:`server.cli` - ``python -m server``: options, logging, signals;
* :mod:`server.config` - every setting and its default, in one place;
* :mod:`server.app` - the listening server, housekeeping, orderly shutdown;
  it builds the dispatcher with every feature;
* :mod:`server.registry` - the open connections and their login/idle timeouts;
* :mod:`server.connection` - one client connection: framing, replies in order, reading
  paused when it must be; what it writes, and the limits on what waits unsent,
  are :mod:`server.output`'s;
* :mod:`server.dispatch` - request type -> feature handler, errors as replies;
* :mod:`server.session` - a logged-in connection, and writing what delivery decided;
* :mod:`server.delivery` - who gets which bytes of a commit (pure, no I/O);
* feature modules, each with the state it owns:
  :mod:`server.accounts` (accounts, logins, sessions, login limits;
  :mod:`server.directory` is its account directory),
  :mod:`server.presence` (who is online, presence events, the roster),
  :mod:`server.messages` (send, and delivering messages),
  :mod:`server.history` (history, sync, read markers),
  :mod:`server.lifecycle` (edits, deletions, reactions),
  :mod:`server.typing_notices` (typing, throttled),
  :mod:`server.receipts` (``read`` events when a marker moves) and
  :mod:`server.files` (uploads, downloads, avatars; its transfer
  connections are :mod:`server.transfer`, its bytes on disk
  :mod:`server.filestore`);
  :mod:`server.rooms` (rooms and their members);
* :mod:`server.passwords` - bcrypt in worker threads;
* :mod:`server.ratelimit` - the abuse limits' mechanics;
* :mod:`server.tls` - the certificate, generated on first start;
* :mod:`server.listener` - admitting TLS clients, refusing plain ones in words;
* :mod:`server.announce` - the mDNS announcement on the LAN;
* :mod:`server.admin` - ``python -m server admin``: accounts, files and backups
  (:mod:`server.paths` says where a server's files are).

A new feature (rooms, files, search...) is a module of its own with a class
that owns its state and has ``install(dispatcher)``, made and installed in
:func:`server.app.build_dispatcher`.  Its requests are typed in
:mod:`protocol.requests` (and listed in ``REQUEST_TYPES``); ``install``
routes each to an awaited handler (:meth:`Dispatcher.route`, with
``logs_in=True`` for one that logs in, like ``resume``).  What it commits
and others must see goes through :func:`server.delivery.deliver`: an
:class:`~server.delivery.Item` subclass gives the event per protocol
version (None where a version must not see it), the audience (everyone, or
account ids such as a room's members) and the session to answer in place
of the event; :func:`server.session.write_delivery` writes the result.
Per-session state that every feature needs goes on
:class:`~server.session.Session` (its ``protocol`` is the version the
login asked for).
"""
