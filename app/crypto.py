"""Encryption of OAuth tokens at rest (Fernet: AES-128-CBC + HMAC-SHA256).

The key is TOKEN_ENCRYPTION_KEY (one or more comma-separated Fernet keys,
newest first, so keys can be rotated) or, by default, derived from SECRET_KEY
with HKDF so a plain install needs no extra setting. The key derived from
SECRET_KEY always reads too, after the configured ones: grants kept before
TOKEN_ENCRYPTION_KEY was set stay readable (and are encrypted again with the
newest key when next stored).
"""
import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@functools.cache
def _fernet(secret_key: str, configured: str) -> MultiFernet:
    keys = [Fernet(key.strip()) for key in configured.split(",") if key.strip()]  # checked at startup (web/env.py)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"gws-maa oauth tokens").derive(secret_key.encode())
    # MultiFernet encrypts with the first key and decrypts with any.
    return MultiFernet(keys + [Fernet(base64.urlsafe_b64encode(derived))])


def fernet() -> MultiFernet:
    return _fernet(settings.SECRET_KEY, settings.TOKEN_ENCRYPTION_KEY)


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str | None:
    """The plain text, or None when the key changed or the data was tampered with."""
    try:
        return fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError, AttributeError):
        return None
