// SPDX-License-Identifier: GPL-2.0
/*
 * AF_EDU output: building segments, the send queue, windows.
 *
 * Data written by the application stays on sk_write_queue until it is
 * acknowledged; what goes to IP is a clone. send_head is the first skb
 * not sent yet. Before a segment leaves, three limits are checked
 * (edu_push_pending):
 *   - the congestion window (RFC 5681), edu_cong.c keeps it,
 *   - the peer's receive window and sender-side silly-window avoidance
 *     (RFC 9293 3.8.6.2.1),
 *   - Nagle's algorithm (RFC 9293 3.7.4), unless EDU_NODELAY.
 */
#include <linux/siphash.h>
#include <asm/unaligned.h>
#include <linux/random.h>
#include <net/ip.h>
#include <net/route.h>
#include "edu.h"
#include "edu_trace.h"

/*
 * Without scatter-gather a payload lives in one linear buffer; keep that
 * allocation within 16 KB (headroom and skb_shared_info included) so
 * truesize stays close to the payload size.
 */
#define EDU_MAX_SEG_PAYLOAD	15360
/* A super-segment and its headers must fit the 16-bit IP total length. */
#define EDU_GSO_MAX_PAYLOAD	(GSO_LEGACY_MAX_SIZE - 1 - sizeof(struct iphdr) - \
				 EDU_HDR_LEN_MAX)

/* ---- initial sequence numbers ----------------------------------------- */

static siphash_key_t edu_isn_key __read_mostly;

/*
 * RFC 9293 3.4.1 / RFC 6528: ISN = M + F(4-tuple, secret). F is a keyed
 * hash, so an off-path attacker cannot guess it; M is a clock ticking
 * every 64 ns, so a new incarnation of the same 4-tuple starts ahead.
 */
u32 edu_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	u32 hash;

	net_get_random_once(&edu_isn_key, sizeof(edu_isn_key));
	hash = siphash_3u32((__force u32)saddr, (__force u32)daddr,
			    (__force u32)sport << 16 | (__force u32)dport,
			    &edu_isn_key);
	return hash + (u32)(ktime_get_real_ns() >> 6);
}

/* ---- MSS, routes, windows ----------------------------------------------- */

/* Route a connection whose addresses are all known (passive open). */
int edu_route_connected(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	struct rtable *rt;

	rt = ip_route_output_ports(sock_net(sk), fl4, sk, inet->inet_daddr,
				   inet->inet_saddr, inet->inet_dport,
				   inet->inet_sport, edu_ipproto,
				   RT_CONN_FLAGS(sk), sk->sk_bound_dev_if);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	sk_setup_caps(sk, &rt->dst);
	return 0;
}

/*
 * Effective send MSS (RFC 9293 3.7.1): what the route allows, capped by
 * EDU_MAXSEG and by the MSS option the peer sent.
 */
void edu_set_mss(struct sock *sk, u16 peer_mss)
{
	struct edu_sock *es = edu_sk(sk);
	struct dst_entry *dst = __sk_dst_get(sk);
	u32 mtu = dst ? dst_mtu(dst) : 576;
	u32 mss = mtu - sizeof(struct iphdr) - EDU_HDR_LEN;

	if (es->user_mss && es->user_mss < mss)
		mss = es->user_mss;
	es->rcv_mss = mss;		/* what we announce */
	if (peer_mss && peer_mss < mss)
		mss = peer_mss;
	if (mss > EDU_MAX_SEG_PAYLOAD)
		mss = EDU_MAX_SEG_PAYLOAD;
	if (mss < 64)
		mss = 64;
	es->mss = mss;
}

/* Can payload go into page fragments (the device gathers them)? */
bool edu_sg_ok(const struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_get((struct sock *)sk);

	return dst && dst->dev && (dst->dev->features & NETIF_F_SG);
}

/*
 * GSO needs what TCP's needs: a GSO type (edu_offload.c), a route that
 * allows it (sk_can_gso(); off with "ethtool -K dev gso off"), page
 * fragments, and a checksum the device completes for every piece.
 */
static bool edu_gso_ok(const struct sock *sk)
{
	return sk->sk_gso_type && sk_can_gso(sk) && edu_sg_ok(sk) &&
	       edu_csum_offload_ok(sk);
}

/*
 * How much payload one send-queue skb collects: one MSS, or with GSO as
 * many whole MSS as the device takes at once, bounded by half the largest
 * window the peer offered so that a super-segment is not cut for the
 * window at once (Linux TCP: tcp_xmit_size_goal()).
 */
u32 edu_size_goal(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	u32 goal, segs;

	if (!edu_gso_ok(sk))
		return es->mss;
	goal = min_t(u32, sk->sk_gso_max_size, EDU_GSO_MAX_PAYLOAD);
	if (es->max_window)
		goal = min_t(u32, goal, es->max_window / 2);
	segs = max_t(u32, goal / es->mss, 1);
	segs = min_t(u32, segs, sk->sk_gso_max_segs);
	return segs * es->mss;
}

/*
 * Free space of the receive buffer, as bytes of payload. skbs cost more
 * than their payload (truesize), so like Linux TCP with tcp_adv_win_scale
 * = 1 we offer half of the free buffer space.
 */
u32 edu_rcv_space(const struct sock *sk)
{
	int space = READ_ONCE(sk->sk_rcvbuf) -
		    atomic_read(&sk->sk_rmem_alloc);

	return space > 0 ? space / 2 : 0;
}

/* Our window shift: large enough that the largest buffer fits (RFC 7323). */
u8 edu_choose_wscale(const struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	u32 space = sk->sk_rcvbuf;
	u8 ws = 0;

	if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK))
		space = max_t(u32, space, READ_ONCE(en->rmem_max));
	space /= 2;
	while ((space >> ws) > 65535 && ws < EDU_MAX_WSCALE)
		ws++;
	return ws;
}

/* Window the peer may still use: right edge minus RCV.NXT. */
static u32 edu_receive_window_now(const struct edu_sock *es)
{
	s32 win = es->rcv_wup + es->rcv_wnd - es->rcv_nxt;

	return win > 0 ? win : 0;
}

/*
 * The receive window to advertise, already shifted by rcv_wscale.
 * Receiver-side silly-window avoidance (RFC 9293 3.8.6.2.2): move the
 * right edge only when it grows by at least min(MSS, buffer/2); and never
 * move it to the left (shrink the window), RFC 9293 3.8.6.
 */
u16 edu_select_window(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	u32 cur = edu_receive_window_now(es);
	u32 space = edu_rcv_space(sk);
	u32 full = READ_ONCE(sk->sk_rcvbuf) / 2;
	u32 grain = 1U << es->rcv_wscale;
	u32 new;

	if (space < cur ||
	    space - cur < min_t(u32, es->rcv_mss, full / 2))
		new = ALIGN(cur, grain);
	else
		new = space & ~(grain - 1);
	if (new > (65535U << es->rcv_wscale))
		new = 65535U << es->rcv_wscale;
	es->rcv_wnd = new;
	es->rcv_wup = es->rcv_nxt;
	return new >> es->rcv_wscale;
}

/* ---- putting segments on the wire ---------------------------------------- */

static void edu_ack_sent(struct sock *sk, int payload)
{
	struct edu_sock *es = edu_sk(sk);

	/*
	 * Data sent within the delayed-ACK time of data received answers
	 * it: the connection is interactive (request and response), and a
	 * read need not ACK on its own, the answer will (Linux TCP's
	 * pingpong mode). A delayed ACK that no answer carried ends it.
	 */
	if (payload && time_before(jiffies, es->lrcvtime + EDU_DELACK_TIME))
		es->pingpong = 1;
	/* The delayed-ACK timer stays; it finds nothing owed (edu_timer.c). */
	es->ack_pending = 0;
	es->rcv_bytes_since_ack = 0;
}

static int edu_syn_options(struct sock *sk, u8 *opt)
{
	struct edu_sock *es = edu_sk(sk);
	int len = EDU_OPTLEN_MSS;

	opt[0] = EDU_OPT_MSS;
	opt[1] = EDU_OPTLEN_MSS;
	put_unaligned_be16(es->rcv_mss, &opt[2]);
	/* Offer window scaling on a SYN; answer it only if it was offered. */
	if (es->wscale_ok) {
		opt[4] = EDU_OPT_NOP;
		opt[5] = EDU_OPT_WSCALE;
		opt[6] = EDU_OPTLEN_WSCALE;
		opt[7] = es->rcv_wscale;
		len += 4;
	}
	/* RFC 2018 2: offered on a SYN, on a SYN,ACK only if offered. */
	if (es->sack_ok) {
		opt[len] = EDU_OPT_NOP;
		opt[len + 1] = EDU_OPT_NOP;
		opt[len + 2] = EDU_OPT_SACK_PERM;
		opt[len + 3] = EDU_OPTLEN_SACK_PERM;
		len += 4;
	}
	return len;
}

/*
 * More than one MSS of payload makes a GSO super-segment: the device, or
 * skb_gso_segment() just before it, cuts it into MSS-sized segments with
 * edu_gso_segment() (edu_offload.c).
 */
static void edu_set_gso(struct sk_buff *skb, u16 mss)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);

	if (skb->len > mss) {
		shinfo->gso_size = mss;
		shinfo->gso_segs = DIV_ROUND_UP(skb->len, mss);
		shinfo->gso_type = EDU_GSO_TYPE;
	} else {
		shinfo->gso_size = 0;
		shinfo->gso_segs = 0;
		shinfo->gso_type = 0;
	}
}

/*
 * Send one segment built from @skb (payload at skb->data, sequence
 * number and flags in the control block). With @clone the skb stays on
 * the send queue for retransmission and a clone is sent; the IP header
 * and our header go into headroom that the original never uses again.
 */
int edu_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone)
{
	struct inet_sock *inet = inet_sk(sk);
	struct edu_sock *es = edu_sk(sk);
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);
	u32 seq = cb->seq;
	u8 flags = cb->flags;
	u8 opt[EDU_HDR_LEN_MAX - EDU_HDR_LEN];
	int optlen = 0, payload, err;
	struct eduhdr *th;

	if (clone) {
		/*
		 * A clone still in a qdisc shares our headroom and the shared
		 * info that holds the GSO fields: copy instead.
		 */
		if (skb_cloned(skb)) {
			skb = pskb_copy(skb, GFP_ATOMIC);
			if (!skb)
				return -ENOBUFS;
			edu_set_gso(skb, es->mss);
		} else {
			edu_set_gso(skb, es->mss);
			skb = skb_clone(skb, GFP_ATOMIC);
			if (!skb)
				return -ENOBUFS;
		}
	}
	payload = skb->len;
	/* Only the very first SYN of an active open lacks an ACK. */
	if (sk->sk_state != EDU_SYN_SENT)
		flags |= EDU_FLAG_ACK;
	if (flags & EDU_FLAG_SYN)
		optlen = edu_syn_options(sk, opt);
	else if (es->sack_ok && (flags & EDU_FLAG_ACK) &&
		 !skb_queue_empty(&es->ofo_queue))
		/*
		 * Options count against the MSS (RFC 9293 3.7.1): beside
		 * data only the blocks that still fit, none beside a full
		 * segment, so that it never exceeds the path's MTU.
		 */
		optlen = edu_sack_blocks(sk, opt, payload ?
				((int)es->mss - payload - 4) / EDU_OPTLEN_SACK_BLOCK :
				EDU_MAX_SACK_BLOCKS);

	th = skb_push(skb, EDU_HDR_LEN + optlen);
	skb_reset_transport_header(skb);
	th->source = inet->inet_sport;
	th->dest = inet->inet_dport;
	th->seq = htonl(seq);
	th->ack_seq = (flags & EDU_FLAG_ACK) ? htonl(es->rcv_nxt) : 0;
	EDU_SET_DOFF(th, (EDU_HDR_LEN + optlen) / 4);
	th->flags = flags;
	/* RFC 7323 2.2: the window of a SYN is never scaled. */
	if (flags & EDU_FLAG_SYN) {
		es->rcv_wnd = min_t(u32, edu_rcv_space(sk), 65535U);
		es->rcv_wup = es->rcv_nxt;
		th->window = htons(es->rcv_wnd);
	} else {
		th->window = htons(edu_select_window(sk));
	}
	th->check = 0;
	th->reserved = 0;
	if (optlen)
		memcpy(th + 1, opt, optlen);
	edu_csum_output(sk, skb);
	trace_edu_segment_build(inet->inet_saddr, inet->inet_daddr, th, payload,
				skb->ip_summed == CHECKSUM_PARTIAL);

	/* The IP layer owns skb->cb from here on. */
	memset(skb->cb, 0, sizeof(skb->cb));
	if (flags & EDU_FLAG_ACK)
		edu_ack_sent(sk, payload);
	es->segs_out++;
	es->bytes_sent += payload;
	EDU_INC_STATS(sock_net(sk), SEGS_OUT);

	err = ip_queue_xmit(sk, skb, &inet->cork.fl);
	trace_edu_ip_xmit(sk, seq, payload, err);
	return net_xmit_eval(err);
}

static struct sk_buff *edu_alloc_ctl_skb(gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(EDU_SKB_HEADROOM, gfp);

	if (skb) {
		skb_reserve(skb, EDU_SKB_HEADROOM);
		memset(skb->cb, 0, sizeof(skb->cb));
	}
	return skb;
}

/* A segment without data: an ACK, a window update or a probe. */
static void edu_send_bare(struct sock *sk, u32 seq)
{
	struct sk_buff *skb = edu_alloc_ctl_skb(GFP_ATOMIC);

	if (!skb) {
		/* Try again from the delayed-ACK timer. */
		edu_arm_delack(sk);
		return;
	}
	EDU_SKB_CB(skb)->seq = seq;
	EDU_SKB_CB(skb)->flags = EDU_FLAG_ACK;
	edu_transmit_skb(sk, skb, false);
}

void edu_send_ack(struct sock *sk)
{
	if (sk->sk_state == EDU_CLOSE || sk->sk_state == EDU_LISTEN)
		return;
	edu_send_bare(sk, edu_sk(sk)->snd_nxt);
}

/*
 * RFC 5961 3.2/4.2: an RST or SYN that is in the window but not exactly
 * where we expect it gets an ACK instead; a real peer will answer with
 * an RST at the right sequence number, a blind attacker cannot.
 */
void edu_send_challenge_ack(struct sock *sk)
{
	EDU_INC_STATS(sock_net(sk), CHALLENGE_ACKS);
	edu_send_ack(sk);
}

/*
 * Zero-window and keepalive probe: a segment with an old sequence number
 * (SND.UNA - 1) and no data. It is outside the peer's window, so the peer
 * must answer with an ACK that carries its current window (RFC 9293
 * 3.10.7.4, first check).
 */
void edu_send_probe(struct sock *sk)
{
	edu_send_bare(sk, edu_sk(sk)->snd_una - 1);
}

/*
 * Build and send a segment that belongs to no socket (RST replies, ACKs
 * from TIME_WAIT). The checksum is computed in software; the IP header
 * is ours to write.
 */
void edu_send_ctl(struct net *net, __be32 saddr, __be32 daddr, __be16 sport,
		  __be16 dport, u32 seq, u32 ack, u8 flags, u16 window)
{
	struct sk_buff *skb;
	struct eduhdr *th;
	struct iphdr *iph;
	struct flowi4 fl4;
	struct rtable *rt;

	rt = ip_route_output_ports(net, &fl4, NULL, daddr, saddr, dport, sport,
				   edu_ipproto, 0, 0);
	if (IS_ERR(rt))
		return;
	skb = alloc_skb(EDU_SKB_HEADROOM + sizeof(struct iphdr), GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	skb_reserve(skb, EDU_SKB_HEADROOM + sizeof(struct iphdr));
	th = skb_push(skb, EDU_HDR_LEN);
	skb_reset_transport_header(skb);
	memset(th, 0, EDU_HDR_LEN);
	th->source = sport;
	th->dest = dport;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	EDU_SET_DOFF(th, EDU_HDR_LEN / 4);
	th->flags = flags;
	th->window = htons(window);
	edu_csum_output_sw(skb, fl4.saddr, fl4.daddr);
	trace_edu_segment_build(fl4.saddr, fl4.daddr, th, 0, false);
	if (flags & EDU_FLAG_RST)
		trace_edu_rst_send(fl4.saddr, fl4.daddr, sport, dport, seq, ack);

	skb_push(skb, sizeof(struct iphdr));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = 0;
	iph->frag_off = 0;
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = edu_ipproto;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;
	skb_dst_set(skb, &rt->dst);
	ip_select_ident(net, skb, NULL);
	EDU_INC_STATS(net, SEGS_OUT);
	/* __ip_local_out() fills tot_len and the IP header checksum. */
	ip_local_out(net, NULL, skb);
}

/* ABORT (RFC 9293 3.10.5): <SEQ=SND.NXT><CTL=RST>, with an ACK as Linux. */
void edu_send_reset(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct edu_sock *es = edu_sk(sk);

	if (!inet->inet_dport || !inet->inet_daddr)
		return;
	EDU_INC_STATS(sock_net(sk), RST_SENT);
	edu_send_ctl(sock_net(sk), inet->inet_saddr, inet->inet_daddr,
		     inet->inet_sport, inet->inet_dport, es->snd_max,
		     es->rcv_nxt, EDU_FLAG_RST | EDU_FLAG_ACK, 0);
}

/*
 * Reset for a segment nobody wants (RFC 9293 3.10.7.1, state CLOSED):
 * If ACK is off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
 * If ACK is on:  <SEQ=SEG.ACK><CTL=RST>
 * An RST never gets an RST.
 */
void edu_send_reset_reply(struct net *net, struct sk_buff *skb)
{
	const struct edu_skb_cb *cb = EDU_SKB_CB(skb);
	const struct eduhdr *th = (struct eduhdr *)skb_transport_header(skb);
	const struct iphdr *iph = ip_hdr(skb);

	if (cb->flags & EDU_FLAG_RST)
		return;
	EDU_INC_STATS(net, RST_SENT);
	if (cb->flags & EDU_FLAG_ACK)
		edu_send_ctl(net, iph->daddr, iph->saddr, th->dest, th->source,
			     cb->ack_seq, 0, EDU_FLAG_RST, 0);
	else
		edu_send_ctl(net, iph->daddr, iph->saddr, th->dest, th->source,
			     0, cb->end_seq, EDU_FLAG_RST | EDU_FLAG_ACK, 0);
}

/* ---- the send queue ----------------------------------------------------- */

static void edu_queue_tail(struct sock *sk, struct sk_buff *skb)
{
	struct edu_sock *es = edu_sk(sk);

	__skb_queue_tail(&sk->sk_write_queue, skb);
	sk_wmem_queued_add(sk, skb->truesize);
	if (!es->send_head)
		es->send_head = skb;
}

void edu_free_write_queue(struct sock *sk)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&sk->sk_write_queue))) {
		sk_wmem_queued_add(sk, -skb->truesize);
		kfree_skb(skb);
	}
	edu_sk(sk)->send_head = NULL;
}

/*
 * SYN or SYN-ACK: it occupies one sequence number and sits on the send
 * queue like data, so the retransmission timer handles its loss.
 */
int edu_queue_syn(struct sock *sk, u8 flags)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *skb = edu_alloc_ctl_skb(GFP_ATOMIC);
	struct edu_skb_cb *cb;

	if (!skb)
		return -ENOBUFS;
	cb = EDU_SKB_CB(skb);
	cb->seq = es->iss;
	cb->end_seq = es->iss + 1;
	cb->flags = flags;
	es->write_seq = es->iss + 1;
	edu_queue_tail(sk, skb);
	edu_push_pending(sk, true);
	return 0;
}

/* Queue our FIN after all data (CLOSE and SHUTDOWN, RFC 9293 3.10.4). */
void edu_send_fin(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	if (es->fin_queued)
		return;
	if (tail && es->send_head && !(EDU_SKB_CB(tail)->flags & EDU_FLAG_SYN)) {
		/* Unsent data at the tail: the FIN rides on it. */
		EDU_SKB_CB(tail)->flags |= EDU_FLAG_FIN;
		EDU_SKB_CB(tail)->end_seq++;
	} else {
		struct sk_buff *skb;

		skb = alloc_skb(EDU_SKB_HEADROOM,
				sk->sk_allocation | __GFP_NOFAIL);
		skb_reserve(skb, EDU_SKB_HEADROOM);
		memset(skb->cb, 0, sizeof(skb->cb));
		EDU_SKB_CB(skb)->seq = es->write_seq;
		EDU_SKB_CB(skb)->end_seq = es->write_seq + 1;
		EDU_SKB_CB(skb)->flags = EDU_FLAG_FIN;
		edu_queue_tail(sk, skb);
	}
	es->write_seq++;
	es->fin_queued = 1;
	edu_push_pending(sk, true);
}

/*
 * Give a send-queue skb its own shared info (a clone may be in flight),
 * keeping truesize as it was charged to sk_wmem_queued.
 */
static int edu_unclone(struct sk_buff *skb)
{
	unsigned int truesize = skb->truesize;
	int err = skb_unclone(skb, GFP_ATOMIC);

	skb->truesize = truesize;
	return err;
}

/*
 * Split @skb after its first @len bytes (to fit a window, or to resend one
 * MSS of a super-segment). The payload in page fragments moves by
 * reference (skb_split()), only linear bytes are copied.
 */
int edu_split_skb(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct edu_skb_cb *cb = EDU_SKB_CB(skb), *ncb;
	u32 nsize = skb_headlen(skb) > len ? skb_headlen(skb) - len : 0;
	struct sk_buff *nskb;
	u32 nlen;

	/* Fragments are listed in the shared info a clone in flight reads. */
	if (skb->data_len && edu_unclone(skb))
		return -ENOBUFS;
	nskb = alloc_skb(EDU_SKB_HEADROOM + nsize, GFP_ATOMIC);
	if (!nskb)
		return -ENOBUFS;
	skb_reserve(nskb, EDU_SKB_HEADROOM);
	nskb->ip_summed = skb->ip_summed;
	sk_wmem_queued_add(sk, nskb->truesize);
	/* The fragment bytes change owner; the linear ones were charged. */
	nlen = skb->len - len - nsize;
	nskb->truesize += nlen;
	skb->truesize -= nlen;
	skb_split(skb, nskb, len);
	edu_csum_payload(skb);
	edu_csum_payload(nskb);
	ncb = EDU_SKB_CB(nskb);
	*ncb = *cb;
	ncb->seq = cb->seq + len;
	cb->end_seq = ncb->seq;
	cb->flags &= ~(EDU_FLAG_FIN | EDU_FLAG_PSH);
	__skb_queue_after(&sk->sk_write_queue, skb, nskb);
	return 0;
}

/*
 * Drop the first @len bytes of a send-queue skb that the peer has
 * acknowledged (Linux TCP: tcp_trim_head()); fragments are released, not
 * pulled into the linear part.
 */
int edu_trim_head(struct sk_buff *skb, u32 len)
{
	struct skb_shared_info *shinfo;
	u32 eat = min_t(u32, len, skb_headlen(skb));
	int i, k = 0;

	/*
	 * Unclone first, then look up the shared info: skb_unclone() moves
	 * it, and the old one still lists the fragments of the clone that
	 * may sit in a qdisc, to be cut up by GSO later.
	 */
	if (len > skb_headlen(skb) && edu_unclone(skb))
		return -ENOBUFS;
	shinfo = skb_shinfo(skb);
	__skb_pull(skb, eat);
	eat = len - eat;
	if (eat) {
		skb->data_len -= eat;
		skb->len = skb->data_len;
		for (i = 0; i < shinfo->nr_frags; i++) {
			u32 size = skb_frag_size(&shinfo->frags[i]);

			if (size <= eat) {
				skb_frag_unref(skb, i);
				eat -= size;
				continue;
			}
			shinfo->frags[k] = shinfo->frags[i];
			if (eat) {
				skb_frag_off_add(&shinfo->frags[k], eat);
				skb_frag_size_sub(&shinfo->frags[k], eat);
				eat = 0;
			}
			k++;
		}
		shinfo->nr_frags = k;
	}
	edu_csum_payload(skb);
	return 0;
}

static void edu_send_one(struct sock *sk, struct sk_buff *skb)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);

	if (cb->tx_count) {
		/* Going back after a timeout: this is a retransmission. */
		es->total_retrans++;
		EDU_INC_STATS(sock_net(sk), RETRANS_SEGS);
	}
	/* The latest transmission: what RTT samples are judged by. */
	cb->when = edu_clock_us();
	if (cb->tx_count < 255)
		cb->tx_count++;
	if (cb->tx_count > 1)
		trace_edu_retransmit(sk, EDU_RTX_TIMEOUT, cb->seq, cb->end_seq,
				     cb->tx_count);
	edu_transmit_skb(sk, skb, true);
	es->snd_nxt = cb->end_seq;
	if (edu_after(es->snd_nxt, es->snd_max))
		es->snd_max = es->snd_nxt;
	es->send_head = edu_write_queue_next(sk, skb);
	if (!timer_pending(&es->rtx_timer) ||
	    es->rtx_mode != EDU_TIMER_RETRANS)
		edu_arm_rtx(sk);
}

/*
 * Send what the windows allow. @force: send the first segment even if
 * Nagle would hold it (FIN, SYN, timeouts).
 */
void edu_push_pending(struct sock *sk, bool force)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *skb;

	if (!((1 << sk->sk_state) & (EDUF(EDU_ESTABLISHED) |
				      EDUF(EDU_CLOSE_WAIT) |
				      EDUF(EDU_FIN_WAIT1) | EDUF(EDU_CLOSING) |
				      EDUF(EDU_LAST_ACK) |
				      EDUF(EDU_SYN_SENT) | EDUF(EDU_SYN_RECV))))
		return;

	/* SACK recovery resends lost holes before any new data. */
	edu_sack_recover(sk);
	while ((skb = es->send_head)) {
		struct edu_skb_cb *cb = EDU_SKB_CB(skb);
		u32 in_flight = edu_in_flight(es);
		u32 wnd_end = es->snd_una + es->snd_wnd;
		u32 cwnd_bytes = es->snd_cwnd * es->mss;
		u32 len = skb->len, room;
		bool last, nagle;

		if (cb->flags & EDU_FLAG_SYN) {
			/* No window is known before the handshake. */
			edu_send_one(sk, skb);
			continue;
		}
		/*
		 * Congestion window (RFC 5681 2): in segments, as Linux. Of a
		 * super-segment, send the whole MSS that fit.
		 */
		room = cwnd_bytes > in_flight ? cwnd_bytes - in_flight : 0;
		if (len > room) {
			u32 fit = rounddown(room, es->mss);

			if (in_flight && (len <= es->mss || !fit))
				break;
			if (len > es->mss) {
				fit = max_t(u32, fit, es->mss);
				if (edu_split_skb(sk, skb, fit))
					break;
				len = fit;
			}
		}
		/* Peer's receive window. */
		if (len && edu_after(cb->seq + len, wnd_end)) {
			u32 usable = edu_after(wnd_end, es->snd_nxt) ?
				     wnd_end - es->snd_nxt : 0;

			/*
			 * Whole MSS of a super-segment go; a smaller piece only
			 * if it is at least half of the largest window the peer
			 * has offered: sender SWS avoidance, RFC 9293 3.8.6.2.1.
			 */
			if (len > es->mss && usable >= es->mss)
				usable = rounddown(usable, es->mss);
			else if (!usable || usable < es->max_window / 2)
				break;
			if (edu_split_skb(sk, skb, usable))
				break;
			len = usable;
		}
		/*
		 * Nagle (RFC 9293 3.7.4): while data is unacknowledged, hold
		 * back a segment smaller than the MSS until it fills up or
		 * the ACK arrives. The last skb is the only one that can grow.
		 * A super-segment's full MSS go and put its short tail in
		 * flight's way, so that tail waits as its own skb.
		 */
		last = skb_queue_is_last(&sk->sk_write_queue, skb);
		nagle = !es->nodelay && !(cb->flags & EDU_FLAG_FIN) && last;
		if (nagle && !force && in_flight && len < es->mss)
			break;
		if (nagle && len > es->mss && len % es->mss &&
		    edu_split_skb(sk, skb, rounddown(len, es->mss)))
			break;
		edu_send_one(sk, skb);
		force = false;
	}

	/*
	 * Data waits, nothing is in flight, so only the peer's window can be
	 * stopping us: the persist timer will probe it (RFC 9293 3.8.6.1).
	 */
	if (es->send_head && es->snd_max == es->snd_una &&
	    !timer_pending(&es->rtx_timer))
		edu_arm_persist(sk);
}

/*
 * Retransmit one segment of the send queue at once, the first MSS of
 * @skb (RFC 5681 3.2: one segment, not a whole super-segment); @why tells
 * the tracepoint why. In SACK recovery it counts as in flight again.
 */
int edu_retransmit_skb(struct sock *sk, struct sk_buff *skb,
		       enum edu_rtx_kind why)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);

	if (skb->len > es->mss && edu_split_skb(sk, skb, es->mss))
		return -ENOBUFS;
	if (cb->tx_count < 255)
		cb->tx_count++;
	cb->when = edu_clock_us();
	if (es->sack_ok && es->ca_state == EDU_CA_RECOVERY &&
	    !(cb->sacked & EDU_SACKED_RETRANS)) {
		cb->sacked |= EDU_SACKED_RETRANS;
		es->retrans_out += skb->len;
	}
	es->total_retrans++;
	EDU_INC_STATS(sock_net(sk), RETRANS_SEGS);
	trace_edu_retransmit(sk, why, cb->seq, cb->end_seq, cb->tx_count);
	edu_transmit_skb(sk, skb, true);
	return 0;
}

/*
 * Retransmit the oldest unacknowledged segment (fast retransmit, a
 * repeated SYN,ACK, NewReno's partial ACK).
 */
void edu_retransmit_head(struct sock *sk, enum edu_rtx_kind why)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (skb && skb != es->send_head)
		edu_retransmit_skb(sk, skb, why);
}

/* ---- the receiving side's part of output ---------------------------------- */

/*
 * Receive-buffer autotuning, kept simple: once per RTT look at how much
 * the application consumed; the window must carry at least that much per
 * RTT, so grow sk_rcvbuf to four times that (twice for growth, twice for
 * skb overhead), up to net.edu.rmem_max, unless SO_RCVBUF fixed the size.
 */
static void edu_rcv_space_adjust(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	unsigned long interval = max_t(unsigned long,
				       usecs_to_jiffies(es->srtt_us), HZ / 50);
	u32 copied, want, max;

	if (time_before(jiffies, es->rcvq_time + interval))
		return;
	copied = es->copied_seq - es->rcvq_seq;
	es->rcvq_seq = es->copied_seq;
	es->rcvq_time = jiffies;
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		return;
	max = READ_ONCE(edu_pernet(sock_net(sk))->rmem_max);
	want = min_t(u64, (u64)copied * 4, max);
	if (want > sk->sk_rcvbuf)
		WRITE_ONCE(sk->sk_rcvbuf, want);
}

/*
 * The application read @copied bytes: if the window we could offer now
 * is at least twice what the peer was told (and one MSS more), send a
 * window update so a sender blocked by our window continues.
 */
void edu_cleanup_rbuf(struct sock *sk, int copied)
{
	struct edu_sock *es = edu_sk(sk);
	u32 cur, space, step;

	if (copied <= 0)
		return;
	edu_rcv_space_adjust(sk);
	if (!((1 << sk->sk_state) & (EDUF(EDU_ESTABLISHED) |
				      EDUF(EDU_FIN_WAIT1) |
				      EDUF(EDU_FIN_WAIT2))) ||
	    (sk->sk_shutdown & RCV_SHUTDOWN))
		return;
	cur = edu_receive_window_now(es);
	space = edu_rcv_space(sk);
	/* The same step as receiver SWS avoidance in edu_select_window(). */
	step = min_t(u32, es->rcv_mss, READ_ONCE(sk->sk_rcvbuf) / 4);
	if (space >= 2 * cur && space - cur >= step) {
		trace_edu_window_update(sk, cur, space);
		edu_send_ack(sk);
	} else if (es->ack_pending &&
		   (!es->pingpong || es->rcv_bytes_since_ack > es->rcv_mss)) {
		/*
		 * Interactive: the response will carry the ACK, unless more
		 * than a segment waits for one (tcp_cleanup_rbuf()).
		 */
		edu_send_ack(sk);
	}
}
