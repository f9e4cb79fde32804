# SPDX-License-Identifier: GPL-2.0
#
# Two hosts in one VM: network namespaces h1 and h2 joined by a link of the
# given kind, 10.0.0.1/24 and 10.0.0.2/24. Sourced by the demo and the
# benchmark.
#
#   twohosts_up edunic|veth [ethtool/ip link arguments...]
#   twohosts_down
H1=h1
H2=h2
H1_ADDR=10.0.0.1
H2_ADDR=10.0.0.2

twohosts_down() {
	ip netns del $H1 2>/dev/null
	ip netns del $H2 2>/dev/null
	true
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
