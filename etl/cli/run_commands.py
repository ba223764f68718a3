"""`ogi run` (scheduled inbox loads and backfills) and `ogi runs` (the history of runs)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

import etl.runs.commands as scheduled
from etl.cli import AppContext, main, pass_app
from etl.cli.options import jobs_option, year_option
from etl.cli.output import output_options, output_rows
from etl.errors import LockHeld, RunFailed, WarehouseError
from etl.listings import run_book, runs_table
from etl.reports.named import YearRange
from etl.runs.events import EventSink, RunEvent
from etl.runs.history import list_runs, run_details
from etl.runs.retry import RetryPolicy
from etl.values import printable


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
@click.option("--reprocess", is_flag=True, help="Reload the stored files of --year instead.")
@year_option()
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
@jobs_option
@pass_app
def run(
    app: AppContext,
    inbox: Path | None,
    archive: bool,
    reprocess: bool,
    years: YearRange | None,
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
      ogi run --reprocess --year 2016-2018
    """
    if (inbox is None) == (not reprocess):
        raise click.UsageError("give either --inbox DIR or --reprocess --year YEARS")
    if reprocess and years is None:
        raise click.UsageError("--reprocess needs --year, e.g. --year 2016-2018")
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
            assert years is not None  # --reprocess without --year was refused above
            summary = scheduled.reprocess(app.warehouse(), years, options=options, on_event=sink)
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
    "{files_rejected} rejected; {figures_written} figures written, {warnings} warning(s)",
}


def _human_sink(app: AppContext) -> EventSink:
    def show(event: RunEvent) -> None:
        template = _HUMAN.get(event.event)
        if template is not None:
            console = app.err if event.event in ("lock_wait", "retry") else app.out
            # Plain lines, written as they are: rich's `print` (markup, wrapping, styles) was a
            # third of a no-op run's own time. Text from a file (a name, a cell quoted in a
            # message) is `printable`: one line per event, nothing the terminal would obey.
            fields = {
                k: printable(v, name=True) if isinstance(v, str) else v
                for k, v in event.fields.items()
            }
            console.file.write(template.format(**fields) + "\n")

    return show


@main.group("runs", invoke_without_command=True)
@click.option("--last", type=click.IntRange(min=1), default=20, show_default=True)
@output_options()
@click.pass_context
def runs(ctx: click.Context, last: int, fmt: str, output: Path | None) -> None:
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
    output_rows(app, runs_table(list_runs(app.warehouse(), last=last)), fmt, output)


@runs.command("show")
@click.argument("run_id", type=int)
@output_options()
@pass_app
def runs_show(app: AppContext, run_id: int, fmt: str, output: Path | None) -> None:
    """Show one run: its row, the files it loaded, rejected or failed (unchanged files are
    counted, not listed), and their findings.

    \b
    Example:
      ogi runs show 12 --format json
    """
    output_rows(app, run_book(run_details(app.warehouse(), run_id)), fmt, output)
