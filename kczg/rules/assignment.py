"""Automatic assignment as a minimum-cost flow (OR-Tools' SimpleMinCostFlow), as HotCRP does it.

source → each nomination (capacity: the experts it still needs, k minus those it has)
       → each expert it may go to (capacity 1: never the same expert twice; no arc for a
         conflicted pair, declared or derived, nor for an expert it already has)
       → sink through one arc per load level of the expert, each of capacity 1 and costing the
         load it brings the expert to, so every extra task goes to the least-loaded expert
         able to take it; an expert's capacity (the most they take) ends their arcs.

The solver maximises the flow first (every nomination gets k experts wherever conflicts and
capacities allow) and then minimises the cost: with convex costs the loads end up as even as
the conflicts allow (within 1 of each other when they allow it). Pins (assignments made by
hand) stay and count towards both k and the loads. Pure: ids in, a plan out; no database.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Plan:
    pairs: list[tuple[int, int]] = field(default_factory=list)    # new (nomination, expert)
    short: dict[int, int] = field(default_factory=dict)           # nomination -> experts missing
    loads: dict[int, tuple[int, int]] = field(default_factory=dict)  # expert -> (before, after)
    seconds: float = 0.0
    full: set[int] = field(default_factory=set)  # experts the plan brought to their capacity

    @property
    def spread(self) -> int:
        """Largest minus smallest load after the plan, leaving out experts held below the
        others by their own capacity."""
        after = [a for e, (_, a) in self.loads.items() if e not in self.full]
        return max(after) - min(after) if after else 0


def solve(nominations: list[int], experts: list[int], k: int,
          have: dict[int, set[int]], blocked: set[tuple[int, int]],
          load: dict[int, int], capacity: dict[int, int | None] | None = None) -> Plan:
    """`have`: the experts each nomination already has (pins); `blocked`: (nomination, expert)
    pairs that must not be made (conflicts, declared or derived); `load`: each expert's
    current number of tasks; `capacity`: the most tasks an expert takes (None: no limit)."""
    import numpy
    from ortools.graph.python import min_cost_flow

    started = time.perf_counter()
    capacity = capacity or {}
    need = {n: max(k - len(have.get(n, ())), 0) for n in nominations}
    total = sum(need.values()) + sum(load.get(e, 0) for e in experts)
    even = -(-total // max(len(experts), 1))  # the highest load an even split gives
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    node_of_n = {n: 2 + i for i, n in enumerate(nominations)}
    node_of_e = {e: 2 + len(nominations) + i for i, e in enumerate(experts)}
    tails, heads, pair_of = [], [], []
    for n, node in node_of_n.items():
        if need[n]:
            flow.add_arc_with_capacity_and_unit_cost(source, node, need[n], 0)
            taken = have.get(n, set())
            for e, enode in node_of_e.items():
                if e not in taken and (n, e) not in blocked:
                    tails.append(node)
                    heads.append(enode)
                    pair_of.append((n, e))
    # the nomination → expert arcs in one call (numpy arrays), not one Python call each
    first = flow.add_arcs_with_capacity_and_unit_cost(
        numpy.array(tails, dtype=numpy.int32), numpy.array(heads, dtype=numpy.int32),
        numpy.ones(len(tails), dtype=numpy.int64), numpy.zeros(len(tails), dtype=numpy.int64)
    )[0] if tails else 0
    for e, enode in node_of_e.items():
        start, cap = load.get(e, 0), capacity.get(e)
        top = min(cap, even + 2) if cap is not None else even + 2
        for level in range(start, top):  # the task that brings the expert to level + 1
            flow.add_arc_with_capacity_and_unit_cost(enode, sink, 1, level + 1)
        if cap is None or cap > top:  # beyond an even split: allowed, at a cost no one prefers
            rest = (cap - max(top, start)) if cap is not None else sum(need.values())
            if rest > 0:
                flow.add_arc_with_capacity_and_unit_cost(enode, sink, rest, 10 * (even + 2))
    supply = sum(need.values())
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    plan = Plan()
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow solver returned status {status}")
    got = {n: 0 for n in nominations}
    flows = flow.flows(numpy.arange(first, first + len(pair_of))) if pair_of else []
    for (n, e), used in zip(pair_of, flows):
        if used:
            plan.pairs.append((n, e))
            got[n] += 1
    plan.short = {n: need[n] - got[n] for n in nominations if got[n] < need[n]}
    after = dict(load)
    for _, e in plan.pairs:
        after[e] = after.get(e, 0) + 1
    plan.loads = {e: (load.get(e, 0), after.get(e, 0)) for e in experts}
    plan.full = {e for e in experts
                 if capacity.get(e) is not None and after.get(e, 0) >= capacity[e]}
    plan.pairs.sort()
    plan.seconds = time.perf_counter() - started
    return plan
