/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * edunic: the netlink contract of the teaching NIC pair.
 *
 * These attributes travel inside IFLA_LINKINFO / IFLA_INFO_DATA of an
 * RTM_NEWLINK message, exactly as veth's VETH_INFO_PEER does. The iproute2
 * plugin (scripts/iproute2/link_edunic.c) and the driver both include this
 * file, so the numbers below are written once.
 *
 *   ip link add edu0 type edunic [EMULATION] peer name edu1
 *   ip link set edu0 type edunic [EMULATION]
 *
 * The link emulation of a device shapes the frames that device sends.
 */
#ifndef _UAPI_LINUX_IF_EDUNIC_H
#define _UAPI_LINUX_IF_EDUNIC_H

#include <linux/types.h>

enum {
	IFLA_EDUNIC_UNSPEC,
	IFLA_EDUNIC_PEER,	/* nested: struct ifinfomsg + IFLA_* (newlink only) */
	IFLA_EDUNIC_RATE,	/* u32, kbit/s on the wire, 0 = no limit */
	IFLA_EDUNIC_DELAY,	/* u32, one-way propagation delay, usec */
	IFLA_EDUNIC_JITTER,	/* u32, +/- random spread of the delay, usec */
	IFLA_EDUNIC_LOSS,	/* u32, ppm of frames lost on the wire */
	IFLA_EDUNIC_DUPLICATE,	/* u32, ppm of frames delivered twice */
	IFLA_EDUNIC_REORDER,	/* u32, ppm of frames held back on the wire */
	IFLA_EDUNIC_CORRUPT,	/* u32, ppm of frames with one bit flipped */
	__IFLA_EDUNIC_MAX
};

#define IFLA_EDUNIC_MAX		(__IFLA_EDUNIC_MAX - 1)

/* Probabilities are in parts per million: 1% is 10000, 100% is 1000000. */
#define EDUNIC_PPM_MAX		1000000U
/* Delay and jitter are capped at ten seconds. */
#define EDUNIC_DELAY_MAX_US	10000000U

#endif /* _UAPI_LINUX_IF_EDUNIC_H */
