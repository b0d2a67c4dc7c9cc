"""Innovation cells: after the priorities, participants commit to the working
group (cell) of one priority, which goes on to design a pilot project."""
