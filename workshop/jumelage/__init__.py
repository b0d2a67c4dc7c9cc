"""Jumelage: a coordinator's program that pairs international students with citizens, and employers for trios."""
