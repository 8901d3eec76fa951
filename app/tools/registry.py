"""The action registry: plain typed functions become tools for Claude.

A tool is `def <service>_<action>(ctx: Context, ...) -> dict` with a docstring
(the description Claude reads). Its JSON schema is derived here, once, from
the signature with Pydantic; `ctx` is reserved and never shown to the model.
Each tool declares its effect next to its definition:

- read: changes nothing
- write: private and reversible
- outbound: someone else is notified or gains access
- destructive: trash or delete
"""
import inspect
import typing
from dataclasses import dataclass
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic_core import to_jsonable_python

Effect = Literal["read", "write", "outbound", "destructive"]
EFFECTS = ("read", "write", "outbound", "destructive")
TEXT_LIMIT = 8000  # characters of body text handed to the model per item


class ToolError(Exception):
    """A failure the model and the person should read: short and actionable.

    `found`: workspace text that helps correct the call, e.g. the names of the
    person's calendars. It reaches the model wrapped as untrusted data, never
    inside the message: anyone who can share a calendar or a document with the
    person chooses its name.
    """

    def __init__(self, message: str, found: dict | None = None):
        super().__init__(message)
        self.found = found or {}


@dataclass(frozen=True)
class Review:
    """A call worked out before it runs: what it will do, and what the person is shown."""

    effect: Effect
    args: dict  # exactly what will run, e.g. a reply's recipients filled in; JSON, as the action keeps it
    preview: dict  # names for ids, for the approval card (e.g. the subject of a mail to trash)


@dataclass
class Tool:
    name: str
    func: Callable
    effect: Effect
    description: str
    model: type[BaseModel]
    # prepare(ctx, args) -> (args, preview); escalate(ctx, args, preview) -> a stronger effect or None.
    # escalate judges from what prepare already read (e.g. preview["shared_with"]) rather than
    # reading it again. Both run off the event loop, before any approval is asked.
    escalate: Callable[..., Effect | None] | None = None
    prepare: Callable[..., tuple[dict, dict]] | None = None
    # A format string over the arguments, or progress(args, preview) -> str where the line names what
    # only the preview knows (a task's title for its id).
    progress: str | Callable[[dict, dict], str] = ""
    # target(args) -> the id of the file, folder or event a call acts on; gives(args) -> [(target, who)],
    # whom a call that ran gave access to or invited (lowercased addresses, "anyone with the link").
    # An approved call is checked again before it runs, and those this same task already gave its
    # target to are no strangers there (ToolCalls._changed), whichever tool gave it.
    target: Callable[[dict], str] | None = None
    gives: Callable[[dict], list[tuple[str, str]]] | None = None

    @property
    def service(self) -> str:
        return self.name.split("_", 1)[0]

    def validate(self, raw: Any) -> dict:
        """Checked, defaulted arguments; raises ToolError naming what is wrong."""
        if not isinstance(raw, dict):
            raise ToolError(f"{self.name} takes a JSON object of arguments")
        try:
            return self.model.model_validate(raw).model_dump()
        except ValidationError as exc:
            raise ToolError(f"Invalid input for {self.name}: {format_validation_error(exc)}") from None

    def review(self, ctx, args: dict) -> Review:
        """What this call will do: e.g. an event becomes outbound once it has guests.

        The approval card shows `args` and `preview`, and an approved call runs
        with exactly these `args`, so what the person saw is what happens.
        """
        preview: dict = {}
        if self.prepare:
            args, preview = self.prepare(ctx, args)
        effect = (self.escalate and self.escalate(ctx, args, preview)) or self.effect
        # Stored with the action and validated again when it runs: a date goes as "2030-03-08".
        return Review(effect, to_jsonable_python(args), preview)

    def target_of(self, args) -> str:
        """The id this call acts on, "" for a tool that declares none (so nothing given excuses it)."""
        return self.target(args) if self.target and isinstance(args, dict) else ""

    def given_by(self, args) -> list[tuple[str, str]]:
        """(target, who) for each person or link this call, having run, gave access to."""
        return self.gives(args) if self.gives and isinstance(args, dict) else []

    def describe(self, args: dict, preview: dict | None = None) -> str:
        """A line for the progress view, e.g. "Searching Gmail for 'Q3 report'"."""
        try:
            if callable(self.progress):
                return self.progress(args, preview or {})
            return self.progress.format(**args) if self.progress else self.name
        except Exception:  # a line over input the model got wrong: the call fails, the page must still load
            return self.name

    def definition(self) -> dict:
        return {"name": self.name, "description": self.description, "input_schema": compact_schema(self.model)}

    def __call__(self, ctx, **args):
        return self.func(ctx, **args)


TOOLS: dict[str, Tool] = {}


def tool(effect: Effect, *, escalate=None, prepare=None, progress: str | Callable[[dict, dict], str] = "",
         target=None, gives=None):
    """Register a function as a tool with the effect it has on the workspace."""
    if effect not in EFFECTS:
        raise ValueError(f"effect must be one of {EFFECTS}")

    def register(func):
        name = func.__name__
        if name in TOOLS:
            raise ValueError(f"tool {name} is registered twice")
        hints = typing.get_type_hints(func, include_extras=True)
        fields = {}
        for pname, param in list(inspect.signature(func).parameters.items())[1:]:  # skip ctx
            default = ... if param.default is inspect.Parameter.empty else param.default
            fields[pname] = (hints[pname], default)
        model = create_model(f"{name}_input", __config__=ConfigDict(extra="forbid"), **fields)
        description = inspect.cleandoc(func.__doc__ or "").strip()
        TOOLS[name] = Tool(name, func, effect, description, model, escalate, prepare, progress, target, gives)
        return func

    return register


def compact_schema(model: type[BaseModel]) -> dict:
    """The JSON schema without titles, null-unions and empty defaults (None, [], "", false): the
    model needs none of them (a field left out of "required" is already one it may omit, and
    omitting it means nothing, none or off), and they cost tokens."""
    return _compact(model.model_json_schema())


def _compact(node):
    if isinstance(node, list):
        return [_compact(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "title":
            continue
        if key == "default" and _empty(value):
            continue
        out[key] = _compact(value) if key != "properties" else {k: _compact(v) for k, v in value.items()}
    variants = out.get("anyOf")
    if variants and len(variants) == 2 and {"type": "null"} in variants:
        other = next(v for v in variants if v != {"type": "null"})
        del out["anyOf"]
        out = {**other, **out}
    return out


def _empty(default) -> bool:
    return default is None or default is False or default == [] or default == ""


def format_validation_error(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"]) or "input"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def clip_into(out: dict, key: str, text: str, limit: int) -> None:
    """Put a short text field into a compact result, flagging `<key>_truncated` when it was cut."""
    clipped = clip(text, limit)
    out[key] = clipped["text"]
    if clipped.get("truncated"):
        out[f"{key}_truncated"] = True


def clip(text: str, limit: int = TEXT_LIMIT) -> dict:
    """Text for the model, cut with an explicit marker so it knows there is more."""
    text = text or ""
    if len(text) <= limit:
        return {"text": text}
    return {"text": text[:limit], "truncated": True, "total_chars": len(text)}


class ReconnectRequired(ToolError):
    """Google no longer accepts the stored grant (e.g. invalid_grant): the person must reconnect."""
