"""Brainwriting rotation: each round, every phone builds on someone else's idea."""
