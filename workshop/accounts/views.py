from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from workshop.accounts import logic
from workshop.accounts.models import User
from workshop.extensions import db, limiter, login_manager
from workshop.security import local_target

bp = Blueprint("accounts", __name__)


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class FirstAccountForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(
        _l("Password (10 characters or more)"),
        validators=[DataRequired(), Length(min=logic.MIN_PASSWORD_LENGTH)],
    )


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


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
        user = logic.authenticate(form.email.data, form.password.data)
        if user:
            login_user(user, remember=True)
            return redirect(local_target(request.args.get("next"), "/"))
        flash(_("Wrong email or password."), "error")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("accounts.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """First run: whoever opens the app first makes the first (admin) account."""
    if logic.has_any_user():
        return redirect(url_for("accounts.login"))
    form = FirstAccountForm()
    if form.validate_on_submit():
        try:
            user = logic.create_user(form.email.data, form.name.data, form.password.data, role="admin")
        except logic.AccountError:
            flash(_("This account could not be created; check the email and password."), "error")
        else:
            login_user(user, remember=True)
            return redirect("/")
    return render_template("accounts/setup.html", form=form)
