"""fenji (分级): which AI regulations apply to a system, in which tier, what to do and by when."""

from fenji._version import __version__
from fenji.api import Assessment, SystemCard, assess, load_card
from fenji.errors import FenjiError

__all__ = ["Assessment", "FenjiError", "SystemCard", "__version__", "assess", "load_card"]
