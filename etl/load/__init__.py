"""Loading one file: read and check it (`prepare`), find every problem (`validate`), write it
in one transaction with its lineage (`write`). Runs of many files are `etl.runs`'."""
