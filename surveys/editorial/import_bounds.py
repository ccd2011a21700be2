"""The bounds any import file is read within, and the error that says which one was passed:
shared by the CSV reader (import_files.py) and the workbook reader (import_xlsx.py), which
import_files.py calls, so that neither reader imports the other."""

MAX_ROWS = 50_000  # one round of 5,000 bodies x 10 system types; split larger files
MAX_CELL_LENGTH = 5000
# A worksheet's last column (XFD) and row: a cell beyond them is not a worksheet's.
SHEET_COLUMNS = 16_384
SHEET_ROWS = 1_048_576
MAX_PARTS = 1000  # an XLSX has a dozen parts; more is not a spreadsheet's doing
# XML elements read in all (cells, empty or not, rows, strings): the bound on reading time.
# 50,000 rows of 13 columns of shared strings are about 2.7 million.
MAX_ELEMENTS = 4_000_000


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong format, encoding, columns or size."""
