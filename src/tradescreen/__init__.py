"""tradescreen: export-control and sanctions screening for shipments."""

__version__ = "0.1.0"
