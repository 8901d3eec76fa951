"""Shared steps for the Gmail tests and the batch-read benchmark."""
import base64
from email.message import EmailMessage
from email.policy import SMTP

from app import google_api


def raw_message(
    subject: str, sender: str = "Robin Lee <robin@partner.example>", body: str = "Hello", to: str | None = "Alex Martin <alex@acme.example>", **headers
) -> str:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    if to:
        message["To"] = to
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return base64.urlsafe_b64encode(message.as_bytes()).decode()


def raw_in_charset(charset: str, body: bytes, subject: str = "Old mail") -> str:
    """A message whose text part is labelled with `charset`, whatever the bytes are."""
    raw = (
        f"From: Robin Lee <robin@partner.example>\r\nTo: alex@acme.example\r\nSubject: {subject}\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + body
    return base64.urlsafe_b64encode(raw).decode()


def fill_mailbox(ctx, count: int, subject: str = "Status update") -> list[str]:
    """Insert `count` messages into the inbox (in batches) and return their ids."""
    gmail = ctx.service("gmail")
    inserts = [
        gmail.users().messages().insert(userId="me", body={"raw": raw_message(f"{subject} {n}"), "labelIds": ["INBOX"]})
        for n in range(count)
    ]
    return [result["id"] for result in google_api.execute_batch(gmail, inserts)]


def sandbox_message(sandbox, message_id: str) -> dict:
    """The sandbox's own record of a message (to check an effect happened)."""
    return next(m for m in sandbox.state()["gmail"]["messages"] if m["id"] == message_id)
