"""The roles a person holds in the directory (SPEC.md §2), apart from the tables that store them,
so that a command line's help can list them without loading the database layer.

    Role("副区长") is Role.VICE_MAYOR   # True
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Roles of SPEC.md §2; the values are what people see and type."""

    MAYOR = "区长"
    EXECUTIVE_VICE_MAYOR = "常务副区长"
    VICE_MAYOR = "副区长"
    OFFICE = "办公室"
    UNIT_HEAD = "部门正职"
    STAFF = "工作人员"
