"""A page compressed once, with a per-request token spliced in uncompressed (ADR 0016).

A cached page is the same for every caller but for the session's CSRF token. It is compressed once, part
by part, each part by a fresh compressor ending on a full flush (byte-aligned, no reference to anything
before it, as pigz joins its blocks); the token goes between the parts as a stored (uncompressed)
deflate block. So each answer costs a few small joins, not a compression, and the token is never
compressed together with anything a request could reflect into the page (BREACH).

The gzip trailer's CRC-32 covers the whole page: the CRC is linear, so the page's CRC with zeros for the
tokens and one linear map from the token's own CRC are kept (per token length), and an answer's CRC costs
one CRC over the token and 32 XORs instead of reading the page.
"""

from __future__ import annotations

import struct
import zlib

# RFC 1952: magic, deflate, no flags, no time, no extra flags, unknown OS.
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_LEVEL = 6


def _shift_columns(part: bytes) -> tuple[int, ...]:
    """zlib.crc32(part, c) == shift(c) ^ zlib.crc32(part): shift's value on each bit of c."""
    zero = zlib.crc32(part)
    return tuple(zlib.crc32(part, 1 << bit) ^ zero for bit in range(32))


def _apply(columns: tuple[int, ...], value: int) -> int:
    out = 0
    bit = 0
    while value:
        if value & 1:
            out ^= columns[bit]
        value >>= 1
        bit += 1
    return out


def _stored_block(data: bytes) -> bytes:
    """A non-final stored deflate block (RFC 1951 3.2.4); the stream is byte-aligned before it."""
    chunks = []
    for start in range(0, len(data), 0xFFFF):
        piece = data[start:start + 0xFFFF]
        chunks.append(b"\x00" + struct.pack("<HH", len(piece), len(piece) ^ 0xFFFF) + piece)
    return b"".join(chunks)


class Compressed:
    """parts[0] + token + parts[1] + token + … as gzip, the parts compressed once."""

    __slots__ = ("parts", "deflated", "shifts", "size", "by_length")

    def __init__(self, parts: list[bytes]):
        self.parts = parts
        self.deflated: list[bytes] = []
        for n, part in enumerate(parts):
            compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
            last = n == len(parts) - 1
            self.deflated.append(compressor.compress(part) + compressor.flush(zlib.Z_FINISH if last
                                                                              else zlib.Z_FULL_FLUSH))
        self.shifts = [_shift_columns(part) for part in parts]
        self.size = sum(len(part) for part in parts)
        self.by_length: dict[int, tuple[int, tuple[int, ...]]] = {}

    def _crc_terms(self, length: int) -> tuple[int, tuple[int, ...]]:
        """For tokens of this length: the page's CRC with zero bytes for the tokens, and the linear map from a
        token's own CRC register to what its copies add. The CRC is linear in the data (over GF(2)), so
        crc(page) = crc(page with zeros for tokens) ^ M(register of the token alone): one map, however many
        tokens the page holds (a teacher's home has one per class)."""
        if length not in self.by_length:
            zero = zlib.crc32((b"\0" * length).join(self.parts))
            token_shift = _shift_columns(b"\0" * length)
            columns = []
            for bit in range(32):
                value = 0
                for n in range(1, len(self.parts)):  # Horner: each token adds its bit, the rest shifts it on
                    value = _apply(token_shift, value) ^ (1 << bit)  # earlier ones shift over this token
                    value = _apply(self.shifts[n], value)
                columns.append(value)
            self.by_length[length] = (zero, tuple(columns))
        return self.by_length[length]

    def chunks(self, token: bytes) -> list[bytes]:
        """The gzip body, as chunks to write one after the other."""
        out = [_HEADER]
        stored = _stored_block(token)
        for n, deflated in enumerate(self.deflated):
            if n:
                out.append(stored)
            out.append(deflated)
        zero, columns = self._crc_terms(len(token))  # one part: its CRC, kept, and a map of zeros
        crc = zero ^ _apply(columns, zlib.crc32(token, 0xFFFFFFFF) ^ 0xFFFFFFFF)
        size = self.size + len(token) * (len(self.deflated) - 1)
        out.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
        return out


def accepts_gzip(header: str | None) -> bool:
    """Accept-Encoding allows gzip: named with q > 0, or through * when gzip is not named (RFC 9110 12.5.3)."""
    named = star = None
    for item in (header or "").split(","):
        name, *params = (piece.strip() for piece in item.split(";"))
        weight = 1.0
        for param in params:
            if param.lower().startswith("q="):
                try:
                    weight = float(param[2:])
                except ValueError:
                    weight = 0.0
        name = name.lower()
        if name in ("gzip", "x-gzip"):
            named = weight > 0 if named is None else named or weight > 0
        elif name == "*":
            star = weight > 0
    return named if named is not None else bool(star)
