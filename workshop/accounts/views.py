from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from workshop.accounts import logic
from workshop.accounts.models import User
from workshop.extensions import limiter, login_manager
from workshop.security import local_target

bp = Blueprint("accounts", __name__)


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this computer for 30 days"))


class FirstAccountForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(
        _l("Password (10 characters or more)"),
        validators=[DataRequired(), Length(min=logic.MIN_PASSWORD_LENGTH)],
    )


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The session and the remember cookie carry a sign-in's token, never the
    account's id: a revoked sign-in loads nobody."""
    return logic.user_of_session(token)


def _fresh_session() -> None:
    kept = {key: session[key] for key in ("participants", "lang") if key in session}
    session.clear()
    session.update(kept)


def sign_in(user: User, remember: bool) -> None:
    """A fresh session for a fresh sign-in: whatever the browser carried
    before (a planted or an old session) does not carry over, except which
    workshops this phone joined and its language."""
    _fresh_session()
    login_user(logic.start_session(user, remember), remember=remember)


@login_manager.unauthorized_handler
def unauthorized():
    # Pages send people to sign in; commands (htmx, forms) are refused outright.
    if request.method == "GET" and not request.headers.get("HX-Request"):
        return redirect(url_for("accounts.login", next=request.full_path))
    # An htmx button of a signed-out facilitator: go to sign in, don't swap text in.
    return _("Sign in first."), 401, {"HX-Redirect": url_for("accounts.login")}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if not logic.has_any_user():
        return redirect(url_for("accounts.setup"))
    form = LoginForm()
    if form.validate_on_submit():
        user = logic.authenticate(form.email.data or "", form.password.data or "")  # both required
        if user:
            sign_in(user, remember=bool(form.remember.data))
            return redirect(local_target(request.args.get("next"), "/"))
        flash(_("Wrong email or password."), "error")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    """Ends this sign-in on the server too: the old cookie opens nothing."""
    if current_user.is_authenticated:
        logic.end_session(current_user.get_id())
    logout_user()
    _fresh_session()
    return redirect(url_for("accounts.login"))


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():
    """A laptop left signed in somewhere, a shared computer: every sign-in of this account ends."""
    logic.end_every_session(current_user)
    logout_user()
    _fresh_session()
    flash(_("You are signed out on every computer."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """First run: whoever opens the app first makes the first (admin) account."""
    if logic.has_any_user():
        return redirect(url_for("accounts.login"))
    form = FirstAccountForm()
    if form.validate_on_submit():
        try:
            user = logic.create_user(form.email.data or "", form.name.data or "", form.password.data or "",
                                     role="admin")  # all three required
        except logic.AccountRejected as error:
            flash(error.message(), "error")
        else:
            sign_in(user, remember=False)
            return redirect("/")
    return render_template("accounts/setup.html", form=form)
