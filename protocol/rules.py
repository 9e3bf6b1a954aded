"""The rules for usernames, passwords, message bodies, status texts and
search queries.

Usernames, passwords and bodies follow PROTOCOL.md, "Rules"; a status text
PROTOCOL-2.md, "Status" (:func:`normalize_status_text`); a search query
PROTOCOL-2.md, "Search" (:func:`check_search_query`, :func:`search_words`).

The server enforces them and the client checks them as the user types, both
through these functions, so a name the registration window accepts is a name
the server accepts.  Each function either returns the canonical value or
raises :class:`~protocol.errors.ProtocolError` with the code to answer.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import ErrorCode, ProtocolError
from .limits import (
    BODY_MAX_CHARS,
    PASSWORD_MAX_CHARS,
    PASSWORD_MIN_CHARS,
    SEARCH_QUERY_MAX_CHARS,
    SEARCH_QUERY_MIN_CHARS,
    STATUS_TEXT_MAX_CHARS,
    USERNAME_MAX_CHARS,
    USERNAME_MIN_CHARS,
)

__all__ = [
    "normalize_username",
    "username_key",
    "check_password",
    "normalize_body",
    "check_search_query",
    "search_words",
    "normalize_status_text",
    "is_white_space",
    "is_white_space_only",
    "USERNAME_PUNCTUATION",
]

#: The only characters besides letters, marks and decimal digits a name may hold.
USERNAME_PUNCTUATION = frozenset("_-.")

# Unicode's White_Space property (PropList.txt).  Python's str.isspace() is a
# different set (it adds the information separators U+001C..U+001F and is
# defined through bidi classes), so the rule is spelled out here.
_WHITE_SPACE = frozenset(
    [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680]
    + list(range(0x2000, 0x200B))
    + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
)


# Category Cc except tab and newline, and the surrogate block (a str can hold
# lone surrogates although no valid UTF-8 can).  Regular expressions keep the
# check in C: bodies are checked on the server's hot path.
_FORBIDDEN_IN_BODY = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_WHITE_SPACE_CLASS = "[" + "".join(f"\\U{code:08x}" for code in sorted(_WHITE_SPACE)) + "]"
_ONLY_WHITE_SPACE = re.compile(_WHITE_SPACE_CLASS + "*")
_WHITE_SPACE_RUN = re.compile(_WHITE_SPACE_CLASS + "+")
_WHITE_SPACE_AT_ENDS = re.compile(f"^{_WHITE_SPACE_CLASS}+|{_WHITE_SPACE_CLASS}+$")


def is_white_space(char: str) -> bool:
    """Whether one character has the Unicode White_Space property."""
    return ord(char) in _WHITE_SPACE


def is_white_space_only(text: str) -> bool:
    """Whether ``text`` is empty or holds nothing but white space."""
    return _ONLY_WHITE_SPACE.fullmatch(text) is not None


def _username_char_allowed(char: str) -> bool:
    if char in USERNAME_PUNCTUATION:
        return True
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd"


def normalize_username(raw: str) -> str:
    """Return the NFC form of a username, or reject it.

    Raises:
        ProtocolError: ``invalid_username`` with the reason.
    """
    name = unicodedata.normalize("NFC", raw)
    if not USERNAME_MIN_CHARS <= len(name) <= USERNAME_MAX_CHARS:
        raise ProtocolError(
            ErrorCode.INVALID_USERNAME,
            f"username must be {USERNAME_MIN_CHARS}-{USERNAME_MAX_CHARS} characters long",
        )
    for char in name:
        if not _username_char_allowed(char):
            raise ProtocolError(
                ErrorCode.INVALID_USERNAME,
                f"username may hold only letters, digits, '_', '-' and '.', not {char!r}",
            )
    return name


def username_key(name: str) -> str:
    """The case-insensitive identity of a name: its case-folded NFC form.

    ``Alice`` and ``alice`` share a key and so are one account.  Works on any
    string, valid name or not, so a login with a malformed name simply finds
    no account.

    Case folding can itself leave a string that is not NFC (``ΐ`` folds to
    three code points; ``İ`` folds to ``i`` plus a combining dot that may
    then stand out of canonical order), so the folded form is composed
    again: otherwise two spellings of one name could get different keys,
    and a key would not be its own key.  Migration 0002 rewrote keys stored
    before this rule.
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def check_password(password: str) -> None:
    """Accept a password for a new account or a password change.

    Raises:
        ProtocolError: ``weak_password`` when it is too short or too long.
    """
    if not PASSWORD_MIN_CHARS <= len(password) <= PASSWORD_MAX_CHARS:
        raise ProtocolError(
            ErrorCode.WEAK_PASSWORD,
            f"password must be {PASSWORD_MIN_CHARS}-{PASSWORD_MAX_CHARS} characters long",
        )


def normalize_body(raw: str) -> str:
    """Return a message body as it is stored, or reject it.

    Line breaks become ``\\n``; then the body must contain something other
    than white space, no control character but tab and newline, no lone
    surrogate, and at most :data:`~protocol.limits.BODY_MAX_CHARS` characters.

    Raises:
        ProtocolError: ``bad_request`` for an empty or invalid body,
            ``message_too_long`` for one over the length limit.
    """
    body = raw.replace("\r\n", "\n").replace("\r", "\n")
    forbidden = _FORBIDDEN_IN_BODY.search(body)
    if forbidden is not None:
        code = ord(forbidden.group())
        if 0xD800 <= code <= 0xDFFF:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "body must not contain lone surrogates")
        raise ProtocolError(
            ErrorCode.BAD_REQUEST, f"body must not contain control character U+{code:04X}"
        )
    if _ONLY_WHITE_SPACE.fullmatch(body):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "body must not be empty or only white space")
    if len(body) > BODY_MAX_CHARS:
        raise ProtocolError(
            ErrorCode.MESSAGE_TOO_LONG, f"body is over {BODY_MAX_CHARS} characters"
        )
    return body


def check_search_query(raw: str) -> str:
    """Return a search query as it is searched for, or reject it.

    White space at either end is dropped; what remains must be
    :data:`~protocol.limits.SEARCH_QUERY_MIN_CHARS` to
    :data:`~protocol.limits.SEARCH_QUERY_MAX_CHARS` characters.  Every other
    character is searched for as itself: a query is text, never syntax.

    Raises:
        ProtocolError: ``bad_request`` naming the field ``query``.
    """
    query = _WHITE_SPACE_AT_ENDS.sub("", raw)
    if not SEARCH_QUERY_MIN_CHARS <= len(query) <= SEARCH_QUERY_MAX_CHARS:
        raise ProtocolError(
            ErrorCode.BAD_REQUEST,
            f"field 'query' must be {SEARCH_QUERY_MIN_CHARS}-{SEARCH_QUERY_MAX_CHARS} "
            "characters long, not counting white space at either end")
    return query


def search_words(query: str) -> tuple[str, ...]:
    """The words of a search query: what lies between white space, each once.

    A message matches when every word appears in it, anywhere, as any part
    of a word, ignoring case (PROTOCOL-2.md, "Search").  The client
    highlights the same words in the results.
    """
    return tuple(dict.fromkeys(word for word in _WHITE_SPACE_RUN.split(query) if word))
_WHITE_SPACE_CHARS = "".join(map(chr, sorted(_WHITE_SPACE)))
# Category Cc, line breaks included: a status text is one short line.
_FORBIDDEN_IN_STATUS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def normalize_status_text(raw: str) -> str:
    """Return a status text as it is stored, or reject it.

    NFC, without white space at either end (a text of only white space is
    empty: no text); no control character, line break or lone surrogate;
    at most :data:`~protocol.limits.STATUS_TEXT_MAX_CHARS` characters.

    Raises:
        ProtocolError: ``bad_request`` naming the field ``text``.
    """
    text = unicodedata.normalize("NFC", raw).strip(_WHITE_SPACE_CHARS)
    if _FORBIDDEN_IN_STATUS.search(text):
        raise ProtocolError(ErrorCode.BAD_REQUEST,
                            "field 'text' must not contain control characters or line breaks")
    if len(text) > STATUS_TEXT_MAX_CHARS:
        raise ProtocolError(ErrorCode.BAD_REQUEST,
                            f"field 'text' must be at most {STATUS_TEXT_MAX_CHARS} characters")
    return text
