"""Who is connected: the address shown as "Connected as …"."""
import logging

from googleapiclient.errors import HttpError

from app import connection, google_api, scopes

log = logging.getLogger(__name__)


def fetch_email(credentials, granted: list[str]) -> str | None:
    """The Gmail address, when Gmail was granted (no extra identity scope is asked for)."""
    if scopes.GMAIL not in granted:
        return None
    try:
        service = google_api.build_service("gmail", credentials, connection.endpoints().api_root)
        return google_api.execute(service.users().getProfile(userId="me"), retries=1).get("emailAddress")
    except (HttpError, OSError) as exc:
        log.info("Could not read the Gmail profile: %s", type(exc).__name__)
        return None
