#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of congestion control, for congestion.sh.

  cong_check.py sockopt
      EDU_CONGESTION and net.edu.congestion_control: errnos, names, the
      switch on a live connection (run in a namespace of its own).
  cong_check.py CHECK TRACE [ARGS]
      one property of the edu:edu_cong_probe record of a transfer; prints
      what it measured as "# ..." lines, exits 0 (holds) or 1 (does not).

Each check reads the record of a real transfer over an emulated edunic
link; the tolerances are stated where they are used.
"""
import ctypes
import errno
import os
import socket
import statistics
import struct
import sys

sys.dont_write_bytecode = True  # the tree may be read-only
sys.path.insert(0, os.path.join(os.environ.get('AF_EDU_TOP', os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..')), 'scripts', 'lib'))
import cc_trace  # noqa: E402

SOL_EDU = 290
EDU_INFO = 3
EDU_CONGESTION = 4
INF = cc_trace.INFINITE_SSTHRESH
# Fast recovery's cwnd above ssthresh: the three segments the duplicate
# ACKs say left the network (RFC 5681 3.2), none with SACK, where pipe
# counts them (RFC 6675). congestion.sh passes net.edu.sack in EDU_SACK.
INFLATE = 0 if os.environ.get('EDU_SACK', '1') == '1' else 3


def log(*a):
    print('#', *a)


def load(path):
    ev = cc_trace.biggest_flow(cc_trace.parse_file(path))
    if not ev:
        log(f'{path}: no edu_cong_probe events')
        sys.exit(1)
    log(f'{path}: {len(ev)} events of {ev[0].ca} over {ev[-1].t:.1f} s')
    return ev


def runs_of(ev, reason, min_len):
    """Index ranges [i, j] of consecutive events with this reason."""
    out, i = [], 0
    while i < len(ev):
        if ev[i].reason != reason:
            i += 1
            continue
        j = i
        while j + 1 < len(ev) and ev[j + 1].reason == reason:
            j += 1
        if j - i + 1 >= min_len:
            out.append((i, j))
        i = j + 1
    return out


def check_slow_start(ev):
    """
    Slow start doubles cwnd every round trip (RFC 5681 3.1: +1 segment per
    segment acknowledged) and stops at ssthresh. A round trip is counted in
    sequence space, as HyStart and Vegas count it: it ends with the first
    ACK at or beyond the snd_nxt of its start, so the check does not depend
    on the VM's timing. Over every slow-start round from cwnd 4 up in which
    the sender filled its window (the round's data at least 3/4 of cwnd:
    a receive-window-limited round cannot double), not capped by ssthresh,
    the median growth must be x1.6..x2.4. No slow-start
    step may end above ssthresh + 1 (the + 1: RFC 3465's leftover of an ACK
    that crosses ssthresh goes to congestion avoidance, at most one segment
    since ssthresh is half the flight that ACK can cover), and at least one
    slow start after a loss must reach its ssthresh and go on in
    congestion avoidance.
    """
    ok = True
    ratios = []
    limited = 0
    for i, j in runs_of(ev, 'slow_start', 3):
        c0, una, end = ev[i].cwnd, ev[i].snd_una, ev[i].snd_nxt
        for e in ev[i + 1:j + 1]:
            if e.snd_una < end:
                continue
            full = (end - una) / e.mss >= 0.75 * c0
            if c0 >= 4 and e.cwnd < e.ssthresh:
                if full:
                    ratios.append(e.cwnd / c0)
                else:
                    limited += 1
            c0, una, end = e.cwnd, e.snd_una, e.snd_nxt
    log(f'slow-start rounds not filling cwnd (left out): {limited}')
    if len(ratios) < 3:
        log(f'only {len(ratios)} slow-start rounds')
        return False
    med = statistics.median(ratios)
    log(f'{len(ratios)} slow-start rounds, cwnd growth per round: median '
        f'x{med:.2f} (want 1.6..2.4), range x{min(ratios):.2f}..x{max(ratios):.2f}')
    ok &= 1.6 <= med <= 2.4
    over = [e for e in ev if e.reason == 'slow_start' and e.cwnd > e.ssthresh + 1]
    if over:
        log(f'slow start past ssthresh: {over[0]}')
        ok = False
    reached = sum(1 for a, b in zip(ev, ev[1:])
                  if a.reason == 'slow_start' and a.ssthresh < INF and
                  a.cwnd >= a.ssthresh and b.reason == 'cong_avoid')
    log(f'slow starts that reached ssthresh and went on in congestion '
        f'avoidance: {reached}')
    return ok and reached > 0


def check_cong_avoid(ev):
    """
    Congestion avoidance adds about one segment per round trip (RFC 5681
    eq. 3: +1 per cwnd segments acknowledged). For each run of 4 or more
    cong_avoid events, round trips = the sum over its steps of segments
    acknowledged / cwnd; the median growth must be 0.7..1.3 segments per
    round trip.
    """
    rates = []
    for i, j in runs_of(ev, 'cong_avoid', 4):
        n = sum((b.snd_una - a.snd_una) / a.mss / a.cwnd
                for a, b in zip(ev[i:j], ev[i + 1:j + 1]))
        if n >= 2:
            rates.append((ev[j].cwnd - ev[i].cwnd) / n)
    if not rates:
        log('no congestion-avoidance run of 2 round trips')
        return False
    med = statistics.median(rates)
    log(f'{len(rates)} runs, median growth {med:.2f} segments per round trip '
        f'(want 0.7..1.3)')
    return 0.7 <= med <= 1.3


def loss_events(ev, reason):
    return [(ev[i - 1], ev[i]) for i in range(1, len(ev)) if ev[i].reason == reason]


def check_fast_retransmits(ev, holds, what):
    """
    holds(before, after) for every fast retransmit (the recovery_enter
    event and the one before it), and there was at least one.
    """
    evs = loss_events(ev, 'recovery_enter')
    bad = 0
    for prev, e in evs:
        if not holds(prev, e):
            bad += 1
            log(f'{what}: before {prev}, after {e}')
    log(f'{len(evs)} fast retransmits, {bad} wrong')
    if evs:
        r = statistics.median(e.ssthresh / p.cwnd for p, e in evs)
        log(f'median ssthresh / cwnd before: {r:.2f}')
    return len(evs) > 0 and bad == 0


def reno_ssthresh(prev, e):
    """edu_reno_ssthresh(): max(FlightSize / 2, 2), of cwnd when less."""
    return max(min(e.in_flight, prev.cwnd) // 2, 2)


def check_newreno_halves(ev):
    """
    On the third duplicate ACK NewReno sets ssthresh = max(FlightSize / 2, 2)
    (RFC 5681 eq. 4), of cwnd when less (just after a recovery the flight
    can exceed the deflated cwnd), and cwnd = ssthresh + 3, or ssthresh
    with SACK (RFC 6675 5 step 4.2, pipe counts the three). Exact for
    every fast retransmit; and, as the flow is cwnd-limited, ssthresh is
    about half the cwnd before (within 2 segments + 10%).
    """
    def holds(prev, e):
        exact = (e.ssthresh == reno_ssthresh(prev, e) and
                 e.cwnd == e.ssthresh + INFLATE)
        near = abs(e.ssthresh - prev.cwnd / 2) <= 2 + 0.1 * prev.cwnd
        return exact and near

    return check_fast_retransmits(ev, holds, 'not a halving')


def check_cubic_beta(ev):
    """
    CUBIC (RFC 9438 4.6): ssthresh = max(0.7 * cwnd, 2) on a loss, and
    W_max (state[0]) is cwnd, or 0.85 * cwnd by fast convergence (4.7).
    Exact (integer arithmetic of edu_cong_cubic.c) for every fast
    retransmit.
    """
    def holds(prev, e):
        return (e.ssthresh == max(prev.cwnd * 7 // 10, 2) and
                e.state[0] in (prev.cwnd, prev.cwnd * 17 // 20))

    return check_fast_retransmits(ev, holds, 'not x0.7')


def check_rto(ev):
    """An RTO collapses cwnd to its minimum, one segment (RFC 5681 3.1)."""
    evs = loss_events(ev, 'rto')
    bad = [(p, e) for p, e in evs if e.cwnd != 1 or e.ssthresh < 2]
    for p, e in bad:
        log(f'RTO did not collapse cwnd: {e}')
    log(f'{len(evs)} RTO events, cwnd before them: '
        f'{sorted(set(p.cwnd for p, _ in evs))[:10]}')
    return len(evs) > 0 and not bad


def second_half_srtt(ev):
    half = ev[-1].t / 2
    s = [e.srtt_us / 1000 for e in ev if e.t >= half and e.srtt_us]
    return statistics.median(s) if s else 0


# The deep-queue link of congestion.sh: 2 Mbit/s, a 100-packet FIFO.
# One full frame (1538 bytes on the wire) takes 6.2 ms at 2 Mbit/s, so
# the full queue adds at least 615 ms to the RTT (more: the FIFO counts
# a GSO super-segment of several frames as one packet).
VEGAS_MARGIN_MS = 100
RENO_ABOVE_MS = 250


def check_vegas_queue(vegas_path, reno_path):
    """
    On a rate-limited link with a deep queue Vegas keeps alpha..beta (2..4)
    of its segments queued, 12..25 ms at 2 Mbit/s, so its RTT stays near
    the base RTT, while NewReno fills the queue until it overflows.
    BaseRTT is Vegas's own (the smallest RTT it saw, state[0]); both
    medians are of the smoothed RTT over the second half of each
    transfer, after the first slow start. Vegas: within BaseRTT + 100 ms,
    which is 4x its beta in segments (16 frames of queue) and leaves room
    for delayed ACKs (40 ms) and the scheduling delays of a TCG VM on a
    shared host. NewReno: at least 250 ms above BaseRTT (40 frames), as a
    loss comes only from the full queue (615 ms) and halving cwnd leaves
    it about half full.
    """
    vev = load(vegas_path)
    base = min((e.state[0] for e in vev if e.state[0]), default=0) / 1000
    v = second_half_srtt(vev)
    r = second_half_srtt(load(reno_path))
    log(f'median srtt, second half: vegas {v:.1f} ms, newreno {r:.1f} ms; '
        f'vegas BaseRTT {base:.1f} ms')
    log(f'vegas {v - base:.1f} ms above BaseRTT (want <= {VEGAS_MARGIN_MS}), '
        f'newreno {r - base:.1f} ms above (want >= {RENO_ABOVE_MS})')
    return (base > 0 and v > 0 and v - base <= VEGAS_MARGIN_MS and
            r - base >= RENO_ABOVE_MS)


# The estimate's two 7/8 filter stages need about 16 samples to settle,
# one per RTT sample, and with the 30-packet queue full an RTT reaches
# 450 ms: after the first slow start's overshoot and timeout, BWE was
# 0.25..0.45 of the link rate 3..4 s in, 0.9 of it at the next loss, 8 s
# in (measured).
WESTWOOD_SETTLE_S = 6


def check_westwood(ev, rate_kbit, tol):
    """
    Westwood+ (Mascolo et al.): on the third duplicate ACK ssthresh =
    BWE * RTTmin / MSS and cwnd = min(cwnd, ssthresh); before the first
    bandwidth sample (BWE 0) it halves as NewReno does. Every fast
    retransmit is checked against the bw_rttmin the algorithm reports in
    the same event; for those after the first WESTWOOD_SETTLE_S (the
    estimate needs them) BWE must also be within tol of the link's payload
    rate (rate * 1460 / 1538: the bytes of a full frame on the wire that
    are payload).
    """
    payload = rate_kbit * 1000 / 8 * 1460 / 1538
    ests = []

    def holds(prev, e):
        bw, bwr = e.state[0], e.state[2]
        want = bwr if bw else reno_ssthresh(prev, e)
        ok = (e.ssthresh == want and
              e.cwnd == min(prev.cwnd, e.ssthresh) + INFLATE)
        if bw and e.t > WESTWOOD_SETTLE_S:
            ests.append(bw)
            ok = ok and abs(bw - payload) <= tol * payload
        return ok

    ok = check_fast_retransmits(
        ev, holds, f'not BWE * RTTmin, or BWE (state[0], bytes/s) not near '
        f'the payload rate {payload:.0f} B/s')
    if ests:
        log(f'{len(ests)} after {WESTWOOD_SETTLE_S} s; BWE median '
            f'{statistics.median(ests):.0f} B/s = '
            f'{statistics.median(ests) / payload:.2f} x payload rate '
            f'(tolerance {tol})')
    return ok and len(ests) > 0


def edu_family():
    with open('/sys/module/af_edu/parameters/family') as f:
        return int(f.read())


def expect_errno(what, fn, want):
    try:
        fn()
    except OSError as e:
        if e.errno == want:
            log(f'{what}: {errno.errorcode[want]}')
            return True
        log(f'{what}: {errno.errorcode.get(e.errno, e.errno)}, want '
            f'{errno.errorcode[want]}')
        return False
    log(f'{what}: succeeded, want {errno.errorcode[want]}')
    return False


def ca_name(s):
    return s.getsockopt(SOL_EDU, EDU_CONGESTION, 16).split(b'\0')[0].decode()


def info_cwnd(s):
    """edui_snd_cwnd and edui_snd_ssthresh (offsets 28, 32 of edu_info)."""
    b = s.getsockopt(SOL_EDU, EDU_INFO, 256)
    return struct.unpack_from('II', b, 28)


def check_sockopt():
    """
    EDU_CONGESTION: ENOENT for an unknown name, EINVAL for an empty
    option, more than 16 bytes or 16 bytes without a NUL, EFAULT for a bad
    pointer; getsockopt returns the name; net.edu.congestion_control
    refuses unknown names and gives new sockets its algorithm; a live
    connection switches with cwnd and ssthresh kept and keeps moving data.
    """
    fam = edu_family()
    ok = True
    s = socket.socket(fam, socket.SOCK_STREAM)
    ok &= expect_errno('unknown name', lambda: s.setsockopt(
        SOL_EDU, EDU_CONGESTION, b'nosuchalgo\0'), errno.ENOENT)
    ok &= expect_errno('empty name', lambda: s.setsockopt(
        SOL_EDU, EDU_CONGESTION, b'\0'), errno.ENOENT)
    ok &= expect_errno('optlen 0', lambda: s.setsockopt(
        SOL_EDU, EDU_CONGESTION, b''), errno.EINVAL)
    ok &= expect_errno('optlen 17', lambda: s.setsockopt(
        SOL_EDU, EDU_CONGESTION, b'cubic' + b'\0' * 12), errno.EINVAL)
    ok &= expect_errno('16 bytes, no NUL', lambda: s.setsockopt(
        SOL_EDU, EDU_CONGESTION, b'c' * 16), errno.EINVAL)
    ok &= expect_errno('NULL pointer', lambda: s.setsockopt(
        SOL_EDU, EDU_CONGESTION, None, 6), errno.EFAULT)
    avail = open('/proc/sys/net/edu/available_congestion_control').read().split()
    log(f'available: {avail}')
    ok &= sorted(avail) == sorted(['newreno', 'reno', 'cubic', 'vegas', 'westwood'])
    ok &= ca_name(s) == 'newreno'
    for name in avail:
        s.setsockopt(SOL_EDU, EDU_CONGESTION, name.encode() + b'\0')
        ok &= ca_name(s) == name
    # without the NUL, as TCP_CONGESTION callers pass it
    s.setsockopt(SOL_EDU, EDU_CONGESTION, b'vegas')
    ok &= ca_name(s) == 'vegas'
    s.close()

    sysctl = '/proc/sys/net/edu/congestion_control'
    try:
        with open(sysctl, 'w') as f:
            f.write('nosuchalgo\n')
        log('sysctl accepted an unknown name')
        ok = False
    except OSError as e:
        log(f'sysctl unknown name: {errno.errorcode.get(e.errno)}')
        ok &= e.errno == errno.ENOENT
    with open(sysctl, 'w') as f:
        f.write('westwood\n')
    s = socket.socket(fam, socket.SOCK_STREAM)
    got = ca_name(s)
    log(f'new socket after sysctl westwood: {got}')
    ok &= got == 'westwood'
    s.close()
    with open(sysctl, 'w') as f:
        f.write('newreno\n')

    # Live switch: a connection over loopback, data before and after.
    # Python cannot parse AF_EDU addresses: bind/connect/accept by libc,
    # with a sockaddr_edu (the layout of sockaddr_in).
    libc = ctypes.CDLL(None, use_errno=True)
    addr = struct.pack('=H', fam) + struct.pack('!H', 7799) + \
        socket.inet_aton('127.0.0.1') + bytes(8)
    lst = socket.socket(fam, socket.SOCK_STREAM)
    if libc.bind(lst.fileno(), addr, len(addr)) or libc.listen(lst.fileno(), 1):
        log(f'bind/listen: {os.strerror(ctypes.get_errno())}')
        return False
    cli = socket.socket(fam, socket.SOCK_STREAM)
    if libc.connect(cli.fileno(), addr, len(addr)):
        log(f'connect: {os.strerror(ctypes.get_errno())}')
        return False
    fd = libc.accept(lst.fileno(), None, None)
    if fd < 0:
        log(f'accept: {os.strerror(ctypes.get_errno())}')
        return False
    srv = socket.socket(fam, socket.SOCK_STREAM, 0, fd)
    cli.sendall(b'x' * 200000)
    got = 0
    while got < 200000:
        got += len(srv.recv(65536))
    before = info_cwnd(cli)
    cli.setsockopt(SOL_EDU, EDU_CONGESTION, b'cubic\0')
    after = info_cwnd(cli)
    log(f'live switch newreno -> {ca_name(cli)}: cwnd/ssthresh {before} -> {after}')
    ok &= ca_name(cli) == 'cubic' and before == after
    cli.sendall(b'y' * 200000)
    got = 0
    while got < 200000:
        got += len(srv.recv(65536))
    log('200000 bytes after the switch arrived')
    for x in (cli, srv, lst):
        x.close()
    return ok


def main():
    what = sys.argv[1]
    if what == 'sockopt':
        ok = check_sockopt()
    elif what == 'vegas_queue':
        ok = check_vegas_queue(sys.argv[2], sys.argv[3])
    elif what == 'westwood':
        ok = check_westwood(load(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]))
    else:
        fn = {'slow_start': check_slow_start, 'cong_avoid': check_cong_avoid,
              'newreno_halves': check_newreno_halves, 'cubic_beta': check_cubic_beta,
              'rto': check_rto}[what]
        ok = fn(load(sys.argv[2]))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
