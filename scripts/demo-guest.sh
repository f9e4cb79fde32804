#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: the demo. Each step says what it shows; the output is the
# evidence. Two hosts (network namespaces h1 and h2) are joined by an edunic
# pair, the virtual NIC whose receive path is interrupt -> NAPI poll ->
# sk_buff -> ethertype demux -> IP -> protocol demux.
set -eu
TOP=${AF_EDU_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$TOP"
. scripts/lib/twohosts.sh

step() { printf '\n=== %s\n' "$*"; }

step "1. Load edunic and create the pair: ip link add e1 type edunic peer name e2"
twohosts_up edunic
ip -n $H1 -br addr show e1
ip -n $H2 -br addr show e2
ip -n $H1 -d link show e1 | sed -n '1,3p'

step "2. ping h1 -> h2 (ARP, then ICMP echo over the descriptor rings)"
ip netns exec $H1 ping -c 3 -i 0.2 $H2_ADDR

step "3. Kernel TCP over edunic: iperf3 for 2 s, while tcpdump listens on h2"
ip netns exec $H2 tcpdump -i e2 -n -c 12 -w /tmp/demo-tcp.pcap 2>/dev/null &
dump=$!
sleep 1
ip netns exec $H2 iperf3 -s -D -1 >/dev/null
sleep 0.5
ip netns exec $H1 iperf3 -c $H2_ADDR -t 2 | grep -E 'sender|receiver'
wait $dump || true
echo "--- first frames tcpdump saw on e2 (the handshake):"
tcpdump -n -r /tmp/demo-tcp.pcap 2>/dev/null | head -6

step "4. What the NIC counted (ethtool -S e2, non-zero counters)"
ip netns exec $H2 ethtool -S e2 | awk -F: 'NR == 1 || $2 + 0 != 0'

if [ -f module/edu/af_edu.ko ]; then
	step "5. AF_EDU: socket(AF_EDU, SOCK_STREAM, 0) from h1 to h2, IP protocol 253"
	[ -d /sys/module/af_edu ] || insmod module/edu/af_edu.ko
	echo "family $(cat /sys/module/af_edu/parameters/family)," \
		"IP protocol $(cat /sys/module/af_edu/parameters/ipproto)"
	ip netns exec $H2 tcpdump -i e2 -n -c 10 -w /tmp/demo-edu.pcap 'ip proto 253' \
		2>/dev/null &
	dump=$!
	sleep 1
	ip netns exec $H2 scripts/tools/edu-hello server 7000 &
	srv=$!
	sleep 0.5
	ip netns exec $H1 scripts/tools/edu-hello client $H2_ADDR 7000 "hello, af_edu"
	wait $srv
	sleep 0.5
	kill $dump 2>/dev/null || true
	wait $dump 2>/dev/null || true
	echo "--- tcpdump on e2 (ip proto 253): handshake, data, ACKs, FINs"
	tcpdump -n -r /tmp/demo-edu.pcap 2>/dev/null
	echo "--- /proc/net/edu_stats (non-zero)"
	awk '$2 != 0' /proc/net/edu_stats 2>/dev/null | head -20
fi

step "done"
twohosts_down
