"""Google's standard `fields` parameter: answer only the fields asked for.

`fields=messages(id,threadId),nextPageToken` or `payload/headers` keep the
named keys (and, inside parentheses, the named keys of each nested item);
`*` at any level, as in `files(*)` or `*`, keeps every key of that level.
"""


def select(result, spec: str | None):
    return result if not spec else _mask(result, parse(spec))


def parse(spec: str) -> dict:
    tree, _ = _level(spec, 0)
    return tree


def _level(spec: str, i: int) -> tuple[dict, int]:
    tree, name = {}, ""
    while i < len(spec):
        char = spec[i]
        i += 1
        if char == "(":
            sub, i = _level(spec, i)
            _put(tree, name, sub)
            name = ""
        elif char in ",)":
            _put(tree, name, {})
            name = ""
            if char == ")":
                return tree, i
        else:
            name += char
    _put(tree, name, {})
    return tree, i


def _put(tree: dict, dotted: str, sub: dict) -> None:
    parts = [p for p in dotted.strip().split("/") if p]
    if not parts:
        return
    for part in parts[:-1]:
        tree = tree.setdefault(part, {})
    tree.setdefault(parts[-1], {}).update(sub)


def _mask(value, tree: dict):
    if not tree:
        return value
    if isinstance(value, list):
        return [_mask(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    if "*" in tree:
        # Every key stays; keys also named beside the "*" keep only their own sub-fields.
        return {key: _mask(item, tree.get(key, {})) for key, item in value.items()}
    return {key: _mask(item, tree[key]) for key, item in value.items() if key in tree}
