"""The model's Markdown reply as HTML that is safe to insert into the page.

CommonMark with GitHub's tables and ~~strikethrough~~ (the model writes both),
raw HTML off, images off (a remote image would be a tracking pixel), and links
only to web and mail addresses, opening in a new tab.
"""
from markdown_it import MarkdownIt

SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])
    md.disable("image")
    md.validateLink = lambda url: url.strip().lower().startswith(SAFE_SCHEMES)
    md.add_render_rule("link_open", _link_open)
    return md


def _link_open(self, tokens, idx, options, env):
    tokens[idx].attrSet("rel", "noopener noreferrer")
    tokens[idx].attrSet("target", "_blank")
    return self.renderToken(tokens, idx, options, env)


MARKDOWN = _markdown()


def reply_html(text: str) -> str:
    return MARKDOWN.render(text or "")
