#!/usr/bin/python3
"""The CLI's files depend on each other one way.
    check_layers.py CLI_SOURCE_DIR ARCHIVE...
1. Includes: the graph of '#include "..."' lines between cli/ files has no
   cycle, and no CLI file includes a library-private header (internal.h or
   anything under src/ but src/io's jr_io.h).
2. Calls: between the object files of the CLI's static libraries (nm), a
   file calls another when it references a symbol the other defines; calls
   through the hooks of cli_env (function pointers, invisible to nm) are
   added from the caller of each hook to the file implementing it. The
   graph has no cycle, and the layers go one way: run -> commands_* ->
   input/output -> report."""
import os
import re
import subprocess
import sys

SRC, ARCHIVES = sys.argv[1], sys.argv[2:]
FAILS = []


def find_cycle(graph):
    state = {}

    def visit(n, path):
        if state.get(n) == 1:
            return path[path.index(n):] + [n]
        if state.get(n) == 2:
            return None
        state[n] = 1
        for m in graph.get(n, ()):
            c = visit(m, path + [n])
            if c:
                return c
        state[n] = 2
        return None

    for n in sorted(graph):
        c = visit(n, [])
        if c:
            return c
    return None


# 1. includes
inc = {}
for f in sorted(os.listdir(SRC)):
    if f.endswith((".c", ".h")):
        text = open(os.path.join(SRC, f)).read()
        names = re.findall(r'^\s*#\s*include\s*"([^"]+)"', text, re.M)
        inc[f] = [n for n in names if os.path.exists(os.path.join(SRC, n))]
        for n in names:
            if n.endswith("internal.h") or "/" in n:
                FAILS.append("%s includes the private header %s" % (f, n))
c = find_cycle(inc)
if c:
    FAILS.append("include cycle: " + " -> ".join(c))

# 2. calls
defs, refs = {}, {}
for ar in ARCHIVES:
    member = None
    out = subprocess.run(["nm", ar], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        if line.endswith(".o:"):
            member = line[:-1]
            if member.endswith(".c.o"):
                member = member[:-4]
            refs.setdefault(member, set())
            continue
        p = line.split()
        if len(p) == 3 and p[1] in "TDRB":
            defs[p[2]] = member
        elif len(p) == 2 and p[0] == "U":
            refs[member].add(p[1])
calls = {n: {defs[s] for s in r if s in defs and defs[s] != n}
         for n, r in refs.items()}
HOOKS = [("report", "mpi_report"), ("commands_common", "mpi_input"),
         ("commands_common", "mpi_output"), ("run", "mpi_options"),
         ("run", "mpi_agree"), ("run", "mpi_help"),
         ("commands_mvn", "mpi_mvn")]  # agree, finish
for a, b in HOOKS:
    if a in calls and b in calls:
        calls[a].add(b)
c = find_cycle(calls)
if c:
    FAILS.append("call cycle: " + " -> ".join(c))
# The layers: a file may call only files of a lower rank.
RANK = {"run": 6, "args": 5, "help": 5, "mpi_options": 5, "mpi_request": 4,
        "mpi_agree": 2.5, "mpi_help": 5, "commands_keys": 4, "commands_sample": 4,
        "commands_mvn": 4, "commands_density": 4, "commands_common": 3.5, "mpi_input": 3,
        "mpi_mvn": 3,
        "input": 2, "output": 2, "plot": 2, "mpi_output": 2, "source": 1,
        "names": 1, "decimal": 1, "plot_svg": 1, "report": 1,
        "sample_stats": 0.5, "mpi_report": 0}
for a, bs in calls.items():
    if a not in RANK:
        FAILS.append("%s: not in the layer table of this test" % a)
        continue
    for b in bs:
        if RANK.get(b, 99) >= RANK[a]:
            FAILS.append("%s calls %s: against the layers" % (a, b))
for n in sorted(calls):
    print("%-16s -> %s" % (n, ", ".join(sorted(calls[n]))))
for f in FAILS:
    print("FAIL:", f)
print("check_layers: %d files, %d failures" % (len(calls), len(FAILS)))
sys.exit(1 if FAILS else 0)
