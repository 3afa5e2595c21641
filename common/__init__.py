"""The bottom layer: helpers every package may use. Imports nothing of the project."""
