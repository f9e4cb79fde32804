#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shell helpers for the edunic tests: KTAP output, loading edunic.ko and
# the iproute2 plugin, two namespaces joined by an edunic pair, counters
# and traffic (edunic_traffic.py).

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=${AF_EDU_TOP:-$(cd "$HERE/../.." && pwd)}
TRAFFIC="python3 $HERE/edunic_traffic.py"
EDUNIC_KO=${EDUNIC_KO:-$TOP/module/edunic/edunic.ko}
if [ -f "$TOP/scripts/iproute2/link_edunic.so" ]; then
	export IP_LIB_DIR=${IP_LIB_DIR:-$TOP/scripts/iproute2}
fi

# The pair: $NSA holds edu0 ($IPA), $NSB holds edu1 ($IPB).
NSA=edunic-a-$$
NSB=edunic-b-$$
IPA=10.77.0.1
IPB=10.77.0.2
TMPD=$(mktemp -d /tmp/edunic-test.XXXXXX)

ktap_n=0
ktap_pass=0
ktap_fail=0
ktap_skip=0

ktap_header()
{
	echo "TAP version 13"
	echo "1..$1"
}

log()
{
	echo "# $*"
}

# ktap_result STATUS NAME [SKIP-REASON]
ktap_result()
{
	ktap_n=$((ktap_n + 1))
	case $1 in
	0) echo "ok $ktap_n $2"; ktap_pass=$((ktap_pass + 1)) ;;
	4) echo "ok $ktap_n $2 # SKIP ${3:-}"; ktap_skip=$((ktap_skip + 1)) ;;
	*) echo "not ok $ktap_n $2"; ktap_fail=$((ktap_fail + 1)) ;;
	esac
}

# check NAME COMMAND...: one test point from a command's exit status
check()
{
	local name=$1

	shift
	"$@"
	ktap_result $? "$name"
}

ktap_finish()
{
	echo "# Totals: pass:$ktap_pass fail:$ktap_fail skip:$ktap_skip"
	[ $ktap_fail -eq 0 ] || exit $KSFT_FAIL
	[ $ktap_pass -gt 0 ] || exit $KSFT_SKIP
	exit $KSFT_PASS
}

skip_all()
{
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# expect WHAT ACTUAL OP EXPECTED: compare numbers, say why on failure
expect()
{
	if [ "$2" "$3" "$4" ]; then
		return 0
	fi
	log "$1: got $2, expected $3 $4"
	return 1
}

edunic_load()
{
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	if [ ! -d /sys/module/edunic ]; then
		[ -f "$EDUNIC_KO" ] ||
			skip_all "module/edunic/edunic.ko is not built"
		insmod "$EDUNIC_KO" ||
			skip_all "insmod edunic.ko failed"
	fi
	if ! ip link add edunic-probe0 type edunic peer name edunic-probe1 \
		2>"$TMPD/probe"; then
		log "$(cat "$TMPD/probe")"
		skip_all "ip cannot create an edunic pair (link_edunic.so built?)"
	fi
	ip link del edunic-probe0
}

cleanup()
{
	local pid

	for pid in $(jobs -p); do
		kill "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	rm -rf "$TMPD"
}

# A quiet link: no IPv6 autoconfiguration, static ARP entries, so the only
# frames on the wire are the ones a test sends and can count.
netns_quiet()
{
	ip netns add "$1" || return 1
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
}

# pair_up [edunic options for edu0]
pair_up()
{
	netns_quiet "$NSA" && netns_quiet "$NSB" || return 1
	ip -n "$NSA" link add edu0 type edunic "$@" peer name edu1 \
		netns "$NSB" || return 1
	ip -n "$NSA" addr add $IPA/24 dev edu0
	ip -n "$NSB" addr add $IPB/24 dev edu1
	ip -n "$NSA" link set edu0 up
	ip -n "$NSB" link set edu1 up
	ip -n "$NSA" neigh replace $IPB dev edu0 lladdr \
		"$(ip netns exec "$NSB" cat /sys/class/net/edu1/address)" \
		nud permanent
	ip -n "$NSB" neigh replace $IPA dev edu1 lladdr \
		"$(ip netns exec "$NSA" cat /sys/class/net/edu0/address)" \
		nud permanent
	wait_carrier "$NSA" edu0 && wait_carrier "$NSB" edu1
}

wait_carrier()
{
	local i

	for i in $(seq 50); do
		[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" \
			2>/dev/null)" = 1 ] && return 0
		sleep 0.1
	done
	log "$2 in $1: no carrier"
	return 1
}

# counter NS DEV NAME: one counter of `ethtool -S`
counter()
{
	ip netns exec "$1" ethtool -S "$2" |
		awk -v k="$3:" '$1 == k { print $2; found = 1 }
				END { if (!found) print "missing" }'
}

# ping_ok NS DST COUNT [more busybox ping options]
ping_ok()
{
	local ns=$1 dst=$2 count=$3

	shift 3
	ip netns exec "$ns" busybox ping -q -c "$count" -W 15 "$@" "$dst" \
		>"$TMPD/ping" 2>&1
}

# udp_run SEND-NS RECV-NS DST COUNT GAP_US: prints the receiver's summary.
# The receiver stops 3 s after its last datagram, or 2 s after the sender
# finished (SIGTERM), whichever comes first: slow kernels need no tuning.
udp_run()
{
	local out=$TMPD/udp.$RANDOM i pid

	ip netns exec "$2" $TRAFFIC udp-recv 9000 3 >"$out" &
	pid=$!
	for i in $(seq 600); do
		grep -q ready "$out" 2>/dev/null && break
		sleep 0.1
	done
	ip netns exec "$1" $TRAFFIC udp-send "$3" 9000 "$4" "$5"
	sleep 2
	kill -TERM $pid 2>/dev/null
	wait $pid
	grep received "$out"
}

# field LINE KEY: the number after KEY in "key value key value ..."
field()
{
	echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
}

# tcp_run SEND-NS RECV-NS DST BYTES: byte-exact transfer; prints sender line
tcp_run()
{
	local out=$TMPD/tcp.$RANDOM sent got

	ip netns exec "$2" $TRAFFIC tcp-recv 9001 120 >"$out" &
	sent=$(ip netns exec "$1" $TRAFFIC tcp-send "$3" 9001 "$4")
	wait $!
	got=$(cat "$out")
	echo "$sent"
	if [ "$(field "$sent" sha256)" != "$(field "$got" sha256)" ] ||
	   [ "$(field "$got" bytes)" != "$4" ]; then
		log "transfer differs: sent [$sent] received [$got]"
		return 1
	fi
}
