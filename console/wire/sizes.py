"""Byte sizes as a person reads them, in one place so that every face shows the same
figure for the same body (the preview and the inspector once disagreed: 1024 vs 1000).

Decimal units, because "kB" and "MB" are the SI symbols (1000 and 1000²); Customer.io's
limits are checked on exact byte counts elsewhere and are never compared with this text.
"""

from __future__ import annotations


def human_bytes(size: int) -> str:
    """`512 B`, `1.5 kB`, `2.3 MB`."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"
