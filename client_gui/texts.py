"""Sentences a person reads when something is not right, in their language.

The server's ``message`` field is English for developers; people read these
instead.  Each function takes what went wrong and returns a translated
sentence, so every window words the same failure the same way.  The
validation helpers wrap :mod:`protocol.rules`, which stays the only place the
rules themselves are written.
"""

from __future__ import annotations

import math
import unicodedata

from PyQt6.QtCore import QCoreApplication, QLocale

from protocol.errors import ErrorCode, ProtocolError
from protocol.limits import (
    BODY_MAX_CHARS,
    PASSWORD_MAX_CHARS,
    PASSWORD_MIN_CHARS,
    PROTOCOL_VERSION,
    ROOM_NAME_MAX_CHARS,
    ROOM_TOPIC_MAX_CHARS,
    USERNAME_MAX_CHARS,
    USERNAME_MIN_CHARS,
)
from protocol.rooms import check_topic, normalize_room_name
from protocol.rules import (
    check_password,
    is_default_ignorable,
    normalize_body,
    normalize_username,
    username_char_allowed,
)
from protocol.tls import format_fingerprint

from .failures import AuthFailure, FailureReason

__all__ = [
    "describe_error",
    "describe_changed_certificate",
    "describe_failure",
    "password_problem",
    "username_problem",
    "username_rules",
    "password_rules",
    "body_problem",
    "file_size_text",
    "room_name_problem",
    "room_name_rules",
    "topic_problem",
]


def username_rules() -> str:
    """The username rules, to show before the user types."""
    return QCoreApplication.translate(
        "Texts",
        "Username: %1 to %2 characters: letters of any alphabet, digits, and the "
        "characters \u201c_\u201d, \u201c-\u201d and \u201c.\u201d, beginning with a letter "
        "or a digit. Letter case does not matter when logging in.",
    ).replace("%1", str(USERNAME_MIN_CHARS)).replace("%2", str(USERNAME_MAX_CHARS))


def password_rules() -> str:
    """The password rules, to show before the user types."""
    return QCoreApplication.translate(
        "Texts", "Password: at least %n character(s); any characters are allowed.", "",
        PASSWORD_MIN_CHARS)


def username_problem(name: str) -> str | None:
    """Why ``name`` is not a valid username, or None when it is."""
    try:
        normalize_username(name)
    except ProtocolError:
        pass
    else:
        return None
    length = len(unicodedata.normalize("NFC", name))
    if length < USERNAME_MIN_CHARS:
        return QCoreApplication.translate(
            "Texts", "Too short: at least %n character(s).", "", USERNAME_MIN_CHARS)
    if length > USERNAME_MAX_CHARS:
        return QCoreApplication.translate(
            "Texts", "Too long: at most %n character(s).", "", USERNAME_MAX_CHARS)
    # The length is fine, so some character is not allowed.  Ask the
    # protocol's own rule about each one instead of restating the rule here.
    for char in name:
        if username_char_allowed(char):
            continue
        if char.isspace():
            return QCoreApplication.translate("Texts", "Spaces are not allowed.")
        if is_default_ignorable(char):
            # Drawn as nothing: say which, or the user could not find it.
            return QCoreApplication.translate(
                "Texts", "An invisible character (%1) is not allowed.").replace(
                "%1", f"U+{ord(char):04X}")
        return QCoreApplication.translate(
            "Texts", "The character \u201c%1\u201d is not allowed.").replace("%1", char)
    return QCoreApplication.translate("Texts", "It must begin with a letter or a digit.")


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot be a new password, or None when it can."""
    try:
        check_password(password)
    except ProtocolError:
        if len(password) < PASSWORD_MIN_CHARS:
            return QCoreApplication.translate(
                "Texts", "Too short: at least %n character(s).", "", PASSWORD_MIN_CHARS)
        return QCoreApplication.translate(
            "Texts", "Too long: at most %n character(s).", "", PASSWORD_MAX_CHARS)
    return None


def body_problem(body: str) -> str | None:
    """Why ``body`` cannot be sent, or None (empty bodies are simply not sent)."""
    try:
        normalize_body(body)
    except ProtocolError as error:
        if error.code is ErrorCode.MESSAGE_TOO_LONG:
            return QCoreApplication.translate(
                "Texts", "The message is too long: at most %n character(s).", "",
                BODY_MAX_CHARS)
        if body.strip():
            return QCoreApplication.translate(
                "Texts", "The message contains characters that cannot be sent.")
    return None


def room_name_rules() -> str:
    """The rules for a room's name, to show before the user types."""
    return QCoreApplication.translate(
        "Texts", "Room name: 1 to %1 characters, not only spaces; no line breaks or other "
        "control characters.").replace("%1", str(ROOM_NAME_MAX_CHARS))


def room_name_problem(name: str) -> str | None:
    """Why ``name`` (as the user typed it; spaces around it are dropped
    before it is sent) cannot name a room, or None when it can."""
    try:
        normalize_room_name(name.strip())
    except ProtocolError:
        pass
    else:
        return None
    if not name.strip():
        return QCoreApplication.translate("Texts", "Give the room a name.")
    if len(unicodedata.normalize("NFC", name.strip())) > ROOM_NAME_MAX_CHARS:
        return QCoreApplication.translate(
            "Texts", "Too long: at most %n character(s).", "", ROOM_NAME_MAX_CHARS)
    return QCoreApplication.translate(
        "Texts", "Line breaks and other control characters are not allowed.")


def topic_problem(topic: str) -> str | None:
    """Why ``topic`` cannot be a room's topic, or None when it can."""
    try:
        check_topic(topic)
    except ProtocolError:
        if len(topic) > ROOM_TOPIC_MAX_CHARS:
            return QCoreApplication.translate(
                "Texts", "Too long: at most %n character(s).", "", ROOM_TOPIC_MAX_CHARS)
        return QCoreApplication.translate(
            "Texts", "Line breaks and other control characters are not allowed.")
    return None


def describe_failure(failure: AuthFailure) -> str:
    """What to tell the user when logging in or registering did not work."""
    address = f"{failure.host}:{failure.port}"
    if failure.reason is FailureReason.UNREACHABLE:
        return QCoreApplication.translate(
            "Texts", "Cannot reach the server at %1. Check the address and that the "
            "server is running.").replace("%1", address)
    if failure.reason is FailureReason.INCOMPATIBLE:
        return QCoreApplication.translate(
            "Texts", "The server at %1 speaks protocol version %2, but this Besedka "
            "speaks versions 1 to %3. Update the older of the two.").replace(
            "%1", address).replace("%2", str(failure.server_protocol)).replace(
            "%3", str(PROTOCOL_VERSION))
    if failure.reason is FailureReason.NOT_BESEDKA:
        return QCoreApplication.translate(
            "Texts", "%1 answered, but it is not a Besedka server.").replace("%1", address)
    if failure.reason is FailureReason.NO_GREETING:
        return QCoreApplication.translate(
            "Texts", "%1 accepted the connection but did not answer like a Besedka "
            "server.").replace("%1", address)
    if failure.reason is FailureReason.TLS_REQUIRED:
        return QCoreApplication.translate(
            "Texts", "The server at %1 accepts only encrypted (TLS) connections. Start "
            "Besedka without --no-tls.").replace("%1", address)
    if failure.reason is FailureReason.SERVER_NOT_TLS:
        return QCoreApplication.translate(
            "Texts", "The server at %1 does not use encryption, so your password and "
            "messages could be read on the network. Ask its administrator to start it "
            "without --no-tls.").replace("%1", address)
    if failure.reason is FailureReason.TLS_FAILED:
        return QCoreApplication.translate(
            "Texts", "Could not set up an encrypted connection with %1. It may not be a "
            "Besedka server.").replace("%1", address)
    if failure.reason is FailureReason.CERTIFICATE_CHANGED:
        return describe_changed_certificate(failure)
    if failure.reason is FailureReason.CERTIFICATE_NOT_PROVISIONED:
        presented = (format_fingerprint(failure.certificate.fingerprint)
                     if failure.certificate else "?")
        return QCoreApplication.translate(
            "Texts", "Warning: the server at %1 presented another certificate than the one "
            "your administrator set up this computer to trust, so Besedka did not send your "
            "password. Someone may be impersonating the server, or its certificate was "
            "replaced. Tell the administrator this fingerprint:\n%2").replace(
            "%1", address).replace("%2", presented)
    if failure.reason is FailureReason.CONNECTION_LOST:
        return QCoreApplication.translate(
            "Texts", "The connection to %1 was lost. Try again.").replace("%1", address)
    return describe_error(failure.code, failure.retry_after)


def describe_changed_certificate(failure: AuthFailure) -> str:
    """The warning for a server whose certificate is not the pinned one."""
    presented = format_fingerprint(failure.certificate.fingerprint) if failure.certificate else "?"
    return QCoreApplication.translate(
        "Texts", "Warning: the server at %1 presented a different certificate than the one "
        "you trusted before, so Besedka did not send your password. Either the server was "
        "reinstalled or its certificate replaced, or someone is intercepting the connection. "
        "Ask the administrator to compare this fingerprint with the one the server logs when "
        "it starts:\n%2\nIf they match, choose \u201cForget this server\u2019s "
        "certificate\u201d and log in again to trust the new one.").replace(
        "%1", f"{failure.host}:{failure.port}").replace("%2", presented)


def describe_error(code: ErrorCode | FailureReason | str | None,
                   retry_after: float | None = None) -> str:
    """What a server ``error`` reply means for the user (``code`` is its text
    when this version does not know it)."""
    if code is ErrorCode.INVALID_CREDENTIALS:
        return QCoreApplication.translate("Texts", "Wrong username or password.")
    if code is ErrorCode.USERNAME_TAKEN:
        return QCoreApplication.translate("Texts", "This username is already taken.")
    if code is ErrorCode.INVALID_USERNAME:
        return QCoreApplication.translate("Texts", "The server does not accept this username.")
    if code is ErrorCode.WEAK_PASSWORD:
        return QCoreApplication.translate("Texts", "The server does not accept this password.")
    if code is ErrorCode.RATE_LIMITED:
        seconds = max(1, math.ceil(retry_after or 1))
        return QCoreApplication.translate(
            "Texts", "Too many attempts. Try again in %n second(s).", "", seconds)
    if code is ErrorCode.INVALID_TOKEN:
        return QCoreApplication.translate(
            "Texts", "Your saved login has ended: it was revoked, it expired, or the password "
            "was changed. Log in again.")
    if code is ErrorCode.UNKNOWN_USER:
        return QCoreApplication.translate("Texts", "There is no such user.")
    if code is ErrorCode.MESSAGE_TOO_LONG:
        return QCoreApplication.translate("Texts", "The message is too long.")
    if code is ErrorCode.FILE_TOO_LARGE:
        return QCoreApplication.translate("Texts", "The file is larger than the server allows.")
    if code is ErrorCode.QUOTA_EXCEEDED:
        return QCoreApplication.translate(
            "Texts", "Your files take all the space the server gives you.")
    if code is ErrorCode.UNKNOWN_FILE:
        return QCoreApplication.translate("Texts", "The file is no longer on the server.")
    if code is ErrorCode.HASH_MISMATCH:
        return QCoreApplication.translate("Texts", "The file changed while it was sent.")
    if code == "io_error":
        return QCoreApplication.translate("Texts", "The file could not be read or written.")
    if code is ErrorCode.UNKNOWN_ROOM:
        return QCoreApplication.translate(
            "Texts", "This room does not exist or you are not one of its members.")
    if code is ErrorCode.FORBIDDEN:
        return QCoreApplication.translate(
            "Texts", "Only the room's owner can do this, or the room is full.")
    if code is ErrorCode.INVALID_ROOM_NAME:
        return QCoreApplication.translate("Texts", "The server does not accept this room name.")
    if code is FailureReason.CONNECTION_LOST:
        return QCoreApplication.translate(
            "Texts", "Not connected to the server. Try again when the connection is back.")
    return QCoreApplication.translate(
        "Texts", "The server could not do this (%1). Try again later.").replace(
        "%1", str(code) if code is not None else "?")


def file_size_text(size: int) -> str:
    """A size as people read it: ``830 bytes``, ``12 KB``, ``3.4 MB``, ``1.2 GB``
    (binary multiples, as file managers show them)."""
    if size < 1024:
        return QCoreApplication.translate("Texts", "%n byte(s)", "", size)
    units = (QCoreApplication.translate("Texts", "%1 KB"),
             QCoreApplication.translate("Texts", "%1 MB"),
             QCoreApplication.translate("Texts", "%1 GB"))
    value = float(size)
    for unit in units:
        value /= 1024
        if value < 1024 or unit is units[-1]:
            number = QLocale().toString(value, "f", 0 if value >= 100 else 1)
            return unit.replace("%1", number)
    raise AssertionError("unreachable")
