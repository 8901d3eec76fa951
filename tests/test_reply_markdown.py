"""The model's reply is shown as formatted text: its tables and strikethrough too, never its markup."""
from app.agent.markdown import reply_html

TABLE = "| File | Owner |\n|---|---|\n| Q3 budget | Alex |\n| Vendor shortlist | Bob |"


def test_a_table_in_the_reply_is_shown_as_a_table():
    html = reply_html(TABLE)
    assert "<table>" in html and "<th>File</th>" in html and "<td>Vendor shortlist</td>" in html
    assert "|---|" not in html


def test_struck_text_is_shown_struck_through():
    assert reply_html("The ~~Monday~~ Tuesday meeting") == "<p>The <s>Monday</s> Tuesday meeting</p>\n"


def test_markup_and_unsafe_links_in_a_table_stay_inert():
    html = reply_html("| a | b |\n|---|---|\n| <script>x()</script> | [open](javascript:alert(1)) |")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<a " not in html and "href" not in html
