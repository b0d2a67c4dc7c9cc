"""Every model in one import, for Alembic and for the shell. Each model lives
with its feature; this module only gathers them."""

from workshop.accounts.models import User  # noqa: F401
from workshop.cells.models import Cell, CellLogEntry, CellMember, CellPreference, CellSignup  # noqa: F401
from workshop.hats.models import HatAssignment, HatComment, HatsActivity, HatSubject  # noqa: F401
from workshop.ideas.models import Idea  # noqa: F401
from workshop.orphans.models import Adoption, AdoptionEvent, Interest, Organisation  # noqa: F401
from workshop.participants.models import Participant  # noqa: F401
from workshop.themes.models import Theme  # noqa: F401
from workshop.voting.models import Ballot, Project, Round, RoundItem  # noqa: F401
from workshop.workshops.models import Activity, StakeholderGroup, Workshop  # noqa: F401
