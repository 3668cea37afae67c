#!/usr/bin/env python3
"""Object-file dependencies of a sealdesk build, from `nm`: which .o needs which.

  objdeps.py BUILD cycles            list every cycle between two or more .o files of src/
  objdeps.py BUILD closure TARGET    the src/ objects a tool's link pulls in, e.g. sealaudit
  objdeps.py BUILD why OBJ TARGET    one chain from the tool's main to OBJ
  objdeps.py BUILD modules           which src/ folder (static library) needs which; exit 1 on
                                     any cycle between folders

Exit 1 when `cycles` finds one. Reads the object files CMake leaves in BUILD/CMakeFiles."""
import os
import subprocess
import sys


def nm(path):
    out = subprocess.run(["nm", "-g", path], capture_output=True, text=True, check=True).stdout
    defs, undef = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undef.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRCVW":
            defs.add(parts[2])
    return defs, undef


def source_dir(build):
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        for line in f:
            if line.startswith("CMAKE_HOME_DIRECTORY:"):
                return line.split("=", 1)[1].strip()
    return None


def objects(build, prefix):
    """Object files of the current sources: a .o whose source is gone (a file moved to another
    module leaves its old object behind in an incremental build) is skipped."""
    found = {}
    src = source_dir(build)
    base = os.path.join(build, "CMakeFiles")
    for d in sorted(os.listdir(base)):
        if not d.startswith(prefix) or not d.endswith(".dir"):
            continue
        for root, _, files in os.walk(os.path.join(base, d)):
            for f in files:
                if f.endswith(".c.o"):
                    p = os.path.join(root, f)
                    rel = p.split("/src/", 1)[-1] if "/src/" in p else f
                    name = "src/" + rel[:-2]
                    if src and "/proto/" not in p and not os.path.exists(os.path.join(src, name)):
                        continue
                    found[name] = p
    return found


def graph(build):
    objs = objects(build, "sd_")
    info = {name: nm(p) for name, p in objs.items() if "/proto/" not in p}
    owner = {}
    for name, (defs, _) in info.items():
        for s in defs:
            owner.setdefault(s, name)
    edges = {name: sorted({owner[s] for s in undef if s in owner and owner[s] != name})
             for name, (_, undef) in info.items()}
    return edges, owner


def tool_needs(build, target, owner):
    base = os.path.join(build, "tools", "CMakeFiles", target + ".dir")
    need = set()
    for root, _, files in os.walk(base):
        for f in files:
            if f.endswith(".c.o"):
                need |= {owner[s] for s in nm(os.path.join(root, f))[1] if s in owner}
    return need


def closure(edges, start):
    seen, stack, parent = set(start), list(start), {s: None for s in start}
    while stack:
        n = stack.pop()
        for m in edges.get(n, []):
            if m not in seen:
                seen.add(m)
                parent[m] = n
                stack.append(m)
    return seen, parent


def sccs(edges):
    index, low, on, st, out, counter = {}, {}, set(), [], [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        st.append(v)
        on.add(v)
        for w in edges.get(v, []):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = st.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            strong(v)
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    build, cmd = sys.argv[1], sys.argv[2]
    edges, owner = graph(build)
    if cmd == "cycles":
        cyc = sccs(edges)
        for c in cyc:
            print("cycle: " + " <-> ".join(c))
        print("objects=%d cycles=%d" % (len(edges), len(cyc)))
        return 1 if cyc else 0
    if cmd == "modules":
        mod = lambda o: o.split("/")[1]
        medges = {}
        for a, outs in edges.items():
            medges.setdefault(mod(a), set())
            for b in outs:
                if mod(b) != mod(a):
                    medges[mod(a)].add(mod(b))
        for m in sorted(medges):
            print("%s -> %s" % (m, " ".join(sorted(medges[m])) or "-"))
        cyc = sccs({k: sorted(v) for k, v in medges.items()})
        for c in cyc:
            print("module cycle: " + " <-> ".join(c))
        return 1 if cyc else 0
    if cmd == "closure":
        seen, _ = closure(edges, tool_needs(build, sys.argv[3], owner))
        print("\n".join(sorted(seen)))
        return 0
    if cmd == "why":
        seen, parent = closure(edges, tool_needs(build, sys.argv[4], owner))
        n = sys.argv[3]
        if n not in seen:
            print("not linked")
            return 1
        chain = []
        while n:
            chain.append(n)
            n = parent[n]
        print(" <- ".join(chain))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
