#!/usr/bin/env python3
"""The benchmark's report: table, JSON, CSV and the data of the plots.

usage: bench/report.py RUNS.jsonl OUTDIR

RUNS.jsonl holds one JSON object per line, as bench/run-point.sh prints
them, each with "point" (the point's index) and "round" added by
utilities/bench.sh.  Prints the table on standard output and writes, in
OUTDIR:

  results.json   {"points": [...], "runs": [...]}: every raw run with its
                 per-port figures, and the mean and standard deviation of
                 each point and build
  results.csv    one row per run
  plot.dat       the points without background pressure (or, if every
                 point has some, those of the lowest rate), for bench/plot.sh:
                 one gnuplot data block per delay (blocks separated by two
                 blank lines, in the order of the "# delays:" line)
  pressure.dat   for each N and delay run at two or more rates of
                 background RTNL pressure, one gnuplot data block (in the
                 order of the "# groups:" line, N:DELAY each): the round's
                 time of each build, and the mean latency of the pressure
                 tool's requests beside it, against the rate

Standard library only.  A value the run could not measure (a counter the
build lacks, no rtnl-probe) is null in JSON, empty in CSV, "n/a" in the
table and NaN in plot.dat; it is never replaced by zero.
"""

import csv
import json
import math
import os
import re
import statistics
import sys

BUILDS = ("stock", "series")

# Per churned port, from the coverage counters: (field, counter).
COUNTERS = (
    ("getlink_per_port", "netdev_linux_getlink"),
    ("siocgifflags_per_port", "netdev_linux_siocgifflags"),
    ("netlink_sent_per_port", "netlink_sent"),
    ("route_table_dump_per_port", "route_table_dump"),
    ("bridge_reconfigure_per_port", "bridge_reconfigure"),
)

# The latency of rtnl-pressure's own requests during the churn, from its
# summary line: (field, key).
PRESSURE_LATENCIES = (
    ("others_op_us_mean", "op_us_mean"),
    ("others_op_us_p99", "op_us_p99"),
    ("others_op_us_max", "op_us_max"),
)

# The figures that get a mean and a standard deviation per point and build.
FIGURES = ("round_s", "acq_per_port", "cpu_s_per_port", "ioctl_per_port",
           "requests_per_port") + tuple(
    field for field, _ in COUNTERS + PRESSURE_LATENCIES)

CSV_FIELDS = (
    "point", "round", "order", "build", "ports", "delay_us", "delay_hook",
    "pressure_ops",
    "round_s", "settle_s", "tail_s", "acq_vswitchd", "acq_all",
    "acq_per_port", "cpu_s", "cpu_s_per_port", "ioctl_per_port",
    "requests_per_port") + tuple(
    field for field, _ in COUNTERS + PRESSURE_LATENCIES) + (
    "probe_status", "pressure_result", "started", "commit")


def derive(run, order):
    """Adds the per-port figures to one raw run."""
    n = run["ports"]
    run["order"] = order
    run["round_s"] = run["churn"]["seconds"][0]
    probe = run.get("probe")
    # Runs from before the hook was recorded used the watchpoint; a run
    # without the probe had none.  The netdev-event hook counts device
    # changes, not RTNL acquisitions.
    run["delay_hook"] = (run.get("delay_hook", "watchpoint") if probe
                         else "none")
    if run["delay_hook"] == "watchpoint":
        # Our daemon only: other ovs-vswitchd processes on the machine
        # (tests running beside) share its name in "by_comm".
        run["acq_vswitchd"] = sum(p["count"] for p in probe["by_pid"]
                                  if p["pid"] == run["vswitchd_pid"])
        run["acq_all"] = probe["total"]
        run["acq_per_port"] = run["acq_vswitchd"] / n
    else:
        run["acq_vswitchd"] = run["acq_all"] = run["acq_per_port"] = None
    run["cpu_s"] = run["cpu_ticks"] / run["clk_tck"]
    run["cpu_s_per_port"] = run["cpu_s"] / n
    for field, counter in COUNTERS:
        before = run["counters_before"].get(counter)
        after = run["counters_after"].get(counter)
        if before is None or after is None:
            run[field] = None
        else:
            run[field] = (after - before) / n
    # Every kernel request: netlink messages and ioctls (perf counts the
    # ioctls; runs without perf, or from before it was counted, have none).
    ioctls = run.get("ioctls")
    run["ioctl_per_port"] = None if ioctls is None else ioctls / n
    run["requests_per_port"] = (
        None if ioctls is None or run["netlink_sent_per_port"] is None
        else run["netlink_sent_per_port"] + run["ioctl_per_port"])
    # Without pressure, or from a pressure tool that did not time its
    # requests, there is no latency.
    summary = dict(re.findall(r"(\w+)=([0-9.]+)",
                              run.get("pressure_result") or ""))
    for field, key in PRESSURE_LATENCIES:
        run[field] = float(summary[key]) if key in summary else None
    return run


def mean_std(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    mean = statistics.fmean(values)
    std = statistics.stdev(values) if len(values) > 1 else None
    return mean, std


def summarize(runs):
    """Groups the runs by point and build: mean and std of each figure."""
    points = {}
    for run in runs:
        key = (run["ports"], run["delay_us"], run["pressure_ops"])
        point = points.setdefault(key, {
            "ports": key[0], "delay_us": key[1], "pressure_ops": key[2],
            "index": run.get("point"), "builds": {}})
        point["builds"].setdefault(run["build"], []).append(run)
    out = []
    for key in sorted(points):
        point = points[key]
        summary = {"ports": point["ports"], "delay_us": point["delay_us"],
                   "pressure_ops": point["pressure_ops"]}
        for build in BUILDS:
            group = point["builds"].get(build, [])
            figures = {"runs": len(group)}
            for figure in FIGURES:
                mean, std = mean_std([r[figure] for r in group])
                figures[figure] = {"mean": mean, "std": std}
            statuses = sorted({r["probe_status"] for r in group})
            figures["probe_status"] = statuses
            figures["delay_hooks"] = sorted({r["delay_hook"] for r in group})
            summary[build] = figures
        stock = summary["stock"]["round_s"]["mean"]
        series = summary["series"]["round_s"]["mean"]
        summary["delta_pct"] = (100.0 * (series - stock) / stock
                                if stock and series is not None else None)
        out.append(summary)
    return out


def fmt(value, digits=1):
    return "n/a" if value is None else f"{value:,.{digits}f}"


def fmt_time(fig):
    if fig["mean"] is None:
        return "n/a"
    std = "-" if fig["std"] is None else f"{fig['std']:.2f}"
    return f"{fig['mean']:.2f}({std})"


def pair(point, figure, digits=1):
    return (fmt(point["stock"][figure]["mean"], digits) + " / "
            + fmt(point["series"][figure]["mean"], digits))


def print_table(points, out):
    with_pressure = any(p["pressure_ops"] for p in points)
    head = ["N", "delay us"]
    if with_pressure:
        head.append("RTNL ops/s")
    head += ["stock s", "series s", "delta %", "acq/port stock",
             "acq/port series", "requests/port", "GETLINK/port"]
    rows = [head]
    for p in points:
        row = [str(p["ports"]), str(p["delay_us"])]
        if with_pressure:
            row.append(str(p["pressure_ops"]))
        delta = p["delta_pct"]
        row += [fmt_time(p["stock"]["round_s"]),
                fmt_time(p["series"]["round_s"]),
                "n/a" if delta is None else f"{delta:+.1f}",
                fmt(p["stock"]["acq_per_port"]["mean"]),
                fmt(p["series"]["acq_per_port"]["mean"]),
                pair(p, "requests_per_port"),
                pair(p, "getlink_per_port")]
        rows.append(row)
    rule(rows, out)

    out.write("\nPer churned port, means, stock / series:\n")
    rows = [["N", "delay us"] + (["RTNL ops/s"] if with_pressure else [])
            + ["netlink_sent", "ioctl", "SIOCGIFFLAGS", "route_table_dump",
               "bridge_reconfigure", "CPU ms"]]
    for p in points:
        cpu = pair(p, "cpu_s_per_port", 4)
        stock, series = (p[b]["cpu_s_per_port"]["mean"] for b in BUILDS)
        cpu = (fmt(stock and stock * 1000, 1) + " / "
               + fmt(series and series * 1000, 1))
        rows.append([str(p["ports"]), str(p["delay_us"])]
                    + ([str(p["pressure_ops"])] if with_pressure else [])
                    + [pair(p, "netlink_sent_per_port"),
                       pair(p, "ioctl_per_port"),
                       pair(p, "siocgifflags_per_port"),
                       pair(p, "route_table_dump_per_port", 2),
                       pair(p, "bridge_reconfigure_per_port", 2), cpu])
    rule(rows, out)

    if with_pressure:
        out.write("\nLatency of the pressure tool's RTNL requests during "
                  "the churn, us, means, stock / series:\n")
        rows = [["N", "delay us", "RTNL ops/s", "mean", "p99", "max"]]
        for p in points:
            if p["pressure_ops"]:
                rows.append([str(p["ports"]), str(p["delay_us"]),
                             str(p["pressure_ops"]),
                             pair(p, "others_op_us_mean"),
                             pair(p, "others_op_us_p99", 0),
                             pair(p, "others_op_us_max", 0)])
        rule(rows, out)

    notes = set()
    for p in points:
        for build in BUILDS:
            for status in p[build]["probe_status"]:
                if status == "off":
                    notes.add(f"{build}: run without rtnl-probe, so no "
                              "injected delay and no RTNL counts (n/a)")
                elif status != "ok":
                    notes.add(f"{build}: rtnl-probe {status}")
            if "netdev-event" in p[build]["delay_hooks"]:
                notes.add(f"{build}: delay injected at every netdev event "
                          "(rtnl-probe --hook netdev-event), not at every "
                          "RTNL acquisition; no RTNL counts (n/a)")
    for note in sorted(notes):
        out.write(f"note: {note}\n")


def rule(rows, out):
    """Prints rows as an RST simple table, numbers right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    line = "  ".join("=" * w for w in widths)
    out.write(line + "\n")
    out.write("  ".join(c.ljust(w) for c, w in zip(rows[0], widths))
              .rstrip() + "\n")
    out.write(line + "\n")
    for row in rows[1:]:
        out.write("  ".join(c.rjust(w) for c, w in zip(row, widths))
                  .rstrip() + "\n")
    out.write(line + "\n")


def csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return value


def nan(value):
    return "NaN" if value is None or math.isnan(value) else f"{value:.6g}"


def write_plot_data(points, path):
    # The points without background pressure, or, when every point has
    # some (PRESSURE=R), those of the lowest rate.
    pressure = min(p["pressure_ops"] for p in points)
    plain = [p for p in points if p["pressure_ops"] == pressure]
    delays = sorted({p["delay_us"] for p in plain})
    with open(path, "w") as f:
        f.write("# delays: " + " ".join(map(str, delays)) + "\n")
        f.write(f"# pressure: {pressure}\n")
        hooks = sorted({h for p in plain for b in BUILDS
                        for h in p[b]["delay_hooks"]})
        f.write("# hook: " + " ".join(hooks) + "\n")
        f.write("# N stock_s stock_std series_s series_std "
                "stock_acq_per_port series_acq_per_port\n")
        for i, delay in enumerate(delays):
            if i:
                f.write("\n\n")
            f.write(f"# delay {delay} us\n")
            for p in sorted((p for p in plain if p["delay_us"] == delay),
                            key=lambda p: p["ports"]):
                values = []
                for build in BUILDS:
                    fig = p[build]["round_s"]
                    values += [fig["mean"], fig["std"] or 0.0]
                values += [p[b]["acq_per_port"]["mean"] for b in BUILDS]
                f.write(f"{p['ports']} " + " ".join(map(nan, values)) + "\n")


def write_pressure_data(points, path):
    groups = {}
    for p in points:
        groups.setdefault((p["ports"], p["delay_us"]), []).append(p)
    groups = {key: group for key, group in sorted(groups.items())
              if len(group) > 1}
    with open(path, "w") as f:
        f.write("# groups: " + " ".join(f"{n}:{d}" for n, d in groups)
                + "\n")
        f.write("# ops_per_s stock_s stock_std series_s series_std "
                "stock_others_op_us series_others_op_us\n")
        for i, ((n, delay), group) in enumerate(groups.items()):
            if i:
                f.write("\n\n")
            f.write(f"# N {n}, delay {delay} us\n")
            for p in sorted(group, key=lambda p: p["pressure_ops"]):
                values = []
                for build in BUILDS:
                    fig = p[build]["round_s"]
                    values += [fig["mean"], fig["std"] or 0.0]
                values += [p[b]["others_op_us_mean"]["mean"] for b in BUILDS]
                f.write(f"{p['pressure_ops']} "
                        + " ".join(map(nan, values)) + "\n")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    runs_path, outdir = argv[1:]
    runs = []
    with open(runs_path) as f:
        for line in f:
            if line.strip():
                runs.append(derive(json.loads(line), len(runs) + 1))
    if not runs:
        sys.stderr.write(f"report: no runs in {runs_path}\n")
        return 1
    points = summarize(runs)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "results.json"), "w") as f:
        json.dump({"points": points, "runs": runs}, f, indent=1)
        f.write("\n")
    with open(os.path.join(outdir, "results.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_FIELDS)
        for run in runs:
            writer.writerow(csv_value(run.get(k)) for k in CSV_FIELDS)
    write_plot_data(points, os.path.join(outdir, "plot.dat"))
    write_pressure_data(points, os.path.join(outdir, "pressure.dat"))
    print_table(points, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
