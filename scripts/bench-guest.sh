#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: kernel TCP over an edunic pair against the same over veth
# (throughput with iperf3, and small-packet rate with iperf3 UDP), each run
# RUNS times; median and spread. Writes /vmout/bench.json.
set -uo pipefail
TOP=${AF_EDU_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/scripts/lib/twohosts.sh"
RUNS=${RUNS:-3}
SECS=${SECS:-5}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
spread() { sort -n | awk 'NR==1{lo=$1} {hi=$1} END {printf "%.0f", hi-lo}'; }

# iperf3 in h2 serving, h1 sending; prints one figure per run.
iperf_tcp() {
	ip netns exec $H2 iperf3 -s -D -1 -p 5201 >/dev/null
	sleep 0.5
	ip netns exec $H1 iperf3 -c $H2_ADDR -p 5201 -t "$SECS" -J |
		python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6))'
}
iperf_pps() {
	ip netns exec $H2 iperf3 -s -D -1 -p 5202 >/dev/null
	sleep 0.5
	ip netns exec $H1 iperf3 -c $H2_ADDR -p 5202 -u -b 0 -l 64 -t "$SECS" -J |
		python3 -c 'import json,sys; e=json.load(sys.stdin)["end"]["sum"]; print(round((e["packets"]-e["lost_packets"])/e["seconds"]))'
}

declare -A RES
for kind in veth edunic; do
	twohosts_up $kind || { echo "bench: cannot set up $kind" >&2; exit 1; }
	for what in tcp pps; do
		vals=""
		for _ in $(seq "$RUNS"); do
			vals="$vals $(iperf_$what)"
		done
		RES[$kind.$what.median]=$(echo $vals | tr ' ' '\n' | median)
		RES[$kind.$what.spread]=$(echo $vals | tr ' ' '\n' | spread)
		RES[$kind.$what.runs]=$(echo $vals | tr ' ' ',')
	done
	twohosts_down
done

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
printf '\n%-34s %12s %12s %8s\n' "kernel TCP, h1 -> h2" "edunic" "veth" "ratio"
printf '%-34s %12s %12s %8s\n' "throughput, Mbit/s (median of $RUNS)" \
	"${RES[edunic.tcp.median]}" "${RES[veth.tcp.median]}" \
	"$(ratio ${RES[edunic.tcp.median]} ${RES[veth.tcp.median]})"
printf '%-34s %12s %12s %8s\n' "UDP 64 B packets/s received" \
	"${RES[edunic.pps.median]}" "${RES[veth.pps.median]}" \
	"$(ratio ${RES[edunic.pps.median]} ${RES[veth.pps.median]})"
printf '%-34s %12s %12s\n' "spread (max-min) Mbit/s | pps" \
	"${RES[edunic.tcp.spread]} | ${RES[edunic.pps.spread]}" \
	"${RES[veth.tcp.spread]} | ${RES[veth.pps.spread]}"

python3 - "$RUNS" "$SECS" > /vmout/bench.json <<PY
import json, sys
res = {
 "kernel": "$(uname -r)", "runs": int(sys.argv[1]), "seconds": int(sys.argv[2]),
 "tcp_mbit": {"edunic": [${RES[edunic.tcp.runs]}], "veth": [${RES[veth.tcp.runs]}]},
 "udp64_pps": {"edunic": [${RES[edunic.pps.runs]}], "veth": [${RES[veth.pps.runs]}]},
}
print(json.dumps(res, indent=1))
PY
