"""Mail in other scripts reaches people intact: RFC 2047 headers, RFC 2231 file names."""
import base64
from email import message_from_bytes
from email.policy import default

import pytest

from app.tools import invoke
from tests.gmail_helpers import raw_in_charset, sandbox_message


SIGNATURE = "\n\n-- \nAlex Martin\nOperations lead, Acme Corp\n+33 1 23 45 67 89"  # the demo account's Gmail signature, under every mail it sends


def read_raw(ctx, message_id):
    raw = ctx.service("gmail").users().messages().get(userId="me", id=message_id, format="raw").execute()["raw"]
    return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))


def test_non_ascii_subject_and_name_survive_the_round_trip(ctx):
    subject = "Réunion — 見積書 für Jürgen"
    sent = invoke("gmail_send", ctx, {"to": ["Jürgen Müller <j.mueller@lieferant.example>"], "subject": subject, "body": "Grüße, ça va? 日本語"})

    raw = read_raw(ctx, sent["id"])
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii(), "headers on the wire must be RFC 2047 encoded"
    parsed = message_from_bytes(raw, policy=default)
    assert parsed["Subject"] == subject
    assert parsed["To"].addresses[0].display_name == "Jürgen Müller"
    assert parsed.get_content().replace("\r\n", "\n").strip() == "Grüße, ça va? 日本語" + SIGNATURE


def test_non_ascii_attachment_name_is_kept(ctx, sandbox):
    japanese = invoke("gmail_search", ctx, {"query": "filename:見積書"})["messages"][0]
    part = invoke("gmail_read", ctx, {"message_id": japanese["id"]})["messages"][0]["attachments"][0]

    sent = invoke("gmail_send", ctx, {
        "to": ["misaki.tanaka@kaisha.example"], "subject": "Fwd: 見積書", "body": "FYI",
        "attachments": [{"message_id": japanese["id"], "attachment_id": part["id"]}],
    })

    raw = read_raw(ctx, sent["id"])
    assert b"filename*=utf-8''" in raw, "non-ASCII file names are RFC 2231 encoded"
    attachment = next(message_from_bytes(raw, policy=default).iter_attachments())
    assert attachment.get_filename() == "見積書.txt"
    assert "合計" in attachment.get_content()
    assert sandbox_message(sandbox, sent["id"])["filenames"] == ["見積書.txt"]


def test_search_shows_non_ascii_senders_readably(ctx):
    found = invoke("gmail_search", ctx, {"query": "from:amelie"})["messages"]
    assert found[0]["from"] == "Amélie Dubois <amelie.dubois@client-fr.example>"
    assert found[0]["subject"] == "Réunion de lancement — prochaine étape"


def insert(ctx, raw):
    body = {"raw": raw, "labelIds": ["INBOX"]}
    return ctx.service("gmail").users().messages().insert(userId="me", body=body).execute()["id"]


def test_mail_in_an_unknown_charset_is_still_readable(ctx):
    message_id = insert(ctx, raw_in_charset("x-klingon", b"Qapla' plans"))
    assert invoke("gmail_read", ctx, {"message_id": message_id})["messages"][0]["body"]["text"] == "Qapla' plans"


def test_mail_labelled_latin_1_is_read_as_windows_1252(ctx):
    message_id = insert(ctx, raw_in_charset("iso-8859-1", "Prix : 20 € — café".encode("cp1252")))
    assert invoke("gmail_read", ctx, {"message_id": message_id})["messages"][0]["body"]["text"] == "Prix : 20 € — café"


def test_mail_labelled_wrongly_is_read_as_its_bytes_were_meant(ctx):
    # A mailer that labels everything US-ASCII, and one in an unknown charset sending Windows-1252.
    utf8 = insert(ctx, raw_in_charset("us-ascii", "Grüße — 5 €".encode()))
    windows = insert(ctx, raw_in_charset("x-unknown", "Grüße aus Köln".encode("cp1252")))
    read = invoke("gmail_read", ctx, {"message_id": utf8})["messages"][0]["body"]["text"]
    assert read == "Grüße — 5 €"
    assert invoke("gmail_read", ctx, {"message_id": windows})["messages"][0]["body"]["text"] == "Grüße aus Köln"


@pytest.mark.parametrize("label, codec, text", [
    ("iso-8859-8-i", "iso-8859-8", "שלום, הפגישה מחר"),  # Hebrew, as Outlook labels it
    ("windows-874", "cp874", "สวัสดีครับ"),  # Thai
    ("Shift_JIS", "cp932", "①会議は㈱アクメで"),  # Japanese, with the characters Windows adds
    ("gb2312", "gbk", "朱镕基和王喆"),  # Chinese beyond GB2312
    ("ks_c_5601-1987", "cp949", "똠방각하 회의"),  # Korean
    ("us-ascii", "cp1252", "Café crème"),  # an 8-bit mailer that says ASCII
    ("Windows-31J", "cp932", "①会議は㈱アクメで"),  # Java mailers' name for it
    ("iso-2022-jp", "utf-8", "会議は明日です"),  # a mobile mailer's UTF-8 under the usual Japanese label
], ids=["hebrew", "thai", "japanese", "chinese", "korean", "ascii-labelled", "windows-31j", "utf8-labelled-iso2022"])
def test_mail_in_the_charsets_mail_programs_write_is_read_as_they_meant_it(ctx, label, codec, text):
    message_id = insert(ctx, raw_in_charset(label, text.encode(codec)))
    assert invoke("gmail_read", ctx, {"message_id": message_id})["messages"][0]["body"]["text"] == text


def test_japanese_mail_with_the_characters_windows_adds_is_read_whole(ctx):
    # ISO-2022-JP as Windows writes it: 会議 ① です ㈱ (NEC's 0x2D21 and 0x2D6A, outside the standard),
    # then half-width ｶﾅ, and ASCII again.
    body = b"\x1b$B2q5D-!$G$9-j\x1b(I6E\x1b(B OK"
    message_id = insert(ctx, raw_in_charset("iso-2022-jp", body))

    text = invoke("gmail_read", ctx, {"message_id": message_id})["messages"][0]["body"]["text"]

    assert text == "会議①です㈱ｶﾅ OK"


def test_a_reply_quotes_hebrew_mail_as_it_was_written(ctx, sandbox):
    message_id = insert(ctx, raw_in_charset("iso-8859-8-i", "שלום, הפגישה מחר".encode("iso-8859-8"), subject="Meeting"))

    sent = invoke("gmail_send", ctx, {"reply_to_message_id": message_id, "body": "OK"})

    assert "> שלום, הפגישה מחר" in sandbox_message(sandbox, sent["id"])["text"]


def test_search_snippets_read_as_plain_text(ctx):
    invoke("gmail_send", ctx, {"to": ["bob@acme.example"], "subject": "Terms", "body": 'Tom & Jerry\'s "deal"'})
    assert invoke("gmail_search", ctx, {"query": "subject:terms"})["messages"][0]["snippet"].startswith('Tom & Jerry\'s "deal"')
