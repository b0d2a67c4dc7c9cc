"""Ideas: sent from phones, shown on the wall, moderated by the facilitator."""
