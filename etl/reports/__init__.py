"""Reports: the `rpt_` views as named reports, comparisons, the annual report, ad hoc SQL.

The numbers come from the views (migrations 0003 and 0005); this package only selects, arranges and
renders them, so `ogi report` shows what sqlite3, psql or pandas show.
"""

from etl.reports.annual import AnnualReport, CheckResults, build_annual, report_checks
from etl.reports.compare import compare
from etl.reports.named import parse_years, run_report
from etl.reports.render import TABLE_FORMATS, render_table, write_output
from etl.reports.render_annual import ANNUAL_FORMATS, render_annual
from etl.reports.result import ReportTable
from etl.reports.sql import parse_params, run_sql
from etl.reports.views import VIEW_COLUMNS, report_names

__all__ = [
    "ANNUAL_FORMATS",
    "TABLE_FORMATS",
    "VIEW_COLUMNS",
    "AnnualReport",
    "CheckResults",
    "ReportTable",
    "build_annual",
    "compare",
    "parse_params",
    "parse_years",
    "render_annual",
    "render_table",
    "report_checks",
    "report_names",
    "run_report",
    "run_sql",
    "write_output",
]
