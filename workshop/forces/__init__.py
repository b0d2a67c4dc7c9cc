"""Force-field evaluation: the room weighs what drives a subject forward
(forces facilitantes) and what holds it back (forces freinantes)."""
