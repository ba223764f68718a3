"""Runs: every command that writes goes through one run model (`run`), one pipeline
(`pipeline`) and a file source (`sources`); `commands` holds each command's options."""
