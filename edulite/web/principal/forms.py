"""Flask-WTF forms of the principal's settings: classes, teacher assignments, calendar days."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from edulite.web.forms import WholeField


class ClassForm(FlaskForm):
    name = StringField(_l("Class name"), validators=[DataRequired(_l("Enter the class name, e.g. 三年级(2)班.")),
                                                     Length(max=50, message=_l("Keep the name under 50 characters."))])
    grade = WholeField(_l("Grade"), validators=[InputRequired(_l("Enter the grade, 1 to 9.")),
                                                  NumberRange(1, 9, _l("Enter the grade, 1 to 9."))])
    headcount = WholeField(_l("Pupils"), validators=[InputRequired(_l("Enter the number of pupils.")),
                                                       NumberRange(0, 200, _l("Enter a number from 0 to 200."))])


class AssignmentForm(FlaskForm):
    class_id = SelectField(_l("Class"), coerce=int, validators=[InputRequired(_l("Choose a class."))])
    subject_id = SelectField(_l("Subject"), coerce=int, validators=[InputRequired(_l("Choose a subject."))])
    teacher_id = SelectField(_l("Teacher"), coerce=int, validators=[InputRequired(_l("Choose a teacher."))])


DAY_KINDS = [SelectChoice("holiday", _l("Holiday (no school)")),
             SelectChoice("school_day", _l("School day (调休 make-up day)")),
             SelectChoice("weekend", _l("Weekend day"))]


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class CalendarForm(FlaskForm):
    first = DateField(_l("From"), validators=[InputRequired(_l("Enter the first day."))])
    last = DateField(_l("To (optional, for a run of days)"), validators=[Optional()])
    kind = SelectField(_l("Kind of day"), choices=DAY_KINDS, validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Length(max=100, message=_l("Keep the note under 100 characters."))])

    def validate_last(self, field):
        if field.data and self.first.data:
            if field.data < self.first.data:
                raise ValidationError(_l("The last day is before the first day."))
            if (field.data - self.first.data).days > 60:
                raise ValidationError(_l("Set at most 61 days at a time."))
