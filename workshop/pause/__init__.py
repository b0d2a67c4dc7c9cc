"""A break in the agenda: the screens show a short message ("Pause café —
retour à 10 h 30") and phones send nothing meanwhile."""
