"""How far below a raw INSERT a save can possibly be: the save's own statements, replayed bare.

`python bench/save_floor.py [--saves 3000]`: posts real saves (bench/where_saves_go.py's workload) and
records each one's statements with the parameters the driver received. Then, in one process and back to
back, it measures CPU per request of:

- edulite: the teacher's real save through Flask's test client;
- floor: a bare Flask route replaying one recorded save's statements through a plain sqlite3 connection
  (the same statements, the same parameters, the same BEGIN IMMEDIATE and COMMIT; no sign-in, CSRF, form,
  rule, summary or alert computed in Python) - what the save's SQL alone costs behind Flask;
- insert: bench/raw_apps.py's raw-INSERT route, the benchmark's baseline.

The ratios insert/floor and insert/edulite bound what any Python around these statements can reach
(#12 asks 0.5 of the raw insert under gunicorn; in-process ratios leave out the server's share, which
every app pays alike, so they are lower than gunicorn's).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bench.raw_apps import floor_app, insert_app, naming_column  # noqa: E402
from bench.timing import cpu_per_call  # noqa: E402
from bench.where_saves_go import setup  # noqa: E402
from edulite.db import get_db  # noqa: E402


def record(app, save, saves: int) -> list[dict]:
    """Each of `saves` saves: its statements with their driver parameters (a list of lists for an
    executemany), COMMIT written out, and the id of the entry it created (as its history row names it).
    As JSON, bench/raw_apps.py's floor route replays them."""
    recorded: list[list[tuple[str, list]]] = []

    def on_execute(_conn, _cursor, statement, parameters, *_args):
        recorded[-1].append((statement, [list(p) for p in parameters] if isinstance(parameters, list)
                             else list(parameters)))

    def on_commit(conn):
        # The end of the read half commits a connection that never began (no BEGIN for a single read).
        if conn.connection.driver_connection.in_transaction:
            recorded[-1].append(("COMMIT", ()))

    db = get_db(app)
    engines = {db.engine(write=False), db.engine(write=True)}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", on_execute)
        event.listen(engine, "commit", on_commit)
    for _ in range(saves):
        recorded.append([])
        save()
    for engine in engines:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)
    return [{"statements": statements, "item_id": next(p[naming_column(s)] for s, p in statements
                                                       if s.startswith("INSERT INTO homework_revision"))}
            for statements in recorded]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app, save, _, _ = setup()
    path = app.config["DATABASE_URL"].split("///", 1)[1]
    recorded = record(app, save, args.saves)
    floor_file = Path(path).with_name("floor.json")
    floor_file.write_text(json.dumps(recorded), encoding="utf-8")
    os.environ.update(BENCH_DATABASE_URL=app.config["DATABASE_URL"], BENCH_FLOOR_FILE=str(floor_file))
    floor_client, insert_client = floor_app.test_client(), insert_app.test_client()

    def floor() -> None:
        response = floor_client.post("/floor")
        assert response.status_code == 303, response.status_code

    def insert() -> None:
        assert insert_client.post("/insert").status_code == 303

    statements = sum(len(s["statements"]) for s in recorded) / len(recorded)
    print(f"{len(recorded)} saves recorded, {statements:.0f} statements each (COMMIT counted)")
    for round_ in range(1, args.rounds + 1):
        # Alternated, so that the machine's noise falls on all three alike.
        figures = {name: cpu_per_call(post, args.saves, warmup=20) * 1000 for name, post in
                   (("edulite", save), ("floor", floor), ("insert", insert))}
        print(f"round {round_}: CPU per request " + ", ".join(f"{k} {v:.2f} ms" for k, v in figures.items())
              + f"; insert/floor {figures['insert'] / figures['floor']:.2f}, "
              f"insert/edulite {figures['insert'] / figures['edulite']:.2f}")
    get_db(app).dispose()


if __name__ == "__main__":
    main()
