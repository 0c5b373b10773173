"""Every rule ID Edulite judges, grouped as the engine, the alert stores and the pages ask for them.

The one home of these lists (POLICY.md names the rules): a new rule added here reaches the inbox
filter, the recomputation that owns it and the meter's cap check together.
"""

from __future__ import annotations

# The school-day cap of each grade band (R-HW-01 is a cap of 0 for grades 1–2).
SCHOOL_DAY_CAP_RULE = {"1-2": "R-HW-01", "3-6": "R-HW-02", "7-9": "R-HW-03"}
# Rules a day's counted minutes break: the meter asks before saving an entry that breaks one (R-HW-05).
CAP_RULES = ("R-HW-01", "R-HW-02", "R-HW-03", "R-HW-04", "R-LOC-01")
# Bans, not caps: no confirmation and reason lets an entry break one, in "warn" mode too (#15).
BAN_RULES = ("R-HW-01",)
# Judged from homework entries and class sizes; recomputed when homework or classes change.
HOMEWORK_RULES = ("R-HW-01", "R-HW-02", "R-HW-03", "R-HW-04", "R-HW-06", "R-HW-08", "R-LOC-01", "R-CL-01",
                  "R-HW-12")
# Judged from after-school sessions; recomputed week by week when sessions change.
AFTER_SCHOOL_RULES = ("R-AS-01", "R-AS-02", "R-AS-03")
# After-school rules judged on each day's service as a whole, not per session.
AFTER_SCHOOL_DAY_RULES = ("R-AS-01", "R-AS-02")
# Judged from the families' survey answers (#13) per class and week; recomputed when an answer arrives.
SURVEY_RULES = ("R-SV-01", "R-SV-02", "R-SV-03")
# Every stored alert's rule, in the order of POLICY.md (the inbox filters by these).
ALERT_RULES = HOMEWORK_RULES + AFTER_SCHOOL_RULES + SURVEY_RULES
