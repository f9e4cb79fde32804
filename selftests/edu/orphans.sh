#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Orphans: a connection that close() left to finish on its own must still
# end when its peer has gone away, after net.edu.orphan_retries worth of
# retransmissions (about 100 s at the default of 8; RFC 9293 3.8.3 R2),
# and leave the tables, /proc/net/edu_sockstat and the module's reference
# count. The peer "goes away" by its link going down in the middle of a
# transfer; the sender is then killed, so close() finds unacknowledged data.

source "$(dirname "$0")/lib.sh"

SUFFIX=$$
NS1=eduo1_$SUFFIX
NS2=eduo2_$SUFFIX
trap cleanup_netns EXIT

[ -x "$XFER" ] || { echo "# $XFER missing: run make"; exit $KSFT_SKIP; }
load_edu
case $? in
1) echo "# insmod af_edu.ko failed"; exit $KSFT_FAIL ;;
4) echo "# af_edu.ko not built"; exit $KSFT_SKIP ;;
esac

ktap_header 3

# sockstat ns field: a number from the "EDU:" line as seen from @ns
sockstat()
{
	ip netns exec "$1" cat /proc/net/edu_sockstat |
		sed -n "s/.* $2 \([0-9]*\).*/\1/p"
}

# established ns: wait up to 10 s for an ESTABLISHED (01) AF_EDU socket
established()
{
	local i

	for i in $(seq 100); do
		ip netns exec "$1" cat /proc/net/edu | awk '$4 == "01" { f = 1 } END { exit !f }' &&
			return 0
		sleep 0.1
	done
	return 1
}

# strand port rtx|persist: a transfer from NS1 to NS2, then the peer's
# link goes down and the sender dies, so that close() leaves an orphan in
# NS1 with unacknowledged data and no one to answer: "rtx" to a reader
# that reads (the orphan is retransmitting), "persist" to a reader that
# never reads (the orphan is probing a zero window).
strand()
{
	local port=$1 delay="" spid cpid

	[ "$2" = persist ] && delay="-D 60000"
	# shellcheck disable=SC2086
	ip netns exec "$NS2" "$XFER" -l -p "$port" -n $((64 << 20)) $delay \
		>/dev/null 2>&1 &
	spid=$!
	sleep 0.3
	ip netns exec "$NS1" "$XFER" -c 10.77.0.2 -p "$port" -n $((64 << 20)) \
		-t 60 >/dev/null 2>&1 &
	cpid=$!
	established "$NS1" || log "no connection came up"
	sleep 0.2
	ip -n "$NS2" link set edub down
	kill -9 "$cpid" "$spid" 2>/dev/null
	wait "$cpid" "$spid" 2>/dev/null
}

# orphan_case name rtx|persist orphan_retries_at_close late_setting min_s max_s
#   Sets net.edu.orphan_retries in the sender's namespace, strands an
#   orphan there, optionally lowers the setting after 4 s, and checks that
#   the orphan lived at least @min_s and is gone within @max_s of its close.
orphan_case()
{
	local name=$1 mode=$2 retries=$3 late=$4 min=$5 max=$6
	local timeouts0 t t0 lowered port=$((7300 + RANDOM % 500)) rc=0

	cleanup_netns
	new_netns "$NS1" && new_netns "$NS2" && link_pair veth "$NS1" "$NS2" ||
		{ ktap_result 1 "$name"; return; }
	ip netns exec "$NS1" sysctl -qw net.edu.orphan_retries="$retries"
	# The killed reader leaves an orphan of its own in NS2, sending its
	# FIN over the dead link: it must not hold the module (case 3) for
	# the two minutes of the default orphan_retries.
	ip netns exec "$NS2" sysctl -qw net.edu.orphan_retries=2
	timeouts0=$(edu_stat timeouts "$NS1")

	strand $port $mode

	if [ "$(sockstat "$NS1" inuse)" != 1 ]; then
		log "$name: expected one orphan in the tables after close," \
			"got: $(ip netns exec "$NS1" cat /proc/net/edu_sockstat)"
		rc=1
	fi
	# Wall-clock seconds: each step of this loop is slow on a busy VM.
	t0=$SECONDS
	lowered=""
	while [ $((SECONDS - t0)) -lt "$max" ]; do
		[ "$(sockstat "$NS1" inuse)" = 0 ] && break
		if [ -n "$late" ] && [ -z "$lowered" ] && [ $((SECONDS - t0)) -ge 4 ]; then
			ip netns exec "$NS1" sysctl -qw net.edu.orphan_retries="$late"
			lowered=1
		fi
		sleep 0.2
	done
	t=$((SECONDS - t0))
	if [ "$(sockstat "$NS1" inuse)" != 0 ]; then
		log "$name: the orphan still lives after $max s:"
		ip netns exec "$NS1" cat /proc/net/edu | sed 's/^/#   /'
		rc=1
	elif [ "$t" -lt "$min" ]; then
		log "$name: the orphan ended after $t s, before $min s"
		rc=1
	else
		log "$name: the orphan ended about $t s after close"
	fi
	if [ "$(edu_stat timeouts "$NS1")" -le "$timeouts0" ]; then
		log "$name: Timeouts did not count the orphan giving up"
		rc=1
	fi
	ktap_result $rc "$name"
}

# Retransmitting: 6 retransmissions from a 200 ms RTO, then the seventh
# expiry gives up, 25.4 s after the first loss (some of which passes
# before the close on a slow machine).
orphan_case orphan_retransmits_then_gives_up rtx 6 "" 5 60
# Probing a zero window: the default (8 unanswered probes, backing off
# from 200 ms: about a minute) keeps it probing; lowering the setting
# ends it at the next probe.
orphan_case orphan_probes_until_setting_lowered persist 8 1 4 60

# The namespace goes with its processes and an orphan still in it: the
# module's references return once the orphan has given up.
name=netns_deleted_with_orphan_releases_module
ref0=$(cat /sys/module/af_edu/refcnt)
cleanup_netns
rc=0
new_netns "$NS1" && new_netns "$NS2" && link_pair veth "$NS1" "$NS2" || rc=1
if [ $rc -eq 0 ]; then
	ip netns exec "$NS1" sysctl -qw net.edu.orphan_retries=4
	ip netns exec "$NS2" sysctl -qw net.edu.orphan_retries=4
	strand 7999 rtx
	held=$(cat /sys/module/af_edu/refcnt)
	cleanup_netns
	# The orphans (the writer's in NS1, the killed reader's FIN in NS2)
	# give up at an RTO expiry after about 6 s of retransmitting
	# (orphan_retries 4), but that RTO may have been backed off to
	# seconds on a busy VM before close(): allow 60 s.
	t0=$SECONDS
	while [ $((SECONDS - t0)) -lt 60 ]; do
		[ "$(cat /sys/module/af_edu/refcnt)" -le "$ref0" ] && break
		sleep 0.2
	done
	log "$name: refcnt $ref0 before, $held with the orphan," \
		"$(cat /sys/module/af_edu/refcnt) after $((SECONDS - t0)) s"
	[ "$held" -gt "$ref0" ] || { log "$name: the orphan held no reference?"; rc=1; }
	[ "$(cat /sys/module/af_edu/refcnt)" -le "$ref0" ] || rc=1
fi
ktap_result $rc "$name"
ktap_finish
