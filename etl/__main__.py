"""`python -m etl` runs the `ogi` command line."""

from etl.cli import main

main()
