"""The one error type for user mistakes, kept free of TensorFlow imports.

Anything a person can fix (an option, a path, a data file, a model file, a full disk, a busy folder, a
training that diverged) raises ``UserError`` with one sentence saying what is wrong and what to do; every
command and benchmark prints that sentence and exits with code 2 (see ``digit_recognizer.options.command``).
"""


class UserError(Exception):
    """A mistake or a situation the user can fix; the message is one sentence naming it and the fix."""
