"""Errors that end a run with one clear line (exit status 2), never a traceback."""


class InputError(Exception):
    """Bad input or configuration: the message is the whole report."""


class LibclangMissing(InputError):
    pass
