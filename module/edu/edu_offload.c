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
 * GRO merges consecutive segments of a connection in NAPI, before IP
 * hands them up, so that the receiver processes (and ACKs) one skb of up
 * to 64 KB. inet_gro_receive() calls edu_gro_receive() for protocol 253
 * once the IP headers matched; the merge itself is the core's
 * skb_gro_receive(), which 6.1 does not export, so edu_gro_merge() does
 * what its head_frag and frag_list paths do (net/core/gro.c).
 */
#include <linux/skbuff.h>
#include <net/gro.h>
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

/*
 * Append @skb's payload to the held packet @p, as skb_gro_receive() does:
 * the frame's page-fragment head becomes a fragment of the last skb of
 * @p, or, when it has no room, @skb is chained to @p's frag_list.
 */
static int edu_gro_merge(struct sk_buff *p, struct sk_buff *skb)
{
	struct skb_shared_info *pinfo, *skbinfo = skb_shinfo(skb);
	unsigned int offset = skb_gro_offset(skb);
	unsigned int headlen = skb_headlen(skb);
	unsigned int len = skb_gro_len(skb);
	unsigned int delta_truesize;
	struct sk_buff *lp;

	if (p->len + len >= GRO_LEGACY_MAX_SIZE || NAPI_GRO_CB(skb)->flush ||
	    offset > headlen)
		return -E2BIG;

	lp = NAPI_GRO_CB(p)->last;
	pinfo = skb_shinfo(lp);
	if (skb->head_frag &&
	    pinfo->nr_frags + 1 + skbinfo->nr_frags <= MAX_SKB_FRAGS) {
		skb_frag_t *frag = pinfo->frags + pinfo->nr_frags;
		struct page *page = virt_to_head_page(skb->head);
		unsigned int new_truesize;

		__skb_frag_set_page(frag, page);
		skb_frag_off_set(frag, skb->data -
				 (unsigned char *)page_address(page) + offset);
		skb_frag_size_set(frag, headlen - offset);
		memcpy(frag + 1, skbinfo->frags,
		       sizeof(*frag) * skbinfo->nr_frags);
		pinfo->nr_frags += 1 + skbinfo->nr_frags;
		/* The head now belongs to @p: only the sk_buff is freed. */
		new_truesize = SKB_DATA_ALIGN(sizeof(struct sk_buff));
		delta_truesize = skb->truesize - new_truesize;
		skb->truesize = new_truesize;
		NAPI_GRO_CB(skb)->free = NAPI_GRO_FREE_STOLEN_HEAD;
	} else {
		skb->destructor = NULL;
		delta_truesize = skb->truesize;
		__skb_pull(skb, offset);
		if (NAPI_GRO_CB(p)->last == p)
			skb_shinfo(p)->frag_list = skb;
		else
			NAPI_GRO_CB(p)->last->next = skb;
		NAPI_GRO_CB(p)->last = skb;
		__skb_header_release(skb);
		lp = p;
	}
	NAPI_GRO_CB(p)->count++;
	p->data_len += len;
	p->truesize += delta_truesize;
	p->len += len;
	if (lp != p) {
		lp->data_len += len;
		lp->truesize += delta_truesize;
		lp->len += len;
	}
	NAPI_GRO_CB(skb)->same_flow = 1;
	return 0;
}

/*
 * Merge only what the receiver would take as one run of data: the same
 * connection (ports; IP matched the addresses), the next sequence
 * number, the same ACK, window and options, no SYN, RST or FIN, segments of the
 * first one's size (the last may be shorter and ends the run, as does a
 * PSH), and a checksum the device has already verified. The rules are
 * tcp_gro_receive()'s.
 */
static struct sk_buff *edu_gro_receive(struct list_head *head,
				       struct sk_buff *skb)
{
	unsigned int off, hlen, thlen, len, mss = 1, i;
	struct sk_buff *pp = NULL, *p;
	struct eduhdr *th, *th2;
	int flush = 1;
	u8 flags;

	off = skb_gro_offset(skb);
	hlen = off + sizeof(*th);
	th = skb_gro_header(skb, hlen, off);
	if (unlikely(!th))
		goto out;
	thlen = EDU_DOFF(th) * 4;
	if (thlen < sizeof(*th))
		goto out;
	hlen = off + thlen;
	th = skb_gro_header(skb, hlen, off);
	if (unlikely(!th))
		goto out;
	if (skb->ip_summed != CHECKSUM_UNNECESSARY)
		goto out;
	skb_gro_pull(skb, thlen);
	len = skb_gro_len(skb);
	flags = th->flags;

	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		th2 = (struct eduhdr *)skb_transport_header(p);
		if (th->source != th2->source || th->dest != th2->dest) {
			NAPI_GRO_CB(p)->same_flow = 0;
			continue;
		}
		goto found;
	}
	p = NULL;
	goto out_check_final;

found:
	flush = NAPI_GRO_CB(p)->flush;
	/* The IP ID check of inet_gro_receive(), as TCP applies it. */
	if (NAPI_GRO_CB(p)->flush_id != 1 || NAPI_GRO_CB(p)->count != 1 ||
	    !NAPI_GRO_CB(p)->is_atomic)
		flush |= NAPI_GRO_CB(p)->flush_id;
	else
		NAPI_GRO_CB(p)->flush_id = 0;
	flush |= (flags ^ th2->flags) & ~(EDU_FLAG_FIN | EDU_FLAG_PSH);
	flush |= (__force int)(th->ack_seq ^ th2->ack_seq);
	/* The merged segment carries one window: flush when it changes. */
	flush |= (__force int)(th->window ^ th2->window);
	flush |= th->doff_res ^ th2->doff_res;
	flush |= (__force int)(th->reserved ^ th2->reserved);
	for (i = sizeof(*th); i < thlen; i += 4)
		flush |= *(u32 *)((u8 *)th + i) ^ *(u32 *)((u8 *)th2 + i);
	mss = skb_shinfo(p)->gso_size;
	flush |= (len - 1) >= mss;
	flush |= (ntohl(th2->seq) + skb_gro_len(p)) ^ ntohl(th->seq);
	if (flush || edu_gro_merge(p, skb)) {
		mss = 1;
		goto out_check_final;
	}
	th2->flags |= flags & (EDU_FLAG_FIN | EDU_FLAG_PSH);

out_check_final:
	flush = len < mss;
	flush |= flags & (EDU_FLAG_PSH | EDU_FLAG_RST | EDU_FLAG_SYN |
			  EDU_FLAG_FIN);
	if (p && (!NAPI_GRO_CB(skb)->same_flow || flush))
		pp = p;
out:
	NAPI_GRO_CB(skb)->flush |= (flush != 0);
	return pp;
}

/*
 * The merged packet goes up as a GSO packet of gso_segs segments of
 * gso_size (set by the core to the first segment's length): if it is
 * forwarded rather than received, edu_gso_segment() cuts it again, and
 * the checksum is left to be completed (CHECKSUM_PARTIAL) as for a
 * packet we send.
 */
static int edu_gro_complete(struct sk_buff *skb, int thoff)
{
	/* GRO took only IPv4 headers without options (inet_gro_receive()) */
	const struct iphdr *iph = (struct iphdr *)(skb->data + thoff -
						   sizeof(struct iphdr));
	struct eduhdr *th = (struct eduhdr *)(skb->data + thoff);

	th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr,
				       skb->len - thoff, edu_ipproto, 0);
	skb->csum_start = (unsigned char *)th - skb->head;
	skb->csum_offset = offsetof(struct eduhdr, check);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb_shinfo(skb)->gso_segs = NAPI_GRO_CB(skb)->count;
	skb_shinfo(skb)->gso_type |= EDU_GSO_TYPE;
	return 0;
}

static const struct net_offload edu_offload = {
	.callbacks = {
		.gso_segment	= edu_gso_segment,
		.gro_receive	= edu_gro_receive,
		.gro_complete	= edu_gro_complete,
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
