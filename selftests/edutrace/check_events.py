#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check the edu tracepoints of one edu_xfer transfer (tracepoints.sh).

Reads the ftrace text record with scripts/edu-trace's parser and prints
one line per check, "ok NAME" or "fail NAME reason", and "# ..." notes.
Exit status 1 if any check failed.

usage: check_events.py --bytes N --port P --client-info LINE RECORD
"""
import argparse
import importlib.machinery
import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
MOD = 1 << 32

# RFC 9293 figure 5, plus the aborts (RST, timeouts, close()) to CLOSE.
ALLOWED = {
    ("CLOSE", "SYN_SENT"), ("CLOSE", "LISTEN"), ("CLOSE", "SYN_RECV"),
    ("LISTEN", "CLOSE"),
    ("SYN_SENT", "ESTABLISHED"), ("SYN_SENT", "SYN_RECV"),
    ("SYN_SENT", "CLOSE"),
    ("SYN_RECV", "ESTABLISHED"), ("SYN_RECV", "FIN_WAIT1"),
    ("SYN_RECV", "CLOSE_WAIT"), ("SYN_RECV", "CLOSE"),
    ("ESTABLISHED", "FIN_WAIT1"), ("ESTABLISHED", "CLOSE_WAIT"),
    ("ESTABLISHED", "CLOSE"),
    ("FIN_WAIT1", "FIN_WAIT2"), ("FIN_WAIT1", "CLOSING"),
    ("FIN_WAIT1", "CLOSE"),
    ("FIN_WAIT2", "TIME_WAIT"), ("FIN_WAIT2", "CLOSE"),
    ("CLOSING", "TIME_WAIT"), ("CLOSING", "CLOSE"),
    ("CLOSE_WAIT", "LAST_ACK"), ("CLOSE_WAIT", "CLOSE"),
    ("LAST_ACK", "CLOSE"),
    ("TIME_WAIT", "CLOSE"),
}


def load_parser():
    path = os.path.join(TOP, "scripts", "edu-trace")
    loader = importlib.machinery.SourceFileLoader("edu_trace", path)
    spec = importlib.util.spec_from_loader("edu_trace", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def after(a, b):
    return 0 < (a - b) % MOD < MOD // 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bytes", type=int, required=True)
    ap.add_argument("--port", required=True)
    ap.add_argument("--client-info", default="")
    ap.add_argument("record")
    opt = ap.parse_args()

    et = load_parser()
    with open(opt.record) as fh:
        recs = [r for r in et.read_record(fh.read()) if r.kind == "ev"]
    info = dict(re.findall(r"(\w+)=(\d+)", opt.client_info))
    failed = []

    def check(name, ok, why=""):
        print("ok %s" % name if ok else "fail %s %s" % (name, why))
        if not ok:
            failed.append(name)

    def ev(name):
        return [r for r in recs if r.name == name]

    def tup(r):
        return (r.f.get("saddr"), r.f.get("sport"), r.f.get("daddr"),
                r.f.get("dport"))

    segs = ev("edu_segment_build")
    # The connection that carried the data: edu_xfer may have retried an
    # attempt the server was not yet listening for, on another port.
    sent_by = {}
    for r in segs:
        if r.f.get("dport") == opt.port:
            sent_by[tup(r)] = sent_by.get(tup(r), 0) + int(r.f.get("len", 0))
    best = max(sent_by, key=sent_by.get) if sent_by else None
    syn = next((r for r in segs if tup(r) == best and
                r.f.get("flags") == "SYN"), None)
    if not syn:
        for name in ("retransmit_events_present", "retransmit_seq_was_sent",
                     "retransmit_count_matches_edu_info",
                     "sent_segments_cover_the_bytes",
                     "receiver_queued_each_byte_in_order_once",
                     "out_of_order_data_seen", "state_changes_follow_rfc9293",
                     "handshake_and_close_in_causal_order"):
            check(name, False, "no SYN to port %s in the record" % opt.port)
        return 1
    client = tup(syn)
    server = (client[2], client[3], client[0], client[1])
    iss = int(syn.f["seq"])
    print("# client %s:%s -> %s:%s, ISS %d" % (client + (iss,)))

    # -- retransmissions -------------------------------------------------
    rtx = [r for r in ev("edu_retransmit") if tup(r) == client and
           r.f.get("kind") in ("rto", "fast", "partial-ack", "sack", "syn")]
    kinds = {}
    for r in rtx:
        kinds[r.f["kind"]] = kinds.get(r.f["kind"], 0) + 1
    print("# client retransmissions by kind: %s" % kinds)
    check("retransmit_events_present",
          any(k in kinds for k in ("rto", "fast", "partial-ack", "sack")),
          "no rto/fast/partial-ack/sack retransmission traced")

    sent = []		# (seq, end) of every client segment built so far
    bad = []
    max_end = None
    for r in recs:
        if r.name == "edu_segment_build" and tup(r) == client:
            seq, ln = int(r.f["seq"]), int(r.f["len"])
            end = (seq + ln + ("SYN" in r.f["flags"]) +
                   ("FIN" in r.f["flags"])) % MOD
            if end != seq:
                sent.append((seq, end))
                if max_end is None or after(end, max_end):
                    max_end = end
        elif r in rtx:
            seq, end = int(r.f["seq"]), int(r.f["end_seq"])
            inside = any(not after(s, seq) and after(e, seq)
                         for s, e in sent)
            if not inside or max_end is None or after(end, max_end):
                bad.append("seq=%d end_seq=%d" % (seq, end))
    check("retransmit_seq_was_sent", rtx and not bad,
          "never sent before: %s" % " ".join(bad[:5]))

    want = int(info.get("total_retrans", -1))
    ok = want > 0 and len(rtx) >= want and \
        kinds.get("fast", 0) >= int(info.get("fast_retrans", 0)) and \
        kinds.get("rto", 0) >= int(info.get("rto_expiries", 0))
    check("retransmit_count_matches_edu_info", ok,
          "EDU_INFO total_retrans=%s fast=%s rto_expiries=%s, traced %s" %
          (info.get("total_retrans"), info.get("fast_retrans"),
           info.get("rto_expiries"), kinds))

    # -- the bytes: sent once at least, queued in order exactly once ------
    data = sorted({((s - iss) % MOD, (e - iss) % MOD) for s, e in sent
                   if (s - iss) % MOD >= 1})
    covered, hole = 1, None
    for s, e in data:
        if s > covered:
            hole = (covered, s)
            break
        covered = max(covered, e)
    fin_end = 1 + opt.bytes + 1		# the FIN takes one number
    check("sent_segments_cover_the_bytes",
          not hole and covered in (1 + opt.bytes, fin_end),
          "ISS+1.. covered up to ISS+%d of %d, hole %s" %
          (covered, opt.bytes, hole))

    # Walk the in-order queue events by sequence number, not by their place
    # in the record: ftrace keeps one buffer per CPU and merges them by
    # timestamp, and two events a few microseconds apart on two CPUs (the
    # NAPI softirq on one, the owner's backlog on the other) may print
    # swapped. A hole, an overlap or a byte queued twice still shows.
    inq = [r for r in ev("edu_data_queue") if tup(r) == server]
    in_order = [r for r in inq if r.f.get("order") == "in order"]
    chunks = sorted(((int(r.f["seq"]) - iss - 1) % MOD, int(r.f["len"]))
                    for r in in_order)
    nxt, total, gap = 0, 0, None
    for off, ln in chunks:
        if off != nxt and gap is None:
            gap = "seq=%d where %d was next" % ((iss + 1 + off) % MOD,
                                                (iss + 1 + nxt) % MOD)
        nxt = off + ln
        total += ln
    swapped = sum(1 for a, b in zip(in_order, in_order[1:])
                  if after(int(a.f["seq"]), int(b.f["seq"])))
    print("# in-order queue events printed out of sequence: %d" % swapped)
    check("receiver_queued_each_byte_in_order_once",
          total == opt.bytes and gap is None,
          "%d bytes queued in order, %s" % (total, gap))
    ooo = sum(1 for r in inq if r.f.get("order") == "out-of-order")
    print("# out-of-order segments at the receiver: %d" % ooo)
    check("out_of_order_data_seen", ooo > 0, "none, with 2% loss")

    # -- state changes ---------------------------------------------------
    chains = {}
    for r in ev("edu_state_change"):
        chains.setdefault(r.f.get("sk"), []).append(r)
    bad = []
    for sk, ch in chains.items():
        for a, b in zip(ch, ch[1:]):
            if a.f["new"] != b.f["old"]:
                bad.append("%s: %s then %s -> %s" % (sk, a.f["new"],
                                                     b.f["old"], b.f["new"]))
        for r in ch:
            if (r.f["old"], r.f["new"]) not in ALLOWED:
                bad.append("%s: %s -> %s" % (sk, r.f["old"], r.f["new"]))
    check("state_changes_follow_rfc9293", chains and not bad,
          "; ".join(bad[:5]))

    def chain_of(t):
        for ch in chains.values():
            if any(tup(r) == t and r.f["old"] != "CLOSE" for r in ch):
                return ch
        return []

    def when(ch, old, new):
        return next((r.ts for r in ch if r.f["old"] == old and
                     r.f["new"] == new), None)

    c, s = chain_of(client), chain_of(server)
    print("# client: %s" % " ".join("%s->%s" % (r.f["old"], r.f["new"]) for r in c))
    print("# server: %s" % " ".join("%s->%s" % (r.f["old"], r.f["new"]) for r in s))
    t = [when(c, "CLOSE", "SYN_SENT"), when(s, "CLOSE", "SYN_RECV"),
         when(c, "SYN_SENT", "ESTABLISHED"), when(s, "SYN_RECV", "ESTABLISHED")]
    # "Not later than", not "strictly before": a debug kernel under
    # emulation may fall back to a jiffy-grained trace clock, and then a
    # whole handshake can carry one timestamp.
    ok = None not in t and t[0] <= t[1] <= t[2] and t[1] <= t[3]
    why = "handshake order %s" % t
    # The active close comes before the peer's CLOSE_WAIT; both end closed.
    for a, b in ((c, s), (s, c)):
        fw = when(a, "ESTABLISHED", "FIN_WAIT1")
        cw = when(b, "ESTABLISHED", "CLOSE_WAIT")
        if fw is not None and cw is not None and cw < fw:
            ok, why = False, "CLOSE_WAIT before the peer's FIN_WAIT1"
    closers = [when(c, "ESTABLISHED", "FIN_WAIT1"),
               when(s, "ESTABLISHED", "FIN_WAIT1")]
    if closers == [None, None]:
        ok, why = False, "nobody went to FIN_WAIT1"
    for ch in (c, s):
        if not ch or ch[-1].f["new"] not in ("CLOSE", "TIME_WAIT"):
            ok, why = False, "a socket did not end closed"
    check("handshake_and_close_in_causal_order", ok, why)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
