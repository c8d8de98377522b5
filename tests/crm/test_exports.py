"""crm.exports: the one way tables become CSV and XLSX downloads (no database needed)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from crm import exports

HEADERS = ["Name", "Met on", "Meetings"]
ROWS = [["Nimbus Biologics", datetime.date(2026, 3, 4), 3], ["Quantara", None, 0]]
DANGEROUS = ['=HYPERLINK("http://evil","x")', "+44 113 343 1234", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def read_sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_it_writes_csv_with_a_header_and_plain_values():
    response = exports.csv_response("organisations-2026-11-25", HEADERS, iter(ROWS))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="organisations-2026-11-25.csv"'
    assert not response.content.startswith(b"\xef\xbb\xbf")  # no BOM: what the downloads have always been
    assert read_csv(response) == [HEADERS, ["Nimbus Biologics", "2026-03-04", "3"], ["Quantara", "", "0"]]


def test_it_keeps_non_ascii_text_in_csv():
    response = exports.csv_response("x", ["Name"], [["Zürich Onkologie → Ltd"]])
    assert read_csv(response)[1] == ["Zürich Onkologie → Ltd"]


def test_it_writes_date_times_in_local_time_in_csv(settings):
    settings.TIME_ZONE = "Europe/London"
    moment = datetime.datetime(2026, 7, 1, 9, 30, tzinfo=datetime.UTC)
    assert read_csv(exports.csv_response("x", ["At"], [[moment]]))[1] == ["2026-07-01 10:30"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_defuses_formulas_in_csv(text):
    assert read_csv(exports.csv_response("x", ["Name"], [[text]]))[1] == ["'" + text]


def test_it_leaves_numbers_and_ordinary_text_alone_in_csv():
    rows = read_csv(exports.csv_response("x", ["A", "B", "C", "D"], [[-5, Decimal("-1.5"), "a-b", "Dr = Reed"]]))
    assert rows[1] == ["-5", "-1.5", "a-b", "Dr = Reed"]


def test_it_writes_an_xlsx_with_a_bold_frozen_header():
    response = exports.xlsx_response("organisations-2026-11-25", HEADERS, ROWS, sheet_title="Organisations")
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="organisations-2026-11-25.xlsx"'
    sheet = read_sheet(response)
    assert sheet.title == "Organisations"
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1]) and not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[3]] == ["Quantara", None, 0]


def test_it_writes_real_dates_in_xlsx(settings):
    settings.TIME_ZONE = "Europe/London"
    moment = datetime.datetime(2026, 7, 1, 9, 30, tzinfo=datetime.UTC)
    sheet = read_sheet(exports.xlsx_response("x", ["On", "At"], [[datetime.date(2026, 3, 4), moment]]))
    on, at = sheet[2]
    assert on.is_date and on.value.date() == datetime.date(2026, 3, 4)
    assert at.is_date and at.value == datetime.datetime(2026, 7, 1, 10, 30)  # local time, as Excel has no zones


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_stores_formula_like_text_as_text_in_xlsx(text):
    cell = read_sheet(exports.xlsx_response("x", ["Name"], [[text]]))["A2"]
    assert cell.data_type == "s" and cell.quotePrefix
    # Unchanged: the workbook keeps the exact value (without lxml, openpyxl's XML reader turns a lone
    # carriage return into a line feed; with lxml, installed for Word files, it keeps it).
    assert cell.value in (text, text.replace("\r", "\n"))


def test_it_sizes_columns_to_their_content():
    sheet = read_sheet(exports.xlsx_response("x", ["A", "Long"], [["x" * 30, "y"], ["z" * 500, ""]]))
    assert sheet.column_dimensions["A"].width == exports.MAX_WIDTH
    assert sheet.column_dimensions["B"].width == exports.MIN_WIDTH


def test_it_freezes_row_labels_and_colours_cells_when_asked():
    def fill(column, value):
        return "198754" if column >= 1 and value == "available" else None

    sheet = read_sheet(
        exports.xlsx_response("x", ["Code", "Leeds"], [["adult", "available"]], frozen_columns=1, fill=fill)
    )
    assert sheet.freeze_panes == "B2"
    assert sheet["B2"].fill.fgColor.rgb.endswith("198754")
    assert sheet["A2"].fill.fill_type is None


def test_it_removes_characters_xlsx_cannot_hold():
    sheet = read_sheet(exports.xlsx_response("x", ["Notes"], [["line\x0bbreak\x00"]]))
    assert sheet["A2"].value == "linebreak"


def test_it_streams_thousands_of_rows_from_a_generator():
    rows = ([f"Organisation {i}", datetime.date(2026, 1, 1), i] for i in range(5000))
    sheet = read_sheet(exports.xlsx_response("x", HEADERS, rows))
    assert sheet.max_row == 5001 and sheet["A5001"].value == "Organisation 4999"


def test_it_makes_file_names_and_sheet_titles_safe():
    response = exports.csv_response('../evil "name"', ["A"], [])
    assert response["Content-Disposition"] == 'attachment; filename="evil_name.csv"'
    assert exports.safe_filename(" .. ", "csv") == "export.csv"
    response = exports.xlsx_response("Café report", ["A"], [], sheet_title="Q1/Q2: [draft] and a very long title")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Caf%C3%A9_report.xlsx"
    title = read_sheet(response).title
    assert len(title) <= 31 and not set("/:[]") & set(title)


def test_it_stamps_names_with_todays_date():
    assert exports.dated("events") == f"events-{timezone.localdate().isoformat()}"


def test_it_picks_the_format_asked_for():
    assert exports.table_response("csv", "x", ["A"], [])["Content-Type"].startswith("text/csv")
    assert exports.table_response("xlsx", "x", ["A"], [])["Content-Type"] == exports.XLSX_CONTENT_TYPE
    with pytest.raises(ValueError, match="Unknown export format"):
        exports.table_response("pdf", "x", ["A"], [])


@pytest.mark.parametrize("text", [*DANGEROUS, "plain", "'quoted", "", "'"])
def test_it_restores_what_csv_defused(text):
    assert exports.restore_cell(str(exports.csv_cell(text))) == text
