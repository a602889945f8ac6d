"""Workbooks of customer cards: the file type read from the content, the
first sheet's cells as Python values, and a sheet written with drop-down
lists.

Reading gives the same values whatever the format: ``str`` (stripped, never
empty), ``int`` or ``float``, ``bool``, ``datetime`` for date cells, or
``None`` for an empty cell; error cells come as their text (``#N/A``).
"""
import io
import zipfile
from datetime import date

import openpyxl
import xlrd
import xlsxwriter
from openpyxl.utils.datetime import from_excel
from xlrd.compdoc import CompDoc

from odoo.exceptions import UserError

# OLE2 compound file: .xls, but also an encrypted .xlsx (the OOXML package is
# then the stream EncryptedPackage) and other old Office documents.
OLE2_MAGIC = b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1'
ZIP_MAGIC = b'PK\x03\x04'
XLS_STREAMS = frozenset({'Workbook', 'Book'})
# The largest serial number Excel shows as a date (9999-12-31).
MAX_EXCEL_SERIAL = 2958465


class Sheet:
    """The non-empty rows of a workbook's first sheet.

    ``rows``: ``[(row number, values)]``, the first row of the sheet being
    number 1; ``date_from_serial(number)``: the date a serial number stands
    for in this workbook's date system (1900 or 1904)."""

    def __init__(self, rows, date_from_serial):
        self.rows = rows
        self.date_from_serial = date_from_serial


def file_type(env, data):
    """``'xls'`` or ``'xlsx'``, from the bytes of the file, whatever its name."""
    if data.startswith(OLE2_MAGIC):
        try:
            streams = {entry.name for entry in CompDoc(data, logfile=io.StringIO()).dirlist}
        except Exception as error:  # any parse failure means a damaged file
            raise _corrupt(env) from error
        if 'EncryptedPackage' in streams:
            raise _encrypted(env)
        if streams & XLS_STREAMS:
            return 'xls'
    elif data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError) as error:
            raise _corrupt(env) from error
        if 'xl/workbook.xml' in names:
            return 'xlsx'
    raise UserError(env._(
        "This file is not an Excel workbook. Import an .xlsx or .xls file, for example the template."))


def read_sheet(env, data, max_rows):
    """The first sheet of the workbook ``data`` (see :class:`Sheet`), with
    at most ``max_rows`` non-empty rows besides the header."""
    kind = file_type(env, data)
    reader = _read_xlsx if kind == 'xlsx' else _read_xls
    try:
        sheet = reader(data, max_rows + 1)
    except (UserError, MemoryError):
        raise
    except Exception as error:  # the readers raise anything on a damaged file
        if isinstance(error, xlrd.XLRDError) and 'encrypted' in str(error).lower():
            raise _encrypted(env) from error
        raise _corrupt(env) from error
    if sheet is None or not sheet.rows:
        raise UserError(env._(
            "The first sheet of the file is empty: it needs a header row (name, ref, ...) "
            "and one row per customer."))
    if len(sheet.rows) > max_rows + 1:
        raise UserError(env._(
            "The file has more than %(max)s customer rows. Split it into smaller files.",
            max=f"{max_rows:,}"))
    return sheet


def _encrypted(env):
    return UserError(env._(
        "The file is protected by a password. Open it in Excel, remove the password "
        "(File › Info › Protect Workbook), save it and import it again."))


def _corrupt(env):
    return UserError(env._(
        "The file is damaged and cannot be read as an Excel workbook. Open it in Excel, "
        "save it again and import the new file."))


def _read_xlsx(data, limit):
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            return None
        epoch = workbook.epoch
        rows = []
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            values = tuple(_clean(value) for value in cells)
            if any(value is not None for value in values):
                rows.append((number, values))
                if len(rows) > limit:
                    break
    finally:
        workbook.close()
    return Sheet(rows, lambda serial: from_excel(serial, epoch))


def _read_xls(data, limit):
    book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    try:
        if not book.nsheets:
            return None
        sheet = book.sheet_by_index(0)
        datemode = book.datemode
        rows = []
        for index in range(sheet.nrows):
            values = tuple(_xls_value(cell, datemode) for cell in sheet.row(index))
            if any(value is not None for value in values):
                rows.append((index + 1, values))
                if len(rows) > limit:
                    break
    finally:
        book.release_resources()
    return Sheet(rows, lambda serial: xlrd.xldate.xldate_as_datetime(serial, datemode))


def _xls_value(cell, datemode):
    ctype, value = cell.ctype, cell.value
    if ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return value  # an impossible date: the column's parser says so
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, '#ERROR')
    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return _clean(value)


def _clean(value):
    if isinstance(value, str):
        return value.strip() or None
    return value


def excel_serial_is_date(number):
    return 0 < number <= MAX_EXCEL_SERIAL


def write_xlsx(sheet_name, headers, rows, lists=None, date_columns=(), widths=None, validation_rows=5000):
    """An .xlsx file (bytes) of one sheet: a bold, frozen ``headers`` row,
    then ``rows`` (``str``, numbers, ``bool``, dates or ``None``).

    ``lists``: ``{column index: [allowed values]}``, offered as a drop-down
    list on the first ``validation_rows`` rows (at least those written).
    Text is always written as text: a value starting with ``=`` stays a
    value, never a formula."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        'in_memory': True, 'strings_to_formulas': False, 'strings_to_urls': False,
        'strings_to_numbers': False,
    })
    worksheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({'bold': True})
    date_format = workbook.add_format({'num_format': 'yyyy-mm-dd'})
    for column, header in enumerate(headers):
        worksheet.write_string(0, column, header, bold)
        worksheet.set_column(column, column, (widths or {}).get(column, 16),
                             date_format if column in date_columns else None)
    worksheet.freeze_panes(1, 0)
    for row_index, values in enumerate(rows, start=1):
        for column, value in enumerate(values):
            _write_cell(worksheet, row_index, column, value, date_format)
    last_row = max(validation_rows, len(rows))
    for column, allowed in (lists or {}).items():
        worksheet.data_validation(1, column, last_row, column, {
            'validate': 'list', 'source': list(allowed), 'ignore_blank': True,
        })
    workbook.close()
    return buffer.getvalue()


def _write_cell(worksheet, row, column, value, date_format):
    if value is None:
        return
    if isinstance(value, bool):
        worksheet.write_boolean(row, column, value)
    elif isinstance(value, (int, float)):
        worksheet.write_number(row, column, value)
    elif isinstance(value, date):
        worksheet.write_datetime(row, column, value, date_format)
    else:
        worksheet.write_string(row, column, str(value))
