"""Drawings the project makes itself: composed numbers, non-digit sketches, test strokes."""
