"""Survey answers for the district overview's figures at M (ADR 0018, bench/README.md "Survey figures at M").

    BENCH_PG_DB=edulite_bench_district .venv/bin/python bench/survey_answers.py --per-evening 8
    BENCH_PG_DB=edulite_bench_district .venv/bin/python bench/survey_answers.py --delete

Adds per-evening answers to every active class for each school evening (Monday to Friday) of last week
(bench/district_time.py's default week) in one INSERT ... SELECT, with PostgreSQL's random() seeded so that
two runs store the same answers: 7,236 classes x 5 evenings x 8 = 289,440 on M. Devices are "bench-..."
so --delete removes exactly these. Minutes follow the form's chips with some typed figures; bedtime any
band of the form. PostgreSQL only (the kept M database).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edulite.core.calendar import week_start  # noqa: E402
from edulite.core.survey_rules import BEDTIME_BANDS, MINUTE_CHIPS  # noqa: E402

DB = os.environ.get("BENCH_PG_DB", "edulite_bench_district")
ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-evening", type=int, default=8, help="answers per class and evening")
    parser.add_argument("--delete", action="store_true", help="remove the answers this script added, only")
    args = parser.parse_args()
    monday = week_start(date.today() - timedelta(days=7))
    with psycopg.connect(ADMIN.rsplit("/", 1)[0] + "/" + DB) as conn:
        conn.execute("DELETE FROM survey_answer WHERE device LIKE 'bench-%%'")
        if not args.delete:
            conn.execute("SELECT setseed(0.42)")
            # Chips mostly, sometimes a typed figure (any of 0..180): the histograms see many values.
            conn.execute("""
                INSERT INTO survey_answer (class_id, school_id, evening, device, minutes, finished, bedtime,
                                           asked_to_check, phone_used, created_at, updated_at)
                SELECT c.id, c.school_id, %(monday)s::date + d, 'bench-' || c.id || '-' || d || '-' || k,
                       CASE WHEN random() < 0.8 THEN (%(chips)s::int[])[1 + floor(random() * %(nchips)s)::int]
                            ELSE floor(random() * 181)::int END,
                       random() < 0.85, (%(bands)s::text[])[1 + floor(random() * %(nbands)s)::int],
                       random() < 0.2, random() < 0.3, now(), now()
                FROM school_class c CROSS JOIN generate_series(0, 4) AS d
                     CROSS JOIN generate_series(1, %(per)s) AS k
                WHERE c.active ORDER BY c.id, d, k""",
                {"monday": monday, "per": args.per_evening, "chips": list(MINUTE_CHIPS), "nchips": len(MINUTE_CHIPS),
                 "bands": list(BEDTIME_BANDS), "nbands": len(BEDTIME_BANDS)})
        conn.execute("ANALYZE survey_answer")
        total = conn.execute("SELECT count(*) FROM survey_answer WHERE device LIKE 'bench-%%'").fetchone()
        print(f"{DB}: {total[0] if total else 0:,} bench answers for the week of {monday}")


if __name__ == "__main__":
    main()
