"""The translators' and coordinators' commands: extract, init, update, check,
report, review."""
