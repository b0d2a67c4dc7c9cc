"""The Flask extensions, made here and initialised in create_app, so that
blueprints import them without importing the app (no circular imports)."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from workshop import rate_limits  # noqa: F401 - registers the workshop-memory:// storage


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

# The base class of every model. At run time it is db.Model, which Flask-SQLAlchemy
# builds from Base (the shared metadata, table names, binds); mypy cannot follow a
# base class read from an attribute, so it is shown the declarative base itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
limiter.request_filter(rate_limits.counted_here)  # those routes count for themselves
compress = Compress()
# gevent, set explicitly: one process holds many long-lived connections.
socketio = SocketIO()
