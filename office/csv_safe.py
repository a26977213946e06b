"""Text for CSV files the office opens in Excel: a cell that starts like a formula stays text.

Excel and WPS run `=…`, `+…`, `-…` and `@…` cells as formulas (CSV injection), so a reason typed as
`=HYPERLINK(…)` would become a live link; such cells get a leading apostrophe.

    >>> safe_cell("=1+1"), safe_cell("上海")
    ("'=1+1", '上海')
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
