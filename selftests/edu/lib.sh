#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shell helpers for the AF_EDU tests: KTAP output, module loading,
# namespaces joined by veth or edunic, and running edu_xfer on both ends.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
TOP=${AF_EDU_TOP:-$(cd "$HERE/../.." && pwd)}
XFER=$HERE/edu_xfer
export IP_LIB_DIR=${IP_LIB_DIR:-$TOP/scripts/iproute2}

ktap_n=0
SKIP_REASON="a prerequisite is missing"
ktap_fail=0
ktap_pass=0
ktap_skip=0

ktap_header()
{
	echo "TAP version 13"
	echo "1..$1"
}

ktap_result()	# status name [reason]
{
	ktap_n=$((ktap_n + 1))
	case $1 in
	0) echo "ok $ktap_n $2"; ktap_pass=$((ktap_pass + 1)) ;;
	4) echo "ok $ktap_n $2 # SKIP ${3:-$SKIP_REASON}"
	   ktap_skip=$((ktap_skip + 1)) ;;
	*) echo "not ok $ktap_n $2"; ktap_fail=$((ktap_fail + 1)) ;;
	esac
}

ktap_finish()
{
	echo "# Totals: pass:$ktap_pass fail:$ktap_fail skip:$ktap_skip"
	[ $ktap_fail -eq 0 ] || exit $KSFT_FAIL
	[ $ktap_pass -gt 0 ] || exit $KSFT_SKIP
	exit $KSFT_PASS
}

log()
{
	echo "# $*"
}

# load_module name path-under-TOP: 0 loaded, 4 not built, 1 refused
load_module()
{
	[ -d "/sys/module/$1" ] && return 0
	if [ ! -f "$TOP/$2" ]; then
		log "$TOP/$2 is not built"
		return $KSFT_SKIP
	fi
	insmod "$TOP/$2" || return $KSFT_FAIL
}

load_edu()
{
	load_module af_edu module/edu/af_edu.ko
}

load_edunic()
{
	load_module edunic module/edunic/edunic.ko
}

# Namespaces created here are removed by cleanup_netns (call it on EXIT).
NETNS=()

new_netns()
{
	ip netns add "$1" || return 1
	NETNS+=("$1")
	ip -n "$1" link set lo up
}

cleanup_netns()
{
	local ns

	for ns in "${NETNS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	NETNS=()
}

# link_pair kind ns1 ns2: a link of @kind (veth or edunic) between two
# namespaces, 10.77.0.1/24 in ns1 (device "edua"), 10.77.0.2/24 in ns2
# ("edub").
link_pair()
{
	local kind=$1 ns1=$2 ns2=$3

	ip -n "$ns1" link add name edua type "$kind" peer name edub \
		netns "$ns2" || return 1
	ip -n "$ns1" addr add 10.77.0.1/24 dev edua &&
	ip -n "$ns2" addr add 10.77.0.2/24 dev edub &&
	ip -n "$ns1" link set edua up &&
	ip -n "$ns2" link set edub up || return 1
	wait_carrier "$ns1" edua && wait_carrier "$ns2" edub
}

wait_carrier()	# ns dev: up to 5 s for the link to come up
{
	local i

	for i in $(seq 50); do
		ip -n "$1" link show "$2" | grep -q LOWER_UP && return 0
		sleep 0.1
	done
	log "$2 in $1 has no carrier"
	return 1
}

# xfer name ns_server ns_client family addr bytes "server opts" "client opts"
# Runs one transfer; its output (with the "info" lines) lands in $XFER_OUT.
XFER_OUT=""
XFER_PORT=${XFER_PORT:-7000}

xfer()
{
	local name=$1 nss=$2 nsc=$3 fam=$4 addr=$5 bytes=$6 sopt=$7 copt=$8
	local out spid rs rc t0 t1
	local nsx_s="" nsx_c=""

	out=$(mktemp /tmp/edu_xfer.XXXXXX)
	XFER_OUT=$out
	XFER_PORT=$((XFER_PORT + 1))
	[ -n "$nss" ] && nsx_s="ip netns exec $nss"
	[ -n "$nsc" ] && nsx_c="ip netns exec $nsc"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	$nsx_s "$XFER" -l -f "$fam" -p $XFER_PORT -n "$bytes" $sopt \
		>"$out.s" 2>&1 &
	spid=$!
	# shellcheck disable=SC2086
	$nsx_c "$XFER" -c "$addr" -f "$fam" -p $XFER_PORT -n "$bytes" $copt \
		>"$out.c" 2>&1
	rc=$?
	wait $spid
	rs=$?
	t1=$(date +%s.%N)
	cat "$out.s" "$out.c" >"$out"
	rm -f "$out.s" "$out.c"
	sed 's/^/#   /' "$out"
	log "$name: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s (server rc=$rs client rc=$rc)"
	[ $rs -eq 4 ] || [ $rc -eq 4 ] && return $KSFT_SKIP
	[ $rs -eq 0 ] && [ $rc -eq 0 ]
}

# info_field who field: a number from the last transfer's "info" line
info_field()
{
	sed -n "s/^$1 info .*[ ]$2=\([0-9]*\).*/\1/p" "$XFER_OUT" | tail -1
}

# edu_stat name-fragment [ns]: sum of the /proc/net/edu_stats counters whose
# name, lower-cased and without "_", contains the fragment.
edu_stat()
{
	local nsx=""

	[ -n "${2:-}" ] && nsx="ip netns exec $2"
	$nsx cat /proc/net/edu_stats 2>/dev/null |
		awk -v f="$1" '{ n = tolower($1); gsub(/[_:=]/, "", n);
			if (index(n, f) && $NF ~ /^[0-9]+$/) s += $NF }
			END { print s + 0 }'
}
