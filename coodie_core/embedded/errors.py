"""The one error type the launcher raises, with a message meant for people."""


class LauncherError(RuntimeError):
    """The embedded node could not be obtained, started or stopped.

    The message says what went wrong and what to do about it; the command-line
    front prints it and exits non-zero.
    """
