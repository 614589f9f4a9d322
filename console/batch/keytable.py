"""Every row of a batch known by a 16-byte digest, in flat arrays rather than objects.

A million rows kept as Python strings in a dict cost some 200 bytes each; here a row
costs its digest (two 64-bit words), one byte of flags and its line number (four bytes),
at a load of at most two thirds: about 40 bytes a row. One table holds what a run needs
to know of each row: its outcome in the checkpoint (the earlier run's, then this run's),
whether it is a valid row of the file now, whether this run sends it, and its line.

Open addressing with linear probing over `array`s; a 128-bit BLAKE2b digest of the
row's key makes a collision (two rows taken for one) vanishingly unlikely (about 10^-26
for five million rows).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterator

USED = 0x80
IN_FILE = 0x40  # a valid row of the file as checked now
TO_SEND = 0x20  # this run sends it
SEEN = 0x10  # met again by the pass that sends (to number repeats the same way)
OUTCOME_MASK = 0x07

# Outcome codes (console.batch.checkpoint.RowOutcome values <-> 1..5); 0 is "no record".
CODES = {"ok": 1, "rejected": 2, "error": 3, "unknown": 4, "sending": 5}
NAMES = {code: name for name, code in CODES.items()}

_MIN_CAPACITY = 1024


def digest(key: str) -> tuple[int, int]:
    raw = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return int.from_bytes(raw[:8], "little"), int.from_bytes(raw[8:], "little")


class KeyTable:
    def __init__(self, capacity: int = _MIN_CAPACITY) -> None:
        size = _MIN_CAPACITY
        while size < capacity:
            size *= 2
        self._alloc(size)
        self._count = 0

    def _alloc(self, size: int) -> None:
        self._mask = size - 1
        self._hi = array("Q", bytes(8 * size))
        self._lo = array("Q", bytes(8 * size))
        self._flags = bytearray(size)
        self._line = array("I", bytes(4 * size))
        self._limit = size * 2 // 3

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        return len(self._flags) * (8 + 8 + 1 + 4)

    def _probe(self, hi: int, lo: int) -> int:
        """The slot holding (hi, lo), or the empty slot where it would go."""
        mask, flags, his, los = self._mask, self._flags, self._hi, self._lo
        i = (hi ^ lo) & mask
        while flags[i] and not (his[i] == hi and los[i] == lo):
            i = (i + 1) & mask
        return i

    def slot(self, key: str) -> int:
        """The slot of `key`, created (with no flags but USED) if it is new."""
        hi, lo = digest(key)
        i = self._probe(hi, lo)
        if not self._flags[i]:
            if self._count >= self._limit:
                self._grow()
                i = self._probe(hi, lo)
            self._hi[i], self._lo[i], self._flags[i] = hi, lo, USED
            self._count += 1
        return i

    def find(self, key: str) -> int:
        """The slot of `key`, or -1."""
        i = self._probe(*digest(key))
        return i if self._flags[i] else -1

    def _grow(self) -> None:
        his, los, flags, lines = self._hi, self._lo, self._flags, self._line
        self._alloc(len(flags) * 2)
        for j in range(len(flags)):
            if flags[j]:
                i = self._probe(his[j], los[j])
                self._hi[i], self._lo[i], self._flags[i], self._line[i] = his[j], los[j], flags[j], lines[j]

    # -- per slot -------------------------------------------------------------------------
    def flags(self, i: int) -> int:
        return self._flags[i]

    def mark(self, i: int, bits: int) -> None:
        self._flags[i] |= bits

    def unmark(self, bits: int) -> None:
        """Clear `bits` on every row (e.g. SEEN before another pass)."""
        keep = 0xFF ^ bits
        flags = self._flags
        for i in range(len(flags)):
            if flags[i] & bits:
                flags[i] &= keep

    def outcome_code(self, i: int) -> int:
        return self._flags[i] & OUTCOME_MASK

    def set_outcome(self, i: int, code: int, line: int | None = None) -> None:
        self._flags[i] = (self._flags[i] & ~OUTCOME_MASK & 0xFF) | code
        if line is not None:
            self._line[i] = line

    def line(self, i: int) -> int:
        return self._line[i]

    def set_line(self, i: int, line: int) -> None:
        self._line[i] = line

    def slots(self, bits: int = USED) -> Iterator[int]:
        """Every slot whose flags have all of `bits`."""
        flags = self._flags
        return (i for i in range(len(flags)) if flags[i] & bits == bits)
