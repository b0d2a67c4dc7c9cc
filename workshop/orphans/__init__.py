"""Orphan projects: what the living lab does not carry itself is offered to
partner organisations; a coordinator follows each adoption for months."""
