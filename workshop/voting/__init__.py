"""Prioritisation: voting rounds that funnel ideas to candidate projects, then
to priorities; what is not retained becomes a candidate orphan project."""
