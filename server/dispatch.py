"""Which code answers which request: a table from request type to handler.

Each feature module (accounts, presence, messages; later rooms, files,
search) registers its handlers here when the server is built
(:func:`server.app.build_dispatcher`), and the dispatcher does what is the
same for every request: decoding the envelope, ``unknown_type``,
``not_authenticated`` and ``already_authenticated``, parsing the fields, and
turning any failure into an ``error`` reply.  It is the narrow
:class:`~server.connection.RequestHandler` that connections talk to.

Two kinds of handler:

* an awaited one (:meth:`Dispatcher.route`) runs in a short-lived task that
  the connection starts once the replies before the request are written,
  so the request sees the effects of the ones before it;
* a handler *at once* (:meth:`Dispatcher.route_at_once`), for a logged-in
  connection's hot path (``send``), runs inside ``data_received`` itself:
  it checks the request, keeps its reply's place with a
  :class:`~server.connection.ReplySlot` and hands the work on, so that the
  next request can be read at once (see :mod:`server.connection`).  A
  handler at once may instead return a coroutine, to be awaited like the
  first kind (a ``send`` with a file, whose file must be looked up first).

A third kind, a *transfer* (:meth:`Dispatcher.route_transfer`), takes a
connection over when the request is its first frame (``put``, ``get``:
the bytes after them are a file's).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from protocol import limits
from protocol.errors import ErrorCode, RequestError, RequestId
from protocol.events import Hello
from protocol.framing import encode_frame
from protocol.replies import Done, error_reply
from protocol.features import Feature
from protocol.requests import (
    PRE_AUTH_TYPES,
    REQUEST_TYPES,
    Ping,
    RawRequest,
    Request,
    decode_request,
    parse_request,
)
from protocol.version import BESEDKA_VERSION

from .connection import Handover
from .registry import ConnectionRegistry
from .session import Connection, Session

__all__ = ["AtOnce", "Dispatcher", "Handler", "TransferStart", "internal_error"]

log = logging.getLogger("besedka.server")

Q = TypeVar("Q", bound=Request)
#: An awaited handler: returns the ``ok`` reply, or None when it sent it itself.
Handler = Callable[[Connection, Q, RequestId], Awaitable[dict[str, Any] | None]]
#: A handler answered inside ``data_received``: the session, the request,
#: its ``id`` and its size in bytes (what its reply slot costs).  It returns
#: None, or a coroutine to await as an awaited handler's (which returns the
#: encoded reply, or None when a reply slot carries it).
AtOnce = Callable[[Session, Q, RequestId, int], Coroutine[Any, Any, bytes | None] | None]
#: What takes a connection over whose first frame is a transfer's: the
#: connection and the frame's envelope (its fields not yet checked).
TransferStart = Callable[[Connection, RawRequest], Handover]

#: What a request that failed inside the server (a database fault, a bug) is told.
_FAILED = "the server failed; nothing was changed"


def internal_error(re: RequestId) -> bytes:
    """The encoded ``internal_error`` reply to a request the server failed."""
    return encode_frame(error_reply(RequestError(ErrorCode.INTERNAL_ERROR, _FAILED, re)))


@dataclass(frozen=True, slots=True)
class _Route:
    handler: Handler[Any]
    #: a login (``register``, ``login``): refused on a logged-in connection,
    #: and the login timeout spares the connection while it is answered
    logs_in: bool


class Dispatcher:
    """Answers every request of every connection by handing it to its feature.

    Args:
        registry: the server's open connections, told of every opened and
            closed one.
    """

    def __init__(self, registry: ConnectionRegistry) -> None:
        self.registry = registry
        self._features: list[Feature] = []
        self.hello_frame = self._hello()
        self._routes: dict[str, _Route] = {}
        self._at_once: dict[str, AtOnce[Any]] = {}
        self._transfers: dict[str, TransferStart] = {}
        self._closed_listeners: list[Callable[[Connection], None]] = []
        self.route(Ping, _ping)

    # ------------------------------------------------------------------
    # What features register

    def offer(self, feature: Feature) -> None:
        """List ``feature`` in ``hello`` (PROTOCOL-2.md: the sections of
        version 2 this server implements); a feature calls it once it is
        routed completely."""
        if feature not in self._features:
            self._features.append(feature)
            self.hello_frame = self._hello()

    def _hello(self) -> bytes:
        # The same for every connection: it is sent before any login says
        # which version the connection will speak.
        return encode_frame(Hello(limits.PROTOCOL_VERSION, f"besedka/{BESEDKA_VERSION}",
                                  tuple(self._features)).to_wire())

    def route(self, request_type: type[Q], handler: Handler[Q], *, logs_in: bool = False) -> None:
        """Answer ``request_type`` with an awaited ``handler``.

        Args:
            logs_in: the request logs the connection in (see :class:`_Route`).
        """
        self._add(request_type)
        self._routes[request_type.TYPE] = _Route(handler, logs_in)

    def route_at_once(self, request_type: type[Q], handler: AtOnce[Q]) -> None:
        """Answer ``request_type`` of a logged-in connection inside ``data_received``.

        ``handler`` raises :class:`RequestError` to refuse the request, or
        reserves a reply slot and fills it later.  Before login the request
        gets ``not_authenticated`` as any other.
        """
        self._add(request_type)
        self._at_once[request_type.TYPE] = handler

    def route_transfer(self, request_type: type[Request], start: TransferStart) -> None:
        """Hand a connection whose first frame is ``request_type`` to ``start``.

        The request is still routed as any other where it is not the first
        frame (the feature says why it is out of place there).
        """
        self._transfers[request_type.TYPE] = start

    def _add(self, request_type: type[Request]) -> None:
        if request_type.TYPE in self._routes or request_type.TYPE in self._at_once:
            raise ValueError(f"{request_type.TYPE!r} has a handler already")

    def on_connection_closed(self, listener: Callable[[Connection], None]) -> None:
        """Call ``listener`` with every connection that closes (to end its session)."""
        self._closed_listeners.append(listener)

    # ------------------------------------------------------------------
    # RequestHandler, for the connections

    def connection_opened(self, connection: Connection) -> bytes | None:
        return self.registry.add(connection)

    def output_held(self, connection: Connection) -> None:
        self.registry.output_held(connection)

    def connection_closed(self, connection: Connection) -> None:
        self.registry.discard(connection)
        for listener in self._closed_listeners:
            listener(connection)

    def hand_over(self, connection: Connection, frame: bytes) -> Handover | None:
        """A connection's first frame: a transfer's successor protocol, or None."""
        if not self._transfers:
            return None
        try:
            raw = decode_request(frame)
        except RequestError:
            return None  # answered as a chat connection's bad frame
        start = self._transfers.get(raw.type)
        return None if start is None else start(connection, raw)

    def answer(self, connection: Connection,
               frame: bytes) -> Coroutine[Any, Any, bytes | None] | None:
        """Start answering one frame (see :meth:`RequestHandler.answer`).

        A logged-in connection's request with a handler at once is checked
        and handed on here; a frame that cannot be decoded, or such a
        request that fails its checks, is answered in order at once.  Any
        other request returns the coroutine that answers it.
        """
        re: RequestId = None
        try:
            raw = decode_request(frame)
            re = raw.re
            session = connection.session
            at_once = self._at_once.get(raw.type)
            if at_once is None or session is None or _too_new(raw.type, session):
                return self._answer(connection, raw)
            later = at_once(session, parse_request(raw), re, len(frame))
            if later is not None:
                return self._guarded(connection, later, re)
        except RequestError as error:
            connection.reply_in_order(encode_frame(error_reply(error)))
        except Exception:  # noqa: BLE001 - answered, logged, and the connection lives on
            connection.log.exception("internal error while answering a request")
            connection.reply_in_order(internal_error(re))
        return None

    @staticmethod
    async def _guarded(connection: Connection, answer: Coroutine[Any, Any, bytes | None],
                       re: RequestId) -> bytes | None:
        """The awaited part of a handler at once, its failures answered as
        :meth:`_answer` answers them."""
        try:
            return await answer
        except RequestError as error:
            return encode_frame(error_reply(error))
        except Exception:  # noqa: BLE001 - answered, logged, and the connection lives on
            connection.log.exception("internal error while answering a request")
            return internal_error(re)

    async def _answer(self, connection: Connection, raw: RawRequest) -> bytes | None:
        """Answer a request with an awaited handler, or refuse it.

        Every failure becomes an ``error`` reply: a protocol error with its
        own code, anything unexpected (a database fault, a bug) as
        ``internal_error`` after logging the traceback.
        """
        re: RequestId = raw.re
        try:
            route = self._routes.get(raw.type)
            session = connection.session
            if (route is None and raw.type not in self._at_once) or (
                    session is not None and _too_new(raw.type, session)):
                # A version 2 request on a connection logged in with version
                # 1 is as unknown to it as a made-up one (PROTOCOL-2.md).
                raise RequestError(ErrorCode.UNKNOWN_TYPE, f"unknown request type {raw.type!r}", re)
            if route is None or (session is None and raw.type not in PRE_AUTH_TYPES):
                # (A request answered at once comes here only before login.)
                raise RequestError(ErrorCode.NOT_AUTHENTICATED, "log in first", re)
            if route.logs_in and session is not None:
                raise RequestError(ErrorCode.ALREADY_AUTHENTICATED, "already logged in", re)
            request = parse_request(raw)
            if route.logs_in:
                with self.registry.authenticating(connection):
                    reply = await route.handler(connection, request, re)
            else:
                reply = await route.handler(connection, request, re)
        except RequestError as error:
            return encode_frame(error_reply(error))
        except Exception:  # noqa: BLE001 - answered, logged, and the connection lives on
            connection.log.exception("internal error while answering a request")
            return internal_error(re)
        return None if reply is None else encode_frame(reply)


def _too_new(request_type: str, session: Session) -> bool:
    """Whether a request came with a protocol version newer than the session speaks."""
    request_class = REQUEST_TYPES.get(request_type)
    return request_class is not None and request_class.SINCE > session.protocol


async def _ping(connection: Connection, request: Ping, re: RequestId) -> dict[str, Any]:
    """``ping`` keeps a connection alive (its bytes count as activity); nothing to do."""
    return Done().to_wire(re)
