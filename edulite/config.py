"""Every setting Edulite reads, with its default. Override in instance/config.py or FLASK_* variables."""

import os
from datetime import timedelta

DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105


class Config:
    # Signs session cookies; the app refuses to start in production with this default.
    SECRET_KEY = DEFAULT_SECRET_KEY
    # Empty means SQLite in instance/edulite.sqlite; a district sets postgresql+psycopg://...
    DATABASE_URL = os.environ.get("DATABASE_URL", "")
    # Connections per worker process for PostgreSQL; workers x (size + overflow) must fit max_connections.
    DB_POOL_SIZE = 5
    DB_MAX_OVERFLOW = 2
    # Milliseconds a SQLite writer waits for the lock before giving up.
    SQLITE_BUSY_TIMEOUT_MS = 15000
    # OWASP 2023 minimum for PBKDF2-HMAC-SHA256.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:600000"  # noqa: S105
    # Interface language default and the languages offered.
    BABEL_DEFAULT_LOCALE = "zh"
    LANGUAGES = ("zh", "en")
    DEFAULT_TIMEZONE = "Asia/Shanghai"
    # Pins "today" on every page and command (a date or YYYY-MM-DD); None follows the real clock.
    TODAY = None
    # Front-end libraries: "cdn" loads pinned files from ASSET_CDN_BASE, "local" serves static/vendor/.
    ASSET_MODE = "cdn"
    ASSET_CDN_BASE = "https://cdn.jsdelivr.net/npm"
    # Session cookie hardening; SESSION_COOKIE_SECURE turns on automatically behind HTTPS (PREFERRED_URL_SCHEME).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "edulite_session"
    PREFERRED_URL_SCHEME = "http"
    # Minutes of inactivity, and hours in all, after which a sign-in expires.
    SESSION_IDLE_MINUTES = 60
    SESSION_ABSOLUTE_HOURS = 12
    # "Remember this phone" (#15): a revocable device login in its own cookie, for this many days.
    DEVICE_LOGIN_DAYS = 30
    DEVICE_COOKIE_NAME = "edulite_device"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # The idle clock is refreshed in the cookie once a minute (auth.load_user), which renews the cookie's
    # expiry too: re-signing it on every other request was a tenth of a cached page's time.
    SESSION_REFRESH_EACH_REQUEST = False
    # CSRF tokens live as long as the session (a teacher may leave a form open all afternoon).
    WTF_CSRF_TIME_LIMIT = None
    # Failed sign-ins allowed per account and per address; storage shared across workers when Redis is set.
    LOGIN_RATE_LIMIT = "5 per minute;20 per hour"
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    # Namespaces Edulite's counters in a Redis shared with other applications.
    RATELIMIT_KEY_PREFIX = "edulite"
    # Reverse proxies in front of Edulite that set X-Forwarded-For/-Proto (nginx: 1). Without it, every
    # sign-in seems to come from the proxy's address and HTTPS is not recognised.
    PROXY_COUNT = 0
    # New passwords: at least this long, and not containing the username.
    PASSWORD_MIN_LENGTH = 10
    # Outgoing e-mail for the daily digest.
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = "edulite@localhost"
    # The digest is not sent between these hours (local school time): nobody wants alerts at night.
    DIGEST_QUIET_START = 21
    DIGEST_QUIET_END = 7
    # Seconds an HTTP webhook call may take before it counts as failed.
    WEBHOOK_TIMEOUT = 5
    # Parent pages may be cached this long, so a teacher's edit shows within a minute.
    PARENT_CACHE_SECONDS = 60
    # Pages, exports and district figures kept per worker, keyed by the data version (0 turns it off).
    PAGE_CACHE_ENTRIES = 512
    # Whole answers (a caller, a URL) served before Flask runs (edulite/web/memo.py, ADR 0016); 0 turns it off.
    PAGE_MEMO_ENTRIES = 256
    # ... and at most this many bytes of page bodies per worker, none larger than PAGE_MEMO_MAX_BODY.
    PAGE_MEMO_BYTES = 64 * 1024 * 1024
    PAGE_MEMO_MAX_BODY = 2 * 1024 * 1024
    # Where `flask edulite backup` writes (empty: instance/backups) and how many copies it keeps.
    BACKUP_DIR = ""
    BACKUP_KEEP = 14
    # The families' survey (#13): answers accepted per address and per class link (POST only). A class of
    # 45 families answering in the same minute stays well inside; a script stuffing one class does not.
    # Mobile carriers put many phones behind one address (CGNAT): the per-address limit is generous.
    SURVEY_RATE_LIMIT_ADDRESS = "20 per minute;200 per day"
    SURVEY_RATE_LIMIT_CLASS = "120 per minute;1000 per day"
    # Host names this install answers to (Flask refuses others with 400): the Host header is reflected into
    # parent links and QR codes, so production sets e.g. ["school.example.cn"]. check-deploy requires it.
    TRUSTED_HOSTS = None
    # Seconds the rate-limit Redis may take to connect or answer; after that sign-in counts in this worker
    # and stops asking Redis for REDIS_RETRY_SECONDS (a circuit breaker), so a hung Redis costs one wait.
    REDIS_TIMEOUT_SECONDS = 0.5
    REDIS_RETRY_SECONDS = 30
    # Largest request body; bigger ones get the 413 page before anything reads them. Sheets are capped
    # again, more finely, by the IMPORT_* limits below.
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # Imports: refused before parsing when the file, its unpacked XML, or its rows and columns exceed these.
    IMPORT_MAX_BYTES = 10 * 1024 * 1024
    IMPORT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
    IMPORT_MAX_ROWS = 50_000
    IMPORT_MAX_COLUMNS = 50
