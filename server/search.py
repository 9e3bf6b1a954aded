"""Search: finding messages I can see by any part of their words.

PROTOCOL-2.md, "Search".  A ``search`` is a read like ``history``: its
query runs in a database reader thread (:func:`db.search.search`), and the
answer is a page of messages newest first.  Opening a result in its
conversation is ``history`` with ``around``, which :mod:`server.history`
answers.  The query is never logged: it says as much as a message body.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.engine import Connection as DbConnection

from db import search
from db.database import Database
from db.message_parts import decorate
from protocol.errors import ErrorCode, RequestError, RequestId
from protocol.features import Feature
from protocol.replies import ok_reply
from protocol.requests import Search
from protocol.rules import search_words

from .directory import AccountDirectory
from .dispatch import Dispatcher
from .messages import wire_message
from .session import Connection, logged_in

__all__ = ["MessageSearch"]


class MessageSearch:
    """Answers ``search``.

    Args:
        database: where the index is.
        directory: for the name in ``with``.
    """

    def __init__(self, database: Database, directory: AccountDirectory) -> None:
        self.database = database
        self.directory = directory

    def install(self, dispatcher: Dispatcher) -> None:
        dispatcher.route(Search, self._search)
        # history's around and after (server.history) are the other half.
        dispatcher.offer(Feature.SEARCH)

    async def _search(self, connection: Connection, request: Search,
                      re: RequestId) -> dict[str, Any]:
        session = logged_in(connection)
        me, version = session.account_id, session.protocol
        scope: search.Scope
        if request.with_ is not None:
            scope = search.Direct(self.directory.named(request.with_, re).id)
        elif request.room is not None:
            scope = search.InRoom(request.room)
        elif request.general:
            scope = search.General()
        else:
            scope = search.Everywhere()
        words = search_words(request.query)

        def read(conn: DbConnection) -> search.SearchResult:
            result = search.search(conn, me, scope, words, request.before, request.limit)
            # Results in the version 2 form: with mentions and reactions.
            return result._replace(messages=decorate(conn, result.messages))

        try:
            result = await asyncio.wrap_future(self.database.read(read))
        except search.NotAMember:
            raise RequestError(ErrorCode.UNKNOWN_ROOM, f"no room {request.room} of yours",
                               re) from None
        reply = ok_reply(re, messages=[wire_message(m, version) for m in result.messages],
                         has_more=result.has_more)
        if result.partial:
            reply["partial"] = True
        return reply
