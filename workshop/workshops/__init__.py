"""Workshops: set-up, agenda of activities, the timer, and the facilitator's
control and projector screens."""
