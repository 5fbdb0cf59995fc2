"""Builders of the project's own models (the study's are the top-level ANN/, CNN/, VGG16/)."""
