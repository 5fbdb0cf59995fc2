"""The drawing app's window support: the reading worker process, settings, quiet TensorFlow logs."""
