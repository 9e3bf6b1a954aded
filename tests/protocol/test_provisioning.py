"""The lines an administrator hands out to trust a server: written by the
server's ``admin client-config``, read by the client."""

from __future__ import annotations

import hashlib

import pytest

from protocol.provisioning import (
    TrustEntry,
    format_trust_entry,
    parse_address,
    parse_trust_entry,
    read_trust_file,
)
from protocol.tls import format_fingerprint

FINGERPRINT = hashlib.sha256(b"a certificate").hexdigest()


@pytest.mark.parametrize(("text", "address"), [
    ("chat.example", ("chat.example", 7447)),
    ("chat.example:8000", ("chat.example", 8000)),
    ("192.0.2.7:7447", ("192.0.2.7", 7447)),
    ("[fe80::1]:7448", ("fe80::1", 7448)),
    ("[fe80::1]", ("fe80::1", 7447)),
    ("fe80::1", ("fe80::1", 7447)),
])
def test_addresses_are_host_and_port_with_7447_when_left_out(
        text: str, address: tuple[str, int]) -> None:
    assert parse_address(text) == address


@pytest.mark.parametrize("text", ["", ":7447", "host:0", "host:65536", "host:x",
                                  "[fe80::1]x"])
def test_a_bad_address_says_so(text: str) -> None:
    with pytest.raises(ValueError):
        parse_address(text)


@pytest.mark.parametrize("host", ["chat.example", "192.0.2.7", "fe80::1", "пк-214"])
def test_an_entry_reads_back_as_written(host: str) -> None:
    line = format_trust_entry(host, 7447, format_fingerprint(FINGERPRINT))
    assert parse_trust_entry(line) == TrustEntry(host, 7447, FINGERPRINT)


def test_the_fingerprint_may_be_spelt_as_the_server_logs_it() -> None:
    grouped = format_fingerprint(FINGERPRINT)
    assert parse_trust_entry(f"chat.example:7447={grouped}").fingerprint == FINGERPRINT
    assert parse_trust_entry(f"chat.example = sha256:{FINGERPRINT.upper()}").fingerprint \
        == FINGERPRINT


@pytest.mark.parametrize("text", ["chat.example", f"={FINGERPRINT}",
                                  "chat.example=3f2a", f"chat.example:x={FINGERPRINT}"])
def test_a_bad_entry_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_trust_entry(text)


def test_a_file_skips_comments_and_blank_lines_and_reports_bad_lines_only() -> None:
    lines = [
        "\ufeff# Besedka: trusted servers",
        "",
        f"chat.example:7447={FINGERPRINT}   # the lab",
        "not a line",
        f"192.0.2.7={FINGERPRINT}",
    ]
    entries, problems = read_trust_file(lines)
    assert entries == [TrustEntry("chat.example", 7447, FINGERPRINT),
                       TrustEntry("192.0.2.7", 7447, FINGERPRINT)]
    assert len(problems) == 1 and problems[0].startswith("line 4: ")
