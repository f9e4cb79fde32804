#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark's JSON records into one table and a JSON summary.

usage: bench-report.py RECORDS.jsonl OUT.json [key=value ...]

Each figure is the median of its runs; "spread" is (max - min) / median,
in percent. AF_EDU and kernel TCP figures of one path come from the same
VM run, so their ratio is what the benchmark reports; the absolute
numbers of an emulated machine mean little.
"""
import json
import statistics
import sys

# (edu-perf mode, JSON key, label, unit, higher is better)
METRICS = [
    ("stream", "mbit_s", "stream", "Mbit/s", True),
    ("stream", "sys_cpu_s_per_gb", "stream CPU", "sys s/GB", False),
    ("rr", "trans_s", "RR 1 B", "trans/s", True),
    ("rr", "p50_us", "RR p50", "us", False),
    ("rr", "p99_us", "RR p99", "us", False),
    ("crr", "trans_s", "CRR 1 B", "conn/s", True),
]
PATHS = ["edunic", "veth", "lo"]


def stats(vals):
    if not vals:
        return None
    med = statistics.median(vals)
    spread = (max(vals) - min(vals)) / med * 100 if med else 0.0
    return {"median": med, "spread_pct": round(spread, 1), "runs": vals}


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.3f}" if abs(v) < 10 else f"{v:.0f}"


def main():
    recs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    meta = {}
    for kv in sys.argv[3:]:
        k, v = kv.split("=", 1)
        meta[k] = int(v) if v.isdigit() else v

    summary = {}
    for path in PATHS:
        for mode, key, label, unit, higher in METRICS:
            per = {}
            for fam in ("edu", "tcp"):
                vals = [r["raw"][key] for r in recs
                        if r.get("section") == "edu_vs_tcp" and r["path"] == path
                        and r["raw"].get("mode") == mode
                        and r["raw"].get("family") == fam and key in r["raw"]]
                per[fam] = stats(vals)
            if not per["edu"] or not per["tcp"]:
                continue
            e, t = per["edu"]["median"], per["tcp"]["median"]
            # The ratio always reads "AF_EDU relative to TCP, > 1 is better".
            ratio = (e / t if t else 0) if higher else (t / e if e else 0)
            summary.setdefault(path, {})[label] = {
                "unit": unit, "edu": per["edu"], "tcp": per["tcp"],
                "ratio": round(ratio, 3)}

    lines = []
    out = lines.append
    out("AF_EDU against kernel TCP, edu-perf, same VM run "
        f"(median of {meta.get('runs', '?')}; +-% = (max-min)/median; "
        "ratio > 1: AF_EDU better)")
    out(f"{'path':<7} {'figure':<11} {'unit':<9} {'AF_EDU':>9} {'+-%':>5} "
        f"{'TCP':>9} {'+-%':>5} {'ratio':>6}")
    for path, rows in summary.items():
        for label, r in rows.items():
            out(f"{path:<7} {label:<11} {r['unit']:<9} {fmt(r['edu']['median']):>9} "
                f"{r['edu']['spread_pct']:>5.0f} {fmt(r['tcp']['median']):>9} "
                f"{r['tcp']['spread_pct']:>5.0f} {r['ratio']:>6.2f}")

    idle = {}
    for r in recs:
        if r.get("section") == "idle":
            raw = r["raw"]
            idle[raw.get("family", "?")] = dict(raw, path=r["path"])
    if idle:
        out("")
        out("Idle established connections (slab growth, both ends counted)")
        for fam in ("edu", "tcp"):
            if fam in idle:
                i = idle[fam]
                out(f"{fam:<4} {i['path']:<7} {i.get('conns', 0):>6} conns "
                    f"{i.get('bytes_per_conn', 0):>8.0f} B/conn  "
                    f"errors {i.get('errors', '?')}")
        if "edu" in idle and "tcp" in idle and idle["edu"].get("bytes_per_conn"):
            idle["ratio"] = round(idle["tcp"]["bytes_per_conn"] /
                                  idle["edu"]["bytes_per_conn"], 3)
            out(f"ratio (TCP bytes / AF_EDU bytes) {idle['ratio']:.2f}")

    # edu-perf measures itself if its TCP figure strays from iperf3's:
    # pairs of runs back to back (section iperf_check), the ratio of each
    # pair, and the median of those ratios.
    check = {}
    for path in PATHS:
        pairs = {}
        for r in recs:
            if r.get("section") == "iperf_check" and r["path"] == path:
                pairs.setdefault(r["pair"], {})[r["tool"]] = r["mbit_s"]
        pairs = [p for p in pairs.values()
                 if p.get("iperf3") and p.get("edu-perf") is not None]
        if not pairs:
            continue
        ratios = [p["edu-perf"] / p["iperf3"] for p in pairs]
        med = statistics.median(ratios)
        check[path] = {
            "iperf3": stats([p["iperf3"] for p in pairs]),
            "edu_perf": stats([p["edu-perf"] for p in pairs]),
            "pair_ratios": [round(x, 3) for x in ratios],
            "diff_pct": round((med - 1) * 100, 1),
            "ok": abs(med - 1) <= 0.10}
    if check:
        out("")
        out("Kernel TCP stream: edu-perf against iperf3, pairs run back to back "
            "(median of the pairs' ratios must be within 10%)")
        for path, c in check.items():
            out(f"{path:<7} iperf3 {c['iperf3']['median']:>8.1f} Mbit/s "
                f"+-{c['iperf3']['spread_pct']:.0f}%  edu-perf "
                f"{c['edu_perf']['median']:>8.1f} Mbit/s "
                f"+-{c['edu_perf']['spread_pct']:.0f}%  pairs "
                f"{len(c['pair_ratios'])}  {c['diff_pct']:+.1f}%  "
                f"{'ok' if c['ok'] else 'DISAGREE'}")

    links = {}
    for path in ("edunic", "veth"):
        for mode, key in (("stream", "mbit_s"), ("pps64", "pps")):
            s = stats([r[key] for r in recs if r.get("section") == "iperf3"
                       and r["path"] == path and r.get("mode") == mode])
            if s:
                links.setdefault(mode, {})[path] = s
    if all(len(v) == 2 for v in links.values()) and links:
        out("")
        out("Kernel paths, iperf3: edunic against veth")
        for mode, v in links.items():
            unit = "Mbit/s" if mode == "stream" else "UDP 64 B pkt/s"
            out(f"{unit:<15} edunic {v['edunic']['median']:>9.0f}  "
                f"veth {v['veth']['median']:>9.0f}  ratio "
                f"{v['edunic']['median'] / max(v['veth']['median'], 1):.2f}")

    offload = {}
    for gso, gro in (("on", "on"), ("on", "off"), ("off", "on")):
        for fam in ("edu", "tcp"):
            s = stats([r["raw"]["mbit_s"] for r in recs
                       if r.get("section") == "offload" and r.get("gso") == gso
                       and r.get("gro", "on") == gro
                       and r["raw"].get("family") == fam and "mbit_s" in r["raw"]])
            if s:
                offload.setdefault(f"gso {gso} gro {gro}", {})[fam] = s
    if offload:
        out("")
        out("Stream over edunic, Mbit/s, the sender's GSO (ethtool -K e1 gso) and "
            "the receiver's GRO (ethtool -K e2 gro) on and off")
        for conf, v in offload.items():
            e, t = v.get("edu"), v.get("tcp")
            out(f"{conf:<15} AF_EDU {fmt(e and e['median']):>9} +-{e['spread_pct'] if e else 0:.0f}%  "
                f"TCP {fmt(t and t['median']):>9} +-{t['spread_pct'] if t else 0:.0f}%  ratio "
                f"{(e['median'] / t['median']) if e and t and t['median'] else 0:.2f}")

    print("\n".join(lines))
    res = dict(meta, edu_vs_tcp=summary, idle=idle, iperf3_check=check,
               edunic_vs_veth=links, offload=offload, table=lines, records=recs)
    with open(sys.argv[2], "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
