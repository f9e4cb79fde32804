/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A made-up remote host behind a TUN device, for the tests that write
 * segments by hand (edudrill, edufuzz): a fresh network namespace whose
 * TUN device carries every packet for the remote's subnet to us, and
 * takes the packets we write as received from it. Also the checksums
 * needed to build such packets.
 */
#ifndef EDU_TUN_H
#define EDU_TUN_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* An IPv4 header without options, fields in network order. */
struct edu_iphdr {
	uint8_t ver_ihl, tos;
	uint16_t tot_len, id, frag_off;
	uint8_t ttl, protocol;
	uint16_t check;
	uint32_t saddr, daddr;
};

/* The one's complement sum (RFC 1071) over bytes in network order. */
uint32_t edu_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t edu_csum_fold(uint32_t sum);

/* RFC 9293 3.1: pseudo-header, then the segment; result in network order. */
uint16_t edu_seg_csum(uint32_t saddr, uint32_t daddr, uint8_t proto,
		      const void *seg, size_t len);

/* Fill a 20-byte IPv4 header for @seglen bytes of payload, with its checksum. */
void edu_ip_header(struct edu_iphdr *iph, uint32_t saddr, uint32_t daddr,
		   uint8_t proto, size_t seglen, uint16_t id);

/* Write @val to a /proc or /sys file: 0 or -errno. */
int edu_write_file(const char *path, const char *val);

/*
 * Move into a new network namespace, bring "lo" up, turn IPv6 off (no
 * router solicitations on the TUN device), create the TUN device @ifname
 * (IFF_TUN | IFF_NO_PI) with @local/@prefix and bring it up. Returns the
 * TUN file descriptor, or -1 with *@what naming the step that failed and
 * errno set.
 */
int edu_tun_netns(const char *ifname, struct in_addr local, int prefix,
		  const char **what);

#endif /* EDU_TUN_H */
