# SPDX-License-Identifier: GPL-2.0
#
# Two hosts in one VM: network namespaces h1 and h2 joined by a link of the
# given kind, 10.0.0.1/24 and 10.0.0.2/24. Sourced by the demo and the
# benchmark.
#
#   twohosts_up edunic|veth [ethtool/ip link arguments...]
#   twohosts_down
#   twohosts_wait_listen NS PORT   until an AF_EDU server listens there
H1=h1
H2=h2
H1_ADDR=10.0.0.1
H2_ADDR=10.0.0.2

# Quiet and successful when there is nothing to remove, also under set -e.
twohosts_down() {
	ip netns del $H1 2>/dev/null || true
	ip netns del $H2 2>/dev/null || true
}

twohosts_up() {
	local kind=$1 top=${AF_EDU_TOP:-.}
	twohosts_down
	case "$kind" in
	edunic)
		[ -d /sys/module/edunic ] || insmod "$top/module/edunic/edunic.ko" || return 1
		ip link add e1 type edunic peer name e2 || return 1 ;;
	veth)
		modprobe veth || return 1
		ip link add e1 type veth peer name e2 || return 1 ;;
	*)
		echo "twohosts: unknown link kind $kind" >&2; return 1 ;;
	esac
	ip netns add $H1 && ip netns add $H2 || return 1
	ip link set e1 netns $H1 && ip link set e2 netns $H2 || return 1
	ip -n $H1 addr add $H1_ADDR/24 dev e1
	ip -n $H2 addr add $H2_ADDR/24 dev e2
	ip -n $H1 link set lo up
	ip -n $H2 link set lo up
	ip -n $H1 link set e1 up
	ip -n $H2 link set e2 up
	# Wait for carrier on both ends so the first packet is not lost to ARP.
	ip netns exec $H1 ping -q -c 1 -W 5 $H2_ADDR > /dev/null
}

# A server started in the background needs a moment before it listens (the
# emulated guest may take a second); a client started at once is refused.
# Up to 10 s for a LISTEN line (state 0A) with local port PORT in
# /proc/net/edu of namespace NS.
twohosts_wait_listen() {
	local hex i

	hex=$(printf '%04X' "$2")
	for i in $(seq 100); do
		ip netns exec "$1" awk -v p=":$hex" \
			'$2 ~ p "$" && $4 == "0A" { f = 1 } END { exit !f }' \
			/proc/net/edu 2>/dev/null && return 0
		sleep 0.1
	done
	echo "twohosts: nothing listens on port $2 in $1" >&2
	return 1
}
