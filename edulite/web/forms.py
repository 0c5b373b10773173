"""Flask-WTF forms: CSRF plus field validation with messages next to each field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Enter your username.")), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])
    # A long-lived, revocable device login (#15): teachers sign in on the same phone every morning.
    remember = BooleanField(_l("Remember this phone (stay signed in for 30 days)"))


class WholeField(IntegerField):
    """IntegerField that refuses more than 10 digits before converting.

    WTForms' own read "9" * 400 as an int, and NumberRange then overflowed converting it to a float: a
    500 on the principal's class form, found by the fuzz suite (#17).
    """

    def process_formdata(self, valuelist):
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-")) > 10:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
        super().process_formdata(valuelist)
