#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Creation and destruction of edunic pairs, in every way the kernel offers:
# 100 pairs at once, ends moved between namespaces, a namespace deleted
# under a live pair, and rmmod with pairs up and carrying traffic. Nothing
# may be left behind and the kernel log must stay free of warnings.

source "$(dirname "$0")/lib.sh"
NSC=edunic-c-$$
trap 'ip netns del $NSC 2>/dev/null; cleanup' EXIT

edunic_load
ktap_header 6
DMESG_START=$(dmesg | wc -l)

count_edunic()	# edunic devices in the root namespace and in ours
{
	local ns n=0

	n=$(ip -o link show type edunic | wc -l)
	for ns in "$NSA" "$NSB" "$NSC"; do
		ip netns pids "$ns" >/dev/null 2>&1 || continue
		n=$((n + $(ip -n "$ns" -o link show type edunic | wc -l)))
	done
	echo $n
}

test_hundred()
{
	local i n

	for i in $(seq 100); do
		ip link add enl$i type edunic peer name enr$i || return 1
		[ $((i % 2)) = 0 ] && ip link set enl$i up && ip link set enr$i up
	done
	n=$(ip -o link show type edunic | wc -l)
	expect "edunic devices after creating 100 pairs" "$n" -eq 200 ||
		return 1
	# Deleting either end removes the pair.
	for i in $(seq 100); do
		if [ $((i % 2)) = 0 ]; then
			ip link del enl$i || return 1
		else
			ip link del enr$i || return 1
		fi
	done
	expect "edunic devices left" "$(ip -o link show type edunic | wc -l)" -eq 0
}
check "100 pairs created and deleted, either end removes both" test_hundred

test_bad_create()
{
	local msg

	ip link add edunic-x0 type edunic peer name edunic-x1 || return 1
	if msg=$(ip link add edunic-y0 type edunic peer name edunic-x1 2>&1); then
		log "a peer name in use was accepted"
		return 1
	fi
	log "$msg"
	if ip link add edunic-x0 type edunic peer name edunic-y1 2>/dev/null; then
		log "a device name in use was accepted"
		return 1
	fi
	if ip link add edunic-y0 type edunic loss 120 peer name edunic-y1 \
		2>/dev/null; then
		log "loss 120% accepted at creation"
		return 1
	fi
	ip link del edunic-x0
	expect "edunic devices left" "$(ip -o link show type edunic | wc -l)" -eq 0
}
check "names in use and bad values refused, nothing half-made" test_bad_create

test_move()
{
	pair_up || return 1
	ip netns add "$NSC" || return 1
	ip -n "$NSB" link set edu1 netns "$NSC" || return 1
	ip -n "$NSC" addr add $IPB/24 dev edu1
	ip -n "$NSC" link set edu1 up
	wait_carrier "$NSC" edu1 || return 1
	ip netns exec "$NSA" busybox ping -q -c 2 -W 5 $IPB >/dev/null ||
		{ log "no ping after moving edu1 to $NSC"; return 1; }
	ip -n "$NSC" link set edu1 netns "$NSB" || return 1
	ip -n "$NSB" addr add $IPB/24 dev edu1
	ip -n "$NSB" link set edu1 up
	wait_carrier "$NSB" edu1 && ping_ok "$NSA" $IPB 2
}
check "an end moved to another namespace and back keeps working" test_move

test_netns_delete()
{
	local i

	ip netns exec "$NSA" busybox ping -q -i 0.01 -w 10 $IPB >/dev/null 2>&1 &
	sleep 1
	ip netns del "$NSB"
	for i in $(seq 50); do
		ip -n "$NSA" link show edu0 >/dev/null 2>&1 || break
		sleep 0.2
	done
	wait
	if ip -n "$NSA" link show edu0 >/dev/null 2>&1; then
		log "edu0 survived the deletion of its peer's namespace"
		return 1
	fi
	ip netns del "$NSA"
	ip netns del "$NSC"
}
check "deleting a namespace deletes the live pair" test_netns_delete

test_rmmod()
{
	local i

	for i in $(seq 5); do
		ip link add enl$i type edunic peer name enr$i || return 1
	done
	pair_up || return 1
	ip netns exec "$NSA" $TRAFFIC udp-send $IPB 9000 100000 >/dev/null 2>&1 &
	sleep 1
	rmmod edunic || { log "rmmod refused"; return 1; }
	wait
	expect "edunic devices after rmmod" "$(count_edunic)" -eq 0 || return 1
	insmod "$EDUNIC_KO" || return 1
	ip netns del "$NSA"
	ip netns del "$NSB"
	pair_up && ping_ok "$NSA" $IPB 2
}
check "rmmod with pairs up and busy, then insmod again" test_rmmod

test_dmesg()
{
	local bad

	bad=$(dmesg | tail -n +$((DMESG_START + 1)) |
	      grep -E 'BUG|WARNING|Oops|leak|refcount|edunic.*(error|fail)')
	[ -z "$bad" ] || { log "$bad"; return 1; }
}
check "kernel log free of warnings" test_dmesg

ktap_finish
