"""The Google OAuth client configuration, from settings or a client-secrets file."""
import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def read_client_secrets_file(path: str) -> tuple[str, str]:
    """(client_id, client_secret) from the JSON file Google Cloud Console downloads."""
    try:
        data = json.loads(Path(path).read_text())
        section = data.get("web") or data.get("installed")
        return section["client_id"], section["client_secret"]
    except FileNotFoundError:
        raise ImproperlyConfigured(f"GOOGLE_CLIENT_SECRETS_FILE={path!r} does not exist.") from None
    except (ValueError, TypeError, KeyError, AttributeError):
        raise ImproperlyConfigured(
            f"GOOGLE_CLIENT_SECRETS_FILE={path!r} is not a Google OAuth client file "
            "(expected JSON with a 'web' section holding client_id and client_secret)."
        ) from None
