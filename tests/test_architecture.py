"""The code's shape, checked: the imports say the layers (import-linter's contracts in
pyproject.toml), no module of kczg/ is in an import cycle (every import statement counted,
function-level ones included), and no view writes a model (every state change is an
operation's)."""
import re
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold():
    """views > operations > services > rules > campaign scope > models, forms and exports below
    the app, no cycle between the siblings of a package (`lint-imports`, as ./run test runs)."""
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
                            cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _cycles(graph, modules) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index, low, on_stack, stack, out, counter = {}, {}, set(), [], [], [0]
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & modules) for m in modules}
    for start in sorted(modules):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter[0]
                counter[0] += 1
                stack.append(node)
                on_stack.add(node)
            for j in range(i, len(edges[node])):
                nxt = edges[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    component = []
                    while True:
                        m = stack.pop()
                        on_stack.discard(m)
                        component.append(m)
                        if m == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return out


def test_no_module_of_kczg_is_in_an_import_cycle():
    graph = grimp.build_graph("kczg", cache_dir=None)
    modules = set(graph.modules) - {"kczg"}  # the package's __init__ builds the app from all
    assert len(modules) > 80
    assert _cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_cycle():
    """(The check above can fail: a made-up graph with a cycle is found.)"""
    graph = grimp.ImportGraph()
    for a, b in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=a, imported=b)
    assert _cycles(graph, {"p.a", "p.b", "p.c", "p.d"}) == [["p.a", "p.b", "p.c"]]


WRITE = re.compile(r"\.(save|create|delete_instance|insert|update)\(")


def test_no_view_writes_a_model():
    """Views parse, call one operation and render: none saves, creates, deletes, inserts or
    updates anything itself (grep -nE "\\.(save|create|delete_instance|insert|update)\\("
    kczg/*/views.py finds nothing)."""
    views = sorted(ROOT.glob("kczg/*/views.py"))
    assert len(views) == 5
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in views
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if WRITE.search(line)]
    assert found == []
