#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress: many connections one after the other, a SYN flood against a
# listener that keeps serving real clients, module load/unload cycles with
# traffic, and a namespace deleted with thousands of live connections,
# after which the module's memory must return to where it was.
#
#   EDU_STRESS_CONNS    connections opened and closed (10000)
#   EDU_STRESS_HOLD     live connections in the deleted namespace (2000)
#   EDU_STRESS_UNREACHABLE  of them, to a remote that vanishes (100)
#   EDU_STRESS_CYCLES   module load/unload cycles (5)
#   EDU_NETNS_WAIT      seconds the namespace teardown may take (60)
#   EDU_DRAIN_WAIT      seconds earlier tests' connections may take to end
#                       before the module cycles (180)
#
# Connections orphaned by the namespace deletion (their application
# killed) live on until their peers' resets or their own timers end them,
# and they pin the namespace and the module until then. Those to the
# remote behind the TUN device, which vanishes with the application, have
# data in flight that nobody will ever acknowledge: only the orphan's
# retransmission limit (net.edu.orphan_retries, set to 2 here) ends them.
# EDU_NETNS_WAIT bounds it all: nothing may outlive a minute.

source "$(dirname "$0")/../edu/lib.sh"

STRESS=$HERE/../edufuzz/edustress
KO=$TOP/module/edu/af_edu.ko
NS=edustress_$$
trap 'ip netns del $NS 2>/dev/null; kill $hpid 2>/dev/null' EXIT

[ "$(id -u)" -eq 0 ] || { log "needs root"; exit $KSFT_SKIP; }
[ -x "$STRESS" ] || { log "$STRESS is not built"; exit $KSFT_SKIP; }
load_module af_edu module/edu/af_edu.ko || exit $?

ktap_header 4

# each step prints its figures as "#" lines
step()	# name command...
{
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	"$@"
	rc=$?
	log "$name: $(($(date +%s) - t0)) s"
	ktap_result $rc "$name"
}

step churn_${EDU_STRESS_CONNS:-10000} "$STRESS" churn -n "${EDU_STRESS_CONNS:-10000}"
step syn_flood_keeps_serving "$STRESS" synflood -d 10 -c 200

# The module cycles need it unloadable: earlier tests' connections may
# still be draining (see above). The fuzzers' orphans, in namespaces
# already deleted, keep the default orphan_retries (8): about 100 s of
# retransmission at most. Anything still holding the module after
# EDU_DRAIN_WAIT (180 s) outlived every timer it has, and is a leak.
refcnt() { cat /sys/module/af_edu/refcnt 2>/dev/null || echo 0; }
t0=$SECONDS
while [ "$(refcnt)" -ne 0 ] && [ $((SECONDS - t0)) -lt "${EDU_DRAIN_WAIT:-180}" ]; do
	sleep 0.5
done
log "af_edu refcnt $(refcnt) after waiting $((SECONDS - t0)) s for earlier tests' connections"
if [ "$(refcnt)" -ne 0 ]; then
	cat /proc/net/edu_sockstat | sed 's/^/#   /'
	ktap_result 1 "module_cycles_under_traffic" "af_edu is still in use"
else
	step module_cycles_under_traffic "$STRESS" cycle \
		-c "${EDU_STRESS_CYCLES:-5}" -k "$KO"
fi
load_module af_edu module/edu/af_edu.ko || exit $?

# Namespace teardown. Every socket holds module references until it is
# freed (sk_alloc, sk_prot_free): the count must come back exactly. The
# socket slab is a coarser check, as SLUB counts the objects of its
# per-CPU slabs and partial lists as in use: within 4 slabs per CPU.
# A KASAN kernel holds freed objects in its quarantine, still counted as
# in use, until their cache is shrunk: shrink it before counting.
slab()
{
	echo 1 > /sys/kernel/slab/EDU/shrink 2>/dev/null
	awk '$1 == "EDU" { print $2 }' /proc/slabinfo 2>/dev/null
}
slab_slack() { awk '$1 == "EDU" { print $5 * 4 * '"$(nproc)"' }' /proc/slabinfo 2>/dev/null; }
base_ref=$(refcnt)
base_slab=$(slab)
n=${EDU_STRESS_HOLD:-2000}
u=${EDU_STRESS_UNREACHABLE:-100}
rc=0
ip netns add "$NS" && ip -n "$NS" link set lo up || rc=1
# Orphans whose peer is unreachable give up after orphan_retries expiries.
ip netns exec "$NS" sysctl -qw net.edu.msl_ms=100 net.edu.orphan_retries=2 2>/dev/null ||
	log "no net.edu.orphan_retries: unreachable orphans live as long as net.edu.retries allows"
out=$(mktemp)
t0=$(date +%s)
ip netns exec "$NS" "$STRESS" hold -n "$n" -c "$u" > "$out" &
hpid=$!
for _ in $(seq 1200); do
	grep -q '^held' "$out" && break
	kill -0 $hpid 2>/dev/null || break
	sleep 0.1
done
held=$(sed -n 's/^held //p' "$out")
sed -n '/^#/p' "$out"
log "held ${held:-0} connections ($n over lo, $u to an unreachable remote) after $(($(date +%s) - t0)) s: refcnt $base_ref -> $(refcnt), EDU slab ${base_slab:-n/a} -> $(slab)"
[ "${held:-0}" -eq $((n + u)) ] || rc=1
t0=$(date +%s)
kill -9 $hpid 2>/dev/null
wait $hpid 2>/dev/null
ip netns del "$NS"
wait_s=${EDU_NETNS_WAIT:-60}
while [ "$(refcnt)" -gt "$base_ref" ] && [ $(($(date +%s) - t0)) -lt "$wait_s" ]; do
	sleep 0.5
done
now_ref=$(refcnt)
log "namespace deleted: refcnt $now_ref (baseline $base_ref) after $(($(date +%s) - t0)) s"
if [ "$now_ref" -gt "$base_ref" ]; then
	log "FAIL: $((now_ref - base_ref)) sockets outlived their namespace by more than $wait_s s"
	rc=1
fi
if [ -n "$base_slab" ]; then
	sleep 1		# RCU-freed sockets reach the slab after a grace period
	now_slab=$(slab)
	log "EDU slab objects $now_slab (baseline $base_slab, SLUB caches up to $(slab_slack))"
	if [ "$now_slab" -gt $((base_slab + $(slab_slack))) ]; then
		log "FAIL: the socket slab did not come back"
		rc=1
	fi
fi
rm -f "$out"
ktap_result $rc "netns_delete_with_$((n + u))_connections"
ktap_finish
