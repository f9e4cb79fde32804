#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: kernel TCP over an edunic pair against the same over veth
# (throughput with iperf3, and small-packet rate with iperf3 UDP), then
# AF_EDU against kernel TCP with edu-perf over both links; each figure
# RUNS times, median and spread. Writes /vmout/bench.json.
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

# AF_EDU against kernel TCP, both measured by edu-perf on the same link:
# bulk stream (Mbit/s), 1-byte request/response (transactions/s) and
# connect/request/close (connections/s).
PERF=$TOP/scripts/tools/edu-perf
[ -d /sys/module/af_edu ] || insmod "$TOP/module/edu/af_edu.ko"
perf_one() {	# family mode -> one figure
	local fam=$1 m=$2 port=$((5400 + RANDOM % 500)) key out
	ip netns exec $H2 "$PERF" server -f "$fam" -p $port &
	local srv=$!
	sleep 0.5
	case $m in stream) key=mbit_s ;; *) key=trans_s ;; esac
	out=$(ip netns exec $H1 "$PERF" client -f "$fam" -H $H2_ADDR -p $port -m "$m" \
		-t "$SECS" -j)
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	echo "$out" | python3 -c "import json,sys; print(round(json.load(sys.stdin)['$key']))"
}
for kind in edunic veth; do
	twohosts_up $kind || exit 1
	for fam in tcp edu; do
		for m in stream rr crr; do
			vals=""
			for _ in $(seq "$RUNS"); do
				vals="$vals $(perf_one $fam $m)"
			done
			RES[$kind.$fam.$m.median]=$(echo $vals | tr ' ' '\n' | median)
			RES[$kind.$fam.$m.spread]=$(echo $vals | tr ' ' '\n' | spread)
			RES[$kind.$fam.$m.runs]=$(echo $vals | tr ' ' ',')
		done
	done
	if [ $kind = veth ]; then
		# Kernel memory per idle established connection (both ends).
		for fam in tcp edu; do
			port=$((5900 + RANDOM % 50))
			ip netns exec $H2 "$PERF" server -f $fam -p $port &
			srv=$!
			RES[idle.$fam]=$(ip netns exec $H1 "$PERF" client -f $fam -H $H2_ADDR \
				-p $port -m idle -n "${IDLE_CONNS:-2000}" -j |
				python3 -c "import json,sys; print(round(json.load(sys.stdin)['bytes_per_conn']))")
			kill $srv; wait $srv 2>/dev/null
		done
	fi
	twohosts_down
done

ratio() { python3 -c "print(f'{$1/max($2,1):.2f}')"; }
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

printf '\n%-12s %-8s %14s %14s %8s %16s\n' "AF_EDU vs TCP" "link" "edu (median)" "tcp (median)" "ratio" "spread edu|tcp"
for m in stream rr crr; do
	case $m in stream) u="Mbit/s" ;; rr) u="trans/s" ;; crr) u="conn/s" ;; esac
	for kind in edunic veth; do
		printf '%-12s %-8s %14s %14s %8s %16s\n' "$m ($u)" $kind \
			"${RES[$kind.edu.$m.median]}" "${RES[$kind.tcp.$m.median]}" \
			"$(ratio ${RES[$kind.edu.$m.median]} ${RES[$kind.tcp.$m.median]})" \
			"${RES[$kind.edu.$m.spread]}|${RES[$kind.tcp.$m.spread]}"
	done
done

printf '%-12s %-8s %14s %14s %8s\n' "idle conn" veth "${RES[idle.edu]} B" \
	"${RES[idle.tcp]} B" "$(ratio ${RES[idle.edu]} ${RES[idle.tcp]})"

python3 - "$RUNS" "$SECS" > /vmout/bench.json <<PY
import json, sys
res = {
 "kernel": "$(uname -r)", "runs": int(sys.argv[1]), "seconds": int(sys.argv[2]),
 "tcp_mbit": {"edunic": [${RES[edunic.tcp.runs]}], "veth": [${RES[veth.tcp.runs]}]},
 "udp64_pps": {"edunic": [${RES[edunic.pps.runs]}], "veth": [${RES[veth.pps.runs]}]},
 "idle_bytes_per_conn": {"edu": ${RES[idle.edu]}, "tcp": ${RES[idle.tcp]}},
 "edu_vs_tcp": {
$(for kind in edunic veth; do for fam in edu tcp; do for m in stream rr crr; do
	echo "  \"$kind.$fam.$m\": [${RES[$kind.$fam.$m.runs]}],"; done; done; done)
 },
}
print(json.dumps(res, indent=1))
PY
