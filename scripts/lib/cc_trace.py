# SPDX-License-Identifier: GPL-2.0
"""Read edu:edu_cong_probe events from an ftrace text record.

One event per change of cwnd or ssthresh (module/edu/edu_cong_trace.h):

  <task>-<pid> [cpu] flags  <secs>: edu_cong_probe: src=A:P dest=A:P ca=NAME
      reason=R snd_una=B snd_nxt=B mss=B snd_cwnd=N ssthresh=N srtt=US snd_wnd=B in_flight=N
      ca_state=a,b,c,d

Used by scripts/edu-cc-plot (pictures, summary) and by the selftests in
selftests/edu/cong_check.py (the checks of each algorithm's behaviour).
"""
import re

INFINITE_SSTHRESH = 0x7fffffff

_LINE = re.compile(
    r'\s(?P<ts>\d+\.\d+):\s+edu_cong_probe:\s+src=(?P<src>\S+)\s+dest=(?P<dst>\S+)'
    r'\s+ca=(?P<ca>\S+)\s+reason=(?P<reason>\S+)\s+snd_una=(?P<una>\d+)'
    r'\s+snd_nxt=(?P<nxt>\d+)\s+mss=(?P<mss>\d+)\s+snd_cwnd=(?P<cwnd>\d+)'
    r'\s+ssthresh=(?P<ssthresh>\d+)\s+srtt=(?P<srtt>\d+)\s+snd_wnd=(?P<snd_wnd>\d+)'
    r'\s+in_flight=(?P<in_flight>\d+)\s+ca_state=(?P<st>[\d,]+)')


class Event:
    """One tracepoint hit; t in seconds from the flow's first event."""
    __slots__ = ('t', 'flow', 'ca', 'reason', 'snd_una', 'snd_nxt', 'mss', 'cwnd', 'ssthresh', 'srtt_us',
                 'snd_wnd', 'in_flight', 'state')

    def __repr__(self):
        return (f'{self.t:.3f}s {self.ca} {self.reason} cwnd={self.cwnd} '
                f'ssthresh={self.ssthresh} srtt={self.srtt_us} '
                f'in_flight={self.in_flight} state={self.state}')


def parse(lines):
    """Events grouped by flow (src, dest), each list in time order."""
    flows = {}
    t0 = {}
    for line in lines:
        m = _LINE.search(line)
        if not m:
            continue
        flow = (m['src'], m['dst'])
        ts = float(m['ts'])
        t0.setdefault(flow, ts)
        e = Event()
        e.t = ts - t0[flow]
        e.flow = flow
        e.ca = m['ca']
        e.reason = m['reason']
        e.snd_una = int(m['una'])
        e.snd_nxt = int(m['nxt'])
        e.mss = int(m['mss'])
        e.cwnd = int(m['cwnd'])
        e.ssthresh = int(m['ssthresh'])
        e.srtt_us = int(m['srtt'])
        e.snd_wnd = int(m['snd_wnd'])
        e.in_flight = int(m['in_flight'])
        e.state = [int(x) for x in m['st'].split(',')]
        flows.setdefault(flow, []).append(e)
    return flows


def parse_file(path):
    with open(path, errors='replace') as f:
        return parse(f)


def biggest_flow(flows):
    """The flow with most events: the bulk transfer of a run."""
    if not flows:
        return []
    return max(flows.values(), key=len)


def summary(events):
    """A few figures that tell one run from another."""
    if not events:
        return {}
    dur = events[-1].t or 1e-9
    cw = [e.cwnd for e in events]
    rtts = [e.srtt_us / 1000 for e in events if e.srtt_us]
    # time-weighted mean cwnd: each value holds until the next event
    wsum = sum(a.cwnd * (b.t - a.t) for a, b in zip(events, events[1:]))
    return {
        'ca': events[0].ca,
        'events': len(events),
        'seconds': dur,
        'cwnd_mean': wsum / dur if dur > 0 else cw[0],
        'cwnd_max': max(cw),
        'fast_recoveries': sum(e.reason == 'recovery_enter' for e in events),
        'rtos': sum(e.reason == 'rto' for e in events),
        'undos': sum(e.reason == 'undo' for e in events),
        'srtt_mean_ms': sum(rtts) / len(rtts) if rtts else 0,
        'srtt_max_ms': max(rtts) if rtts else 0,
        'ssthresh_last': next((e.ssthresh for e in reversed(events)
                               if e.ssthresh != INFINITE_SSTHRESH), None),
    }


def write_dat(events, path):
    """gnuplot columns: t cwnd ssthresh srtt_ms (ssthresh '?' = infinite)."""
    with open(path, 'w') as f:
        f.write('# t_s cwnd_segs ssthresh_segs srtt_ms reason\n')
        for e in events:
            ss = '?' if e.ssthresh >= INFINITE_SSTHRESH else str(e.ssthresh)
            f.write(f'{e.t:.6f} {e.cwnd} {ss} {e.srtt_us / 1000:.3f} {e.reason}\n')
