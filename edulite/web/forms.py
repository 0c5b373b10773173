"""Flask-WTF forms: CSRF plus field validation with messages next to each field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Enter your username.")), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])
    # A long-lived, revocable device login (#15): teachers sign in on the same phone every morning.
    remember = BooleanField(_l("Remember this phone (stay signed in for 30 days)"))
