#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tshark with scripts/edu.lua decodes real captures of AF_EDU exchanges
# over an edunic pair, and what it says must match what the sockets and
# the kernel did:
#
#   handshake   SYN, SYN+ACK, ACK with the right raw and relative numbers,
#               SACK-permitted on both SYNs;
#               the client's payload and FIN end where EDU_INFO's byte
#               count says; every segment the receiver's NIC delivered
#               has a good checksum.
#   offload     on the sending side, with transmit checksum offload the
#               segments carry only the pseudo-header sum ("Partial");
#               without it, a complete and good one.
#   checksum    a segment injected with a wrong checksum is the one the
#               dissector calls bad and the one the receiver drops
#               (DropBadChecksum); the same segment with the right sum is
#               accepted (and answered with a reset).
#   corruption  edunic corrupts frames on the wire: the receiving MAC's
#               FCS check drops them, so the receiver's capture holds no
#               bad checksum, and the sender's capture marks as many
#               retransmissions as the socket counted; the receiver's
#               duplicate ACKs carry SACK blocks above their ACK.
#
# tshark takes about 20 s to start in the emulated guest, so the captures
# are taken first, joined with mergecap and decoded by one tshark run.

source "$(dirname "$0")/lib.sh"

LUA=$TOP/scripts/edu.lua
SUFFIX=$$
NS1=educ1_$SUFFIX
NS2=educ2_$SUFFIX
A1=10.77.0.1
A2=10.77.0.2
DIR=$(mktemp -d /tmp/edu_capture.XXXXXX)
DUMP_PID=""
trap 'capture_stop; cleanup_netns; rm -rf $DIR' EXIT

TESTS="handshake offload checksum corruption"
ktap_header 4

skip_all()
{
	local t

	for t in $TESTS; do
		ktap_result $KSFT_SKIP "capture: $t" "$1"
	done
	ktap_finish
}

command -v tshark >/dev/null || skip_all "tshark not installed (scripts/deps.sh)"
command -v tcpdump >/dev/null || skip_all "tcpdump not installed"
command -v mergecap >/dev/null || skip_all "mergecap not installed (wireshark-common)"
[ -x "$XFER" ] || skip_all "$XFER missing: run make"
load_edu || skip_all "af_edu.ko not available"
load_edunic || skip_all "edunic.ko not available"
new_netns $NS1 && new_netns $NS2 && link_pair edunic $NS1 $NS2 ||
	skip_all "no edunic pair (is the iproute2 plugin installed?)"
# The checks are about segments as they were on the wire: a receiver's
# GRO would hand tcpdump the merged super-segment instead (its checksum
# field holding only the pseudo-header sum, as for TCP).
ip netns exec $NS1 ethtool -K edua gro off >/dev/null
ip netns exec $NS2 ethtool -K edub gro off >/dev/null

CAPTURES=()

capture_start()	# name ns dev [snaplen]
{
	local pcap=$DIR/$1.pcap

	CAPTURES+=("$1")
	ip netns exec "$2" tcpdump -i "$3" -n -U -s "${4:-0}" -w "$pcap" \
		'ip proto 253' 2>"$pcap.log" &
	DUMP_PID=$!
	for _ in $(seq 100); do
		grep -q listening "$pcap.log" 2>/dev/null && return 0
		sleep 0.1
	done
	log "tcpdump did not start: $(cat "$pcap.log")"
	return 1
}

# No connection still open or closing in either namespace: only
# listeners (0A) and TIME_WAIT (06) left in /proc/net/edu.
settled()
{
	local ns

	for ns in $NS1 $NS2; do
		ip netns exec $ns awk 'NR > 1 && $4 != "06" && $4 != "0A" { f = 1 }
			END { exit f }' /proc/net/edu || return 1
	done
}

capture_stop()
{
	[ -n "$DUMP_PID" ] || return 0
	# The close ends after the exchange, by a round trip or, on a loaded
	# machine, more: wait until it is over, then for tcpdump to write.
	for _ in $(seq 100); do
		settled && break
		sleep 0.1
	done
	sleep 1
	kill -INT "$DUMP_PID" 2>/dev/null
	wait "$DUMP_PID" 2>/dev/null
	DUMP_PID=""
}

# The decoded segments of every capture, one line each, fields separated
# by "|" (a field a segment lacks, like the ACK of a SYN, stays empty):
#   1 capture  2 ip.src  3 flags  4 seq_raw  5 ack_raw  6 seq  7 ack
#   8 len  9 checksum.status  10 checksum.bad  11 fin  12 retransmission
#   13 options.sack_perm  14 options.sack_le (first block)
#   15 analysis.duplicate_ack_num
DECODED=$DIR/decoded
decode_all()
{
	local c files=() n first=1 t0=$SECONDS

	: > "$DIR/ranges"
	for c in "${CAPTURES[@]}"; do
		files+=("$DIR/$c.pcap")
		n=$(tcpdump -n -r "$DIR/$c.pcap" 2>/dev/null | wc -l)
		echo "$c $first $((first + n - 1))" >> "$DIR/ranges"
		first=$((first + n))
	done
	mergecap -a -w "$DIR/all.pcap" "${files[@]}" || return 1
	tshark -n -X lua_script:"$LUA" -r "$DIR/all.pcap" -Y edu -T fields \
		-E separator='|' -E occurrence=f -e frame.number -e ip.src \
		-e edu.flags -e edu.seq_raw -e edu.ack_raw -e edu.seq -e edu.ack \
		-e edu.len -e edu.checksum.status -e edu.checksum.bad \
		-e edu.flags.fin -e edu.analysis.retransmission \
		-e edu.options.sack_perm -e edu.options.sack_le \
		-e edu.analysis.duplicate_ack_num 2>/dev/null |
	awk -F'|' -v OFS='|' 'NR == FNR { split($0, r, " "); lo[r[1]] = r[2];
					  hi[r[1]] = r[3]; next }
		{ n = $1 + 0; for (c in lo) if (n >= lo[c] + 0 && n <= hi[c] + 0) $1 = c; print }' \
		"$DIR/ranges" - > "$DECODED"
	log "tshark decoded $(wc -l < "$DECODED") segments of ${#CAPTURES[@]} captures" \
		"in $((SECONDS - t0)) s"
}

segs()	# capture: its decoded segments
{
	grep "^$1|" "$DECODED"
}

# expect description test...: log the description when the test fails
FAILED=0
expect()
{
	local what=$1

	shift
	if ! "$@"; then
		log "expected: $what"
		FAILED=1
	fi
}

exchange()	# bytes: an edu_xfer transfer from NS1 to NS2
{
	xfer "$1 bytes" $NS2 $NS1 edu $A2 "$1" "" "-t 30" >"$DIR/xfer.log"
	local rc=$?
	grep -v 'info state=' "$DIR/xfer.log"
	return $rc
}

# Each test has a run_ part (the exchange, captured) and a check_ part
# (what the decode must show).

# ---- 1: handshake, numbers, checksums on the receiving side -------------
HS_BYTES=3000
run_handshake()
{
	local rc=0

	capture_start hs $NS2 edub || return 1
	exchange $HS_BYTES || rc=1
	capture_stop
	HS_SENT=$(info_field client bytes_sent)
	return $rc
}

check_handshake()
{
	local d s_seq sa_seq sa_ack a_seq a_ack data cfin last_ack n refused

	# The client may have tried before the server listened: each such SYN
	# is refused with <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK> (RFC 9293
	# 3.10.7.1). The connection starts at the last SYN.
	n=$(segs hs | awk -F'|' -v c=$A1 '$2 == c && $3 == "0x02" { n = NR } END { print n }')
	refused=$(segs hs | head -n $((${n:-1} - 1)) | awk -F'|' -v c=$A1 '
		$2 == c && $3 == "0x02" { want = ($4 + 1) % 4294967296; next }
		$3 == "0x14" && $5 == want { ok++; next } { bad++ }
		END { print ok + 0, bad + 0 }')
	d=$(segs hs | tail -n +"${n:-1}")
	echo "$d" | head -4 | sed 's/^/#   /'
	log "... $(echo "$d" | wc -l) segments, client sent $HS_SENT bytes (EDU_INFO);" \
		"refused attempts before: ${refused% *}"
	expect "each refused SYN answered by RST,ACK acknowledging it" \
		test "${refused#* }" = 0
	IFS='|' read -r _ _ _ s_seq _ _ <<<"$(echo "$d" | sed -n 1p)"
	IFS='|' read -r _ _ _ sa_seq sa_ack _ <<<"$(echo "$d" | sed -n 2p)"
	IFS='|' read -r _ _ _ a_seq a_ack _ <<<"$(echo "$d" | sed -n 3p)"
	expect "SYN from $A1 first" \
		test "$(echo "$d" | sed -n 1p | cut -d'|' -f2-3)" = "$A1|0x02"
	expect "SYN+ACK from $A2 second" \
		test "$(echo "$d" | sed -n 2p | cut -d'|' -f2-3)" = "$A2|0x12"
	expect "ACK from $A1 third" \
		test "$(echo "$d" | sed -n 3p | cut -d'|' -f2-3)" = "$A1|0x10"
	expect "SYN and SYN+ACK both offer SACK (RFC 2018 2)" \
		test "$(echo "$d" | head -2 | cut -d'|' -f13 | tr '\n' .)" = "1.1."
	expect "SYN+ACK acknowledges ISN+1" \
		test "$sa_ack" = "$(( (s_seq + 1) % 4294967296 ))"
	expect "ACK carries ISN+1 and acknowledges the server's ISN+1" \
		test "$a_seq.$a_ack" = \
		"$(( (s_seq + 1) % 4294967296 )).$(( (sa_seq + 1) % 4294967296 ))"
	expect "relative numbers of the handshake are 0, 0/1, 1/1" \
		test "$(echo "$d" | head -3 | awk -F'|' '{ printf "%s/%s ", $6, $7 }')" = \
		"0/ 0/1 1/1 "

	# Payload from the client, counted once per sequence number.
	data=$(echo "$d" | awk -F'|' -v c=$A1 '$2 == c && $8 > 0 {
		if (!seen[$6]++) s += $8 } END { print s + 0 }')
	# The FIN may ride on the last data segment: it takes the number
	# after that segment's payload.
	cfin=$(echo "$d" | awk -F'|' -v c=$A1 '$2 == c && $11 == 1 { print $6 + $8; exit }')
	last_ack=$(echo "$d" | awk -F'|' -v s=$A2 '$2 == s { a = $7 } END { print a }')
	expect "client payload in the capture ($data) = bytes_sent ($HS_SENT) = $HS_BYTES" \
		test "$data" = "$HS_SENT" -a "$HS_SENT" = "$HS_BYTES"
	expect "client FIN at relative seq bytes+1 ($cfin)" test "$cfin" = $((HS_BYTES + 1))
	expect "server finally acknowledges bytes+2 ($last_ack)" \
		test "$last_ack" = $((HS_BYTES + 2))
	expect "every segment from the client has a good checksum" \
		test -z "$(echo "$d" | awk -F'|' -v c=$A1 '$2 == c && $9 != "Good"')"
}

# ---- 2: checksum offload on and off, seen on the sending side -----------
run_offload()
{
	local rc=0

	ip netns exec $NS1 ethtool -K edua tx on >/dev/null || return 1
	capture_start on $NS1 edua || return 1
	exchange 2000 || rc=1
	capture_stop
	ip netns exec $NS1 ethtool -K edua tx off >/dev/null || return 1
	capture_start off $NS1 edua || return 1
	exchange 2000 || rc=1
	capture_stop
	ip netns exec $NS1 ethtool -K edua tx on >/dev/null
	return $rc
}

check_offload()
{
	local d partial good

	d=$(segs on | awk -F'|' -v c=$A1 '$2 == c')
	partial=$(echo "$d" | grep -c '|Partial')
	log "offload on: $partial of $(echo "$d" | wc -l) segments from $A1 carry a partial sum"
	expect "with offload, data segments carry the pseudo-header sum only" \
		test -z "$(echo "$d" | awk -F'|' '$8 > 0 && $9 !~ /^Partial/')" -a "$partial" -gt 0
	d=$(segs off | awk -F'|' -v c=$A1 '$2 == c')
	good=$(echo "$d" | grep -c '|Good|')
	log "offload off: $good of $(echo "$d" | wc -l) segments from $A1 have a complete good sum"
	expect "without offload, every segment has a complete good sum" \
		test "$good" -gt 0 -a "$good" = "$(echo "$d" | wc -l)"
}

# inject good|bad port: a SYN from A1 to A2:port, with a right or wrong sum
inject()
{
	ip netns exec $NS1 python3 - "$1" "$2" $A1 $A2 <<'EOF'
import socket, struct, sys
kind, port, src, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
# struct eduhdr: ports, seq, ack, data offset, flags (SYN), window, check, reserved
seg = bytearray(struct.pack("!HHIIBBHHH", 40001, port, 1000, 0, 5 << 4, 0x02, 65535, 0, 0))
data = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 253, len(seg)) + seg
s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
while s > 0xffff:
    s = (s & 0xffff) + (s >> 16)
csum = ~s & 0xffff
if kind == "bad":
    csum ^= 0x00ff
seg[16:18] = struct.pack("!H", csum)
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, 253)
raw.sendto(bytes(seg), (dst, 0))
EOF
}

# ---- 3: a deliberately bad checksum --------------------------------------
run_checksum()
{
	local rc=0

	CS_BEFORE=$(edu_stat dropbadchecksum $NS2)
	capture_start csum $NS2 edub || return 1
	local rst0 i

	rst0=$(edu_stat rstsent $NS2)
	inject bad 4999 && inject good 4999 || rc=1
	# The RST answering the good SYN is the last segment: let it leave
	# before tcpdump is stopped.
	for i in $(seq 50); do
		[ "$(edu_stat rstsent $NS2)" -gt "$rst0" ] && break
		sleep 0.1
	done
	capture_stop
	CS_AFTER=$(edu_stat dropbadchecksum $NS2)
	return $rc
}

check_checksum()
{
	local d bad good rst

	d=$(segs csum)
	echo "$d" | sed 's/^/#   /'
	bad=$(echo "$d" | awk -F'|' -v c=$A1 '$2 == c && $10 == 1' | wc -l)
	good=$(echo "$d" | awk -F'|' -v c=$A1 '$2 == c && $10 == 0 && $9 == "Good"' | wc -l)
	rst=$(echo "$d" | awk -F'|' -v s=$A2 '$2 == s && $3 == "0x14"' | wc -l)
	log "DropBadChecksum on the receiver: $CS_BEFORE -> $CS_AFTER"
	expect "the dissector calls exactly one segment bad" test "$bad" = 1
	expect "the receiver dropped exactly one for its checksum" \
		test $((CS_AFTER - CS_BEFORE)) = 1
	expect "the well-summed SYN is good and answered with RST,ACK" \
		test "$good" = 1 -a "$rst" = 1
}

# ---- 4: corruption on the wire, caught by the FCS -----------------------
# Each of the two exchanges must see a corrupted frame. At 5% per frame,
# 128 KiB (about 90 full frames) got through untouched once in 100
# exchanges (0.95^90); 512 KiB, about 360 frames, once in 10^8.
CORRUPT=5%
CR_BYTES=$((512 << 10))
run_corruption()
{
	local rc=0

	ip -n $NS1 link set edua type edunic corrupt $CORRUPT || return 1
	capture_start crx $NS2 edub 64 || return 1
	exchange $CR_BYTES || rc=1
	capture_stop
	CR_CRC=$(ip netns exec $NS2 ethtool -S edub | awk '/rx_crc_errors/ { print $2 }')
	# 100 bytes: Ethernet, IP and the segment header with 46 bytes of
	# options, room for NOP NOP and a SACK option of 4 blocks.
	capture_start ctx $NS1 edua 100 || return 1
	exchange $CR_BYTES || rc=1
	capture_stop
	CR_RETRANS=$(info_field client total_retrans)
	ip -n $NS1 link set edua type edunic corrupt 0
	return $rc
}

check_corruption()
{
	local bad marked dups sacked wrong

	bad=$(segs crx | awk -F'|' '$10 == 1' | wc -l)
	log "receiver's MAC dropped $CR_CRC frames (rx_crc_errors), $bad bad sums captured"
	expect "corrupted frames were dropped by the FCS check" test "${CR_CRC:-0}" -gt 0
	expect "no corrupted segment reached the receiver's capture" test "$bad" = 0
	# A resent FIN counts as a retransmission for the socket too.
	marked=$(segs ctx | awk -F'|' -v c=$A1 '$2 == c && $12 == 1' | wc -l)
	log "sender side: the client counted $CR_RETRANS retransmissions, the dissector marked $marked"
	expect "retransmissions happened" test "${CR_RETRANS:-0}" -gt 0
	expect "the dissector marks as many retransmitted segments as EDU_INFO counts" \
		test "$marked" = "$CR_RETRANS"
	# A hole at the receiver makes each later arrival send a duplicate
	# ACK, and while the hole lasts every ACK reports the data beyond it.
	dups=$(segs ctx | awk -F'|' -v s=$A2 '$2 == s && $15 > 0' | wc -l)
	sacked=$(segs ctx | awk -F'|' -v s=$A2 '$2 == s && $14 != ""' | wc -l)
	wrong=$(segs ctx | awk -F'|' -v s=$A2 '$2 == s && $14 != "" && $14 + 0 <= $7 + 0' | wc -l)
	log "receiver: $dups duplicate ACKs, $sacked ACKs with SACK blocks, $wrong at or below SEG.ACK"
	expect "duplicate ACKs carry SACK blocks" test "$dups" = 0 -o "$sacked" -gt 0
	expect "every SACK block starts above the cumulative ACK" test "$wrong" = 0
}

declare -A RAN
for t in $TESTS; do
	"run_$t"
	RAN[$t]=$?
done
decode_all
for t in $TESTS; do
	FAILED=${RAN[$t]}
	[ "$FAILED" -eq 0 ] || log "$t: the exchange itself failed"
	"check_$t"
	ktap_result "$FAILED" "capture: $t"
done
ktap_finish
