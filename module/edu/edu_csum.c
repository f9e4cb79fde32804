// SPDX-License-Identifier: GPL-2.0
/*
 * The pseudo-header checksum (RFC 9293 section 3.1): the one's complement
 * sum over a pseudo header (source and destination address, zero,
 * protocol, segment length), the segment header and the payload.
 *
 * Output: if the outgoing device can checksum any protocol
 * (NETIF_F_HW_CSUM) the skb leaves as CHECKSUM_PARTIAL: we store the
 * folded pseudo-header sum in the check field and tell the device where
 * the sum starts (csum_start) and where to put it (csum_offset). A device
 * with only NETIF_F_IP_CSUM knows how to do that for TCP and UDP only, so
 * for protocol 253 we compute the whole sum in software.
 *
 * Input: a device (or loopback/veth, which pass CHECKSUM_PARTIAL through)
 * may have verified the sum already; skb_checksum_init() takes care of
 * CHECKSUM_UNNECESSARY/COMPLETE, otherwise we sum the whole segment.
 */
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <net/checksum.h>
#include <net/ip.h>
#include "edu.h"

/* Software checksum over the header and payload at skb->data. */
void edu_csum_output_sw(struct sk_buff *skb, __be32 saddr, __be32 daddr)
{
	struct eduhdr *th = (struct eduhdr *)skb->data;
	__wsum csum;

	th->check = 0;
	csum = skb_checksum(skb, 0, skb->len, 0);
	th->check = csum_tcpudp_magic(saddr, daddr, skb->len, edu_ipproto,
				      csum);
	skb->ip_summed = CHECKSUM_NONE;
}

/* @skb->data points at the segment header; the IP header is not there yet. */
void edu_csum_output(struct sock *sk, struct sk_buff *skb)
{
	const struct inet_sock *inet = inet_sk(sk);
	struct eduhdr *th = (struct eduhdr *)skb->data;
	struct dst_entry *dst = __sk_dst_get(sk);

	if (dst && dst->dev && (dst->dev->features & NETIF_F_HW_CSUM)) {
		/* Offload: seed with the pseudo-header, the NIC adds the rest. */
		th->check = ~csum_tcpudp_magic(inet->inet_saddr,
					       inet->inet_daddr, skb->len,
					       edu_ipproto, 0);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct eduhdr, check);
		return;
	}
	edu_csum_output_sw(skb, inet->inet_saddr, inet->inet_daddr);
}

/* Returns true if the pseudo-header checksum of an arriving segment is bad. */
bool edu_csum_input_bad(struct sk_buff *skb)
{
	if (skb_checksum_init(skb, edu_ipproto, inet_compute_pseudo))
		return true;
	/* skb_checksum_complete() is a no-op if the sum was verified */
	return skb_checksum_complete(skb) != 0;
}
