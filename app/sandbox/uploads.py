"""Media uploads in one request, as Drive and Gmail take them on their /upload/ paths.

An upload is either plain bytes (uploadType=media) or multipart/related with
a JSON metadata part then the media part (uploadType=multipart), the shape
google-api-python-client sends; the `email` package parses it.
"""
import json
from email.parser import BytesParser
from email.policy import HTTP

from app.sandbox.routing import ApiError


def parse_upload(request) -> tuple[dict, bytes | None, str | None]:
    """(metadata, media bytes, media type) from an upload request; media is None without one."""
    kind = request.arg("uploadType", "")
    content_type = request.headers.get("content-type", "application/octet-stream")
    if kind == "media":
        return {}, request.body, content_type.split(";")[0].strip()
    if kind != "multipart":
        raise ApiError(400, f"The sandbox accepts uploadType=media or multipart, not {kind!r}.", "badContent")
    if not content_type.startswith("multipart/related"):
        raise ApiError(400, "A multipart upload must be multipart/related.", "badContent")
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.body)
    parts = list(message.iter_parts())
    if len(parts) != 2:
        raise ApiError(400, "A multipart upload has a metadata part and a media part.", "badContent")
    try:
        metadata = json.loads(parts[0].get_payload(decode=True) or b"{}")
    except ValueError:
        raise ApiError(400, "The metadata part is not JSON.", "parseError") from None
    media = parts[1]
    if media.get_content_maintype() == "message":  # the parser opened the message up: its bytes again
        return metadata, media.get_payload(0).as_bytes(), media.get_content_type()
    return metadata, media.get_payload(decode=True) or b"", media.get_content_type()
