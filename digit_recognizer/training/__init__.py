"""Training the models: data, recipes, the fit loop, resuming and distribution, the train CLI."""
