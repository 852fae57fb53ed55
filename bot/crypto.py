"""Encryption at rest for what people write (answers, notes, topics, action items).

With `ONEONONE_ENCRYPTION_KEY` set (one Fernet key, or several separated by commas: the first
encrypts, all decrypt, so keys can be rotated), these columns are stored encrypted and marked
`enc:v1:`. Without a key they are stored as written. Rows written before a key was set stay
readable; an encrypted row without its key reads as an explicit placeholder, never as garbage.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator

PREFIX = "enc:v1:"
UNREADABLE = "(encrypted with a key this deployment does not have)"

_cipher: MultiFernet | None = None


def configure(keys: str | None) -> None:
    """Use these keys from now on in this process (None: store as written)."""
    global _cipher
    parts = [k.strip() for k in (keys or "").split(",") if k.strip()]
    _cipher = MultiFernet([Fernet(k) for k in parts]) if parts else None


class PrivateText(TypeDecorator[str]):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or _cipher is None:
            return value
        return PREFIX + _cipher.encrypt(value.encode()).decode()

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not value.startswith(PREFIX):
            return value
        if _cipher is None:
            return UNREADABLE
        try:
            return _cipher.decrypt(value[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            return UNREADABLE
