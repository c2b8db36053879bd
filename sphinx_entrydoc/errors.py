"""Errors that end a run with one clear line (exit status 2), never a traceback."""


class InputError(Exception):
    """Bad input or configuration: the message is the whole report."""


class LibclangMissing(InputError):
    pass


class CheckAborted(Exception):
    """The compiler could not check a document (it crashed, or the document
    nests deeper than the checker can follow): the message is the reason,
    and the document gets an ED107 finding instead of findings."""
