"""A page compressed once, with a per-request token spliced in uncompressed (ADR 0016).

A cached page is the same for every caller but for the session's CSRF token. It is compressed once, part
by part, each part by a fresh compressor ending on a full flush (byte-aligned, no reference to anything
before it, as pigz joins its blocks); the token goes between the parts as a stored (uncompressed)
deflate block. So each answer costs a few small joins, not a compression, and the token is never
compressed together with anything a request could reflect into the page (BREACH).

The gzip trailer's CRC-32 covers the whole page: each part's CRC and the linear map its bytes apply to a
running CRC are kept, so the CRC over part, token, part … costs 32 XORs a part instead of reading the page.
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

    __slots__ = ("deflated", "crcs", "shifts", "size")

    def __init__(self, parts: list[bytes]):
        self.deflated: list[bytes] = []
        for n, part in enumerate(parts):
            compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
            last = n == len(parts) - 1
            self.deflated.append(compressor.compress(part) + compressor.flush(zlib.Z_FINISH if last
                                                                              else zlib.Z_FULL_FLUSH))
        self.crcs = [zlib.crc32(part) for part in parts]
        self.shifts = [_shift_columns(part) for part in parts]
        self.size = sum(len(part) for part in parts)

    def chunks(self, token: bytes) -> list[bytes]:
        """The gzip body, as chunks to write one after the other."""
        out = [_HEADER]
        crc = 0
        stored = _stored_block(token)
        for n, deflated in enumerate(self.deflated):
            if n:
                out.append(stored)
                crc = zlib.crc32(token, crc)
            out.append(deflated)
            crc = _apply(self.shifts[n], crc) ^ self.crcs[n]
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
