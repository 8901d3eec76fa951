"""The batch endpoint: a multipart/mixed body of HTTP requests, answered in kind.

Each part is dispatched like a top-level request (token, scope and faults are
checked per part), so a batch can partly fail exactly as Google's does. A
fault queued for the /batch path itself fails the whole batch, as Google's
front end does when it rate limits or is overloaded.
"""
import secrets
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus

from app.sandbox.routing import ApiError, Request, Response

MAX_PARTS = 100  # Google refuses larger batches


def handle_batch(sandbox, request: Request) -> Response:
    try:
        sandbox.apply_fault(request, in_batch=False)  # the batch request as a whole
    except ApiError as error:
        return Response(error.status, error.body())
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/mixed"):
        return Response(400, ApiError(400, "A batch request must be multipart/mixed.").body())
    envelope = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.body)
    parts = list(envelope.iter_parts())
    if len(parts) > MAX_PARTS:
        return Response(400, ApiError(400, f"A batch may hold at most {MAX_PARTS} requests.").body())
    boundary = "batch_" + secrets.token_hex(12)
    chunks = []
    for part in parts:
        inner = _parse_inner_request(part.get_payload(decode=True) or part.get_content().encode())
        answer = sandbox.handle(inner, in_batch=True)
        chunks.append(_format_part(boundary, part.get("Content-ID", "<0+0>"), answer))
    body = "".join(chunks) + f"--{boundary}--\r\n"
    return Response(200, body.encode(), content_type=f"multipart/mixed; boundary={boundary}")


def _parse_inner_request(raw: bytes) -> Request:
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    request_line, *header_lines = head.decode().split("\n")
    method, target, *_ = request_line.split(" ")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip()] = value.strip()
    return Request(method, target, headers, body.rstrip(b"\n") if body else b"")


def _format_part(boundary: str, content_id: str, answer: Response) -> str:
    payload = answer.payload().decode("utf-8", "replace")
    reason = HTTPStatus(answer.status).phrase if answer.status in HTTPStatus._value2member_map_ else ""
    response_id = "<response-" + content_id.strip("<>") + ">"
    return (
        f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: {response_id}\r\n\r\n"
        f"HTTP/1.1 {answer.status} {reason}\r\nContent-Type: {answer.content_type}\r\n"
        f"Content-Length: {len(payload.encode())}\r\n\r\n{payload}\r\n"
    )
