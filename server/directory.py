"""Every account by name, in memory: the lookup behind ``to`` and ``with``.

Only this server creates accounts (an administrator's ``disable`` changes
no name), so the directory is read once at start and kept current by
registration, without asking the database for every name a request
carries; several server processes on one PostgreSQL database add the
accounts each other created (:mod:`server.cluster`).  Accounts feature
owns it (:mod:`server.accounts`); presence and messages read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from db.queries import AccountRecord
from protocol.errors import ErrorCode, RequestError, RequestId
from protocol.lifecycle import mention_candidates
from protocol.rules import username_key

__all__ = ["AccountDirectory"]


class AccountDirectory:
    """The accounts by case-folded name (PROTOCOL.md: names are unique ignoring case)."""

    def __init__(self, accounts: Iterable[AccountRecord]) -> None:
        self._by_key: dict[str, AccountRecord] = {}
        self._by_id: dict[int, AccountRecord] = {}
        for account in accounts:
            self.add(account)

    def __contains__(self, key: str) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[AccountRecord]:
        return iter(self._by_key.values())

    def add(self, account: AccountRecord) -> None:
        """Add an account, or replace its record (a new status)."""
        self._by_key[account.username_key] = account
        self._by_id[account.id] = account

    def by_id(self, account_id: int) -> AccountRecord:
        """The account with this id (every id this server meets is one of them)."""
        return self._by_id[account_id]

    def known(self, account_id: int) -> AccountRecord | None:
        """The account with this id, if it is known here yet (another server
        process on the same database may have just made it)."""
        return self._by_id.get(account_id)

    def current(self, account: AccountRecord) -> AccountRecord:
        """The latest record of ``account`` (one a session kept since its login
        may be older: its status has changed since)."""
        return self._by_key.get(account.username_key, account)

    def named(self, name: str, re: RequestId) -> AccountRecord:
        """The account called ``name`` (any case).

        Raises:
            RequestError: ``unknown_user``, answering request ``re``.
        """
        account = self._by_key.get(username_key(name))
        if account is None:
            raise RequestError(ErrorCode.UNKNOWN_USER, f"no user named {name!r}", re)
        return account

    def mentioned(self, body: str) -> tuple[AccountRecord, ...]:
        """The accounts a body names as ``@name`` (each ``@`` token taken as
        the longest name that exists), in the order they appear.  Whether
        they can see the message is decided when it is stored."""
        named: list[AccountRecord] = []
        for forms in mention_candidates(body):
            for form in forms:
                account = self._by_key.get(username_key(form))
                if account is not None:
                    named.append(account)
                    break
        return tuple(named)

    def peer_id(self, name: str | None, re: RequestId) -> int | None:
        """The id of the account a ``with`` names; None for the general room."""
        return None if name is None else self.named(name, re).id
