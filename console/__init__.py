"""cio-console: the headless core. Never imports textual or screens."""

__version__ = "0.1.0"
