/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A made-up remote host behind a TUN device, for the tests that write
 * segments by hand (edudrill, edufuzz): a fresh network namespace whose
 * TUN device carries every packet for the remote's subnet to us, and
 * takes the packets we write as received from it.
 */
#ifndef EDU_TUN_H
#define EDU_TUN_H

#include <netinet/in.h>
#include "edu_csum.h"

/* Write @val to a /proc or /sys file: 0 or -errno. */
int edu_write_file(const char *path, const char *val);

/*
 * Create the TUN device @ifname (IFF_TUN | IFF_NO_PI) in the current
 * network namespace with @local/@prefix and bring it up. Returns its file
 * descriptor (closing it removes the device), or -1 with *@what naming the
 * step that failed and errno set.
 */
int edu_tun_create(const char *ifname, struct in_addr local, int prefix,
		   const char **what);

/*
 * Move into a new network namespace, bring "lo" up, turn IPv6 off (no
 * router solicitations on the TUN device), then edu_tun_create().
 */
int edu_tun_netns(const char *ifname, struct in_addr local, int prefix,
		  const char **what);

#endif /* EDU_TUN_H */
