#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM. Every measurement is appended as one JSON record to
# $RECORDS; scripts/bench-report.py turns them into the table and into
# /vmout/bench.json. Each section below is independent: a new comparison
# is a new section that appends its own records.
#
#   BENCH_PATHS  links to measure AF_EDU against TCP on (edunic veth lo)
#   BENCH_MODES  edu-perf workloads (stream rr crr)
#   RUNS, SECS   repetitions of each figure, seconds per run
#   IDLE_CONNS   idle established connections for the memory figure (0: none)
#   EDU_KO       the af_edu.ko to measure (to compare two builds)
#   BENCH_OFFLOAD=0 skips the stream with edunic's GSO on and off
#   BENCH_ONLY   run only these sections (space-separated): paths (AF_EDU
#                against TCP on BENCH_PATHS), idle, iperf (edu-perf's TCP
#                figure against iperf3's), offload, congestion
#   CHECK_RUNS   pairs of runs for the iperf3 cross-check (5)
#   profile      (only when named in BENCH_ONLY) perf record -a of each
#                mode in PROFILE_MODES (crr stream) for AF_EDU and TCP over
#                PROFILE_PATH (edunic), PROFILE_SECS each; the top
#                PROFILE_TOP (25) symbols of each, their callers and the
#                inclusive shares land in /vmout/profile-PATH-MODE-FAM.txt
#                (with PROFILE_KEEP=1 the perf.data beside it)
set -uo pipefail
TOP=${AF_EDU_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/scripts/lib/twohosts.sh"
RUNS=${RUNS:-3}
SECS=${SECS:-5}
BENCH_PATHS=${BENCH_PATHS:-edunic veth lo}
BENCH_MODES=${BENCH_MODES:-stream rr crr}
IDLE_CONNS=${IDLE_CONNS:-10000}
RECORDS=${RECORDS:-/vmout/bench-records.jsonl}
# ---- congestion control: AF_EDU against kernel TCP, algorithm by algorithm ----
# An emulated 100 Mbit/s link, 10 ms one-way delay on the data path, 1%
# loss (edunic's emulation on h1's side). Each AF_EDU algorithm against the
# kernel's module of the same name (Linux's "reno" is NewReno); goodput
# with edu-perf, CC_RUNS runs of CC_SECS each, medians and their ratio.
# Writes /vmout/bench-cong.json; self-contained, so that it can be run or
# changed apart from the rest.
bench_congestion() {
	local secs=${CC_SECS:-10} runs=${CC_RUNS:-3} ca kca fam vals port out
	declare -A CC
	local PERF=$TOP/scripts/tools/edu-perf
	[ -d /sys/module/af_edu ] || insmod "$TOP/module/edu/af_edu.ko" || return 1
	modprobe -q tcp_vegas; modprobe -q tcp_westwood
	twohosts_up edunic || return 1
	ip -n $H1 link set e1 type edunic rate 100mbit delay 10ms loss 1 || return 1
	for ca in newreno cubic vegas westwood; do
		kca=$ca; [ $ca = newreno ] && kca=reno
		for fam in edu tcp; do
			vals=""
			for _ in $(seq "$runs"); do
				port=$((6600 + RANDOM % 300))
				ip netns exec $H2 "$PERF" server -f $fam -p $port &
				local srv=$!
				sleep 0.5
				out=$(ip netns exec $H1 "$PERF" client -f $fam -H $H2_ADDR -p $port \
					-m stream -t "$secs" -C "$([ $fam = edu ] && echo $ca || echo $kca)" -j)
				kill $srv 2>/dev/null; wait $srv 2>/dev/null
				vals="$vals $(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mbit_s"])')"
			done
			CC[$ca.$fam.runs]=$(echo $vals | tr ' ' ',')
			CC[$ca.$fam]=$(echo $vals | tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
		done
	done
	twohosts_down
	printf '\n%s\n' "congestion control, 100 Mbit/s, 10 ms, 1% loss (edunic), goodput Mbit/s, median of $runs x ${secs}s"
	printf '%-10s %-10s %10s %10s %8s\n' "AF_EDU" "kernel" "edu" "tcp" "ratio"
	for ca in newreno cubic vegas westwood; do
		kca=$ca; [ $ca = newreno ] && kca=reno
		printf '%-10s %-10s %10s %10s %8s\n' $ca $kca "${CC[$ca.edu]}" "${CC[$ca.tcp]}" \
			"$(python3 -c "print(f'{${CC[$ca.edu]}/max(${CC[$ca.tcp]},0.01):.2f}')")"
	done
	{
		echo "{\"link\": \"edunic 100mbit delay 10ms loss 1%\", \"seconds\": $secs,"
		for ca in newreno cubic vegas westwood; do
			echo " \"$ca\": {\"edu_mbit\": [${CC[$ca.edu.runs]}], \"tcp_mbit\": [${CC[$ca.tcp.runs]}]},"
		done
		echo " \"kernel\": \"$(uname -r)\"}"
	} > /vmout/bench-cong.json
}
# Is section $1 to be run (BENCH_ONLY unset: all of them)?
want() {
	[ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]
}

# BENCH_ONLY=congestion scripts/vm-run -- scripts/bench-guest.sh: this part alone.
if [ "${BENCH_ONLY:-}" = congestion ]; then
	bench_congestion
	exit $?
fi

PERF=$TOP/scripts/tools/edu-perf
EDU_KO=${EDU_KO:-$TOP/module/edu/af_edu.ko}
: > "$RECORDS"
ulimit -n 65536

# record KEY=VALUE...: one JSON record (numbers stay numbers).
record() {
	python3 -c 'import json,sys
r = {}
for a in sys.argv[1:]:
	k, v = a.split("=", 1)
	try:
		r[k] = json.loads(v)
	except ValueError:
		r[k] = v
print(json.dumps(r))' "$@" >> "$RECORDS"
}

# The namespaces and address of a path: the client in h1 talks to the
# server in h2, or, over loopback, to itself.
path_up() {
	case $1 in
	lo) twohosts_up veth || return 1; SRV_NS=$H1; DST=127.0.0.1 ;;
	*) twohosts_up "$1" || return 1; SRV_NS=$H2; DST=$H2_ADDR ;;
	esac
}

# ---- kernel TCP with iperf3: edunic against veth, and the reference that
# edu-perf's own TCP stream figure must agree with ----
iperf_tcp() {	# path run
	local port=$((5201 + RANDOM % 100)) mbit
	ip netns exec "$SRV_NS" iperf3 -s -D -1 -p $port >/dev/null
	sleep 0.5
	mbit=$(ip netns exec $H1 iperf3 -c "$DST" -p $port -t "$SECS" -J |
		python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6, 1))')
	record section=iperf3 path="$1" fam=tcp mode=stream run="$2" mbit_s="${mbit:-0}"
}
iperf_pps() {	# path run
	local port=$((5301 + RANDOM % 100)) pps
	ip netns exec "$SRV_NS" iperf3 -s -D -1 -p $port >/dev/null
	sleep 0.5
	pps=$(ip netns exec $H1 iperf3 -c "$DST" -p $port -u -b 0 -l 64 -t "$SECS" -J |
		python3 -c 'import json,sys; e=json.load(sys.stdin)["end"]["sum"]; print(round((e["packets"]-e["lost_packets"])/e["seconds"]))')
	record section=iperf3 path="$1" fam=udp mode=pps64 run="$2" pps="${pps:-0}"
}

# ---- edu-perf's kernel TCP stream against iperf3's: the same path, the
# same length, 128 KiB writes for both, both measured at the receiver,
# run back to back in pairs whose order alternates, so that the load of
# a shared machine falls on both alike ----
check_pair() {	# path pair
	local port=$((5101 + RANDOM % 90)) mbit srv out tool
	for tool in $([ $(($2 % 2)) = 1 ] && echo "iperf3 edu-perf" || echo "edu-perf iperf3"); do
		if [ $tool = iperf3 ]; then
			ip netns exec "$SRV_NS" iperf3 -s -D -1 -p $port >/dev/null
			sleep 0.5
			mbit=$(ip netns exec $H1 iperf3 -c "$DST" -p $port -t "$SECS" -l 128K -J |
				python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6, 2))')
		else
			ip netns exec "$SRV_NS" "$PERF" server -f tcp -p $port &
			srv=$!
			sleep 0.5
			out=$(ip netns exec $H1 "$PERF" client -f tcp -H "$DST" -p $port \
				-m stream -s 131072 -t "$SECS" -j)
			kill $srv 2>/dev/null
			wait $srv 2>/dev/null
			mbit=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mbit_s"])')
		fi
		record section=iperf_check path="$1" pair="$2" tool=$tool mbit_s="${mbit:-0}"
		port=$((port + 1))
	done
}

# ---- AF_EDU against kernel TCP, both measured by edu-perf ----
perf_one() {	# path fam mode run
	local port=$((5400 + RANDOM % 500)) srv out
	ip netns exec "$SRV_NS" "$PERF" server -f "$2" -p $port &
	srv=$!
	sleep 0.5
	out=$(ip netns exec $H1 "$PERF" client -f "$2" -H "$DST" -p $port -m "$3" \
		-t "$SECS" -j)
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	[ -n "$out" ] || out='{"error": 1}'
	# SECTION: the section name and extra KEY=VALUE fields of the record
	record section=${SECTION:-edu_vs_tcp} path="$1" run="$4" "$(echo "$out" |
		python3 -c 'import json,sys; print("raw=" + json.dumps(json.load(sys.stdin)))')"
}

# Memory per idle established connection (slab, both ends), and every one
# of them used and closed without an error.
idle_one() {	# path fam
	local port=$((5900 + RANDOM % 50)) srv out
	ip netns exec "$SRV_NS" "$PERF" server -f "$2" -p $port &
	srv=$!
	sleep 0.5
	out=$(timeout 900 ip netns exec $H1 "$PERF" client -f "$2" -H "$DST" -p $port \
		-m idle -n "$IDLE_CONNS" -j)
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	[ -n "$out" ] || out='{"errors": -1}'
	record section=idle path="$1" "$(echo "$out" |
		python3 -c 'import json,sys; print("raw=" + json.dumps(json.load(sys.stdin)))')"
}

[ -d /sys/module/af_edu ] || insmod "$EDU_KO" || exit 1

# ---- where the time goes: software clock samples on every vCPU while one
# edu-perf workload runs (TCG has no hardware counters); one report per
# mode and family, symbols by their share of all samples, idle included ----
profile_one() {	# path mode fam
	local port=$((6100 + RANDOM % 400)) srv out f=/vmout/profile-$1-$2-$3
	ip netns exec "$SRV_NS" "$PERF" server -f "$3" -p $port &
	srv=$!
	sleep 0.5
	out=$(perf record -q -e cpu-clock -F 999 -a -g -o "$f.data" -- \
		ip netns exec $H1 "$PERF" client -f "$3" -H "$DST" -p $port \
		-m "$2" -t "$SECS" -j)
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	# Flat (self) shares, then where the biggest ones were called from
	# (spinning on a lock, or time with interrupts off that the clock
	# sample only sees at the unlock), then inclusive kernel shares.
	{
		echo "# $1 $2 $3: $out"
		perf report -i "$f.data" --stdio --no-children -g none \
			--sort sym --percent-limit 0.3 2>/dev/null |
			grep -v '^#' | grep -v '^$' | head -n "${PROFILE_TOP:-25}"
		echo "# callers of the symbols above 5%"
		perf report -i "$f.data" --stdio --no-children --sort sym \
			-g caller,2,callee,function,percent --percent-limit 5 \
			2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 150
		echo "# inclusive (children), kernel"
		perf report -i "$f.data" --stdio --children --sort sym -g none \
			--percent-limit 2 2>/dev/null | grep '\[k\]' | head -n 60
	} > "$f.txt"
	head -n "$((${PROFILE_TOP:-25} + 1))" "$f.txt"
	[ -n "${PROFILE_KEEP:-}" ] || rm -f "$f.data"
}
if [[ " ${BENCH_ONLY:-} " == *" profile "* ]]; then
	SECS=${PROFILE_SECS:-$SECS}
	echo 0 > /proc/sys/kernel/kptr_restrict
	echo -1 > /proc/sys/kernel/perf_event_paranoid
	path_up "${PROFILE_PATH:-edunic}" || exit 1
	for m in ${PROFILE_MODES:-crr stream}; do
		for fam in tcp edu; do
			profile_one "${PROFILE_PATH:-edunic}" "$m" $fam
		done
	done
	twohosts_down
fi
want paths || BENCH_PATHS=""
for path in $BENCH_PATHS; do
	path_up "$path" || { echo "bench: cannot set up $path" >&2; exit 1; }
	for run in $(seq "$RUNS"); do
		iperf_tcp "$path" "$run"
		[ "$path" = lo ] || iperf_pps "$path" "$run"
		for m in $BENCH_MODES; do
			for fam in tcp edu; do
				perf_one "$path" $fam "$m" "$run"
			done
		done
	done
	twohosts_down
done

# Each family gets fresh namespaces: what one left closing does not slow
# the other.
if [ "${IDLE_CONNS}" -gt 0 ] && want idle; then
	for fam in tcp edu; do
		path_up "${BENCH_IDLE_PATH:-edunic}" || exit 1
		idle_one "${BENCH_IDLE_PATH:-edunic}" $fam
		twohosts_down
	done
fi

if want iperf; then
	for path in ${CHECK_PATHS:-edunic veth lo}; do
		path_up "$path" || exit 1
		for pair in $(seq "${CHECK_RUNS:-5}"); do
			check_pair "$path" "$pair"
		done
		twohosts_down
	done
fi

# ---- the offload at work: the bulk stream over edunic with the sender's
# GSO (ethtool -K e1 gso) and the receiver's GRO (ethtool -K e2 gro) on
# and off, kernel TCP alongside ----
if [ "${BENCH_OFFLOAD:-1}" = 1 ] && want offload; then
	for run in $(seq "$RUNS"); do
		for off in "on on" "on off" "off on"; do
			set -- $off
			path_up edunic || exit 1
			ip netns exec $H1 ethtool -K e1 gso $1
			ip netns exec $H2 ethtool -K e2 gro $2
			for fam in tcp edu; do
				SECTION="offload gso=$1 gro=$2" perf_one edunic $fam stream "$run"
			done
			twohosts_down
		done
	done
fi

python3 "$TOP/scripts/bench-report.py" "$RECORDS" /vmout/bench.json \
	"kernel=$(uname -r)" "runs=$RUNS" "seconds=$SECS"

# ---- congestion control, algorithm by algorithm ----
if [ "${BENCH_CONGESTION:-1}" = 1 ] && want congestion; then
	bench_congestion
fi
