"""postbot: Telegram alerts for Arabic news feeds."""

__version__ = "0.1.0"
