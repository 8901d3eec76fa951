"""Connect a test person's browser session to Google (the sandbox playing Google) as the OAuth callback would."""
from datetime import datetime, timedelta, timezone

from app import connection


def connect(person, google, scopes=None) -> str:
    grant = google.grant(scopes)
    session = person.client.session
    connection.store(session, token=grant["access_token"], refresh_token=grant["refresh_token"],
                     expiry=datetime.now(timezone.utc) + timedelta(hours=1), granted=grant["scope"].split())
    session.save()
    return grant["refresh_token"]
