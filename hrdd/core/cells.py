"""Text written into a file a spreadsheet program opens (CSV, XLSX)."""

FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})


def spreadsheet_text(value) -> str:
    """`value` as text that a spreadsheet shows as typed: text it would run as a formula
    ("=HYPERLINK(...)", "+1", "@SUM") is prefixed with an apostrophe so it stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text
