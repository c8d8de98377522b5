"""Tables as downloads: CSV and Excel (XLSX), written one way for every app.

Every list, matrix and report table that offers a download hands this module a header row and an
iterable of rows of plain values (str, numbers, dates, None) and gets an HttpResponse back:

    return exports.table_response("xlsx", exports.dated("organisations"), headers, rows)

Why it lives in `crm`: DESIGN.md section 2 has imports flow crm → feasibility → (capabilities,
engagements), but `crm` is also the project package whose shared plumbing every app already imports
(`crm.permissions`, `crm.forms_util`, `crm.api_auth`, `crm.tasks`). This module is plumbing of that
kind, so it follows the same practice, and like them it imports nothing from any app: only the
standard library, Django and openpyxl. Keep it that way, or the apps would import each other through it.

What every download gets here, in one place:
- spreadsheet formula injection is defused: a text cell starting with = + - @ (or a tab or carriage
  return) is prefixed with an apostrophe in CSV, and in XLSX is stored as text with Excel's quote
  prefix (the value itself unchanged), so a contact named "=HYPERLINK(...)" never runs as a formula;
- CSV is UTF-8 without a byte order mark (what the downloads have always been; the importer reads both);
  dates as YYYY-MM-DD, date-times in local time, None as an empty cell;
- XLSX has a bold header row frozen in place, columns sized to their content, dates as real dates,
  characters XLSX cannot hold removed, and is written with openpyxl's write-only workbook so
  thousands of rows stay light on memory; rows are consumed once, never copied into a list;
- the file name is made safe and sent with Django's Content-Disposition helper.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename

type Cell = str | int | float | Decimal | datetime.date | datetime.datetime | None
type Row = Sequence[Cell]
type Format = Literal["csv", "xlsx"]
# Given a data cell's column (0-based) and value, a background colour as RRGGBB, or None for none.
type Fill = Callable[[int, Cell], str | None]

FORMATS: tuple[Format, ...] = ("csv", "xlsx")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# OWASP's list of characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Control characters the XLSX format cannot store (openpyxl refuses them); pasted text sometimes has them.
XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")
# Column widths (in characters) are measured on the header and the first rows only, so the rest can stream.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 60
DATE_WIDTH = 12


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet would read this value as a formula (only text can be)."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def _local(value: datetime.datetime) -> datetime.datetime:
    """A date-time in the site's time zone, without tzinfo (Excel has no time zones)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def csv_cell(value: Cell) -> str | int | float | Decimal:
    """One value as CSV writes it: text defused, dates in ISO form, None empty."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _local(value).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if is_formula_like(value) else value
    return value


def restore_cell(text: str) -> str:
    """The value a CSV cell had before `csv_cell` defused it, for importers reading our own exports back."""
    return text[1:] if text.startswith("'") and is_formula_like(text[1:]) else text


def safe_filename(name: str, extension: str) -> str:
    """A file name a browser and a file system accept, e.g. `FR-2026-0042-summary.csv`."""
    # Leading dots would make a hidden file (or climb a folder, "..").
    stem = get_valid_filename(name).lstrip(".") if name.strip(" .") else ""
    return f"{stem or 'export'}.{extension}"


def dated(name: str) -> str:
    """A download name stamped with today's date, e.g. `organisations-2026-11-25`."""
    return f"{name}-{timezone.localdate().isoformat()}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(name: str, headers: Row, rows: Iterable[Row]) -> HttpResponse:
    """The table as a CSV attachment called `<name>.csv`; rows may be any iterable (a generator, a queryset's)."""
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    writer = csv.writer(response)
    writer.writerow([csv_cell(value) for value in headers])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return _attachment(response, safe_filename(name, "csv"))


def _width(value: Cell) -> int:
    if isinstance(value, datetime.datetime):
        return DATE_WIDTH + 6
    if isinstance(value, datetime.date):
        return DATE_WIDTH
    text = "" if value is None else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _sheet_title(title: str) -> str:
    return SHEET_TITLE_ILLEGAL.sub(" ", title).strip()[:31] or "Sheet1"


def xlsx_response(
    name: str,
    headers: Row,
    rows: Iterable[Row],
    *,
    sheet_title: str = "",
    frozen_columns: int = 0,
    fill: Fill | None = None,
) -> HttpResponse:
    """The table as an Excel workbook called `<name>.xlsx`: one sheet, bold frozen header, sized columns.

    `frozen_columns` keeps that many leading columns in view too (row labels); `fill` colours data cells.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(sheet_title or name))
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
    # Write-only sheets take their widths and panes before the first row.
    widths: dict[int, int] = {}
    for row in [headers, *sample]:
        for column, value in enumerate(row):
            widths[column] = max(widths.get(column, 0), _width(value))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column + 1)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}2"

    bold = Font(bold=True)
    fills: dict[str, PatternFill] = {}

    def cell(column: int, value: Cell, *, header: bool = False) -> WriteOnlyCell:
        if isinstance(value, str):
            value = XLSX_ILLEGAL.sub("", value)
        elif isinstance(value, datetime.datetime):
            value = _local(value)
        made = WriteOnlyCell(sheet, value=value)
        if is_formula_like(value):
            # Text, not a formula: the value stays exactly as given and Excel keeps it text when edited.
            made.data_type = "s"
            made.quotePrefix = True
        if header:
            made.font = bold
        elif fill is not None and (colour := fill(column, value)):
            made.fill = fills.setdefault(colour, PatternFill("solid", fgColor=colour))
        return made

    sheet.append([cell(column, value, header=True) for column, value in enumerate(headers)])
    for row in itertools.chain(sample, rows):
        sheet.append([cell(column, value) for column, value in enumerate(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), safe_filename(name, "xlsx"))


def table_response(fmt: Format, name: str, headers: Row, rows: Iterable[Row], **xlsx_options) -> HttpResponse:
    """The table in the format asked for (one of FORMATS); `xlsx_options` go to xlsx_response only."""
    if fmt == "csv":
        return csv_response(name, headers, rows)
    if fmt == "xlsx":
        return xlsx_response(name, headers, rows, **xlsx_options)
    raise ValueError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")
