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

import json
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Final

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
    "is_default_ignorable",
    "username_char_allowed",
    "username_skeleton",
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
# check in C: bodies are checked on the server's hot path.  The escapes are
# the pattern's (a raw string), not the literal's: mypyc cannot compile a
# string literal holding lone surrogates.
_FORBIDDEN_IN_BODY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
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


#: Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt,
#: Unicode 15.1), which Python's unicodedata does not expose: code points a
#: renderer may draw as nothing.  Some are letters or marks (the Hangul
#: fillers, U+034F, the variation selectors), so the category rule alone
#: would let ``alice`` + U+034F pass for ``alice`` (PROTOCOL.md, "Rules").
#: The ranges of unassigned code points are included, as Unicode does, so
#: that a later version's new ones are refused too.
_DEFAULT_IGNORABLE: Final = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


def is_default_ignorable(char: str) -> bool:
    """Whether ``char`` is a default-ignorable code point (drawn as nothing)."""
    code = ord(char)
    return any(first <= code <= last for first, last in _DEFAULT_IGNORABLE)


def username_char_allowed(char: str) -> bool:
    """Whether ``char`` may stand in a username (anywhere but first, for
    punctuation)."""
    if char in USERNAME_PUNCTUATION:
        return True
    if is_default_ignorable(char):
        return False
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
        if not username_char_allowed(char):
            raise ProtocolError(
                ErrorCode.INVALID_USERNAME,
                f"username may hold only letters, digits, '_', '-' and '.', not {char!r}",
            )
    first = unicodedata.category(name[0])
    if not (first[0] == "L" or first == "Nd"):
        raise ProtocolError(ErrorCode.INVALID_USERNAME,
                            "username must begin with a letter or a digit")
    return name


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character's prototype: one representative of the
    characters that look alike (UTS #39's confusables, as the
    ``confusable-homoglyphs`` package ships them)."""
    data = json.loads((resources.files("confusable_homoglyphs") / "confusables.json")
                      .read_text("utf-8"))
    # The table lists each character's look-alikes; looking alike is taken
    # as transitive (a union-find over the pairs), and the lowest code point
    # of a group stands for all of it, whichever member is looked up (Latin
    # before Cyrillic and Greek, plain before mathematical and fullwidth).
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while (up := parent.setdefault(char, char)) != char:
            parent[char] = parent.setdefault(up, up)
            char = up
        return char

    for char, alikes in data.items():
        for alike in alikes:
            first, second = root(char), root(alike["c"])
            if first != second:
                parent[max(first, second)] = min(first, second)
    return {char: root(char) for char in parent}


def username_skeleton(name: str) -> str:
    """What a username looks like (UTS #39's skeleton, after NFKC and
    case-folding):
    two names with the same skeleton are confusable, and the second is
    ``username_taken`` (PROTOCOL.md, "Rules": ``Аlice`` with a Cyrillic А
    once ``alice`` exists).  Computed by the server, which stores it with
    the account."""
    prototypes = _prototypes()
    # NFKC first: fullwidth and mathematical letters become the plain ones
    # they are drawn like, before the confusables table is asked.
    folded = unicodedata.normalize("NFKC", name).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    mapped = "".join(prototypes.get(char, char) for char in decomposed)
    return unicodedata.normalize("NFD", mapped)


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
_FORBIDDEN_IN_STATUS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


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
