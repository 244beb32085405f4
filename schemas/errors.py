"""The one kind of error a user fixes by changing their input: its message names the file, entry or table
at fault and what to do. The CLI prints it as one line and exits 2. Standard library only, so the CLI
can catch it without importing the stages."""


class InputError(Exception):
    """Input that cannot be used: a sources or params file, a source entry, a stage's table."""
