// SPDX-License-Identifier: GPL-2.0
/*
 * Passive open (RFC 9293 3.10.7.2, LISTEN): a SYN for a listener creates
 * a child socket in SYN-RECEIVED, hashed in the 4-tuple table and kept on
 * the listener's half-open list until the handshake completes.
 *
 * SYN floods (RFC 4987): the half-open list is bounded by
 * net.edu.max_syn_backlog; beyond it every new SYN evicts the oldest
 * half-open child. A real client whose child was evicted while its ACK
 * was on the way is not lost: our ISN on a SYN,ACK is a SYN cookie, a
 * keyed hash of the 4-tuple, the client's ISN and a minute counter, with
 * the negotiated MSS and window scales folded in. An ACK that reaches the
 * listener with a valid cookie (SEG.ACK - 1) rebuilds the child
 * (edu_cookie_ack()), as Linux TCP's syncookies do.
 *
 * Locking: called with the listener locked (bh lock in softirq, or owned
 * while its backlog runs). A child is locked with the nested subclass.
 */
#include <linux/siphash.h>
#include <net/ip.h>
#include "edu.h"
#include "edu_trace.h"

/* ---- SYN cookies ------------------------------------------------------ */

#define EDU_COOKIE_BITS		24
#define EDU_COOKIE_MASK		((1U << EDU_COOKIE_BITS) - 1)
#define EDU_COOKIE_DATA_BITS	11	/* the rest must hash to zero */
#define EDU_COOKIE_MAX_AGE	2	/* minutes */

/* MSS values a cookie can carry (2 bits): the largest not above the peer's. */
static const u16 edu_cookie_mss[] = { 536, 1300, 1440, 8960 };

static siphash_key_t edu_cookie_key __read_mostly;

static u32 edu_cookie_time(void)
{
	return (u32)(jiffies / (60 * HZ));
}

static u32 edu_cookie_hash(const struct iphdr *iph, const struct eduhdr *th,
			   u32 count, u32 which)
{
	net_get_random_once(&edu_cookie_key, sizeof(edu_cookie_key));
	return (u32)siphash_4u32((__force u32)iph->saddr,
				 (__force u32)iph->daddr,
				 (__force u32)th->source << 16 |
				 (__force u32)th->dest,
				 count << 1 | which, &edu_cookie_key);
}

/*
 * cookie = H(4-tuple) + client ISN + (minute << 24)
 *          + ((H(4-tuple, minute) + data) mod 2^24)
 */
static u32 edu_cookie_make(const struct iphdr *iph, const struct eduhdr *th,
			   u32 client_isn, u32 data)
{
	u32 count = edu_cookie_time();

	return edu_cookie_hash(iph, th, 0, 0) + client_isn +
	       (count << EDU_COOKIE_BITS) +
	       ((edu_cookie_hash(iph, th, count, 1) + data) & EDU_COOKIE_MASK);
}

/* The data of a valid cookie, or -1. */
static int edu_cookie_check(const struct iphdr *iph, const struct eduhdr *th,
			    u32 client_isn, u32 cookie)
{
	u32 count = edu_cookie_time(), diff, data;

	cookie -= edu_cookie_hash(iph, th, 0, 0) + client_isn;
	diff = (count - (cookie >> EDU_COOKIE_BITS)) & 0xff;
	if (diff >= EDU_COOKIE_MAX_AGE)
		return -1;
	data = (cookie - edu_cookie_hash(iph, th, count - diff, 1)) &
	       EDU_COOKIE_MASK;
	if (data >> EDU_COOKIE_DATA_BITS)
		return -1;
	return data;
}

/*
 * data: bits 0-1 MSS index, 2-5 peer's window scale + 1 (0: none), 6-9
 * ours, 10 SACK agreed
 */
static u32 edu_cookie_data(u16 peer_mss, u8 peer_ws, u8 rcv_ws, bool sack)
{
	u32 idx = ARRAY_SIZE(edu_cookie_mss) - 1;

	while (idx && edu_cookie_mss[idx] > peer_mss)
		idx--;
	return idx | (peer_ws == 0xff ? 0 : (peer_ws + 1U)) << 2 |
	       (u32)rcv_ws << 6 | (u32)sack << 10;
}

/* ---- children --------------------------------------------------------- */

/*
 * A child taken off the half-open list to be evicted completed its
 * handshake on another CPU before we could lock it, so
 * edu_child_established() found it gone and left it to us. Its peer is
 * real: queue it for accept() after all. False if the listener no longer
 * takes children.
 */
static bool edu_requeue_child(struct sock *sk, struct sock *child)
{
	struct edu_sock *les = edu_sk(sk), *ces = edu_sk(child);
	bool queued = false;

	spin_lock_bh(&les->accept_lock);
	if (les->listening && !sk_acceptq_is_full(sk)) {
		list_add_tail(&ces->child_node, &les->accept_queue);
		ces->in_accept_q = true;
		sk_acceptq_added(sk);
		queued = true;
	}
	spin_unlock_bh(&les->accept_lock);
	if (queued)
		sk->sk_data_ready(sk);
	return queued;
}

/*
 * Evict the oldest half-open child: a flood fills the list, but each new
 * SYN then replaces the oldest entry, so memory stays bounded.
 */
static void edu_evict_oldest(struct sock *sk)
{
	struct edu_sock *les = edu_sk(sk), *victim;
	struct sock *child;

	spin_lock_bh(&les->accept_lock);
	victim = list_first_entry_or_null(&les->syn_queue, struct edu_sock,
					  child_node);
	if (victim) {
		list_del_init(&victim->child_node);
		les->syn_count--;
		sock_hold((struct sock *)victim);
	}
	spin_unlock_bh(&les->accept_lock);
	if (!victim)
		return;
	WRITE_ONCE(les->last_evict, jiffies);
	EDU_INC_STATS(sock_net(sk), DROP_SYN_FLOOD);
	child = (struct sock *)victim;
	local_bh_disable();
	bh_lock_sock_nested(child);
	if (child->sk_state == EDU_SYN_RECV)
		/* Silently: an RST to a spoofed source is only backscatter. */
		edu_abort_child(child, false);
	else if (child->sk_state != EDU_ESTABLISHED ||
		 !edu_requeue_child(sk, child))
		/* a real peer, which must not wait for ever (RFC 9293 3.10.7.4) */
		edu_abort_child(child, true);
	bh_unlock_sock(child);
	local_bh_enable();
	sock_put(child);
}

/*
 * A child for the connection @skb (a SYN, or the ACK of a cookie) opens,
 * in SYN-RECEIVED, routed, not yet on any list or table, so nobody else
 * can see it yet. NULL if it could not be made. The caller gets a
 * reference of its own and drops it with sock_put() when done.
 */
static struct sock *edu_new_child(struct sock *sk, struct sk_buff *skb,
				  u32 irs, u32 iss, u16 peer_mss, u8 peer_ws,
				  u8 rcv_ws, bool sack)
{
	const struct eduhdr *th = (struct eduhdr *)skb_transport_header(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct edu_sock *les = edu_sk(sk), *ces;
	struct inet_sock *cinet;
	struct sock *child;
	int err;

	child = sk_alloc(sock_net(sk), edu_family, GFP_ATOMIC, &edu_prot, 0);
	if (!child) {
		EDU_INC_STATS(sock_net(sk), DROP_NOMEM);
		return NULL;
	}
	sock_init_data(NULL, child);
	edu_init_tcb(child);
	ces = edu_sk(child);
	cinet = inet_sk(child);

	/* Inherit what the application set on the listener. */
	child->sk_rcvbuf = sk->sk_rcvbuf;
	child->sk_sndbuf = sk->sk_sndbuf;
	child->sk_userlocks = sk->sk_userlocks & ~SOCK_BINDADDR_LOCK;
	child->sk_reuse = sk->sk_reuse;
	child->sk_bound_dev_if = sk->sk_bound_dev_if;
	child->sk_mark = sk->sk_mark;
	child->sk_priority = sk->sk_priority;
	child->sk_rcvtimeo = sk->sk_rcvtimeo;
	child->sk_sndtimeo = sk->sk_sndtimeo;
	child->sk_lingertime = sk->sk_lingertime;
	child->sk_uid = sk->sk_uid;
	if (sock_flag(sk, SOCK_LINGER))
		sock_set_flag(child, SOCK_LINGER);
	if (sock_flag(sk, SOCK_KEEPOPEN))
		sock_set_flag(child, SOCK_KEEPOPEN);
	ces->nodelay = les->nodelay;
	ces->user_mss = les->user_mss;

	cinet->inet_rcv_saddr = iph->daddr;
	cinet->inet_saddr = iph->daddr;
	cinet->inet_daddr = iph->saddr;
	cinet->inet_dport = th->source;
	edu_bind_child(child, inet_sk(sk)->inet_num);

	ces->irs = irs;
	ces->rcv_nxt = irs + 1;
	ces->rcv_wup = ces->rcv_nxt;
	ces->copied_seq = ces->rcv_nxt;
	ces->rcvq_seq = ces->rcv_nxt;
	ces->rcvq_time = jiffies;
	if (peer_ws != 0xff) {
		ces->wscale_ok = 1;
		ces->snd_wscale = peer_ws;
		ces->rcv_wscale = rcv_ws;
	}
	ces->sack_ok = sack;
	ces->snd_wl1 = irs;
	ces->iss = iss;
	ces->snd_una = iss;
	ces->snd_nxt = iss;
	ces->snd_max = iss;
	ces->write_seq = iss;
	ces->high_seq = iss;
	ces->snd_wl2 = iss;
	/* After the ISS: see edu_do_connect() for why. */
	edu_cong_copy(child, sk);
	ces->rcv_tstamp = jiffies;
	edu_set_state(child, EDU_SYN_RECV);
	/* The caller's reference: aborting the child must not free it yet. */
	sock_hold(child);

	/* The route (sk_dst_cache) is read and written under the lock. */
	local_bh_disable();
	bh_lock_sock_nested(child);
	err = edu_route_connected(child);
	if (err)
		edu_abort_child(child, false);
	else
		edu_set_mss(child, peer_mss);
	bh_unlock_sock(child);
	local_bh_enable();
	if (err) {
		sock_put(child);
		return NULL;
	}
	return child;
}

/* Put the child on the listener's half-open list; false if it closes. */
static bool edu_child_link(struct sock *sk, struct sock *child)
{
	struct edu_sock *les = edu_sk(sk), *ces = edu_sk(child);
	bool queued = false;

	sock_hold(sk);
	ces->parent = sk;
	spin_lock_bh(&les->accept_lock);
	if (les->listening) {
		list_add_tail(&ces->child_node, &les->syn_queue);
		les->syn_count++;
		queued = true;
	}
	spin_unlock_bh(&les->accept_lock);
	return queued;
}

/* A SYN for a listener: new child, SYN,ACK (RFC 9293 3.10.7.2). */
void edu_conn_request(struct sock *sk, struct sk_buff *skb)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);
	u16 peer_mss = cb->opt_mss ? : EDU_DEFAULT_MSS;
	u8 peer_ws = cb->opt_wscale, rcv_ws = 0;
	/* RFC 2018 2: SACK only if the peer offered it and we allow it. */
	bool sack = cb->opt_sack_perm && READ_ONCE(en->sack);
	struct sock *child;
	u32 iss;

	if (sk_acceptq_is_full(sk)) {
		/* The caller frees the SYN; the peer will send it again. */
		trace_edu_drop(sk, skb, EDU_MIB_DROP_ACCEPT_OVERFLOW);
		EDU_INC_STATS(sock_net(sk), DROP_ACCEPT_OVERFLOW);
		return;
	}
	if (READ_ONCE(edu_sk(sk)->syn_count) >= READ_ONCE(en->max_syn_backlog))
		edu_evict_oldest(sk);

	if (peer_ws != 0xff)
		rcv_ws = edu_choose_wscale(sk);
	iss = edu_cookie_make(ip_hdr(skb),
			      (struct eduhdr *)skb_transport_header(skb),
			      cb->seq, edu_cookie_data(peer_mss, peer_ws, rcv_ws, sack));
	child = edu_new_child(sk, skb, cb->seq, iss, peer_mss, peer_ws, rcv_ws,
			      sack);
	if (!child)
		return;
	/* Visible from the tables on: lock it (nested under the listener). */
	local_bh_disable();
	bh_lock_sock_nested(child);
	edu_sk(child)->snd_wnd = cb->window;	/* a SYN's is not scaled */
	edu_sk(child)->max_window = cb->window;
	if (!edu_child_link(sk, child)) {
		edu_abort_child(child, false);
		goto out;
	}
	if (edu_hash_established(child) || edu_queue_syn(child, EDU_FLAG_SYN)) {
		/* edu_done() takes it off the list again and frees it */
		edu_done(child);
		goto out;
	}
	EDU_INC_STATS(sock_net(sk), PASSIVE_OPENS);
out:
	bh_unlock_sock(child);
	local_bh_enable();
	sock_put(child);
}

/*
 * An ACK reached the listener. If the listener evicted children lately
 * and SEG.ACK - 1 is a valid cookie for this 4-tuple and SEG.SEQ - 1, it
 * completes the handshake of an evicted child: rebuild the child and let
 * it process the segment. Returns true if @skb was consumed.
 */
bool edu_cookie_ack(struct sock *sk, struct sk_buff *skb)
{
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);
	const struct eduhdr *th = (struct eduhdr *)skb_transport_header(skb);
	struct edu_sock *ces;
	struct sock *child;
	u8 peer_ws, rcv_ws;
	int data;

	/* Only shortly after a flood, so old ACKs cannot open connections. */
	if (time_after(jiffies, READ_ONCE(edu_sk(sk)->last_evict) +
		       EDU_COOKIE_MAX_AGE * 60 * HZ) ||
	    !READ_ONCE(edu_sk(sk)->last_evict))
		return false;
	data = edu_cookie_check(ip_hdr(skb), th, cb->seq - 1,
				cb->ack_seq - 1);
	if (data < 0)
		return false;
	if (sk_acceptq_is_full(sk)) {
		edu_drop(sk, skb, EDU_MIB_DROP_ACCEPT_OVERFLOW);
		return true;
	}
	peer_ws = (data >> 2) & 0xf ? ((data >> 2) & 0xf) - 1 : 0xff;
	rcv_ws = (data >> 6) & 0xf;
	child = edu_new_child(sk, skb, cb->seq - 1, cb->ack_seq - 1,
			      edu_cookie_mss[data & 3], peer_ws, rcv_ws,
			      data >> 10 & 1);
	if (!child) {
		kfree_skb(skb);
		return true;
	}
	local_bh_disable();
	bh_lock_sock_nested(child);
	ces = edu_sk(child);
	/* As if our SYN,ACK was just sent, with the window it offered. */
	ces->snd_nxt = ces->iss + 1;
	ces->snd_max = ces->iss + 1;
	ces->write_seq = ces->iss + 1;
	ces->rcv_wnd = min_t(u32, edu_rcv_space(child), 65535U);
	ces->rcv_wup = ces->rcv_nxt;
	if (!edu_child_link(sk, child)) {
		edu_abort_child(child, false);
		kfree_skb(skb);
	} else if (edu_hash_established(child)) {
		edu_done(child);
		kfree_skb(skb);
	} else {
		EDU_INC_STATS(sock_net(sk), SYN_COOKIES_OK);
		EDU_INC_STATS(sock_net(sk), PASSIVE_OPENS);
		/* SYN-RECEIVED + this ACK: ESTABLISHED, accept queue, data. */
		edu_rcv_state_process(child, skb);
	}
	bh_unlock_sock(child);
	local_bh_enable();
	sock_put(child);
	return true;
}
