"""Writing what a run produces: atomic files, results tables, plots, folder names."""
