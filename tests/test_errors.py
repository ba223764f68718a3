"""The one list of errors (`etl.errors`): every user-facing error is there, said in one line,
with one of the documented exit statuses."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import etl
import etl.errors
from etl.errors import ExitCode, WarehouseError


def _all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def _warehouse_errors() -> list[type[WarehouseError]]:
    """Every subclass of `WarehouseError`, once every module of `etl` is imported."""
    for module in pkgutil.walk_packages(etl.__path__, "etl."):
        if not module.name.endswith("__main__"):  # runs the program
            importlib.import_module(module.name)
    return sorted(_all_subclasses(WarehouseError), key=lambda cls: cls.__name__)


ERRORS = _warehouse_errors()


def test_the_errors_are_found() -> None:
    names = {cls.__name__ for cls in ERRORS}
    assert {"ConfigurationError", "LockHeld", "NotFound", "QueryFailed", "GenerateError"} <= names


@pytest.mark.parametrize("cls", ERRORS, ids=lambda cls: cls.__name__)
def test_each_error_is_in_etl_errors_with_a_line_and_an_exit_code(
    cls: type[WarehouseError],
) -> None:
    assert cls.__module__ == "etl.errors"
    doc = cls.__doc__ or ""
    assert doc.strip() and "\n" not in doc, f"{cls.__name__}: a one-line docstring"
    assert isinstance(cls.exit_code, int)
    assert cls.exit_code in set(ExitCode)
    assert cls.exit_code != ExitCode.OK


def test_the_exit_codes_are_documented_in_one_table() -> None:
    doc = etl.errors.__doc__ or ""
    table = {int(code): name for code, name in re.findall(r"^(\d)\s+([A-Z]+)\s", doc, re.MULTILINE)}
    assert table == {code.value: code.name for code in ExitCode}
    assert {cls.__name__: cls.exit_code for cls in ERRORS if cls.exit_code != 1} == {
        "LockHeld": ExitCode.LOCKED
    }
