"""A page compressed once with a token spliced in per request decompresses to the page (edulite/web/gzip_parts.py)."""

from __future__ import annotations

import gzip
import os

import pytest

from edulite.web.gzip_parts import Compressed, accepts_gzip


@pytest.mark.parametrize("parts", [
    [b"only one part"],
    [b"", b"<body>", b""],
    [b"<html><head>" * 50, b"</head><body>" + os.urandom(3000), ("第三部分" * 20000).encode()],
])
@pytest.mark.parametrize("token", [b"", b"IjQ1YjY.aXk2Zw.sig-_", os.urandom(70_000)])
def test_the_gzip_body_is_the_parts_joined_by_the_token(parts, token):
    body = b"".join(Compressed(parts).chunks(token))
    assert gzip.decompress(body) == token.join(parts)  # gzip checks the CRC-32 and the length too


def test_the_token_is_stored_not_compressed():
    """Never compressed beside reflected text (BREACH): its bytes appear as they are."""
    token = b"a-secret-token-" + os.urandom(8).hex().encode()
    assert token in b"".join(Compressed([b"x" * 1000, b"y" * 1000]).chunks(token))


@pytest.mark.parametrize(("header", "accepted"), [
    ("gzip, deflate, br, zstd", True), ("br;q=1.0, gzip;q=0.8", True), ("*", True), ("GZIP", True),
    ("gzip;q=0", False), ("br", False), ("", False), (None, False), ("gzip;q=x", False),
    ("*, gzip;q=0", False), ("gzip;foo=1;q=0", False), ("br, *;q=0", False), ("x-gzip", True),
])
def test_accept_encoding_is_read_with_its_weights(header, accepted):
    assert accepts_gzip(header) is accepted


def test_one_page_with_many_tokens_answers_tokens_of_any_length_in_turn():
    """A teacher's home holds a token per class; the CRC terms are kept per token length."""
    parts = [os.urandom(50) + b"<form>" * n for n in range(40)]
    page = Compressed(parts)
    for token in (b"t" * 91, b"u" * 91, b"v" * 7, b"w" * 91, b""):
        assert gzip.decompress(b"".join(page.chunks(token))) == token.join(parts)
