"""Edulite over HTTP beside its baselines, in the same run: `python bench/run.py --set S` (or M).

Builds data set S (SQLite) or M (PostgreSQL, see bench/data.py), starts gunicorn servers with the
same settings — Edulite, a bare WSGI "hello", a Flask route doing one bare INSERT and, on SQLite, the save's
floor (its own statements replayed bare, bench/save_floor.py) — and drives each
page and the teacher's save with wrk (bounded in time and connections, loopback only). Prints per page
req/s, p50, p99, the ratio to the raw app, SQL statements per page and RSS per worker, and writes the
run with the machine's description to bench/results/. The machine is shared and noisy: read ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402

from bench import data  # noqa: E402
from edulite import create_app  # noqa: E402
from edulite.core.calendar import week_start  # noqa: E402
from edulite.db import get_db, upgrade  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
# Helpers sharing one PostgreSQL server can keep their own benchmark databases apart.
PG_DB = os.environ.get("BENCH_PG_DB", "edulite_bench")
RESULTS = ROOT / "bench" / "results"
SAVE_LUA = ROOT / "bench" / "save.lua"
# BENCH_PORT_BASE keeps two benchmarks on one machine (other worktrees) off each other's ports.
_BASE = int(os.environ.get("BENCH_PORT_BASE", "8100"))
PORTS = {"edulite": _BASE + 1, "hello": _BASE + 2, "insert": _BASE + 3, "floor": _BASE + 4}
# Saves recorded in-process for the floor (bench/save_floor.py): enough that a run replays each a few times.
FLOOR_SAVES = 2000
TARGETS = {"page": 0.25, "export": 0.1, "save": 0.5, "p99_ms": 50, "save_p99_ms": 200}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "?")
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(int(mem) / 1024 / 1024, 1),
            "python": platform.python_version(), "system": platform.platform(),
            "load_before": os.getloadavg()}


def database(kind: str, tmp: Path, *, reuse: bool = False) -> tuple[str, bool]:
    """The database's URL, and whether it already holds a built data set (only with reuse, PostgreSQL)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite'}", False
    import psycopg

    url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + PG_DB
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_DB,)).fetchone() is not None
        if reuse and exists:
            return url, True
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return url, False


def data_set(args, today: date) -> tuple[str, data.Built]:
    """The database of args.set (S on SQLite in a temporary folder, M on PostgreSQL unless --database says
    otherwise), built now or, with --reuse, the one an earlier run left: its URL and its facts."""
    url, exists = database(args.database or ("postgresql" if args.set == "M" else "sqlite"), Path(tempfile.mkdtemp()),
                           reuse=args.reuse)
    return url, rebuilt(url) if exists else build(args, url, today)


def rebuilt(url: str) -> data.Built:
    """A data set built by an earlier run (--reuse): migrated to this commit, its facts read back."""
    app = create_app({**config(url), "TESTING": True})
    upgrade(app)
    with get_db(app).engine(write=True).begin() as conn:
        one = lambda sql: conn.execute(text(sql)).scalar()  # noqa: E731
        school_id = one("SELECT id FROM school ORDER BY id LIMIT 1")
        class_ids = [r[0] for r in conn.execute(text("SELECT id FROM school_class WHERE school_id = :s ORDER BY id"),
                                                {"s": school_id})]
        built = data.Built(school_id, class_ids, class_ids[:data.TEACHER_CLASSES],
                           one("SELECT token FROM class_link ORDER BY id LIMIT 1"), one("SELECT count(*) FROM school"),
                           one("SELECT count(*) FROM school_class"), one("SELECT count(*) FROM homework_item"))
    get_db(app).dispose()
    print(f"reused {built.schools} schools, {built.classes} classes, {built.items:,} items", flush=True)
    return built


def config(url: str) -> dict:
    return {"SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": url, "ASSET_MODE": "local",
            "PASSWORD_HASH_METHOD": data.HASH, "LOGIN_RATE_LIMIT": "100000 per minute"}


def build(args, url: str, today: date) -> data.Built:
    app = create_app({**config(url), "TESTING": True})
    upgrade(app)
    started = time.perf_counter()
    built = data.build(app, schools=args.schools, today=today)
    with get_db(app).engine(write=True).begin() as conn:
        conn.execute(text("CREATE TABLE bench_raw (id INTEGER PRIMARY KEY "
                          + ("AUTOINCREMENT" if url.startswith("sqlite") else "GENERATED ALWAYS AS IDENTITY")
                          + ", day DATE NOT NULL, minutes INTEGER NOT NULL)"))
    get_db(app).dispose()
    print(f"built {built.schools} schools, {built.classes} classes, {built.items:,} items "
          f"in {time.perf_counter() - started:.0f} s", flush=True)
    return built


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def start(name: str, app: str, url: str, args, secret: str, extra_env: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, **(extra_env or {}), "DATABASE_URL": url, "BENCH_DATABASE_URL": url,
           "FLASK_SECRET_KEY": secret, "FLASK_ASSET_MODE": '"local"', "FLASK_LOGIN_RATE_LIMIT": '"100000 per minute"',
           "FLASK_PASSWORD_HASH_METHOD": f'"{data.HASH}"'}
    cmd = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{PORTS[name]}", "-w", str(args.workers),
           "-k", args.worker_class, "--threads", str(args.threads), "--timeout", "60", "--log-level", "warning",
           "--chdir", str(ROOT), app]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    wait_for(PORTS[name])
    return proc


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def workers_cpu_s(proc: subprocess.Popen) -> float:
    """User and system CPU seconds the server's workers have used so far (/proc, Linux)."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True, text=True).stdout
    total = 0
    for pid in out.split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime: the 14th and 15th fields of stat
    return total / os.sysconf("SC_CLK_TCK")


def worker_rss_mb(proc: subprocess.Popen) -> list[float]:
    out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(proc.pid)], capture_output=True, text=True).stdout
    return [round(int(x) / 1024, 1) for x in out.split()]


# What every phone's browser sends; Edulite answers a cached page compressed (ADR 0016), the raw app cannot.
PHONE = {"Accept-Encoding": "gzip, deflate, br"}


class Browser:
    """A signed-in user: a cookie jar and the page's CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def csrf(self, path: str) -> str:
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path))
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1)

    def sign_in(self, username: str) -> Browser:
        token = self.csrf("/login")
        body = urllib.parse.urlencode({"csrf_token": token, "username": username,
                                       "password": data.BENCH_PASSWORD}).encode()
        with self.opener.open(self.base + "/login", body, timeout=30) as response:
            if "/login" in response.url:
                raise RuntimeError(f"could not sign in as {username}")
        return self

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def wrk(url: str, *, connections: int, seconds: int, headers: dict[str, str] | None = None,
        script: Path | None = None, env: dict | None = None) -> dict:
    cmd = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency",
           "--timeout", "10s"]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, env={**os.environ, **(env or {})},
                         timeout=seconds + 60).stdout
    return parse_wrk(out)


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(out: str) -> dict:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if not (rps and p50 and p99):
        raise RuntimeError("wrk printed no result:\n" + out)
    return {"rps": float(rps.group(1)), "p50_ms": _ms(p50.group(1)), "p99_ms": _ms(p99.group(1)),
            "requests": int(total.group(1)) if total else 0,
            "errors": (int(bad.group(1)) if bad else 0) + (sum(map(int, sock.groups())) if sock else 0)}


def in_process(url: str, pages: dict[str, str], users: dict[str, str], repeat: int = 10) -> dict[str, dict]:
    """Per page, through the test client: SQL statements of one request, and the median server time of
    `repeat` requests with the page cache on (a hit after the first) and off (computed every time)."""
    out: dict[str, dict] = {}
    for cached in (True, False):
        app = create_app({**config(url), "TESTING": True, "WTF_CSRF_ENABLED": False,
                          **({} if cached else {"PAGE_CACHE_ENTRIES": 0})})
        seen: list[str] = []
        # On PostgreSQL reads and writes share one engine: listen once per distinct engine.
        for engine in {get_db(app).engine(write=False), get_db(app).engine(write=True)}:
            event.listen(engine, "before_cursor_execute", lambda *a, seen=seen: seen.append(a[2]))
        for name, path in pages.items():
            client = app.test_client()
            if users.get(name):
                client.post("/login", data={"username": users[name], "password": data.BENCH_PASSWORD})
            client.get(path)
            seen.clear()
            status = client.get(path).status_code
            statements = len(seen)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            row = out.setdefault(name, {})
            row["server_ms_cached" if cached else "server_ms"] = round(statistics.median(times), 2)
            if not cached:
                row["sql"] = statements if status == 200 else -status
        get_db(app).dispose()
    return out


def pages_of(built: data.Built, today: date) -> tuple[dict[str, str], dict[str, str]]:
    monday = week_start(today - timedelta(days=7))
    sunday = monday + timedelta(days=6)
    pages = {
        "principal week": f"/principal/?week={monday}",
        "teacher home": "/teacher/",
        "parent page": f"/c/{built.parent_token}",
        "CSV export, week": f"/principal/exports/file?from={monday}&to={sunday}&format=csv&table=items",
        "district overview": f"/district/?week={monday}",
    }
    users = {"principal week": "principal", "teacher home": "teacher", "CSV export, week": "principal",
             "district overview": "district", "parent page": ""}
    return pages, users


def run(args) -> dict:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    tmp = Path(tempfile.mkdtemp(prefix="edulite-bench-"))
    kind = args.database or ("postgresql" if args.set == "M" else "sqlite")
    url, exists = database(kind, tmp, reuse=args.reuse)
    built = rebuilt(url) if exists else build(args, url, today)
    if args.build_only:
        return {}
    pages, users = pages_of(built, today)
    if args.only == "save":
        pages = {}
    measured = in_process(url, pages, users)
    secret = secrets.token_hex(32)
    servers = {"edulite": start("edulite", "app:app", url, args, secret),
               "hello": start("hello", "bench.raw_apps:hello", url, args, secret),
               "insert": start("insert", "bench.raw_apps:insert_app", url, args, secret)}
    base = f"http://127.0.0.1:{PORTS['edulite']}"
    rows, saves = [], []
    try:
        signed = {u: Browser(base).sign_in(u) for u in set(users.values()) if u}
        # Pages first, saves last: saves add entries to today's classes, which the teacher's page lists.
        for _ in range(args.runs):
            hello = wrk(f"http://127.0.0.1:{PORTS['hello']}/", connections=args.connections, seconds=args.seconds,
                        headers=PHONE)
            for name, path in pages.items():
                user = users[name]
                if user:
                    # A phone keeps the cookie the server last sent: the session's idle clock moves on once a
                    # minute (auth.session_state), and wrk replays one fixed cookie for the whole run.
                    signed[user].get(path)
                headers = {**PHONE, **({"Cookie": signed[user].cookie} if user else {})}
                # One second unmeasured, so every worker has computed the page once (a miss is the computed
                # time in the table below, not part of the steady state measured here).
                wrk(base + path, connections=args.connections, seconds=1, headers=headers)
                result = wrk(base + path, connections=args.connections, seconds=args.seconds, headers=headers)
                rows.append({"page": name, **result, "raw_rps": hello["rps"],
                             "ratio": round(result["rps"] / hello["rps"], 4)})
                print(f"  {name:<20} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
                      f"p99 {result['p99_ms']:7.1f} ms  ratio {rows[-1]['ratio']:.3f}  errors {result['errors']}",
                      flush=True)
        rss = worker_rss_mb(servers["edulite"])
        runs = 0 if args.only == "pages" else args.runs
        teacher, env = save_workload(args, url, base, signed, built, today)
        # SQLite: each measured run starts from the database as it was before any save (restored with
        # SQLite's backup API, the servers idle), so a class-evening ends a run with about twenty entries, as
        # a busy real one has. Without it the warm-up and three runs piled a hundred or more into each of
        # the 216 class-evenings, and a save re-reads its evening (bench/README.md, sixth round).
        before = tmp / "before-saves.sqlite" if kind == "sqlite" and runs else None
        if before is not None:
            copy_database(sqlite_path(url), before)
            servers["floor"] = start_floor(url, built, today, tmp, args, secret, env)
            copy_database(before, sqlite_path(url))
        if runs:
            # Unmeasured first, both: on a new database the first seconds of saves grow SQLite's WAL file,
            # and an fsync that must also record a file's new size costs more than one that overwrites
            # (a server that has run an evening has its WAL at full size; bench/README.md).
            wrk(base + "/teacher/class/0", connections=args.writers, seconds=args.save_warmup,
                headers={"Cookie": teacher.cookie}, script=SAVE_LUA, env={**env, "RUN": "warm"})
            wrk(f"http://127.0.0.1:{PORTS['insert']}/insert", connections=args.writers, seconds=args.save_warmup,
                script=SAVE_LUA, env={**env, "RAW": "1", "RUN": "warm"})
        for number in range(runs):
            if before is not None:
                copy_database(before, sqlite_path(url))
            teacher.get("/teacher/")  # the cookie's idle clock, as above
            used = workers_cpu_s(servers["edulite"])
            save = wrk(base + "/teacher/class/0", connections=args.writers, seconds=args.seconds,
                       headers={"Cookie": teacher.cookie}, script=SAVE_LUA, env={**env, "RUN": str(number)})
            save["cpu_ms"] = round((workers_cpu_s(servers["edulite"]) - used) * 1000 / max(save["requests"], 1), 2)
            # Every answered save must be a new entry: one answered but not saved (a retry, a rejected form
            # answered 303) counts as an error. The server may have saved up to one more a connection after wrk
            # stopped counting.
            save["saved"] = saved_entries(url, str(number))
            if not save["requests"] <= save["saved"] <= save["requests"] + args.writers:
                save["errors"] += max(save["requests"] - save["saved"], 0) or 1
            used = workers_cpu_s(servers["insert"])
            raw = wrk(f"http://127.0.0.1:{PORTS['insert']}/insert", connections=args.writers,
                      seconds=args.seconds, script=SAVE_LUA, env={**env, "RAW": "1"})
            raw_cpu = round((workers_cpu_s(servers["insert"]) - used) * 1000 / max(raw["requests"], 1), 2)
            saves.append({**save, "raw_rps": raw["rps"], "raw_p99_ms": raw["p99_ms"], "raw_cpu_ms": raw_cpu,
                          "ratio": round(save["rps"] / raw["rps"], 4)})
            if "floor" in servers:
                saves[-1].update(floor_run(servers["floor"], url, before, args, env, raw["rps"]))
                saves[-1]["to_floor"] = round(save["rps"] / saves[-1]["floor_rps"], 4)
            print(f"  {'teacher save':<20} {save['rps']:8.1f} w/s    p50 {save['p50_ms']:7.1f} ms  "
                  f"p99 {save['p99_ms']:7.1f} ms  ratio {saves[-1]['ratio']:.3f}  errors {save['errors']}  "
                  f"(raw insert {raw['rps']:.0f} w/s); worker CPU a write {save['cpu_ms']} ms, raw {raw_cpu} ms; "
                  f"{save['saved']} new entries for {save['requests']} answers"
                  + (f"; the save's floor {saves[-1]['floor_rps']:.0f} w/s, ratio {saves[-1]['floor_ratio']:.3f}, "
                     f"{saves[-1]['floor_cpu_ms']} ms a write; the save {saves[-1]['to_floor']:.3f} of its floor"
                     if "floor_rps" in saves[-1] else ""),
                  flush=True)
    finally:
        for proc in servers.values():
            stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    return {"set": args.set, "database": kind, "built": built.__dict__ | {"parent_token": "…"},
            "settings": {k: getattr(args, k) for k in ("workers", "worker_class", "threads", "connections",
                                                        "writers", "seconds", "runs", "pileup",
                                                        "save_warmup")},
            "pages": summarise(rows), "save": summarise_saves(saves), "in_process": measured, "rss_mb": rss}


def start_floor(url: str, built: data.Built, today: date, tmp: Path, args, secret: str,
                env: dict) -> subprocess.Popen:
    """Record FLOOR_SAVES real saves in-process (they change the database: the caller restores it) and
    serve bench/raw_apps.py's floor route replaying their statements bare (bench/save_floor.py)."""
    from bench.save_floor import record  # imports this module: not at the top
    from bench.where_saves_go import saver

    app = create_app({**config(url), "TESTING": True})
    try:
        recorded = record(app, saver(app, built, today, pileup=args.pileup), FLOOR_SAVES)
    finally:
        get_db(app).dispose()
    floor_file = tmp / "floor.json"
    floor_file.write_text(json.dumps(recorded), encoding="utf-8")
    server = start("floor", "bench.raw_apps:floor_app", url, args, secret, {"BENCH_FLOOR_FILE": str(floor_file)})
    # Unmeasured, as Edulite's warm-up: each worker loads the recorded statements at its first request.
    wrk(f"http://127.0.0.1:{PORTS['floor']}/floor", connections=args.writers, seconds=args.save_warmup,
        script=SAVE_LUA, env={**env, "RAW": "1", "RAWPATH": "/floor", "RUN": "warm"})
    return server


def floor_run(server: subprocess.Popen, url: str, before: Path, args, env: dict, raw_rps: float) -> dict:
    """One wrk run of the save's floor, from the database as it was before any save."""
    copy_database(before, sqlite_path(url))
    used = workers_cpu_s(server)
    floor = wrk(f"http://127.0.0.1:{PORTS['floor']}/floor", connections=args.writers, seconds=args.seconds,
                script=SAVE_LUA, env={**env, "RAW": "1", "RAWPATH": "/floor"})
    return {"floor_rps": floor["rps"], "floor_p99_ms": floor["p99_ms"], "floor_errors": floor["errors"],
            "floor_ratio": round(floor["rps"] / raw_rps, 4),
            "floor_cpu_ms": round((workers_cpu_s(server) - used) * 1000 / max(floor["requests"], 1), 2)}


def sqlite_path(url: str) -> Path:
    return Path(url.split("///", 1)[1])


def copy_database(source: Path, target: Path) -> None:
    """Copy one SQLite database over another with the backup API: safe while servers hold connections to
    the target (they see the new content at their next transaction). The WAL keeps its size: folded back
    into the database file, but not truncated, as on a server that has run an evening."""
    with sqlite3.connect(source, timeout=30) as src, sqlite3.connect(target, timeout=30) as dst:
        src.backup(dst)
        dst.execute("PRAGMA wal_checkpoint(PASSIVE)")


def saved_entries(url: str, run: str) -> int:
    """The entries a save run created (save.lua writes "bench <run> <thread> <n>" into each description)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM homework_item WHERE description LIKE :run"),
                                {"run": f"bench {run} %"}).scalar_one()
    finally:
        engine.dispose()


def save_workload(args, url: str, base: str, signed: dict, built: data.Built, today: date
                  ) -> tuple[Browser, dict[str, str]]:
    """Who saves what in the save run, as the environment of bench/save.lua.

    By default a school's evening: the writers save for every class and subject the colleague account
    teaches (the whole school but the signed-in teacher's eight pairs), each entry for one of the school
    days the form accepts from today on, so a class-evening ends the three runs with about twenty entries,
    as a busy real one has. --pileup is the earlier workload: one teacher's four classes, today only, so
    each of the four class-evenings ends with a thousand entries and every save re-reads them all.
    """
    if args.pileup:
        teacher = signed["teacher"]
        pairs = [(cid, sid) for cid in built.teacher_class_ids for sid in (1, 2)]
        days = [today]
    else:
        teacher = Browser(base).sign_in("c0")
        app = create_app({**config(url), "TESTING": True})
        with get_db(app).engine(write=True).begin() as conn:
            pairs = [tuple(r) for r in conn.execute(text(
                "SELECT a.class_id, a.subject_id FROM assignment a JOIN \"user\" u ON u.id = a.teacher_id "
                "WHERE u.username = 'c0' ORDER BY a.class_id, a.subject_id"))]
        get_db(app).dispose()
        # Consecutive requests go to different classes, as 32 teachers each saving for their own class do;
        # two saves of one class-evening at the same instant make the second re-check in the lock (ADR 0010).
        random.Random(1).shuffle(pairs)
        days = [d for d in (today + timedelta(days=n) for n in range(8)) if d.weekday() < 5]
    token = teacher.csrf(f"/teacher/class/{pairs[0][0]}")
    return teacher, {"CSRF": token, "PAIRS": ",".join(f"{c}:{s}" for c, s in pairs),
                     "DAYS": ",".join(d.isoformat() for d in days)}


def summarise(rows: list[dict]) -> list[dict]:
    out = []
    for name in dict.fromkeys(r["page"] for r in rows):
        mine = [r for r in rows if r["page"] == name]
        out.append({"page": name, **{k: statistics.median(r[k] for r in mine)
                                     for k in ("rps", "p50_ms", "p99_ms", "raw_rps", "ratio")},
                    "errors": sum(r["errors"] for r in mine)})
    return out


def summarise_saves(saves: list[dict]) -> dict:
    if not saves:  # --only pages
        return {}
    return {**{k: statistics.median(s[k] for s in saves) for k in ("rps", "p50_ms", "p99_ms", "raw_rps", "ratio",
                                                                       "cpu_ms", "raw_cpu_ms")},
            "errors": sum(s["errors"] for s in saves), "requests": sum(s["requests"] for s in saves),
            "saved": sum(s["saved"] for s in saves),
            "runs": [{k: s[k] for k in ("rps", "ratio", "p99_ms", "cpu_ms", "saved", "requests")} for s in saves],
            **({k: statistics.median(s[k] for s in saves) for k in ("floor_rps", "floor_ratio", "floor_p99_ms",
                                                                    "to_floor", "floor_cpu_ms")}
               | {"floor_errors": sum(s["floor_errors"] for s in saves)} if "floor_rps" in saves[0] else {})}


def report(result: dict, info: dict) -> str:
    lines = [f"# Edulite benchmark, data set {result['set']} ({result['database']}), {info['when']}", "",
             f"Machine: {info['machine']['cpu']}, {info['machine']['cores']} cores, "
             f"{info['machine']['memory_gib']} GiB; Python {info['machine']['python']}; load before "
             f"{', '.join(f'{x:.2f}' for x in info['machine']['load_before'])}. Commit {info['commit']}.",
             f"Data: {result['built']['schools']} schools, {result['built']['classes']} classes, "
             f"{result['built']['items']:,} items. gunicorn {result['settings']['workers']} workers "
             f"({result['settings']['worker_class']}, {result['settings']['threads']} threads); wrk "
             f"{result['settings']['connections']} connections (saves: {result['settings']['writers']}), "
             f"{result['settings']['seconds']} s a run, median of {result['settings']['runs']}.", "",
             "Server time is one request through the test client (median of 10), with the page cache on (a hit)",
             "and off (the page computed); SQL is the statements of one computed request.", "",
             "| page | req/s | raw req/s | ratio | p50 ms | p99 ms | errors | server ms cached / computed | SQL/page |",
             "|---|---|---|---|---|---|---|---|---|"]
    for p in result["pages"]:
        m = result["in_process"].get(p["page"], {})
        lines.append(f"| {p['page']} | {p['rps']:.1f} | {p['raw_rps']:.0f} | {p['ratio']:.3f} | {p['p50_ms']:.1f} | "
                     f"{p['p99_ms']:.1f} | {p['errors']} | {m.get('server_ms_cached')} / {m.get('server_ms')} | "
                     f"{m.get('sql')} |")
    s = result["save"]
    if not s:
        return "\n".join(lines + ["", "No save run (--only pages)."]) + "\n"
    workload = ("one teacher's four classes, today only (--pileup)" if result["settings"].get("pileup") else
                "the colleague account's classes and subjects, each save one of the school days from today on")
    lines += ["", f"Saves: the real form, {workload}.",
              "", "| write | w/s | raw insert w/s | ratio | p50 ms | p99 ms | errors |",
              "|---|---|---|---|---|---|---|",
              f"| teacher save | {s['rps']:.1f} | {s['raw_rps']:.0f} | {s['ratio']:.3f} | {s['p50_ms']:.1f} | "
              f"{s['p99_ms']:.1f} | {s['errors']} of {s['requests']} |",
              *([f"| the save's floor: its statements replayed bare | {s['floor_rps']:.1f} | {s['raw_rps']:.0f} | "
                 f"{s['floor_ratio']:.3f} | | {s['floor_p99_ms']:.1f} | {s['floor_errors']} |"]
                if "floor_rps" in s else []),
              "", f"New entries saved by the measured runs: {s['saved']:,} for {s['requests']:,} answered saves "
              "(each description names its run; an answer without a new entry counts as an error).",
              "", "Each run of the save: " + "; ".join(
                  f"{r['rps']:.0f} w/s, ratio {r['ratio']:.3f}, p99 {r['p99_ms']:.0f} ms, {r['cpu_ms']} ms of "
                  "worker CPU a save" for r in s["runs"]) + f" (raw INSERT: {s['raw_cpu_ms']} ms a write"
              + (f"; the floor: {s['floor_cpu_ms']} ms" if "floor_rps" in s else "") + ").",
              *(["", "The floor (bench/save_floor.py) replays recorded saves' own statements with their parameters "
                 "through a bare Flask route and sqlite3: no sign-in, CSRF, form, rule, summary or alert in Python. "
                 "No Python around those statements can bring the save above it. The save reached "
                 f"{s['to_floor']:.3f} of its floor (median of the runs; ADR 0020)."] if "floor_rps" in s else []),
              "", f"RSS per Edulite worker: {', '.join(f'{x} MB' for x in result['rss_mb'])}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("S", "M"), default="S")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), help="default: S on SQLite, M on PostgreSQL")
    parser.add_argument("--schools", type=int, help="extra schools (M: 600)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=2)  # as gunicorn.conf.py
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pileup", action="store_true",
                        help="the earlier save workload: one teacher's four classes, today only (see save_workload)")
    parser.add_argument("--save-warmup", type=int, default=10, help="seconds of unmeasured saves first")
    parser.add_argument("--only", choices=("pages", "save"), help="measure only the pages, or only the save")
    parser.add_argument("--no-save", action="store_true", help="print only, do not write bench/results/")
    parser.add_argument("--reuse", action="store_true",
                        help="PostgreSQL: keep the data set of an earlier run (database $BENCH_PG_DB) if there is one")
    parser.add_argument("--build-only", action="store_true", help="build (or migrate, with --reuse) and stop")
    args = parser.parse_args()
    if args.schools is None:
        args.schools = 600 if args.set == "M" else 0
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    info = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
            "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                     cwd=ROOT).stdout.strip()}
    result = run(args)
    if args.build_only or args.only:
        return  # a partial run is printed as it goes and never written to bench/results/
    text_report = report(result, info)
    print("\n" + text_report)
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        stem = f"{info['when'][:10]}-{info['when'][11:13]}{info['when'][14:16]}-{args.set.lower()}-{result['database']}"
        (RESULTS / f"{stem}.md").write_text(text_report, encoding="utf-8")
        (RESULTS / f"{stem}.json").write_text(json.dumps({**info, **result}, ensure_ascii=False, indent=1,
                                                         default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
