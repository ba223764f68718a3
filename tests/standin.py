"""A stand-in for `etl.extract.read_file`, to test the loader on extractions built in code.

Tests register the `Extraction` a file should read as and write the file with synthetic bytes
(its content only identifies it: the SHA-256 is what the loader keys on). The `reader` fixture
puts it in place of the reader the loader calls. End-to-end tests on real workbooks are in
test_end_to_end.py.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from etl.records import ExtractedReport, Extraction, FileFormat, Finding


class StandInReader:
    """Reads each registered file as the extraction registered for it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.extractions: dict[Path, Extraction] = {}
        self._log = directory.parent / ".standin-reads"

    def add(
        self,
        name: str,
        *reports: ExtractedReport,
        findings: tuple[Finding, ...] = (),
        variant: str = "v1",
        file_format: FileFormat | None = "xlsx",
    ) -> Path:
        """Write `name` (synthetic bytes naming its variant) and register what it reads as."""
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"synthetic test file {name}, {variant}\n", encoding="utf-8")
        self.extractions[path.resolve()] = Extraction(
            path=path, file_format=file_format, reports=list(reports), findings=list(findings)
        )
        return path

    @property
    def encodings(self) -> list[str | None]:
        """The encoding each read was given, in order (read in reader processes: logged to
        a file beside the inbox)."""
        if not self._log.exists():
            return []
        lines = self._log.read_text(encoding="utf-8").splitlines()
        return [None if line == "-" else line for line in lines]

    def read_file(
        self, path: Path, *, encoding: str | None = None, content: bytes | None = None, **_: Any
    ) -> Extraction:
        """The extraction registered for `path`, as a fresh copy."""
        with self._log.open("a", encoding="utf-8") as log:
            log.write(f"{encoding or '-'}\n")
        registered = self.extractions[Path(path).resolve()]
        return replace(
            registered,
            path=path,
            reports=[replace(r, facts=list(r.facts)) for r in registered.reports],
            findings=list(registered.findings),
        )

    def screen_file(self, path: Path, content: bytes) -> Extraction | None:
        """Registered files pass the screening (their bytes are no spreadsheet)."""
        return None
