"""The feed server, from doubles/feedserver.py (shared with bench/): tests import it here."""

from doubles.feedserver import FIXTURES, FeedItem, FeedServer, gzip_stream, render_rss, zeros_bomb

__all__ = ["FIXTURES", "FeedItem", "FeedServer", "gzip_stream", "render_rss", "zeros_bomb"]
