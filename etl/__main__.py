"""`python -m etl` runs the `ogi` command line."""

from etl.cli import program

program()
