#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An edunic pair between two namespaces carries ping, kernel TCP (iperf3)
# and a byte-exact transfer both ways; tcpdump sees the frames on either
# end; `ip -s link` agrees with `ethtool -S`; the carrier follows the peer.

source "$(dirname "$0")/lib.sh"
trap cleanup EXIT

edunic_load
ktap_header 10

check "pair between two namespaces, carrier up" pair_up

test_ping()
{
	local before after

	before=$(counter "$NSB" edu1 rx_packets)
	ping_ok "$NSA" $IPB 5 -i 0.2 || { cat "$TMPD/ping"; return 1; }
	after=$(counter "$NSB" edu1 rx_packets)
	expect "edu1 rx_packets delta" $((after - before)) -ge 5
}
check "ping over the pair, counted by edu1" test_ping

# tcpdump on both ends while A pings B: requests seen on edu1, replies on edu0
test_tcpdump()
{
	local n

	ip netns exec "$NSB" timeout 20 tcpdump -n -i edu1 -c 3 \
		-w "$TMPD/b.pcap" 'icmp[icmptype] == icmp-echo' 2>/dev/null &
	ip netns exec "$NSA" timeout 20 tcpdump -n -i edu0 -c 3 \
		-w "$TMPD/a.pcap" 'icmp[icmptype] == icmp-echoreply' 2>/dev/null &
	sleep 2
	ping_ok "$NSA" $IPB 6 -i 0.3
	wait
	n=$(tcpdump -n -r "$TMPD/b.pcap" 2>/dev/null | grep -c "$IPA > $IPB")
	expect "echo requests captured on edu1" "$n" -eq 3 || return 1
	n=$(tcpdump -n -r "$TMPD/a.pcap" 2>/dev/null | grep -c "$IPB > $IPA")
	expect "echo replies captured on edu0" "$n" -eq 3
}
check "tcpdump sees the frames on both ends" test_tcpdump

test_tcp()
{
	local line

	line=$(tcp_run "$1" "$2" "$3" $((4 << 20))) || return 1
	log "$line"
}
check "4 MiB A->B byte-exact (sha256)" test_tcp "$NSA" "$NSB" $IPB
check "4 MiB B->A byte-exact (sha256)" test_tcp "$NSB" "$NSA" $IPA

test_iperf3()
{
	local bps

	ip netns exec "$NSB" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	sleep 1
	bps=$(ip netns exec "$NSA" iperf3 -c $IPB -p 5201 -t 3 -J |
	      python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
	wait
	log "iperf3 A->B: $((bps / 1000000)) Mbit/s"
	expect "iperf3 bits/s" "${bps:-0}" -gt 1000000
}
check "iperf3 kernel TCP" test_iperf3

# The link is idle now: the two views of the counters must agree.
test_stats64()
{
	local ip_rx ip_tx eth_rx eth_tx json

	json=$(ip -n "$NSB" -j -s link show edu1)
	ip_rx=$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])')
	ip_tx=$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["packets"])')
	eth_rx=$(counter "$NSB" edu1 rx_packets)
	eth_tx=$(counter "$NSB" edu1 tx_packets)
	expect "rx packets ip vs ethtool" "$ip_rx" -eq "$eth_rx" &&
	expect "tx packets ip vs ethtool" "$ip_tx" -eq "$eth_tx" &&
	expect "rx packets" "$ip_rx" -gt 1000
}
check "ip -s link agrees with ethtool -S" test_stats64

test_carrier()
{
	ip -n "$NSB" link set edu1 down
	sleep 0.3
	expect "edu0 carrier, edu1 down" \
		"$(ip netns exec "$NSA" cat /sys/class/net/edu0/carrier)" = 0 ||
		return 1
	ip -n "$NSB" link set edu1 up
	wait_carrier "$NSA" edu0 && wait_carrier "$NSB" edu1 &&
		ping_ok "$NSA" $IPB 2 -i 0.2
}
check "carrier follows the peer's up/down" test_carrier

test_mtu()
{
	if ip -n "$NSA" link set edu0 mtu 1501 2>/dev/null; then
		log "mtu 1501 accepted"
		return 1
	fi
	ip -n "$NSA" link set edu0 mtu 1280 || return 1
	ping_ok "$NSA" $IPB 2 -s 1400 -i 0.2	# fragmented by IP
	local rc=$?

	ip -n "$NSA" link set edu0 mtu 1500
	return $rc
}
check "MTU range 68..1500 enforced" test_mtu

# A VLAN device on each end: full-size frames grow to 1518 bytes.
test_vlan()
{
	if ! ip -n "$NSA" link add link edu0 name edu0.7 type vlan id 7 \
		2>"$TMPD/vlan"; then
		log "no VLAN support in this kernel: $(cat "$TMPD/vlan")"
		return $KSFT_SKIP
	fi
	ip -n "$NSB" link add link edu1 name edu1.7 type vlan id 7 || return 1
	ip -n "$NSA" addr add 10.78.0.1/24 dev edu0.7
	ip -n "$NSB" addr add 10.78.0.2/24 dev edu1.7
	ip -n "$NSA" link set edu0.7 up
	ip -n "$NSB" link set edu1.7 up
	ping_ok "$NSA" 10.78.0.2 3 -s 1472 -i 0.2 ||
		{ cat "$TMPD/ping"; return 1; }
	expect "edu0 tx_dropped" "$(ip -n "$NSA" -s link show edu0 |
		awk '/TX:/ { getline; print $4; exit }')" -eq 0
}
check "802.1Q VLAN over the pair, 1518-byte frames" test_vlan

ktap_finish
