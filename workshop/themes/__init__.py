"""Themes: the tool groups an activity's ideas; the facilitator stays in control
(rename, move, merge, split), and the projector shows the labelled groups."""
