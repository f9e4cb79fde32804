/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checksums for the tests that build packets by hand: the one's
 * complement sum of RFC 1071, the segment checksum over the IPv4
 * pseudo-header (RFC 9293 3.1) and the IPv4 header. Header-only, so that
 * the single-file tests of selftests/edu can use it too.
 */
#ifndef EDU_CSUM_H
#define EDU_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

/* An IPv4 header without options, fields in network order. */
struct edu_iphdr {
	uint8_t ver_ihl, tos;
	uint16_t tot_len, id, frag_off;
	uint8_t ttl, protocol;
	uint16_t check;
	uint32_t saddr, daddr;
};

/* Sum over bytes in network order; edu_csum_fold() finishes it. */
static inline uint32_t edu_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (p[0] << 8) | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += p[0] << 8;
	return sum;
}

static inline uint16_t edu_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Checksum of a segment (header + payload, check field zero) over the
 * pseudo-header: source, destination, zero, protocol, segment length.
 * Addresses and result in network order.
 */
static inline uint16_t edu_seg_csum(uint32_t saddr, uint32_t daddr,
				    uint8_t proto, const void *seg, size_t len)
{
	uint8_t ph[12];
	uint32_t sum;

	memcpy(ph, &saddr, 4);
	memcpy(ph + 4, &daddr, 4);
	ph[8] = 0;
	ph[9] = proto;
	ph[10] = len >> 8;
	ph[11] = len & 0xff;
	sum = edu_csum_add(0, ph, sizeof(ph));
	sum = edu_csum_add(sum, seg, len);
	return htons(edu_csum_fold(sum));
}

/* A 20-byte IPv4 header for @seglen bytes of payload, with its checksum. */
static inline void edu_ip_header(struct edu_iphdr *iph, uint32_t saddr,
				 uint32_t daddr, uint8_t proto, size_t seglen,
				 uint16_t id)
{
	memset(iph, 0, sizeof(*iph));
	iph->ver_ihl = 0x45;
	iph->tot_len = htons(sizeof(*iph) + seglen);
	iph->id = htons(id);
	iph->frag_off = htons(0x4000);	/* DF */
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->check = htons(edu_csum_fold(edu_csum_add(0, iph, sizeof(*iph))));
}

#endif /* EDU_CSUM_H */
