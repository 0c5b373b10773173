"""Passwords nobody may choose: the published demo password and the most common ones (#17).

A small bundled list, not a breach corpus: it stops the passwords a guesser tries first within the 20
attempts an hour that LOGIN_RATE_LIMIT allows. Only entries of at least PASSWORD_MIN_LENGTH's default
(10) matter, since shorter ones are refused anyway; a few shorter roots are kept for the digit-suffix rule.
"""

from __future__ import annotations

# Published in README.md, CONTRIBUTING.md and `make run`'s output: public by definition.
KNOWN_PUBLIC = ("edulite-demo", "correct horse battery", "correct horse battery staple")

# Most frequent passwords of 10+ characters in public leak statistics (international and Chinese sites).
COMMON = (
    "1234567890", "0123456789", "12345678910", "123456789a", "a123456789", "1234567890a", "123456789q",
    "qwertyuiop", "1q2w3e4r5t", "1qaz2wsx3edc", "1qazxsw23edc", "qazwsxedcrfv", "zaq12wsxcde3", "asdfghjkl;",
    "qwertyuiop123", "qwerty123456", "qwe123456789", "abc1234567", "abcd123456", "abcdefghij", "a1b2c3d4e5",
    "password123", "password12", "password1234", "passw0rd123", "p@ssw0rd123", "password!", "iloveyou123",
    "1111111111", "0000000000", "1122334455", "1234512345", "9876543210", "5201314520", "woaini1314",
    "woaini520", "5201314woaini", "aini1314520", "1314520520", "wang123456", "li123456789", "zhang123456",
    "admin12345", "admin123456", "administrator", "welcome123", "welcome1234", "letmein123", "changeme123",
    "football123", "baseball123", "sunshine123", "princess123", "dragon12345", "monkey12345", "superman123",
    "computer123", "internet123", "teacher123", "teacher1234", "school1234", "school123456", "student123",
    "principal123", "edulite123", "edulite2026", "homework123", "1qaz!qaz", "1qaz@wsx", "1qaz@WSX3edc",
    "zxcvbnm123", "asdfghjkl123", "qweasdzxc123", "147258369a", "1472583690", "3141592653", "12341234qq",
    "aa12345678", "qq123456789", "qq1234567890", "123456qwerty", "123qweasdzxc", "abc123456789",
)
_LIST = {p.casefold() for p in KNOWN_PUBLIC + COMMON}


def too_common(password: str) -> bool:
    """True for a listed password (any case), one with a year or digits tacked on, or too few distinct signs."""
    folded = password.casefold().strip()
    if folded in _LIST or folded.rstrip("0123456789!.@#") in _LIST:
        return True
    # "aaaaaaaaaa", "ababababab", "1212121212": length without variety.
    return len(set(folded)) < 4
