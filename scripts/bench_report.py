#!/usr/bin/python3
"""Compare the `bench` results of Persona with those of a reference Linux.

Both logs are QEMU console captures holding lines printed by userland/bench:

    BENCH op=<name> iters=<N> insns=<guest instructions per op>
    BENCH op=<name> error=<ERRNO>

Usage:
    bench_report.py --persona P.log --linux L.log [--out build/bench]
                    [--persona-wall PW.log --linux-wall LW.log]
                    [--linux-kernel NAME] [--check]

Writes OUT/results.json (a list of {"op", "persona", "linux", "unit"}, plus
"wall_ratio" = Persona/Linux from the wall-clock logs when those are given),
OUT/table.md (also printed) and OUT/ratios.png (gnuplot; skipped with a
warning when gnuplot is missing).

--check only validates: it exits 1 unless each log holds at least one op and
every number present is positive and finite. It writes the files too when
--out is given explicitly.

Persona-only ops (ipc_roundtrip, ...) have no Linux value, except those in
LINUX_REFERENCE, which are compared with a Linux op of a different name.
"""
import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys

UNIT = "guest-instructions"

# Persona op -> the Linux op it is measured against.
LINUX_REFERENCE = {"svc_redirect_roundtrip": "null_syscall"}

RESULT_RE = re.compile(r"BENCH op=(\S+) iters=(\d+) insns=(\S+)(?: unit=(\S+))?")
ERROR_RE = re.compile(r"BENCH op=(\S+) error=(\S+)")


class Log:
    """The ops of one log: values (op -> float, in log order) and errors."""

    def __init__(self, path):
        self.path = path
        self.values = {}
        self.errors = {}
        self.units = {}
        with open(path, errors="replace") as f:
            for line in f:
                self._parse_line(line)

    def _parse_line(self, line):
        m = RESULT_RE.search(line)
        if m:
            self.values[m.group(1)] = parse_number(m.group(3))
            if m.group(4):
                self.units[m.group(1)] = m.group(4)
            return
        m = ERROR_RE.search(line)
        if m:
            self.errors[m.group(1)] = m.group(2)

    def get(self, op):
        return self.values.get(op)


def parse_number(text):
    try:
        return float(text)
    except ValueError:
        return math.nan  # shows up as invalid in --check


def valid(x):
    return x is not None and math.isfinite(x) and x > 0


def ratio(a, b):
    return a / b if valid(a) and valid(b) else None


def linux_name(op):
    return LINUX_REFERENCE.get(op, op)


def all_ops(persona, linux):
    """Persona's ops in log order, then the Linux ops Persona lacks."""
    ops = list(persona.values) + [op for op in persona.errors if op not in persona.values]
    referenced = {linux_name(op) for op in ops}
    for op in list(linux.values) + list(linux.errors):
        if op not in ops and op not in referenced:
            ops.append(op)
    return ops


def json_number(x):
    """x, or None when it is missing or not finite (JSON has no NaN)."""
    return x if x is not None and math.isfinite(x) else None


def build_results(persona, linux, pwall, lwall):
    results = []
    for op in all_ops(persona, linux):
        row = {
            "op": op,
            "persona": json_number(persona.get(op)),
            "linux": json_number(linux.get(linux_name(op))),
            "unit": {"KiB": "KiB"}.get(persona.units.get(op) or linux.units.get(op), UNIT),
        }
        if pwall is not None:
            row["wall_ratio"] = ratio(pwall.get(op), lwall.get(linux_name(op)))
        results.append(row)
    return results


def fmt_value(x, error=None):
    if x is None:
        return error and f"error {error}" or "—"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}"


def fmt_ratio(x):
    return "—" if x is None else f"{x:.2f}"


def markdown_table(results, persona, linux, kernel):
    wall = any("wall_ratio" in r for r in results)
    head = ["op", "Persona", kernel, "Persona/Linux"] + (["wall Persona/Linux"] if wall else [])
    lines = [
        f"Guest instructions per operation (qemu -icount shift=0); Linux = {kernel}.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|",
    ]
    for r in results:
        op = r["op"]
        cells = [
            f"`{op}`",
            fmt_value(r["persona"], persona.errors.get(op)),
            fmt_value(r["linux"], linux.errors.get(linux_name(op))),
            fmt_ratio(ratio(r["persona"], r["linux"])),
        ]
        if wall:
            cells.append(fmt_ratio(r.get("wall_ratio")))
        lines.append("| " + " | ".join(cells) + " |")
    notes = [f"`{p}` is compared with Linux's `{l}`." for p, l in LINUX_REFERENCE.items()
             if any(r["op"] == p for r in results)]
    if notes:
        lines += [""] + notes
    return "\n".join(lines) + "\n"


def draw_chart(results, out_dir, kernel):
    """Bar chart of Persona/Linux instruction ratios (log scale) via gnuplot."""
    rows = [(r["op"], ratio(r["persona"], r["linux"])) for r in results]
    rows = [(op, x) for op, x in rows if x is not None]
    png = os.path.join(out_dir, "ratios.png")
    if not rows:
        print("bench_report: warning: no op has both values; no chart", file=sys.stderr)
        return
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        print("bench_report: warning: gnuplot not found; skipping " + png, file=sys.stderr)
        return
    data = os.path.join(out_dir, "ratios.dat")
    with open(data, "w") as f:
        for op, x in rows:
            f.write(f"\"{op}\" {x:.6g}\n")
    lo = min(x for _, x in rows + [("", 1.0)])
    hi = max(x for _, x in rows + [("", 1.0)])
    script = f"""
set output "{png}"
set title "Persona / {kernel}: guest instructions per op (lower is better)" noenhanced
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.7
set logscale y 2
set format y "%g"
set yrange [{lo / 1.5:.6g}:{hi * 1.5:.6g}]
set ylabel "ratio Persona / Linux (log scale)"
set xtics rotate by -40 noenhanced
set grid ytics
set key off
set arrow from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 lc rgb "black"
plot "{data}" using 2:xtic(1) lc rgb "#4472c4", \\
     "" using 0:2:(sprintf("%.2f", $2)) with labels offset 0,0.8
"""
    # pngcairo looks better; plain png (libgd) is the fallback.
    for terminal in ('pngcairo size 1000,560 font ",10"', "png size 1000,560"):
        done = subprocess.run([gnuplot], input=f"set terminal {terminal}\n" + script,
                              text=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        if done.returncode == 0:
            return
    print(f"bench_report: warning: gnuplot failed, no chart: {done.stderr.strip()}",
          file=sys.stderr)


def check(logs):
    """True when each log has an op and every number in them is positive and finite."""
    ok = True
    for log in logs:
        if not log.values:
            print(f"bench_report: check: {log.path}: no BENCH results", file=sys.stderr)
            ok = False
        for op, x in log.values.items():
            if not valid(x):
                print(f"bench_report: check: {log.path}: {op} = {x} is not positive and finite",
                      file=sys.stderr)
                ok = False
        for op, err in log.errors.items():
            print(f"bench_report: note: {log.path}: {op} failed with {err}", file=sys.stderr)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--persona", required=True, help="Persona console log")
    ap.add_argument("--linux", required=True, help="Linux console log")
    ap.add_argument("--out", help="output directory (default build/bench)")
    ap.add_argument("--persona-wall", help="Persona log of a run without -icount")
    ap.add_argument("--linux-wall", help="Linux log of a run without -icount")
    ap.add_argument("--linux-kernel", default="Linux", help="name of the Linux kernel, for titles")
    ap.add_argument("--check", action="store_true", help="validate only (see above)")
    args = ap.parse_args()
    if (args.persona_wall is None) != (args.linux_wall is None):
        ap.error("--persona-wall and --linux-wall go together")

    try:
        persona, linux = Log(args.persona), Log(args.linux)
        pwall = Log(args.persona_wall) if args.persona_wall else None
        lwall = Log(args.linux_wall) if args.linux_wall else None
    except OSError as e:
        print(f"bench_report: {e}", file=sys.stderr)
        return 2

    if args.check:
        logs = [persona, linux] + ([pwall, lwall] if pwall else [])
        if not check(logs):
            return 1
        print(f"bench_report: check ok: {len(persona.values)} Persona ops, "
              f"{len(linux.values)} Linux ops")
        if args.out is None:
            return 0

    out = args.out or "build/bench"
    os.makedirs(out, exist_ok=True)
    results = build_results(persona, linux, pwall, lwall)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    table = markdown_table(results, persona, linux, args.linux_kernel)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(table)
    sys.stdout.write(table)
    draw_chart(results, out, args.linux_kernel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
