"""Automatic assignment at the size of a large year: prints the conflicts found, the solve time,
and checks the plan against the issue's constraints with code of its own.

    .venv/bin/python bench/assignment.py [--nominations 2300] [--experts 300] [--k 3] [--seed 1]

Generated data: experts employed by 150 organisations (universities, institutes, companies,
funds), a fifth of them with the employer's 统一社会信用代码; nominations of the six lists whose
recommending unit, completion units, people's employers, investors or members are drawn from a
pool that includes those employers, so each nomination conflicts with a few experts through one
party or another (and some through the USCC alone, under another name). A tenth of the
nominations come with one expert pinned by hand; a tenth of the experts have a capacity.

The conflicts are derived by kczg/rules/conflicts.py (the platform's own rule, the same call
the assignment makes) and the plan by kczg/rules/assignment.py; the checks then recompute,
pair by pair, that no planned pair is conflicted, that every nomination has k experts, that the
loads are within 1 of each other (apart from experts held by their capacity) and that no
capacity is exceeded.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace as NS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def world(n_count: int, e_count: int, seed: int):
    rng = random.Random(seed)
    kinds = ["大学", "研究院", "科技有限公司", "创业投资基金管理有限公司", "学会"]
    places = ["北京", "上海", "深圳", "杭州", "武汉", "成都", "西安", "南京", "合肥", "广州"]
    orgs = [f"{places[i % 10]}第{i:03d}{kinds[i % 5]}" for i in range(150)]
    uscc = {o: f"91{i:04d}{'A' * 11}{i % 10}" for i, o in enumerate(orgs)}
    others = [f"{places[i % 10]}其他第{i:04d}{kinds[i % 5]}" for i in range(2000)]
    experts = []
    for i in range(e_count):
        employer = orgs[i % len(orgs)]
        experts.append(NS(id=10_000 + i, affiliation=employer,
                          affiliation_uscc=uscc[employer] if i % 5 == 0 else "",
                          review_capacity=None))
    for e in rng.sample(experts, e_count // 10):
        e.review_capacity = rng.randint(20, 40)

    def pick():  # a party: one of the experts' employers (or a part of one) now and then
        r = rng.random()
        if r < 0.08:
            return rng.choice(orgs)
        if r < 0.10:
            return rng.choice(orgs) + "信息学院"
        return rng.choice(others)

    nominations = []
    for i in range(n_count):
        code = ["xdjs", "xrqy", "cxyrt", "kjtz", "kycx", "tpdb"][i % 6]
        clean = {"xdjs": lambda: {"first_unit": pick(), "other_units": [{"name": pick()}],
                                  "people": [{"name": "某", "unit": pick()} for _ in range(3)]},
                 "xrqy": lambda: {"company_name": pick(), "uscc": rng.choice(list(uscc.values()))
                                  if rng.random() < 0.05 else "",
                                  "financing": [{"investors": f"{pick()}、{pick()}"}]},
                 "cxyrt": lambda: {"lead_unit": pick(), "org_name": pick(),
                                   "members": [{"name": pick()} for _ in range(4)]},
                 "kjtz": lambda: {"org_name": pick(), "cases": [{"company": pick()}]},
                 "kycx": lambda: {"maintainer": pick()},
                 "tpdb": lambda: {"unit": pick()}}[code]()
        nominations.append(NS(id=i + 1, list=code, organisation=NS(name=pick()), clean=clean,
                              data=None))
    return rng, nominations, experts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nominations", type=int, default=2300)
    parser.add_argument("--experts", type=int, default=300)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="60 nominations, 12 experts")
    args = parser.parse_args()
    n_count, e_count = (60, 12) if args.smoke else (args.nominations, args.experts)

    from kczg.rules import assignment, conflicts

    rng, nominations, experts = world(n_count, e_count, args.seed)
    started = time.perf_counter()
    blocked = conflicts.matrix(experts, nominations)
    derive_s = time.perf_counter() - started
    pins = {n.id: {rng.choice([e.id for e in experts if (n.id, e.id) not in blocked])}
            for n in rng.sample(nominations, n_count // 10)}
    load = {e.id: 0 for e in experts}
    for chosen in pins.values():
        for e in chosen:
            load[e] += 1
    capacity = {e.id: e.review_capacity for e in experts}
    started = time.perf_counter()
    plan = assignment.solve([n.id for n in nominations], [e.id for e in experts], args.k, pins,
                            set(blocked), load, capacity)
    solve_s = time.perf_counter() - started

    # the checks, recomputed here
    by_id = {e.id: e for e in experts}
    n_by_id = {n.id: n for n in nominations}
    conflicted = sum(1 for n_id, e_id in plan.pairs if conflicts.reason(
        conflicts.employer(by_id[e_id]), conflicts.parties(n_by_id[n_id])))
    per = {n.id: len(pins.get(n.id, ())) for n in nominations}
    for n_id, _ in plan.pairs:
        per[n_id] += 1
    after = dict(load)
    for _, e_id in plan.pairs:
        after[e_id] += 1
    over = sum(1 for e in experts if capacity[e.id] is not None and after[e.id] > capacity[e.id])
    free = [after[e.id] for e in experts
            if capacity[e.id] is None or after[e.id] < capacity[e.id]]
    spread = max(free) - min(free)
    by_kind: dict[str, int] = {}
    for why in blocked.values():
        kind = ("统一社会信用代码" if "统一社会信用代码" in why else "名称相近" if "相近" in why
                else why.split("与", 1)[1].split("相同")[0])
        by_kind[kind] = by_kind.get(kind, 0) + 1

    print(f"{n_count} nominations x {e_count} experts, k = {args.k}, "
          f"{len(pins)} pinned by hand, {sum(1 for c in capacity.values() if c)} with a capacity")
    print(f"derived conflicts: {len(blocked)} pairs in {derive_s:.2f} s "
          f"({', '.join(f'{k} {v}' for k, v in sorted(by_kind.items(), key=lambda x: -x[1]))})")
    print(f"solve (min-cost flow, OR-Tools): {solve_s:.2f} s, {len(plan.pairs)} new assignments")
    print(f"conflicted pairs in the plan: {conflicted}")
    print(f"nominations without {args.k} experts: "
          f"{sum(1 for v in per.values() if v != args.k)}")
    print(f"load spread: {spread} (loads {min(free)}-{max(free)}); capacities exceeded: {over}")
    ok = conflicted == 0 and all(v == args.k for v in per.values()) and spread <= 1 and not over
    print("targets (0 conflicted, every nomination k experts, spread <= 1): "
          + ("met" if ok else "NOT met"))


if __name__ == "__main__":
    main()
