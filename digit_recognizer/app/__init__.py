"""The drawing app: the window and its widgets, the reading worker process, settings."""
