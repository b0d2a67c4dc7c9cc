"""What a break holds about people, for workshop/privacy.py (Law 25): nothing.
Participants send nothing during a break, and its message is the activity's
prompt, which privacy.py already searches with every activity's."""
