"""The families' anonymous homework-time survey, opened from a class's survey link or QR code (#13).

No account: the token in the URL is the credential, as on the parent page. The form works without
JavaScript. What keeps it honest without knowing who answers:
- a signed cookie holds a random device id; the database keeps only a keyed hash of it per class,
  so one device has one answer per class and evening (a new one replaces the old);
- the POST is CSRF-checked (after the token, so that a dead link is a 404 whatever is posted);
- limits per address and per class through the shared limiter (Redis when REDIS_URL is set);
- implausible answers are refused next to their field; no address or user agent is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from itsdangerous import BadSignature, URLSafeSerializer

from edulite.core.calendar import DayKind
from edulite.core.survey_rules import BEDTIME_BANDS, EVENINGS_BACK, MINUTE_CHIPS
from edulite.db import get_session
from edulite.homework import loads
from edulite.survey import answers, links, reads
from edulite.survey import input as survey_input
from edulite.web import clock
from edulite.web.extensions import csrf, limiter

bp = Blueprint("survey", __name__, url_prefix="/s")
COOKIE = "edulite_survey"
COOKIE_DAYS = 400  # browsers cap cookie lifetimes at about this


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="survey-device")


def _device_id() -> str | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        value = _signer().loads(raw)
    except BadSignature:
        return None
    return value if isinstance(value, str) and len(value) == 32 else None


def device_key(device_id: str, class_id: int) -> str:
    """A keyed hash per class: the stored value cannot be turned back into the cookie, and one phone's
    answers in two classes cannot be linked."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"survey-device|{class_id}|{device_id}".encode(), hashlib.sha256).hexdigest()


def _with_device(response, device_id: str):
    response.set_cookie(COOKIE, _signer().dumps(device_id), max_age=COOKIE_DAYS * 86400, path=bp.url_prefix,
                        secure=request.is_secure, httponly=True, samesite="Lax")
    return response


def _class(token: str) -> links.SurveyClass:
    klass = links.class_for_token(get_session(), token)
    if klass is None:
        abort(404)
    return klass


def evenings(klass: links.SurveyClass) -> tuple[list[date], date]:
    """The evenings a family may answer about (the last 7, today first) and the default: the last
    school evening, today's only once the evening has begun."""
    today = clock.today_in_zone(klass.timezone)
    options = [today - timedelta(days=n) for n in range(EVENINGS_BACK)]
    calendar = loads.school_calendar(get_session(), school_id=klass.school_id)
    started = clock.pinned_today() is not None or clock.local_hour(klass.timezone) >= 18
    candidates = options if started else options[1:]
    default = next((d for d in candidates if calendar.kind(d) is DayKind.SCHOOL_DAY), candidates[0])
    return options, default


def _page(klass, token, *, values=None, errors=None, status=200, done=False):
    options, default = evenings(klass)
    values = values or {"evening": default.isoformat()}
    response = current_app.make_response((render_template(
        "survey/form.html", klass=klass, token=token, evenings=options, values=values, errors=errors or {},
        chips=MINUTE_CHIPS, bands=BEDTIME_BANDS, done=done,
        floor=reads.floor_of(get_session(), school_id=klass.school_id, day=default)), status))
    response.cache_control.no_store = True  # a form with a CSRF token, behind a secret URL
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    device = _device_id()
    return _with_device(response, device or secrets.token_hex(16)) if device is None else response


def _address_limit() -> str:
    return current_app.config["SURVEY_RATE_LIMIT_ADDRESS"]


def _class_limit() -> str:
    return current_app.config["SURVEY_RATE_LIMIT_CLASS"]


def _class_key() -> str:
    # Per link, so that a flood on one class cannot silence the others.
    return "survey-class:" + hashlib.sha256(str((request.view_args or {}).get("survey_token", "")).encode()).hexdigest()


@bp.get("/<survey_token>")
def form(survey_token: str):
    """Show the survey: one evening's homework time, finished by bedtime, bedtime, two yes/no questions."""
    token = survey_token
    klass = _class(token)
    return _page(klass, token, done=request.args.get("done") == "1")


@bp.post("/<survey_token>")
@csrf.exempt
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_class_limit, key_func=_class_key, methods=["POST"])
def form_submit(survey_token: str):
    """Store one family's answer (replacing this device's earlier one for the same evening)."""
    token = survey_token
    klass = _class(token)
    values = request.form.to_dict()
    if current_app.config["WTF_CSRF_ENABLED"]:
        try:
            csrf.protect()
        except CSRFError:
            return _page(klass, token, values=values, errors={"form": "csrf"}, status=400)
    if not klass.open:
        return _page(klass, token, values=values, errors={"form": "closed"}, status=409)
    device = _device_id()
    if device is None:  # no cookie, no way to replace rather than add: ask to send again (it is set now)
        return _page(klass, token, values=values, errors={"form": "cookie"}, status=400)
    answer, errors = survey_input.parse(request.form, evenings=evenings(klass)[0])
    if answer is None:
        return _page(klass, token, values=values, errors=errors, status=422)
    answers.save(get_session(), klass=klass, device=device_key(device, klass.class_id), answer=answer)
    return redirect(url_for("survey.form", survey_token=token, done=1), 303)


@bp.after_request
def _private(response):
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not reach other sites
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
