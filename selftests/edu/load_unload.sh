#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifetime: af_edu must refuse to unload while a socket exists, and
# load/unload cycles with traffic in between (a transfer started, killed
# half-way, sockets closed, rmmod, insmod) must leave nothing behind: no
# leftover /proc entries, no refcount, no complaint in the kernel log
# (the VM runner checks dmesg for warnings and leaks).

source "$(dirname "$0")/lib.sh"

KO=$TOP/module/edu/af_edu.ko
NS=edul_$$
CYCLES=${EDU_LOAD_CYCLES:-5}
trap cleanup_netns EXIT

[ -f "$KO" ] || { echo "# $KO is not built"; exit $KSFT_SKIP; }
[ -x "$XFER" ] || { echo "# $XFER missing: run make"; exit $KSFT_SKIP; }

ktap_header 4

# The tests before us may have left it loaded: start from a clean slate.
# Their namespaces are gone, but the kernel frees a namespace in the
# background, so give the module a moment to be released.
unload_wait()	# seconds
{
	local i

	for i in $(seq $(($1 * 10))); do
		[ -d /sys/module/af_edu ] || return 0
		rmmod af_edu 2>/dev/null && return 0
		sleep 0.1
	done
	log "af_edu still in use after $1 s: refcnt $(cat /sys/module/af_edu/refcnt)"
	cat /proc/net/edu 2>/dev/null | sed 's/^/#   /'
	return 1
}
if ! unload_wait 20; then
	ktap_result 1 "unload_at_start"
	ktap_finish
fi

# 1. insmod/rmmod without traffic
rc=0
for i in 1 2 3; do
	insmod "$KO" || { rc=1; break; }
	[ -r /proc/net/edu ] && [ -r /proc/net/edu_stats ] ||
		{ log "proc files missing after insmod"; rc=1; }
	rmmod af_edu || { rc=1; break; }
	[ -e /proc/net/edu ] && { log "/proc/net/edu left after rmmod"; rc=1; }
done
ktap_result $rc "insmod_rmmod"

# 2. a listening socket pins the module
rc=0
insmod "$KO" || rc=1
new_netns "$NS" || rc=1
ip netns exec "$NS" "$XFER" -l -f edu -p 7100 -n 1 -t 30 >/dev/null 2>&1 &
pid=$!
for i in $(seq 50); do
	ip netns exec "$NS" grep -q ":1BBC 00000000:0000 0A" /proc/net/edu \
		2>/dev/null && break
	sleep 0.1
done
if rmmod af_edu 2>/dev/null; then
	log "rmmod succeeded with a listening socket"
	rc=1
	kill $pid 2>/dev/null
	insmod "$KO"
else
	[ -d /sys/module/af_edu ] || rc=1
fi
kill $pid 2>/dev/null
wait $pid 2>/dev/null
ktap_result $rc "rmmod_refused_with_socket"

# 3. load/unload cycles under traffic
rc=0
for i in $(seq "$CYCLES"); do
	[ -d /sys/module/af_edu ] || insmod "$KO" || { rc=1; break; }
	ip netns exec "$NS" "$XFER" -l -f edu -p 7200 -n $((1 << 30)) \
		-t 60 >/dev/null 2>&1 &
	spid=$!
	ip netns exec "$NS" "$XFER" -c 127.0.0.1 -f edu -p 7200 \
		-n $((1 << 30)) -t 60 >/dev/null 2>&1 &
	cpid=$!
	sleep 1
	# the transfer is running: the module must stay
	if rmmod af_edu 2>/dev/null; then
		log "cycle $i: rmmod succeeded during a transfer"
		rc=1
	fi
	kill $cpid $spid 2>/dev/null
	wait $cpid $spid 2>/dev/null
	# killed mid-stream: resets and TIME_WAIT must drain, then unload
	ok=0
	for j in $(seq 100); do
		if rmmod af_edu 2>/dev/null; then
			ok=1
			break
		fi
		sleep 0.1
	done
	if [ $ok -eq 0 ]; then
		log "cycle $i: af_edu still busy 10 s after its sockets closed"
		log "refcnt $(cat /sys/module/af_edu/refcnt 2>/dev/null)"
		ip netns exec "$NS" cat /proc/net/edu | sed 's/^/#   /'
		rc=1
		break
	fi
done
ktap_result $rc "load_unload_under_traffic"

# 4. a namespace with live sockets goes away, then the module does
rc=0
insmod "$KO" || rc=1
NS2=edul2_$$
new_netns "$NS2" || rc=1
ip netns exec "$NS2" "$XFER" -l -f edu -p 7300 -n $((1 << 30)) -t 60 \
	>/dev/null 2>&1 &
spid=$!
ip netns exec "$NS2" "$XFER" -c 127.0.0.1 -f edu -p 7300 -n $((1 << 30)) \
	-t 60 >/dev/null 2>&1 &
cpid=$!
sleep 1
kill -9 $cpid $spid 2>/dev/null
wait $cpid $spid 2>/dev/null
ip netns del "$NS2"
ok=0
for j in $(seq 100); do
	rmmod af_edu 2>/dev/null && { ok=1; break; }
	sleep 0.1
done
[ $ok -eq 1 ] || { log "af_edu busy after its namespace was deleted"; rc=1; }
ktap_result $rc "netns_teardown_then_rmmod"

# leave it loaded for the tests that follow
insmod "$KO"
ktap_finish
