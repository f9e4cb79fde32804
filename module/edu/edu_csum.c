// SPDX-License-Identifier: GPL-2.0
/*
 * The pseudo-header checksum (RFC 9293 section 3.1): the one's complement
 * sum over a pseudo header (source and destination address, zero,
 * protocol, segment length), the segment header and the payload.
 *
 * Output: if the outgoing device can checksum any protocol
 * (NETIF_F_HW_CSUM), or the skb is a GSO super-segment, it leaves as
 * CHECKSUM_PARTIAL: we store the
 * folded pseudo-header sum in the check field and tell the device where
 * the sum starts (csum_start) and where to put it (csum_offset). A device
 * with only NETIF_F_IP_CSUM knows how to do that for TCP and UDP only, so
 * for protocol 253 we compute the sum in software: the payload's part
 * while sendmsg() copies it in, the header's part here.
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

/*
 * Can the socket's route leave the sum to the device? Only a device with
 * NETIF_F_HW_CSUM sums any protocol; NETIF_F_IP_CSUM is for TCP and UDP.
 */
bool edu_csum_offload_ok(const struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_get((struct sock *)sk);

	return dst && dst->dev && (dst->dev->features & NETIF_F_HW_CSUM);
}

/*
 * A send-queue skb marked CHECKSUM_NONE carries the sum of its payload in
 * skb->csum: sendmsg() sums while it copies (csum_and_copy_from_iter), so
 * the bytes are touched once. Whoever cuts such an skb sums it again.
 */
void edu_csum_payload(struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_NONE)
		skb->csum = skb_checksum(skb, 0, skb->len, 0);
}

/* @skb->data points at the segment header; the IP header is not there yet. */
void edu_csum_output(struct sock *sk, struct sk_buff *skb)
{
	const struct inet_sock *inet = inet_sk(sk);
	struct eduhdr *th = (struct eduhdr *)skb->data;
	unsigned int hlen = EDU_DOFF(th) * 4;

	if (skb_is_gso(skb) || edu_csum_offload_ok(sk)) {
		/*
		 * Offload: seed with the pseudo-header, the NIC adds the
		 * rest. A super-segment is always sent this way: GSO sums
		 * each piece in software if the device cannot.
		 */
		th->check = ~csum_tcpudp_magic(inet->inet_saddr,
					       inet->inet_daddr, skb->len,
					       edu_ipproto, 0);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct eduhdr, check);
		return;
	}
	if (skb->ip_summed == CHECKSUM_NONE) {
		/* The payload was summed when it was copied in: add the header. */
		th->check = 0;
		th->check = csum_tcpudp_magic(inet->inet_saddr, inet->inet_daddr,
					      skb->len, edu_ipproto,
					      csum_partial(th, hlen, skb->csum));
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
