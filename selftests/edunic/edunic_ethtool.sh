#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ethtool side of edunic: ring sizes (-G) with their limits, an RX ring
# overflow that is counted rather than silent, interrupt coalescing (-C)
# that really merges interrupts, and checksum offload (-K) on and off, each
# way delivering the exact bytes.

source "$(dirname "$0")/lib.sh"
trap cleanup EXIT

edunic_load
ktap_header 10

check "pair between two namespaces" pair_up

ethA() { ip netns exec "$NSA" ethtool "$@"; }
ethB() { ip netns exec "$NSB" ethtool "$@"; }

test_ring_limits()
{
	local bad

	for bad in "rx 0" "rx 7" "tx 4" "rx 4097" "tx 100000"; do
		# shellcheck disable=SC2086
		if ethB -G edu1 $bad 2>/dev/null; then
			log "ethtool -G edu1 $bad accepted"
			return 1
		fi
	done
	ethB -G edu1 rx 512 tx 64 || return 1
	ethB -g edu1 | awk '/^Current/ { cur = 1 } cur && /^RX:/ { rx = $2 }
			    cur && /^TX:/ { tx = $2 }
			    END { exit !(rx == 512 && tx == 64) }' ||
		{ ethB -g edu1; return 1; }
	ping_ok "$NSA" $IPB 3 -i 0.2
}
check "ethtool -G: sizes 8..4096 taken, others refused" test_ring_limits

# An 8-slot RX ring and an interrupt held back 50 ms: a burst overflows the
# ring. Every frame edu0 sent is either in edu1's ring or counted missed.
test_rx_overflow()
{
	local tx0 dma0 miss0 tx dma miss r

	ethB -G edu1 rx 8 || return 1
	ethB -C edu1 rx-usecs 50000 rx-frames 0 || return 1
	tx0=$(counter "$NSA" edu0 tx_packets)
	dma0=$(counter "$NSB" edu1 rx_frames_dma)
	miss0=$(counter "$NSB" edu1 rx_missed)
	r=$(udp_run "$NSA" "$NSB" $IPB 300 0)
	log "$r"
	tx=$(( $(counter "$NSA" edu0 tx_packets) - tx0 ))
	dma=$(( $(counter "$NSB" edu1 rx_frames_dma) - dma0 ))
	miss=$(( $(counter "$NSB" edu1 rx_missed) - miss0 ))
	log "edu0 sent $tx, edu1 ring took $dma, missed $miss"
	ethB -C edu1 rx-usecs 0 rx-frames 1
	ethB -G edu1 rx 256
	expect "rx_missed" "$miss" -gt 0 &&
	expect "taken + missed" $((dma + miss)) -eq "$tx" &&
	expect "received" "$(field "$r" received)" -eq "$dma" &&
	expect "ip -s missed" "$(ip -n "$NSB" -s link show edu1 |
		awk '/RX:/ { getline; print $5; exit }')" \
		-eq "$(counter "$NSB" edu1 rx_missed)"
}
check "RX ring overflow: dropped frames counted as rx_missed" test_rx_overflow

# An 8-slot TX ring whose completions wait 20 ms for the (coalesced)
# interrupt: the ring fills, the queue stops, the qdisc holds the rest, and
# every completion wakes it again. Nothing may be lost on the way.
test_tx_ring_full()
{
	local full0 r

	ethA -G edu0 tx 8 || return 1
	ethA -C edu0 rx-usecs 20000 rx-frames 0 || return 1
	# fq_codel would drop what waits this long (that is its job): use a
	# plain FIFO, so that only the driver could lose a datagram.
	tc -n "$NSA" qdisc replace dev edu0 root pfifo limit 1000 || return 1
	full0=$(counter "$NSA" edu0 tx_ring_full)
	r=$(udp_run "$NSA" "$NSB" $IPB 200 0)
	log "$r, tx_ring_full +$(( $(counter "$NSA" edu0 tx_ring_full) - full0 ))"
	log "$(tc -n "$NSA" -s qdisc show dev edu0 | grep -m1 dropped)"
	tc -n "$NSA" qdisc del dev edu0 root
	ethA -C edu0 rx-usecs 0 rx-frames 1
	ethA -G edu0 tx 256
	expect "tx_ring_full" $(( $(counter "$NSA" edu0 tx_ring_full) - full0 )) -gt 0 &&
	expect "received" "$(field "$r" unique)" -eq 200
}
check "TX ring full: queue stops and wakes, nothing lost" test_tx_ring_full

test_coalesce_limits()
{
	if ethB -C edu1 rx-usecs 100001 2>/dev/null; then
		log "rx-usecs 100001 accepted"
		return 1
	fi
	ethB -C edu1 rx-usecs 100 rx-frames 16 || return 1
	ethB -c edu1 | grep -q "^rx-usecs: *100$" &&
		ethB -c edu1 | grep -q "^rx-frames: *16$"
	local rc=$?

	ethB -C edu1 rx-usecs 0 rx-frames 1
	return $rc
}
check "ethtool -C: values read back, out of range refused" test_coalesce_limits

# irq_burst: edu1's interrupts, of which by the coalescing timer, and
# frames DMA'd, while 400 datagrams arrive
irq_burst()
{
	local i0 t0 f0

	i0=$(counter "$NSB" edu1 interrupts)
	t0=$(counter "$NSB" edu1 irq_coalesce_timer)
	f0=$(counter "$NSB" edu1 rx_frames_dma)
	udp_run "$NSA" "$NSB" $IPB 400 0 >/dev/null
	echo "$(( $(counter "$NSB" edu1 interrupts) - i0 ))" \
	     "$(( $(counter "$NSB" edu1 irq_coalesce_timer) - t0 ))" \
	     "$(( $(counter "$NSB" edu1 rx_frames_dma) - f0 ))"
}

# Each setting checked by what it promises, whatever the speed of the
# machine: who raised the interrupts, and how many frames each covered.
test_coalesce_effect()
{
	local irq timer frames

	ethB -C edu1 rx-usecs 0 rx-frames 1 || return 1
	read -r irq timer frames <<< "$(irq_burst)"
	log "rx-usecs 0 rx-frames 1: $irq interrupts ($timer by the timer) for $frames frames"
	expect "interrupts" "$irq" -gt 0 && expect "timer interrupts" "$timer" -eq 0 ||
		return 1

	ethB -C edu1 rx-usecs 100000 rx-frames 16 || return 1
	read -r irq timer frames <<< "$(irq_burst)"
	log "rx-usecs 100000 rx-frames 16: $irq interrupts ($timer by the timer) for $frames frames"
	expect "16 x interrupts raised by the frame count" $(( (irq - timer) * 16 )) \
		-le "$frames" || return 1

	ethB -C edu1 rx-usecs 20000 rx-frames 0 || return 1
	read -r irq timer frames <<< "$(irq_burst)"
	log "rx-usecs 20000 rx-frames 0: $irq interrupts ($timer by the timer) for $frames frames"
	ethB -C edu1 rx-usecs 0 rx-frames 1
	expect "interrupts not raised by the timer" $((irq - timer)) -eq 0 &&
	expect "interrupts" "$irq" -lt "$frames"
}
check "rx-usecs/rx-frames merge interrupts" test_coalesce_effect

# offload TX-SIDE RX-SIDE EXPECT-CSUM-UNNECESSARY
test_offload()
{
	local c0 c line rc

	ethA -K edu0 tx-checksumming "$1" >/dev/null || return 1
	ethB -K edu1 rx-checksumming "$2" >/dev/null || return 1
	c0=$(counter "$NSB" edu1 rx_csum_unnecessary)
	line=$(tcp_run "$NSA" "$NSB" $IPB $((2 << 20)))
	rc=$?
	c=$(( $(counter "$NSB" edu1 rx_csum_unnecessary) - c0 ))
	log "tx-checksumming $1, rx-checksumming $2: $c frames CHECKSUM_UNNECESSARY; $line"
	ethA -K edu0 tx-checksumming on >/dev/null
	ethB -K edu1 rx-checksumming on >/dev/null
	[ $rc -eq 0 ] || return 1
	if [ "$3" = yes ]; then
		expect "rx_csum_unnecessary" "$c" -gt 100
	else
		expect "rx_csum_unnecessary" "$c" -eq 0
	fi
}
check "checksum offload on: NIC sums, receiver trusts it" test_offload on on yes
check "tx-checksumming off: the stack sums, receiver verifies" test_offload off on no
check "rx-checksumming off: receiver verifies the NIC's sums" test_offload on off no

# tso_ratio on|off: frames per TX descriptor on edu0 during a TCP transfer, x10
tso_ratio()
{
	local f0 d0 line

	ethA -K edu0 tso "$1" >/dev/null || return 1
	f0=$(counter "$NSA" edu0 tx_packets)
	d0=$(counter "$NSA" edu0 tx_completed)
	line=$(tcp_run "$NSA" "$NSB" $IPB $((2 << 20))) || return 1
	sleep 0.5	# the last completions
	echo $(( ($(counter "$NSA" edu0 tx_packets) - f0) * 10 /
		 ($(counter "$NSA" edu0 tx_completed) - d0) ))
}

test_tso()
{
	local on off

	on=$(tso_ratio on) || return 1
	off=$(tso_ratio off) || return 1
	ethA -K edu0 tso on >/dev/null
	log "frames per descriptor x10: tso on $on, tso off $off"
	expect "frames per descriptor x10, tso on" "$on" -ge 20 &&
	expect "frames per descriptor x10, tso off" "$off" -eq 10
}
check "TSO: one descriptor leaves as many frames, bytes exact" test_tso

ktap_finish
