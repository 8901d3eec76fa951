"""The control API under /_sandbox/ that tests, benchmarks and demos use.

GET  /_sandbox/state                  the whole workspace as JSON
POST /_sandbox/reset   {"seed": "demo"|"empty"|{...}}   a clean slate: the seed, no faults, an empty log
POST /_sandbox/faults  {"path", "status", "count", "method", "delay", "where", "reason", "short_page", "hang_up", "after", "drop",
                                       "incomplete"}
DELETE /_sandbox/faults
GET  /_sandbox/log     requests received: method, path, status, batch_part, time, connection (client address:port)
DELETE /_sandbox/log
POST /_sandbox/tokens  {"scopes": [...], "expires_in": 3600} -> a fresh grant and the account
POST /_sandbox/tokens/expire           every access token expires now
POST /_sandbox/consent {"deny": bool, "decline": [scope, ...]}
GET  /_sandbox/open/<kind>/<id>        a plain page showing one item (links point here)
"""
import html
import json

from app.scopes import REQUESTED
from app.sandbox.core import fault_from_json
from app.sandbox.routing import ApiError, Request, Response


def handle_control(sandbox, request: Request) -> Response:
    path = request.path[len("/_sandbox/") :].strip("/")
    method = request.method
    try:
        if path == "state" and method == "GET":
            return Response(200, sandbox.dump())
        if path == "reset" and method == "POST":
            sandbox.reset(request.json().get("seed", "demo"))
            return Response(200, {"ok": True})
        if path == "faults" and method == "POST":
            specs = request.json()
            for spec in specs if isinstance(specs, list) else [specs]:
                sandbox.add_fault(**fault_from_json(spec))
            return Response(200, {"ok": True})
        if path == "faults" and method == "DELETE":
            with sandbox.lock:
                sandbox.faults.clear()
            return Response(200, {"ok": True})
        if path == "log" and method == "GET":
            with sandbox.lock:
                return Response(200, {"requests": list(sandbox.log)})
        if path == "log" and method == "DELETE":
            with sandbox.lock:
                sandbox.log.clear()
            return Response(200, {"ok": True})
        if path == "tokens" and method == "POST":
            spec = request.json()
            grant = sandbox.tokens.issue(spec.get("scopes", REQUESTED), expires_in=int(spec.get("expires_in", 3600)))
            account = {key: sandbox.account[key] for key in ("email", "name")}
            return Response(200, {**grant, "account": account})
        if path == "tokens/expire" and method == "POST":
            return Response(200, {"expired": sandbox.tokens.expire_access_tokens()})
        if path == "consent" and method == "POST":
            spec = request.json()
            sandbox.tokens.set_consent(spec.get("deny", False), spec.get("decline", []))
            return Response(200, {"ok": True})
        if path.startswith("open/") and method == "GET":
            return _open(sandbox, *path.split("/", 2)[1:])
    except (TypeError, ValueError) as exc:
        return Response(400, ApiError(400, str(exc)).body())
    except ApiError as exc:
        return Response(exc.status, exc.body())
    return Response(404, ApiError(404, f"No control endpoint {method} /_sandbox/{path}").body())


def _open(sandbox, kind: str, item_id: str = "") -> Response:
    """Show one item so the links in the demo lead somewhere real."""
    with sandbox.lock:
        item = None
        for state in sandbox.state.values():
            view = getattr(state, "view", None)
            item = view(kind, item_id) if view else None
            if item is not None:
                break
    if item is None:
        return Response(404, f"No {kind} {item_id} in the sandbox.", content_type="text/plain; charset=utf-8")
    text = html.escape(json.dumps(item, indent=2, ensure_ascii=False))
    page = f"<!doctype html><meta charset=utf-8><title>Sandbox {kind}</title><pre>{text}</pre>"
    return Response(200, page, content_type="text/html; charset=utf-8")
