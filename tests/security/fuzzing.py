"""Frames for fuzzing: valid requests, and a mutator that breaks them.

Everything is driven by one :class:`random.Random`, so a failing run is
reproduced from the seed the test prints.  The mutations aim at each layer
of the server in turn: the framing (truncation, stray newlines, bit flips),
UTF-8 decoding (invalid and overlong sequences, encoded surrogates), JSON
parsing (lone surrogate escapes, huge numbers, deep nesting, duplicate
keys), the envelope (``id`` and ``type`` of every wrong type) and each
request's fields (values of the wrong type, out of range, at the limits).
"""

from __future__ import annotations

import random
from typing import Any

import orjson

from protocol.limits import MAX_CLIENT_FRAME_BYTES

#: The longest line the fuzzer sends: under the frame limit, so that only
#: the dedicated oversized-frame attacker is ever disconnected.
MAX_LINE = MAX_CLIENT_FRAME_BYTES - 1

STRANGE_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 2**53, -(2**53), 2**53 + 1, 2**63 - 1, 2**63, -(2**63),
    2**64, 1.5, -0.0, 1e308, "", " ", "\u0000", "\t\n", "x" * 65, "x" * 4001,
    "\u202e\u200b", "😀" * 10, [], {}, [1, [2, [3]]], {"type": "ping"}, "null", "alice",
    "ALICE", "ǅemal", "\ufeff", "\U0010ffff",
]

RAW_NUMBERS = [b"1e400", b"-1e400", b"123456789012345678901234567890", b"-0", b"0.0000001",
               b"1E+2", b"00", b"0x10", b"NaN", b"Infinity", b"-", b"1.", b".5"]

BAD_BYTES = [b"\xff", b"\xfe", b"\xc3\x28", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80",
             b"\xed\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\x00",
             b"\r", b"\x1b[2J", b"\xef\xbb\xbf"]

SURROGATE_ESCAPES = [b'"\\ud800"', b'"\\udfff"', b'"\\ud800\\u0041"', b'"\\udc00\\ud800"',
                     b'"a\\ud83d"', b'"\\uDBFF\\uDFFF"', b'"\\u0000"', b'"\\u"', b'"\\uZZZZ"']


def valid_requests(peer: str) -> list[dict[str, Any]]:
    """One of each request, well formed, some naming ``peer``."""
    return [
        {"type": "ping"},
        {"type": "users"},
        {"type": "login", "username": peer, "password": "wrong password"},
        {"type": "register", "username": "fuzzer", "password": "long enough"},
        {"type": "send", "to": None, "body": "hello from the fuzzer"},
        {"type": "send", "to": peer, "body": "a direct one", "key": "k1"},
        {"type": "history", "with": None, "before": None, "limit": 5},
        {"type": "history", "with": peer, "before": 10, "limit": 200},
        {"type": "sync", "after": 0, "limit": 3},
        {"type": "mark_read", "with": None, "up_to": 5},
        {"type": "mark_read", "with": peer, "up_to": 2**53},
        {"type": "change_password", "old_password": "not it at all", "new_password": "whatever1"},
        {"type": "nonsense"},
    ]


class Mutator:
    """Makes hostile frames from valid ones."""

    def __init__(self, rng: random.Random, peer: str) -> None:
        self.rng = rng
        self.templates = valid_requests(peer)
        self._serial = 0

    def frame(self) -> bytes:
        """One hostile frame, newline-terminated, shorter than the limit."""
        self._serial += 1
        rng = self.rng
        template = dict(rng.choice(self.templates))
        if rng.random() < 0.9:
            template["id"] = rng.choice([self._serial, f"r{self._serial}"])
        mutation = rng.choice([
            self._as_is, self._bit_flips, self._truncate, self._splice_bytes,
            self._type_confusion, self._type_confusion, self._raw_number, self._deep_nesting,
            self._invalid_utf8, self._surrogate_escape, self._garbage, self._near_limit,
            self._duplicate_keys, self._envelope,
        ])
        data = mutation(template)
        data = data.replace(b"\n", b"") if rng.random() < 0.5 else data
        return data[:MAX_LINE - 1] + b"\n"

    # -- mutations --------------------------------------------------------

    @staticmethod
    def _encode(frame: dict[str, Any]) -> bytes:
        return orjson.dumps(frame)

    def _as_is(self, frame: dict[str, Any]) -> bytes:
        return self._encode(frame)

    def _bit_flips(self, frame: dict[str, Any]) -> bytes:
        data = bytearray(self._encode(frame))
        for _ in range(self.rng.randint(1, 4)):
            position = self.rng.randrange(len(data))
            data[position] ^= 1 << self.rng.randrange(8)
        return bytes(data)

    def _truncate(self, frame: dict[str, Any]) -> bytes:
        data = self._encode(frame)
        return data[:self.rng.randrange(len(data))]

    def _splice_bytes(self, frame: dict[str, Any]) -> bytes:
        data = bytearray(self._encode(frame))
        for _ in range(self.rng.randint(1, 3)):
            position = self.rng.randrange(len(data) + 1)
            if self.rng.random() < 0.5 and position < len(data):
                del data[position:position + self.rng.randint(1, 5)]
            else:
                data[position:position] = bytes(self.rng.randrange(256)
                                                for _ in range(self.rng.randint(1, 5)))
        return bytes(data)

    def _type_confusion(self, frame: dict[str, Any]) -> bytes:
        key = self.rng.choice(sorted(frame))
        frame[key] = self.rng.choice(STRANGE_VALUES)
        if self.rng.random() < 0.3:
            frame[self.rng.choice(["to", "with", "before", "after", "limit", "key", "body",
                                   "username", "password", "up_to"])] = (
                self.rng.choice(STRANGE_VALUES))
        try:
            return self._encode(frame)
        except (TypeError, orjson.JSONEncodeError):  # 2**64 and friends
            return repr(frame).encode()

    def _raw_number(self, frame: dict[str, Any]) -> bytes:
        key = self.rng.choice(["id", "limit", "before", "after", "up_to", "to"])
        frame[key] = "@NUMBER@"
        return self._encode(frame).replace(b'"@NUMBER@"', self.rng.choice(RAW_NUMBERS))

    def _deep_nesting(self, frame: dict[str, Any]) -> bytes:
        depth = self.rng.choice([100, 1023, 1024, 1025, 5000, 20000])
        opener, closer = (b"[", b"]") if self.rng.random() < 0.5 else (b'{"a":', b"}")
        nested = opener * depth + b"1" + closer * depth
        frame["body"] = "@NESTED@"
        return self._encode(frame).replace(b'"@NESTED@"', nested)

    def _invalid_utf8(self, frame: dict[str, Any]) -> bytes:
        data = bytearray(self._encode(frame))
        for _ in range(self.rng.randint(1, 3)):
            position = self.rng.randrange(len(data) + 1)
            data[position:position] = self.rng.choice(BAD_BYTES)
        return bytes(data)

    def _surrogate_escape(self, frame: dict[str, Any]) -> bytes:
        key = self.rng.choice(["body", "username", "password", "id", "type", "to", "key"])
        frame[key] = "@SURROGATE@"
        return self._encode(frame).replace(b'"@SURROGATE@"', self.rng.choice(SURROGATE_ESCAPES))

    def _garbage(self, frame: dict[str, Any]) -> bytes:
        return self.rng.choice([
            b"", b" ", b"{", b"}", b"[]", b"null", b"\"type\"", b"{}", b'{"type":null}',
            b"GET / HTTP/1.1", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
            bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 300))),
        ])

    def _near_limit(self, frame: dict[str, Any]) -> bytes:
        frame["body"] = "y" * self.rng.choice([3999, 4000, 4001, 60_000])
        data = self._encode(frame)
        return data if len(data) < MAX_LINE else data[:MAX_LINE - 1]

    def _duplicate_keys(self, frame: dict[str, Any]) -> bytes:
        data = self._encode(frame)
        return data[:-1] + b',"type":"send","type":' + self.rng.choice(
            [b"1", b'"ping"', b"null", b'"logout"']) + b"}"

    def _envelope(self, frame: dict[str, Any]) -> bytes:
        frame["id"] = self.rng.choice(STRANGE_VALUES)
        if self.rng.random() < 0.5:
            frame["type"] = self.rng.choice(STRANGE_VALUES)
        try:
            return self._encode(frame)
        except (TypeError, orjson.JSONEncodeError):
            return repr(frame).encode()
