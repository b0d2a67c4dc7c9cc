"""Six thinking hats: each participant wears a hat and comments on a subject
in that frame only, so that every angle is heard."""
