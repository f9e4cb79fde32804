// SPDX-License-Identifier: GPL-2.0
/*
 * Generic segmentation offload (GSO) for AF_EDU.
 *
 * The send path builds super-segments of up to 64 KB (edu_size_goal()),
 * and one pass through the stack (routing, netfilter, qdisc) carries many
 * MSS worth of data. Where the packet leaves for a device that cannot
 * take it whole, skb_gso_segment() looks up the IP protocol in
 * inet_offloads[] and calls edu_gso_segment(), which cuts it the way a
 * NIC's TSO cuts a TCP segment: every piece gets a copy of the header, its
 * own sequence number and checksum; FIN and PSH stay on the last piece.
 * veth and loopback take super-segments whole (NETIF_F_GSO_SOFTWARE), so
 * the receiver gets one skb instead of forty.
 *
 * GRO, the merging on the receive side, needs skb_gro_receive(), which
 * 6.1 does not export to modules; see Documentation/performance.rst.
 */
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/protocol.h>
#include <net/checksum.h>
#include "edu.h"

static struct sk_buff *edu_gso_segment(struct sk_buff *skb,
				       netdev_features_t features)
{
	struct sk_buff *segs = ERR_PTR(-EINVAL);
	unsigned int thlen, mss, oldlen;
	const struct iphdr *iph;
	struct eduhdr *th;
	__sum16 newcheck;
	__wsum delta;
	u32 seq;

	if (!(skb_shinfo(skb)->gso_type & EDU_GSO_TYPE) ||
	    !pskb_may_pull(skb, EDU_HDR_LEN))
		goto out;
	th = (struct eduhdr *)skb_transport_header(skb);
	thlen = EDU_DOFF(th) * 4;
	if (thlen < EDU_HDR_LEN || !pskb_may_pull(skb, thlen))
		goto out;
	th = (struct eduhdr *)skb_transport_header(skb);
	if (unlikely(skb->ip_summed != CHECKSUM_PARTIAL)) {
		/* Not from our send path: seed the pseudo-header sum here. */
		iph = ip_hdr(skb);
		th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len,
					       edu_ipproto, 0);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct eduhdr, check);
	}
	if (unlikely(skb_checksum_start(skb) != skb_transport_header(skb)))
		goto out;

	oldlen = ~skb->len;
	__skb_pull(skb, thlen);
	mss = skb_shinfo(skb)->gso_size;
	if (unlikely(skb->len <= mss))
		goto out;

	segs = skb_segment(skb, features);
	if (IS_ERR(segs))
		goto out;
	/* skb_segment() made a GSO skb of several MSS (GSO_PARTIAL) */
	if (skb_is_gso(segs))
		mss *= skb_shinfo(segs)->gso_segs;

	/*
	 * Every piece starts with the super-segment's header, whose check
	 * field holds the pseudo-header sum over the whole length: correct
	 * it by the length difference instead of summing the header again.
	 */
	delta = (__force __wsum)htonl(oldlen + thlen + mss);
	skb = segs;
	th = (struct eduhdr *)skb_transport_header(skb);
	seq = ntohl(th->seq);
	newcheck = ~csum_fold(csum_add(csum_unfold(th->check), delta));
	while (skb->next) {
		th->flags &= ~(EDU_FLAG_FIN | EDU_FLAG_PSH);
		th->check = newcheck;
		if (skb->ip_summed == CHECKSUM_PARTIAL)
			gso_reset_checksum(skb, csum_unfold(~th->check));
		else
			th->check = gso_make_checksum(skb, csum_unfold(~th->check));
		seq += mss;
		skb = skb->next;
		th = (struct eduhdr *)skb_transport_header(skb);
		th->seq = htonl(seq);
	}
	/* The last piece is shorter, most of the time. */
	delta = (__force __wsum)htonl(oldlen +
				      (skb_tail_pointer(skb) -
				       skb_transport_header(skb)) +
				      skb->data_len);
	th->check = ~csum_fold(csum_add(csum_unfold(th->check), delta));
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		gso_reset_checksum(skb, csum_unfold(~th->check));
	else
		th->check = gso_make_checksum(skb, csum_unfold(~th->check));
out:
	return segs;
}

static const struct net_offload edu_offload = {
	.callbacks = {
		.gso_segment	= edu_gso_segment,
	},
};

int edu_offload_init(void)
{
	return inet_add_offload(&edu_offload, edu_ipproto);
}

void edu_offload_exit(void)
{
	/* inet_del_offload() waits for running callbacks (synchronize_net). */
	inet_del_offload(&edu_offload, edu_ipproto);
}
