"""Reading one field of a frame: the single place that checks a field's type.

Every typed frame, in either direction, builds itself from a JSON object
through these readers.  Each takes the object, the field's name and where
the object sits in its frame (``within``: ``"message"``,
``"messages[3]"``), and either returns a value of the right type or raises
:class:`~protocol.errors.ProtocolError` (``bad_request``) that names the
field by its full path, so every rejection says exactly what was wrong::

    field 'messages[3].id' must be an integer

The readers are strict about types (JSON ``true`` is not the integer 1, a
number is not a string) and know nothing of unknown fields: a frame's
class reads the fields it knows and ignores the rest, as PROTOCOL.md asks.
A field that may be ``null`` may also be left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, TypeGuard

from .errors import ErrorCode, ProtocolError, RequestId
from .limits import FILE_ID_HEX_CHARS, MAX_REQUEST_ID_CHARS, MAX_REQUEST_ID_INT

__all__ = [
    "MAX_MESSAGE_ID",
    "bad_field",
    "boolean",
    "file_id",
    "optional_file_id",
    "integer",
    "is_int",
    "message_id",
    "number",
    "object_at",
    "objects_at",
    "optional_message_id",
    "optional_room_id",
    "page_limit",
    "optional_string",
    "path_of",
    "request_ref",
    "room_id",
    "string",
]

#: The largest message id SQLite can hand out (a signed 64-bit integer).
MAX_MESSAGE_ID: Final = 2**63 - 1


def path_of(within: str, name: str) -> str:
    """The full path of field ``name`` inside the object at ``within``."""
    return f"{within}.{name}" if within else name


def bad_field(path: str, problem: str) -> ProtocolError:
    """The ``bad_request`` error for a field, e.g. ``field 'body' is missing``."""
    return ProtocolError(ErrorCode.BAD_REQUEST, f"field '{path}' {problem}")


def is_int(value: object) -> TypeGuard[int]:
    """Whether ``value`` is a JSON integer (``bool`` is an ``int`` in Python, never in JSON)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _missing_or(fields: Mapping[str, Any], name: str, within: str, kind: str) -> ProtocolError:
    return bad_field(path_of(within, name), f"must be {kind}" if name in fields else "is missing")


def object_at(value: object, path: str) -> Mapping[str, Any]:
    """``value`` itself, which must be a JSON object found at ``path``."""
    if not isinstance(value, Mapping):
        raise bad_field(path, "must be an object")
    return value


def objects_at(fields: Mapping[str, Any], name: str,
               within: str = "") -> list[tuple[str, Mapping[str, Any]]]:
    """The objects of a list field, each with its path (``users[2]``)."""
    value = fields.get(name)
    path = path_of(within, name)
    if not isinstance(value, list):
        raise _missing_or(fields, name, within, "a list")
    return [(f"{path}[{index}]", object_at(item, f"{path}[{index}]"))
            for index, item in enumerate(value)]


def string(fields: Mapping[str, Any], name: str, within: str = "") -> str:
    """A required string."""
    value = fields.get(name)
    if not isinstance(value, str):
        raise _missing_or(fields, name, within, "a string")
    return value


def optional_string(fields: Mapping[str, Any], name: str, within: str = "") -> str | None:
    """A string, or ``None`` when the field is ``null`` or left out."""
    value = fields.get(name)
    if value is None or isinstance(value, str):
        return value
    raise bad_field(path_of(within, name), "must be a string or null")


def boolean(fields: Mapping[str, Any], name: str, within: str = "", *,
            default: bool | None = None) -> bool:
    """A ``true``/``false``; ``default`` (if given) when the field is left out."""
    value = fields.get(name)
    if value is None and default is not None:
        return default
    if not isinstance(value, bool):
        raise _missing_or(fields, name, within, "true or false")
    return value


def integer(fields: Mapping[str, Any], name: str, within: str = "", *,
            minimum: int | None = None, default: int | None = None) -> int:
    """A required integer, at least ``minimum`` if given; ``default`` (if
    given) when the field is left out."""
    value = fields.get(name)
    if value is None and default is not None:
        return default
    if not is_int(value):
        raise _missing_or(fields, name, within, "an integer")
    if minimum is not None and value < minimum:
        raise bad_field(path_of(within, name), f"must be {minimum} or more")
    return value


def number(fields: Mapping[str, Any], name: str, within: str = "") -> float | None:
    """A number (integer or not), or ``None`` when ``null`` or left out."""
    value = fields.get(name)
    if value is None:
        return None
    if not (is_int(value) or isinstance(value, float)):
        raise bad_field(path_of(within, name), "must be a number or null")
    return float(value)


def message_id(fields: Mapping[str, Any], name: str, within: str = "") -> int:
    """A required message id: an integer from 0 to :data:`MAX_MESSAGE_ID`."""
    value = fields.get(name)
    if not is_int(value):
        raise _missing_or(fields, name, within, "a message id (an integer)")
    if not 0 <= value <= MAX_MESSAGE_ID:
        raise bad_field(path_of(within, name), "must be a message id, 0 or more")
    return value


def optional_message_id(fields: Mapping[str, Any], name: str, within: str = "") -> int | None:
    """A message id, or ``None`` when the field is ``null`` or left out."""
    return None if fields.get(name) is None else message_id(fields, name, within)


def room_id(fields: Mapping[str, Any], name: str, within: str = "") -> int:
    """A required room id (version 2): an integer from 0 to :data:`MAX_MESSAGE_ID`.

    Any such integer is well formed; whether it names a room I may see is
    the server's business (``unknown_room`` either way).
    """
    value = fields.get(name)
    if not is_int(value):
        raise _missing_or(fields, name, within, "a room id (an integer)")
    if not 0 <= value <= MAX_MESSAGE_ID:
        raise bad_field(path_of(within, name), "must be a room id, 0 or more")
    return value


def optional_room_id(fields: Mapping[str, Any], name: str, within: str = "") -> int | None:
    """A room id, or ``None`` when the field is ``null`` or left out."""
    return None if fields.get(name) is None else room_id(fields, name, within)


def request_ref(fields: Mapping[str, Any], name: str) -> RequestId:
    """A request's ``id`` or a reply's ``re``: a string of at most 64
    characters, an integer within ±2^53, or ``None`` (``null`` or left out)."""
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) <= MAX_REQUEST_ID_CHARS:
            return value
    elif is_int(value) and -MAX_REQUEST_ID_INT <= value <= MAX_REQUEST_ID_INT:
        return value
    raise bad_field(name, f"must be a string of at most {MAX_REQUEST_ID_CHARS} characters "
                          f"or an integer within ±2^53")


def page_limit(fields: Mapping[str, Any], default: int, maximum: int) -> int:
    """A request's ``limit``: 1 to ``maximum``, ``default`` when left out."""
    value = fields.get("limit")
    if value is None:
        return default
    if not is_int(value) or not 1 <= value <= maximum:
        raise bad_field("limit", f"must be an integer from 1 to {maximum}")
    return value


_HEX_DIGITS = frozenset("0123456789abcdef")


def file_id(fields: Mapping[str, Any], name: str = "file", within: str = "") -> str:
    """A required file id: :data:`~protocol.limits.FILE_ID_HEX_CHARS` lower-case
    hex digits (a random 128-bit number, PROTOCOL-2.md)."""
    value = string(fields, name, within)
    if len(value) != FILE_ID_HEX_CHARS or not _HEX_DIGITS.issuperset(value):
        raise bad_field(path_of(within, name),
                        f"must be a file id ({FILE_ID_HEX_CHARS} lower-case hex digits)")
    return value


def optional_file_id(fields: Mapping[str, Any], name: str = "file", within: str = "") -> str | None:
    """A file id, or ``None`` when the field is ``null`` or left out."""
    return None if fields.get(name) is None else file_id(fields, name, within)
