"""The command line: declarations (`spec`), the context and result (`context`), running and
writing (`run`), the commands (`read`, `write`), the typer app (`app`) and the quick path
(`fast`); `main` is the entry point."""
