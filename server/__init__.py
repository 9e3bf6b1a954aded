"""Besedka's chat server: asyncio networking around :mod:`protocol` and :mod:`db`.

* :mod:`server.cli` - ``python -m server``: options, logging, signals;
* :mod:`server.app` - the listening server and its orderly shutdown;
* :mod:`server.connection` - one client connection, flow control, timeouts;
* :mod:`server.chat` - every request, presence and message delivery;
* :mod:`server.passwords` - bcrypt in worker threads;
* :mod:`server.ratelimit` - the abuse limits;
* :mod:`server.tls` - the certificate, generated on first start;
* :mod:`server.listener` - admitting TLS clients, refusing plain ones in words;
* :mod:`server.admin` - ``python -m server admin``: accounts and backups.
"""
