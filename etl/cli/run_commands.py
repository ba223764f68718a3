"""`ogi run` (scheduled inbox loads and backfills) and `ogi runs` (the history of runs)."""

from __future__ import annotations

import dataclasses
import json
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

import etl.runs.commands as scheduled
from etl.cli import AppContext, main, pass_app
from etl.cli.options import table_or_json
from etl.errors import LockHeld, RunFailed, WarehouseError
from etl.reports.named import parse_years
from etl.runs.events import EventSink, RunEvent
from etl.runs.history import RunRecord, list_runs, run_details
from etl.runs.retry import RetryPolicy


@main.command("run")
@click.option(
    "--inbox",
    type=click.Path(file_okay=False, path_type=Path),
    help="Load the new and changed spreadsheets anywhere under this folder.",
)
@click.option(
    "--archive",
    is_flag=True,
    help="Then move each file to processed/ or rejected/ beside the inbox.",
)
@click.option("--reprocess", is_flag=True, help="Reload the stored files of --years instead.")
@click.option("--years", metavar="YEARS", help="With --reprocess: 2017 or 2016-2018.")
@click.option("--wait", is_flag=True, help="Queue behind a run holding the lock (else exit 3).")
@click.option(
    "--lock-timeout", type=float, metavar="SECONDS", help="With --wait: give up after this long."
)
@click.option(
    "--settle",
    type=float,
    default=5.0,
    show_default=True,
    metavar="SECONDS",
    help="Leave files changed this recently (still being copied) for the next run.",
)
@click.option(
    "--retries",
    type=click.IntRange(1, 20),
    default=5,
    show_default=True,
    help="Tries of each database step after a connection error (backoff 1 s, 2 s, 4 s ...).",
)
@click.option(
    "--log-format",
    type=click.Choice(["human", "json"]),
    default="human",
    show_default=True,
    help="Lines for a person, or one JSON object per event for a log collector.",
)
@click.option("--encoding", metavar="ENC", help="Encoding of CSV files, e.g. gb18030.")
@click.option(
    "--jobs",
    metavar="N",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Read and check files in N processes; writing stays in order, one file at a time.",
)
@pass_app
def run(
    app: AppContext,
    inbox: Path | None,
    archive: bool,
    reprocess: bool,
    years: str | None,
    wait: bool,
    lock_timeout: float | None,
    settle: float,
    retries: int,
    log_format: str,
    encoding: str | None,
    jobs: int,
) -> None:
    """One scheduled ETL run: load an inbox, or reload the stored files of some years.

    Safe to start from cron or a systemd timer: one run at a time (the lock dies with its
    holder), each file loads whole or not at all, a run killed midway is marked abandoned
    by the next, and `ogi runs` keeps the history.

    \b
    Exit status:
      0  every file loaded or was unchanged
      1  the run failed (database gone after retries, lock lost, bad setup)
      2  some files were rejected (see `ogi runs show ID`); the others loaded
      3  another run holds the lock; nothing was done (use --wait to queue)

    \b
    Example:
      ogi run --inbox /srv/ogi/inbox --archive --log-format json
      ogi run --reprocess --years 2016-2018
    """
    if (inbox is None) == (not reprocess):
        raise click.UsageError("give either --inbox DIR or --reprocess --years YEARS")
    if reprocess and years is None:
        raise click.UsageError("--reprocess needs --years, e.g. --years 2016-2018")
    sink: EventSink = _json_sink if log_format == "json" else _human_sink(app)
    options = replace(
        scheduled.REPROCESS if reprocess else scheduled.INBOX,
        wait=wait,
        lock_timeout=lock_timeout,
        encoding=encoding,
        retry=RetryPolicy(attempts=retries),
        jobs=jobs,
        command=" ".join(["ogi", *sys.argv[1:]]),
    )
    try:
        if inbox is not None:
            summary = scheduled.run_inbox(
                app.warehouse(),
                inbox,
                archive=archive,
                settle_seconds=settle,
                options=options,
                on_event=sink,
            )
        else:
            summary = scheduled.reprocess(
                app.warehouse(), parse_years(years or ""), options=options, on_event=sink
            )
    except WarehouseError as exc:
        if log_format != "json":
            raise
        if not isinstance(exc, LockHeld | RunFailed):  # those the run has logged already
            sink(RunEvent("error", {"error": str(exc), "exit_code": exc.exit_code}))
        raise SystemExit(exc.exit_code) from exc
    raise SystemExit(summary.exit_code)


def _json_sink(event: RunEvent) -> None:
    click.echo(event.to_json())


#: How a person sees each event (`{...}` are the event's fields); others are not shown.
_HUMAN = {
    "lock_wait": "waiting for the ETL lock: {message}",
    "run_abandoned": "run {abandoned_run_id} was left running by a dead process: marked abandoned",
    "file_loaded": "loaded     {path}: {figures_written} figures, {warnings} warning(s)",
    "file_unchanged": "unchanged  {path}",
    "file_rejected": "rejected   {path}: {message}",
    "file_failed": "failed     {path}: {message}",
    "file_skipped": "skipped    {path}: {reason}; the next run takes it",
    "archive_failed": "could not archive {path}: {error}",
    "retry": "database error while {what} (attempt {attempt}): {error}; "
    "trying again in {delay_seconds:g} s",
    "run_finished": "run {run_id} {status}: {files_loaded} loaded, {files_unchanged} unchanged, "
    "{files_rejected} rejected; {figures_written} figures written",
}


def _human_sink(app: AppContext) -> EventSink:
    def show(event: RunEvent) -> None:
        template = _HUMAN.get(event.event)
        if template is not None:
            console = app.err if event.event in ("lock_wait", "retry") else app.out
            # Plain lines, written as they are: rich's `print` (markup, wrapping, styles) cost
            # 0.12 ms a line, a third of a no-op run's own time over 1,000 unchanged files.
            console.file.write(template.format(**event.fields) + "\n")

    return show


@main.group("runs", invoke_without_command=True)
@click.option("--last", type=click.IntRange(min=1), default=20, show_default=True)
@table_or_json
@click.pass_context
def runs(ctx: click.Context, last: int, output_format: str) -> None:
    """List the last ETL runs, newest first: status, counts, error.

    \b
    Example:
      ogi runs --last 5
      ogi runs show 12
    """
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.find_object(AppContext)
    assert app is not None
    records = list_runs(app.warehouse(), last=last)
    if output_format == "json":
        click.echo(json.dumps([_plain(r) for r in records], ensure_ascii=False))
        return
    table = Table("run", "trigger", "status", "started", "finished", "seen", "loaded",
                  "unchanged", "rejected", "figures", "error")  # fmt: skip
    for r in records:
        table.add_row(*_run_cells(r), r.error or "")
    app.out.print(table)


@runs.command("show")
@click.argument("run_id", type=int)
@table_or_json
@pass_app
def runs_show(app: AppContext, run_id: int, output_format: str) -> None:
    """Show one run: its row, the files it loaded, rejected or failed, and their findings.

    \b
    Example:
      ogi runs show 12 --format json
    """
    details = run_details(app.warehouse(), run_id)
    if output_format == "json":
        click.echo(json.dumps(_plain(details), ensure_ascii=False))
        return
    r = details.run
    app.out.print(
        f"run {r.run_id} ({r.trigger}) {r.status}; started {_when(r.started_at)}, finished "
        f"{_when(r.finished_at) or '-'}; pid {r.pid} on {r.hostname}\n"
        f"{r.files_seen} seen: {r.files_loaded} loaded, {r.files_unchanged} unchanged "
        f"(not listed), {r.files_rejected} rejected; {r.figures_written} figures written",
        markup=False,
    )
    if r.command:
        app.out.print(f"command: {r.command}", markup=False)
    if r.error:
        app.out.print(f"error: {r.error}", markup=False)
    files = Table("file", "outcome", "figures", "errors", "warnings", "message")
    findings = Table("file", "severity", "rule", "sheet", "cell", "found", "expected", "message")
    for f in details.files:
        files.add_row(f.path, f.outcome, str(f.figures_written), str(f.error_count),
                      str(f.warning_count), f.message or "")  # fmt: skip
        for g in f.findings:
            findings.add_row(Path(f.path).name, g.severity, g.rule_code, g.sheet or "",
                             g.cell or "", g.found or "", g.expected or "", g.message)  # fmt: skip
    if details.files:
        app.out.print(files)
    if findings.row_count:
        app.out.print(findings)


def _run_cells(r: RunRecord) -> list[str]:
    counts = (r.files_seen, r.files_loaded, r.files_unchanged, r.files_rejected, r.figures_written)
    return [str(r.run_id), r.trigger, r.status, _when(r.started_at), _when(r.finished_at),
            *map(str, counts)]  # fmt: skip


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def _plain(record: Any) -> Any:
    return json.loads(json.dumps(dataclasses.asdict(record), default=_iso))


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {value!r}")
