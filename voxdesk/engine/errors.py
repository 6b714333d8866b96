"""One family of errors whose messages a user can act on.

The GUI shows ``str(exc)`` in a dialog; the CLI prints it on one line and exits with code 2.
Anything that is *not* a VoxdeskError is a bug.
"""


class VoxdeskError(Exception):
    """Base class: the message is written for the person using the app."""


class FileNotFound(VoxdeskError):
    """The path does not exist or is not a file."""


class UnsupportedFormat(VoxdeskError):
    """The file suffix / content is not a format VoxDesk reads."""


class CorruptFile(VoxdeskError):
    """The file is truncated, not what its suffix says, or otherwise unreadable."""


class InvalidVolume(VoxdeskError):
    """The data is readable but is not a usable volume (wrong rank, zero-size axis, dtype...)."""


class NeedsChoice(VoxdeskError):
    """The file holds several candidates (HDF5 datasets, NPZ arrays); the caller must name one.

    ``choices`` lists what can be picked so that a GUI can offer a chooser.
    """

    def __init__(self, message, choices=()):
        super().__init__(message)
        self.choices = list(choices)


class TooLarge(VoxdeskError):
    """The data would not fit in memory; checked before reading."""


class DatasetError(VoxdeskError):
    """A labelled dataset is inconsistent (label count mismatch, one class, empty...)."""


class ModelError(VoxdeskError):
    """Model building, training, bundle loading or inference failed in a way a user can fix."""
