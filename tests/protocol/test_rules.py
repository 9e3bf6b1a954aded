"""The username, password and body rules of PROTOCOL.md, one case at a time.

The registration window and the server both decide through these functions,
so each case here is something a user would see: a name refused or taken,
a password refused, a message refused or stored differently from typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from protocol.errors import ErrorCode, ProtocolError
from protocol.rules import (
    check_password,
    is_white_space,
    normalize_body,
    normalize_username,
    username_key,
    username_skeleton,
)


def rejection(function: Callable[[str], object], value: str) -> ErrorCode:
    with pytest.raises(ProtocolError) as caught:
        function(value)
    return caught.value.code


# --------------------------------------------------------------------------
# Usernames


@pytest.mark.parametrize(
    "name",
    [
        "bob",
        "Алёна",  # Cyrillic
        "Σωκράτης",  # Greek
        "李小龙",  # CJK
        "ﾊﾝﾄﾞﾙ",  # halfwidth katakana
        "مریم",  # Arabic script
        "नमस्ते",  # Devanagari with combining marks (Mn, Mc)
        "r2d2",
        "user_٣٤٥",  # ARABIC-INDIC digits are Nd
        "१२३",  # Devanagari digits only
        "a.b-c_d",
        "a" * 32,
    ],
)
def test_names_of_letters_marks_digits_and_allowed_punctuation_are_accepted(name: str) -> None:
    assert normalize_username(name) == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize(
    "name",
    [
        "bob smith",  # space
        "bob\u00a0smith",  # no-break space
        "bob🙂",  # emoji (So)
        "bob!",
        "bob@home",
        "bob+1",
        "bob/..",
        "a'b",
        "bob\x00",  # Cc
        "bob\n",
        "bob\u200b",  # zero-width space (Cf)
        "bob²",  # superscript two is No, not Nd
        "Ⅻab",  # roman numeral twelve is Nl, not Nd
        "bob\U000e0041",  # tag character (Cf)
        # Invisible ones that are letters or marks (default-ignorable code
        # points, PROTOCOL.md "Rules" of 2026-12-02):
        "alice\u034f",  # COMBINING GRAPHEME JOINER
        "alice\ufe0f",  # a variation selector
        "\u3164\u3164\u3164",  # Hangul fillers, which are letters (Lo)
        "a\u115fb\uffa0",
        "al\u17b4ice",  # KHMER VOWEL INHERENT AQ
        # Not a letter or a digit first:
        "...",
        "_alice",
        "-alice",
        "\u0301ab",  # a combining mark alone at the start
    ],
)
def test_names_with_other_characters_are_invalid(name: str) -> None:
    assert rejection(normalize_username, name) is ErrorCode.INVALID_USERNAME


@pytest.mark.parametrize("look_alike", [
    "ALICE",
    "\u0410lice",  # CYRILLIC CAPITAL LETTER A
    "\uff41\uff4c\uff49\uff43\uff45",  # fullwidth
    "\U0001d41a\U0001d425\U0001d422\U0001d41c\U0001d41e",  # mathematical bold
    "\u0430l\u0456\u0441\u0435",  # Cyrillic but for the l
])
def test_names_that_look_like_alice_have_its_skeleton(look_alike: str) -> None:
    assert username_skeleton(look_alike) == username_skeleton("alice")


@pytest.mark.parametrize("other", ["alicia", "bob", "alice2", "Алиса", "elise"])
def test_names_that_do_not_look_alike_have_other_skeletons(other: str) -> None:
    assert username_skeleton(other) != username_skeleton("alice")


@pytest.mark.parametrize("name", ["", "ab", "a" * 33, "李" * 33])
def test_names_outside_3_to_32_characters_are_invalid(name: str) -> None:
    assert rejection(normalize_username, name) is ErrorCode.INVALID_USERNAME


def test_length_counts_characters_not_bytes() -> None:
    assert normalize_username("李" * 32) == "李" * 32  # 96 bytes of UTF-8


def test_a_decomposed_name_is_stored_composed() -> None:
    assert normalize_username("Jose\u0301") == "José"


def test_length_is_counted_after_composition() -> None:
    # Four code points as typed, two after NFC: too short.
    assert rejection(normalize_username, "e\u0301e\u0301") is ErrorCode.INVALID_USERNAME
    # Hangul jamo: three code points compose to one syllable.
    assert rejection(normalize_username, "\u1112\u1161\u11ab") is ErrorCode.INVALID_USERNAME
    # 33 code points typed, 32 after NFC: long enough is not too long.
    assert len(normalize_username("a" * 30 + "e\u0301" + "b")) == 32


def test_same_name_in_any_case_has_the_same_key() -> None:
    assert username_key("Alice") == username_key("alice") == username_key("ALICE")


def test_german_sharp_s_and_double_s_share_a_key() -> None:
    assert username_key("Straße") == username_key("STRASSE") == username_key("strasse")


def test_cyrillic_yo_cases_share_a_key_and_differ_from_ye() -> None:
    assert username_key("Ёлка") == username_key("ёлка")
    assert username_key("Ёлка") != username_key("Елка")


def test_composed_and_decomposed_spellings_share_a_key() -> None:
    assert username_key("JOSE\u0301") == username_key("josé")


def test_greek_final_sigma_shares_a_key_with_the_other_sigmas() -> None:
    assert username_key("ΟΔΥΣΣΕΥΣ") == username_key("οδυσσευς") == username_key("οδυσσευσ")


def test_different_names_have_different_keys() -> None:
    assert username_key("alice") != username_key("alicf")
    assert username_key("ali.ce") != username_key("alice")


def test_username_key_accepts_any_string_so_a_bad_login_just_finds_nobody() -> None:
    assert username_key("not a valid name!") == "not a valid name!"


# --------------------------------------------------------------------------
# Passwords


@pytest.mark.parametrize(
    "password",
    [
        "12345678",
        "x" * 1024,
        "🙂" * 8,  # 8 code points, 32 bytes
        "e\u0301" * 4,  # 8 code points, not normalised
        "пароль12",
        "        ",  # white space is a character like any other
        "\x00" * 8,
    ],
)
def test_passwords_of_8_to_1024_characters_of_any_kind_are_accepted(password: str) -> None:
    check_password(password)


@pytest.mark.parametrize("password", ["", "1234567", "🙂" * 7, "x" * 1025])
def test_passwords_outside_8_to_1024_characters_are_weak(password: str) -> None:
    assert rejection(check_password, password) is ErrorCode.WEAK_PASSWORD


# --------------------------------------------------------------------------
# Bodies


def test_a_body_is_stored_as_typed_when_it_needs_no_change() -> None:
    body = "  Hello,\tworld!\n\u2028 Привет 🙂 \u00a0"
    assert normalize_body(body) == body


def test_crlf_and_cr_are_stored_as_lf() -> None:
    assert normalize_body("a\r\nb\rc\n\r\nd\r\r") == "a\nb\nc\n\nd\n\n"


def test_line_breaks_are_normalised_before_the_length_is_checked() -> None:
    # 6000 characters as sent, exactly 4000 once each CRLF is one LF.
    assert normalize_body("a\r\n" * 2000) == "a\n" * 2000
    assert rejection(normalize_body, "a\r\n" * 2000 + "b") is ErrorCode.MESSAGE_TOO_LONG


def test_4000_characters_are_accepted_and_4001_are_too_long() -> None:
    assert normalize_body("я" * 4000) == "я" * 4000
    assert rejection(normalize_body, "я" * 4001) is ErrorCode.MESSAGE_TOO_LONG


def test_length_counts_code_points() -> None:
    assert normalize_body("🙂" * 4000) == "🙂" * 4000
    assert rejection(normalize_body, "🙂" * 4001) is ErrorCode.MESSAGE_TOO_LONG


@pytest.mark.parametrize(
    "body",
    [
        "",
        " ",
        "\t\n",
        "\r\n",
        "\u00a0",  # no-break space
        "\u3000",  # ideographic space
        "\u2028\u2029",  # line and paragraph separators
        "\u1680\u2000\u200a\u202f\u205f",
        " \t\u3000\n" * 1500,  # over 4000 characters, but blank: bad, not too long
    ],
)
def test_bodies_of_only_white_space_are_rejected(body: str) -> None:
    assert rejection(normalize_body, body) is ErrorCode.BAD_REQUEST


@pytest.mark.parametrize("char", ["\u200b", "\ufeff", "\u180e", "\u2800"])
def test_characters_that_look_blank_but_are_not_white_space_make_a_body(char: str) -> None:
    assert not is_white_space(char)
    assert normalize_body(char) == char


def test_white_space_follows_the_unicode_property_not_str_isspace() -> None:
    # str.isspace() counts the information separators; White_Space does not.
    assert "\x1c".isspace() and not is_white_space("\x1c")
    assert is_white_space("\u0085") and is_white_space("\u3000")


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\u0085", "\x9f"],
)
def test_control_characters_other_than_tab_and_newline_are_rejected(char: str) -> None:
    assert rejection(normalize_body, f"a{char}b") is ErrorCode.BAD_REQUEST


@pytest.mark.parametrize("char", ["\ud800", "\udfff", "\udc00"])
def test_lone_surrogates_are_rejected(char: str) -> None:
    assert rejection(normalize_body, f"ok{char}") is ErrorCode.BAD_REQUEST


def test_a_control_character_is_rejected_even_in_a_too_long_body() -> None:
    with pytest.raises(ProtocolError) as caught:
        normalize_body("x" * 5000 + "\x00")
    assert caught.value.code is ErrorCode.BAD_REQUEST
    assert "U+0000" in caught.value.message


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Xİ\u0331", "xi\u0331\u0307"),  # folding İ puts its dot before the macron below
        ("Μαΐου", "ΜΑΪ́ΟΥ"),  # ΐ folds to three code points; NFC composes them again
        ("ǰan", "J\u030cAN"),
    ],
)
def test_spellings_equal_after_folding_and_composition_share_a_key(
    first: str, second: str
) -> None:
    assert username_key(first) == username_key(second)
    assert username_key(first) == unicodedata.normalize("NFC", username_key(first))
