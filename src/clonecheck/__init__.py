"""clonecheck: find accounts that impersonate registered people."""

__version__ = "0.1.0"
