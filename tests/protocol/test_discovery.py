"""The DNS-SD records of a Besedka server, and what an announcement says of a certificate."""

from __future__ import annotations

import hashlib

import pytest

from protocol.discovery import (
    MDNS_INTERFACES_ENV,
    SERVICE_TYPE,
    FingerprintCheck,
    check_announced_fingerprint,
    compare_announced_fingerprints,
    instance_name,
    mdns_interfaces_from_environment,
    normalize_fingerprint,
    parse_txt_properties,
    txt_properties,
)
from protocol.limits import PROTOCOL_VERSION
from protocol.tls import certificate_fingerprint, format_fingerprint

CERTIFICATE = b"0\x82\x01\x0a not really DER, but bytes are bytes"
FINGERPRINT = hashlib.sha256(CERTIFICATE).hexdigest()


def test_service_type_is_a_tcp_service_in_the_local_domain() -> None:
    assert SERVICE_TYPE == "_besedka._tcp.local."


def test_fingerprint_is_sha256_of_the_der_certificate_in_lowercase_hex() -> None:
    assert certificate_fingerprint(CERTIFICATE) == FINGERPRINT
    assert len(FINGERPRINT) == 64 and FINGERPRINT == FINGERPRINT.lower()


@pytest.mark.parametrize("spelling", [
    FINGERPRINT,
    FINGERPRINT.upper(),
    format_fingerprint(FINGERPRINT),  # "3F2A 9C01 ...", as the server logs it
    ":".join(FINGERPRINT[i:i + 2] for i in range(0, 64, 2)).upper(),  # as openssl prints it
    "SHA256:" + FINGERPRINT,
])
def test_usual_spellings_of_a_fingerprint_are_understood(spelling: str) -> None:
    assert normalize_fingerprint(spelling) == FINGERPRINT


@pytest.mark.parametrize("garbage", [None, "", "abc", FINGERPRINT[:-1], FINGERPRINT + "0",
                                     "g" * 64, "é" * 64])
def test_anything_else_is_not_a_fingerprint(garbage: str | None) -> None:
    assert normalize_fingerprint(garbage) is None


def test_announced_fingerprint_of_the_presented_certificate_matches() -> None:
    assert check_announced_fingerprint(FINGERPRINT, CERTIFICATE) is FingerprintCheck.MATCH
    assert check_announced_fingerprint(format_fingerprint(FINGERPRINT), CERTIFICATE) \
        is FingerprintCheck.MATCH


def test_another_certificate_than_the_announced_one_is_a_mismatch() -> None:
    assert check_announced_fingerprint(FINGERPRINT, CERTIFICATE + b"!") \
        is FingerprintCheck.MISMATCH


@pytest.mark.parametrize("announced", [None, "", "not a fingerprint"])
def test_no_valid_announced_fingerprint_leaves_the_decision_to_the_user(
        announced: str | None) -> None:
    assert check_announced_fingerprint(announced, CERTIFICATE) is FingerprintCheck.NOT_ANNOUNCED


OTHER = hashlib.sha256(b"another certificate").hexdigest()


@pytest.mark.parametrize(("announced", "check"), [
    ([], FingerprintCheck.NOT_ANNOUNCED),
    ([None, "garbage"], FingerprintCheck.NOT_ANNOUNCED),
    ([FINGERPRINT], FingerprintCheck.MATCH),
    ([None, format_fingerprint(FINGERPRINT)], FingerprintCheck.MATCH),
    ([OTHER], FingerprintCheck.MISMATCH),
    # One impostor among honest announcements of one address is still one.
    ([FINGERPRINT, OTHER], FingerprintCheck.MISMATCH),
    ([OTHER, FINGERPRINT], FingerprintCheck.MISMATCH),
])
def test_every_announcement_of_an_address_counts(announced: list[str | None],
                                                 check: FingerprintCheck) -> None:
    assert compare_announced_fingerprints(announced, FINGERPRINT) is check


def test_txt_record_round_trips() -> None:
    properties = txt_properties("1.2.3", format_fingerprint(FINGERPRINT))
    assert properties == {"txtvers": "1", "protocol": str(PROTOCOL_VERSION),
                          "version": "1.2.3", "fp": FINGERPRINT}
    announced = parse_txt_properties({k.encode(): v.encode() for k, v in properties.items()})
    assert announced.protocol_version == PROTOCOL_VERSION
    assert announced.server_version == "1.2.3"
    assert announced.fingerprint == FINGERPRINT


def test_txt_record_without_tls_has_no_fingerprint() -> None:
    assert "fp" not in txt_properties("1.2.3")


def test_a_bad_fingerprint_is_not_announced() -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        txt_properties("1.2.3", "deadbeef")


def test_txt_keys_are_case_insensitive_and_bad_values_are_dropped() -> None:
    announced = parse_txt_properties({b"PROTOCOL": b"\xb2", b"Version": b"", b"FP": b"zz",
                                      b"flag": None, b"\xff": b"\xff"})
    assert announced.protocol_version is None
    assert announced.server_version is None
    assert announced.fingerprint is None
    assert parse_txt_properties({}).protocol_version is None


@pytest.mark.parametrize(("given", "expected"), [
    ("Office chat", "Office chat"),
    ("pc.example.lan", "pc-example-lan"),
    ("  \t", "Besedka"),
    ("bell\x07", "bell"),
])
def test_instance_names_are_one_printable_dns_label(given: str, expected: str) -> None:
    assert instance_name(given) == expected


def test_long_instance_names_are_cut_to_63_bytes_on_a_character_boundary() -> None:
    name = instance_name("Беседка" * 20)
    assert len(name.encode()) <= 63
    assert name == "Беседка" * 4 + "Бесед"[:len(name) - 28]


def test_mdns_interfaces_come_from_the_environment() -> None:
    assert mdns_interfaces_from_environment({}) is None
    assert mdns_interfaces_from_environment({MDNS_INTERFACES_ENV: " "}) is None
    assert mdns_interfaces_from_environment({MDNS_INTERFACES_ENV: "127.0.0.1, 192.0.2.1,"}) \
        == ["127.0.0.1", "192.0.2.1"]
