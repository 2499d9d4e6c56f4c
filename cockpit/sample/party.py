"""Party building: one branch per village, its responsibility list (tasks) and quarterly scores.

Tasks are assigned each quarter (6-10 per branch in a full quarter) and due 20-75 days later; a
branch's pace factor stretches or shortens the time to complete. Status is taken at the data end.
The quarterly score rises with the share of the quarter's due tasks completed on time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cockpit.sample.csvio import NAT, fmt_date
from cockpit.sample.names import person_names

__all__ = ["TASKS", "branches_frame", "tasks_frame", "assessments_frame"]

# category -> ((title_zh, title_en), ...)
TASKS: dict[str, tuple[tuple[str, str], ...]] = {
    "organization": (("召开支部党员大会", "Hold the branch members' meeting"),
                     ("开展主题党日活动", "Hold a party theme day"),
                     ("落实“三会一课”制度", "Run the three meetings and one lesson"),
                     ("发展党员考察培养", "Assess and train prospective members"),
                     ("收缴党费并公示", "Collect and publish membership dues")),
    "governance": (("开展矛盾纠纷排查化解", "Screen and resolve disputes"),
                   ("修订完善村规民约", "Revise the village rules"),
                   ("落实“四议两公开”", "Apply the four-discussions two-disclosures procedure"),
                   ("更新网格员包片台账", "Update the grid workers' area ledger"),
                   ("公开村务财务", "Publish village affairs and accounts")),
    "service": (("走访慰问困难群众", "Visit households in difficulty"),
                ("开展便民服务日活动", "Hold a public service day"),
                ("组织志愿服务活动", "Organise volunteer service"),
                ("帮助老人办理线上业务", "Help elderly residents with online services"),
                ("回访民生诉求办理情况", "Follow up on citizen appeals")),
    "industry": (("推进村集体经济项目", "Advance the collective economy project"),
                 ("组织茶农技术培训", "Train tea growers"),
                 ("对接农产品销售渠道", "Find sales channels for farm produce"),
                 ("推进土地流转整合", "Consolidate land transfers"),
                 ("培育乡村旅游项目", "Develop a rural tourism project")),
    "safety": (("开展防汛安全隐患排查", "Inspect flood risks"),
               ("开展森林防火巡查", "Patrol for forest fire prevention"),
               ("排查农村自建房安全", "Inspect self-built houses"),
               ("开展消防安全宣传", "Run fire safety awareness"),
               ("检查地质灾害点", "Inspect geological hazard sites")),
}


def branches_frame(vil: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One party branch per village ('XX村党支部' / 'XX Village Party Branch')."""
    pop = vil["population"].to_numpy(float)
    members = np.clip(np.round(pop * 0.028 * rng.uniform(0.8, 1.2, len(vil))), 15, 80).astype(int)
    return pd.DataFrame({
        "branch_id": "PB" + vil["village_id"],
        "village_id": vil["village_id"],
        "name_zh": vil["name_zh"] + "党支部",
        "name_en": vil["name_en"] + " Party Branch",
        "secretary": person_names(len(vil), rng),
        "members": members,
    })


def _quarters(first_day: int, last_day: int) -> list[tuple[str, int, int]]:
    """Quarters (label, first day, last day) overlapping [first_day, last_day] (days since 1970)."""
    m0 = np.datetime64(int(first_day), "D").astype("datetime64[M]")
    q = m0 - (m0.astype(int) % 3)
    out = []
    while q.astype("datetime64[D]").astype(int) <= last_day:
        nxt = q + 3
        y, qn = int(str(q)[:4]), (int(str(q)[5:7]) - 1) // 3 + 1
        out.append((f"{y}-Q{qn}", int(q.astype("datetime64[D]").astype(int)),
                    int(nxt.astype("datetime64[D]").astype(int)) - 1))
        q = nxt
    return out


def tasks_frame(branches: pd.DataFrame, first_day: int, last_day: int, rng: np.random.Generator) -> pd.DataFrame:
    """The responsibility list of every branch from ``first_day`` to ``last_day`` (status at the end)."""
    cats = list(TASKS)
    rows = []
    pace = np.exp(rng.normal(0, 0.2, len(branches)))
    for b, br in enumerate(branches.itertuples()):
        for _, q0, q1 in _quarters(first_day, last_day):
            lo, hi = max(q0, first_day), min(q1, last_day)
            share = (hi - lo + 1) / (q1 - q0 + 1)
            n = int(round(rng.integers(6, 11) * share))
            if n == 0:
                continue
            assigned = lo + np.sort(rng.integers(0, max(1, int((hi - lo + 1) * 0.7)), n))
            due = assigned + rng.integers(20, 76, n)
            took = np.maximum(1, np.round((due - assigned) * pace[b] * np.exp(rng.normal(np.log(0.8), 0.35, n))))
            never = rng.random(n) < 0.04
            completed = np.where(never, NAT, assigned + took.astype(np.int64))
            owner = np.where(rng.random(n) < 0.5, br.secretary, person_names(n, rng))
            cat = rng.integers(0, len(cats), n)
            pick = rng.integers(0, 5, n)
            for i in range(n):
                zh, en = TASKS[cats[cat[i]]][pick[i]]
                rows.append((br.branch_id, cats[cat[i]], zh, en, owner[i], assigned[i], due[i],
                             completed[i], float(took[i]), rng.random(), rng.poisson(2.5)))
    df = pd.DataFrame(rows, columns=["branch_id", "category", "title_zh", "title_en", "owner", "assigned",
                                     "due", "completed", "took", "u", "extra"])
    done = (df["completed"] != NAT) & (df["completed"] <= last_day)
    frac = (last_day - df["assigned"]) / df["took"]
    started = frac >= 0.1
    progress = np.where(done, 1.0, np.where(started, np.clip(np.round(frac * 20) / 20, 0.05, 0.9), 0.0))
    evidence = np.where(done, 1 + df["extra"], np.where(started, np.round(df["u"] * 3 * progress + 0.5), 0))
    return pd.DataFrame({
        "task_id": [f"PT{i:06d}" for i in range(1, len(df) + 1)],
        "branch_id": df["branch_id"],
        "category": df["category"],
        "title_zh": df["title_zh"],
        "title_en": df["title_en"],
        "owner": df["owner"],
        "assigned_on": fmt_date(df["assigned"].to_numpy()),
        "due_on": fmt_date(df["due"].to_numpy()),
        "completed_on": fmt_date(np.where(done, df["completed"], NAT)),
        "status": np.where(done, "done", np.where(started, "in_progress", "not_started")).astype(object),
        "progress": progress,
        "evidence_count": evidence.astype(int),
        "_assigned": df["assigned"], "_due": df["due"], "_completed": np.where(done, df["completed"], NAT),
    })


def assessments_frame(branches: pd.DataFrame, tasks: pd.DataFrame, first_day: int, last_day: int,
                      rng: np.random.Generator) -> pd.DataFrame:
    """Quarterly scores (60-100) of every branch for the quarters that end inside the period.

    score = 62 + 30 * (on-time share of the quarter's due tasks) + branch effect + noise.
    """
    effect = dict(zip(branches["branch_id"], rng.normal(0, 3, len(branches))))
    on_time = (tasks["_completed"] != NAT) & (tasks["_completed"] <= tasks["_due"])
    rows = []
    for label, q0, q1 in _quarters(first_day, last_day):
        if q1 > last_day:
            continue
        in_q = (tasks["_due"] >= q0) & (tasks["_due"] <= q1)
        share = on_time[in_q].groupby(tasks["branch_id"][in_q]).mean()
        for bid in branches["branch_id"]:
            s = 62 + 30 * float(share.get(bid, 0.8)) + effect[bid] + rng.normal(0, 3)
            rows.append((bid, label, round(float(np.clip(s, 60, 100)), 1)))
    return pd.DataFrame(rows, columns=["branch_id", "quarter", "score"])
