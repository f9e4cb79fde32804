// SPDX-License-Identifier: GPL-2.0
/*
 * AF_EDU lookup tables, one set per network namespace:
 *
 *   bind table      port -> every socket or TIME_WAIT entry holding it
 *   listener table  port -> listening sockets (exact address or INADDR_ANY)
 *   4-tuple table   (local addr, local port, remote addr, remote port) ->
 *                   the connection; TIME_WAIT entries live in a second
 *                   chain of the same buckets
 *
 * Segment arrival (softirq) reads the tables, socket calls (process
 * context) change them, so a single spinlock taken with _bh protects all
 * of them. A lookup takes a reference (sock_hold) before dropping the lock,
 * so the socket cannot be freed under the caller.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <net/inet_sock.h>
#include "edu.h"

static u32 edu_hash_seed __read_mostly;

static u32 edu_ehashfn(__be32 laddr, u16 lport, __be32 raddr, __be16 rport)
{
	net_get_random_once(&edu_hash_seed, sizeof(edu_hash_seed));
	return jhash_3words((__force u32)laddr, (__force u32)raddr,
			    ((u32)lport << 16) | (__force u16)rport,
			    edu_hash_seed) & (EDU_HASH_SIZE - 1);
}

static u32 edu_porthash(u16 port)
{
	return hash_32(port, EDU_HASH_BITS);
}

/* Do the two local addresses overlap? INADDR_ANY overlaps with all. */
static bool edu_addr_overlap(__be32 a, __be32 b)
{
	return !a || !b || a == b;
}

/*
 * May @sk take @port? Sharing is allowed with SO_REUSEADDR on our side
 * when the other holder is a TIME_WAIT entry or a non-listening socket
 * that also set SO_REUSEADDR, as for TCP.
 */
static bool edu_port_conflict(struct edu_net *en, struct sock *sk, u16 port)
{
	__be32 addr = inet_sk(sk)->inet_rcv_saddr;
	struct edu_bind_node *b;

	hlist_for_each_entry(b, &en->bhash[edu_porthash(port)], node) {
		if (b->port != port || !edu_addr_overlap(b->addr, addr))
			continue;
		if (sk->sk_reuse &&
		    (b->is_tw || (b->reuse && !b->listening)))
			continue;
		return true;
	}
	return false;
}

static bool edu_port_used(struct edu_net *en, u16 port)
{
	struct edu_bind_node *b;

	hlist_for_each_entry(b, &en->bhash[edu_porthash(port)], node)
		if (b->port == port)
			return true;
	return false;
}

static void __edu_bind(struct edu_net *en, struct sock *sk, u16 port)
{
	struct edu_sock *es = edu_sk(sk);

	es->bind.port = port;
	es->bind.addr = inet_sk(sk)->inet_rcv_saddr;
	es->bind.reuse = sk->sk_reuse;
	es->bind.listening = false;
	es->bind.is_tw = false;
	hlist_add_head(&es->bind.node, &en->bhash[edu_porthash(port)]);
	es->bound = true;
	inet_sk(sk)->inet_num = port;
	inet_sk(sk)->inet_sport = htons(port);
}

/*
 * Bind @sk to @port, or to a free ephemeral port when @port is 0.
 * Returns 0 or -EADDRINUSE.
 */
int edu_get_port(struct sock *sk, u16 port)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	int low, high, range, i, err = 0;

	spin_lock_bh(&en->lock);
	if (port) {
		if (edu_port_conflict(en, sk, port))
			err = -EADDRINUSE;
		else
			__edu_bind(en, sk, port);
		goto out;
	}
	low = READ_ONCE(en->port_low);
	high = READ_ONCE(en->port_high);
	if (high < low)
		high = low;
	range = high - low + 1;
	for (i = 0; i < range; i++) {
		u16 p = low + (en->port_rover + i) % range;

		if (!edu_port_used(en, p)) {
			en->port_rover += i + 1;
			__edu_bind(en, sk, p);
			goto out;
		}
	}
	err = -EADDRINUSE;
out:
	spin_unlock_bh(&en->lock);
	return err;
}

void edu_put_port(struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	struct edu_sock *es = edu_sk(sk);

	spin_lock_bh(&en->lock);
	if (es->bound) {
		hlist_del(&es->bind.node);
		es->bound = false;
		inet_sk(sk)->inet_num = 0;
		inet_sk(sk)->inet_sport = 0;
	}
	spin_unlock_bh(&en->lock);
}

/*
 * Enter or leave a lookup table (listener or 4-tuple); "inuse" in
 * /proc/net/edu_sockstat and /proc/net/protocols counts the sockets in
 * them, as for TCP. Caller holds en->lock.
 */
static void edu_table_add(struct sock *sk, struct hlist_head *head)
{
	struct edu_sock *es = edu_sk(sk);

	hlist_add_head(&es->hash_node, head);
	es->hashed = true;
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, 1);
}

static void edu_table_del(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	if (es->hashed) {
		hlist_del(&es->hash_node);
		es->hashed = false;
		sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
	}
}

int edu_hash_listener(struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	struct edu_sock *es = edu_sk(sk), *other;
	u16 port = inet_sk(sk)->inet_num;
	struct hlist_head *head = &en->lhash[edu_porthash(port)];
	int err = 0;

	spin_lock_bh(&en->lock);
	hlist_for_each_entry(other, head, hash_node) {
		if (other->inet.inet_num == port &&
		    edu_addr_overlap(other->inet.inet_rcv_saddr,
				     inet_sk(sk)->inet_rcv_saddr)) {
			err = -EADDRINUSE;
			goto out;
		}
	}
	edu_table_add(sk, head);
	es->bind.listening = true;
out:
	spin_unlock_bh(&en->lock);
	return err;
}

static bool edu_tuple_match(const struct inet_sock *inet, __be32 saddr,
			    __be16 sport, __be32 daddr, __be16 dport)
{
	return inet->inet_daddr == saddr && inet->inet_dport == sport &&
	       inet->inet_rcv_saddr == daddr && inet->inet_sport == dport;
}

/*
 * Put a connection into the 4-tuple table. Fails with -EADDRNOTAVAIL if
 * the same 4-tuple is already in use (also by a TIME_WAIT entry).
 */
int edu_hash_established(struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	struct inet_sock *inet = inet_sk(sk);
	struct edu_sock *other;
	struct edu_tw *tw;
	u32 h = edu_ehashfn(inet->inet_rcv_saddr, inet->inet_num,
			    inet->inet_daddr, inet->inet_dport);
	int err = 0;

	spin_lock_bh(&en->lock);
	hlist_for_each_entry(other, &en->ehash[h], hash_node) {
		if (edu_tuple_match(&other->inet, inet->inet_daddr,
				    inet->inet_dport, inet->inet_rcv_saddr,
				    inet->inet_sport)) {
			err = -EADDRNOTAVAIL;
			goto out;
		}
	}
	hlist_for_each_entry(tw, &en->twhash[h], hash_node) {
		if (tw->daddr == inet->inet_daddr &&
		    tw->dport == inet->inet_dport &&
		    tw->saddr == inet->inet_rcv_saddr &&
		    tw->sport == inet->inet_sport) {
			err = -EADDRNOTAVAIL;
			goto out;
		}
	}
	edu_table_add(sk, &en->ehash[h]);
out:
	spin_unlock_bh(&en->lock);
	return err;
}

void edu_unhash(struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	struct edu_sock *es = edu_sk(sk);

	spin_lock_bh(&en->lock);
	edu_table_del(sk);
	es->bind.listening = false;
	spin_unlock_bh(&en->lock);
}

/*
 * The 4-tuple lookup: find the connection an arriving segment belongs to.
 * (saddr, sport) is the remote end, (daddr, dport) ours, as they appear in
 * the IP and segment headers of the arriving segment.
 */
struct sock *edu_lookup_established(struct net *net, __be32 saddr,
				    __be16 sport, __be32 daddr, __be16 dport)
{
	struct edu_net *en = edu_pernet(net);
	u32 h = edu_ehashfn(daddr, ntohs(dport), saddr, sport);
	struct edu_sock *es;
	struct sock *sk = NULL;

	spin_lock_bh(&en->lock);
	hlist_for_each_entry(es, &en->ehash[h], hash_node) {
		if (edu_tuple_match(&es->inet, saddr, sport, daddr, dport)) {
			sk = (struct sock *)es;
			sock_hold(sk);
			break;
		}
	}
	spin_unlock_bh(&en->lock);
	return sk;
}

/* A listener on (daddr, dport); one bound to daddr wins over INADDR_ANY. */
struct sock *edu_lookup_listener(struct net *net, __be32 daddr, __be16 dport)
{
	struct edu_net *en = edu_pernet(net);
	u16 port = ntohs(dport);
	struct edu_sock *es, *wild = NULL, *exact = NULL;
	struct sock *sk;

	spin_lock_bh(&en->lock);
	hlist_for_each_entry(es, &en->lhash[edu_porthash(port)], hash_node) {
		if (es->inet.inet_num != port)
			continue;
		if (es->inet.inet_rcv_saddr == daddr) {
			exact = es;
			break;
		}
		if (!es->inet.inet_rcv_saddr)
			wild = es;
	}
	sk = (struct sock *)(exact ? exact : wild);
	if (sk)
		sock_hold(sk);
	spin_unlock_bh(&en->lock);
	return sk;
}

/* ---- TIME_WAIT ------------------------------------------------------ */

struct edu_tw *edu_lookup_timewait(struct net *net, __be32 saddr,
				   __be16 sport, __be32 daddr, __be16 dport)
{
	struct edu_net *en = edu_pernet(net);
	u32 h = edu_ehashfn(daddr, ntohs(dport), saddr, sport);
	struct edu_tw *tw;

	spin_lock_bh(&en->lock);
	hlist_for_each_entry(tw, &en->twhash[h], hash_node) {
		if (tw->daddr == saddr && tw->dport == sport &&
		    tw->saddr == daddr && tw->sport == dport) {
			refcount_inc(&tw->refcnt);
			spin_unlock_bh(&en->lock);
			return tw;
		}
	}
	spin_unlock_bh(&en->lock);
	return NULL;
}

atomic_long_t edu_tw_count;

void edu_tw_put(struct edu_tw *tw)
{
	if (refcount_dec_and_test(&tw->refcnt)) {
		atomic_long_dec(&edu_tw_count);
		kfree(tw);
	}
}

/* Take @tw out of the tables; true if this call did it. */
static bool edu_tw_unhash(struct edu_tw *tw)
{
	struct edu_net *en = edu_pernet(tw->net);
	bool was = false;

	spin_lock_bh(&en->lock);
	if (tw->hashed) {
		hlist_del(&tw->hash_node);
		hlist_del(&tw->bind.node);
		tw->hashed = false;
		was = true;
	}
	spin_unlock_bh(&en->lock);
	return was;
}

static unsigned long edu_tw_timeout(struct net *net)
{
	/* 2 * MSL, RFC 9293 3.3.2 */
	return msecs_to_jiffies(2 * READ_ONCE(edu_pernet(net)->msl_ms));
}

/* 2*MSL expired: the connection is forgotten. */
static void edu_tw_timer(struct timer_list *t)
{
	struct edu_tw *tw = from_timer(tw, t, timer);

	if (edu_tw_unhash(tw))
		edu_tw_put(tw);		/* the table's reference */
}

/* A retransmitted FIN restarts the 2*MSL wait (RFC 9293 3.10.7.4). */
void edu_tw_rearm(struct edu_tw *tw)
{
	struct edu_net *en = edu_pernet(tw->net);

	spin_lock_bh(&en->lock);
	if (tw->hashed)
		mod_timer(&tw->timer, jiffies + edu_tw_timeout(tw->net));
	spin_unlock_bh(&en->lock);
}

/* An acceptable RST or a new SYN ends TIME_WAIT early. */
void edu_tw_kill(struct edu_tw *tw)
{
	bool was = edu_tw_unhash(tw);

	/* Also waits for a running edu_tw_timer(); unhashed, it cannot rearm. */
	del_timer_sync(&tw->timer);
	if (was)
		edu_tw_put(tw);
}

/*
 * Enter TIME_WAIT: hand the 4-tuple and the port to a small edu_tw entry
 * so that the full socket (send and receive queues, timers) can be freed
 * now instead of after 2*MSL. Like inet_timewait_sock in TCP.
 */
void edu_time_wait(struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	struct inet_sock *inet = inet_sk(sk);
	struct edu_sock *es = edu_sk(sk);
	struct edu_tw *tw;
	u32 h;

	tw = kzalloc(sizeof(*tw), GFP_ATOMIC);
	if (!tw) {
		/* Without memory, skip TIME_WAIT: the connection just ends. */
		EDU_INC_STATS(sock_net(sk), DROP_NOMEM);
		return;
	}
	tw->net = sock_net(sk);
	tw->saddr = inet->inet_rcv_saddr;
	tw->daddr = inet->inet_daddr;
	tw->sport = inet->inet_sport;
	tw->dport = inet->inet_dport;
	tw->snd_nxt = es->snd_nxt;
	tw->rcv_nxt = es->rcv_nxt;
	tw->rcv_wnd = es->rcv_wnd;
	tw->rcv_wscale = es->rcv_wscale;
	tw->bind.port = inet->inet_num;
	tw->bind.addr = inet->inet_rcv_saddr;
	tw->bind.reuse = sk->sk_reuse;
	tw->bind.is_tw = true;
	refcount_set(&tw->refcnt, 1);
	atomic_long_inc(&edu_tw_count);
	timer_setup(&tw->timer, edu_tw_timer, 0);
	h = edu_ehashfn(tw->saddr, inet->inet_num, tw->daddr, tw->dport);

	spin_lock_bh(&en->lock);
	edu_table_del(sk);
	if (es->bound) {
		hlist_del(&es->bind.node);
		es->bound = false;
	}
	hlist_add_head(&tw->hash_node, &en->twhash[h]);
	hlist_add_head(&tw->bind.node, &en->bhash[edu_porthash(tw->bind.port)]);
	tw->hashed = true;
	mod_timer(&tw->timer, jiffies + edu_tw_timeout(tw->net));
	spin_unlock_bh(&en->lock);
	EDU_INC_STATS(sock_net(sk), TIMEWAITS);
}

/* Namespace exit or module unload: drop every TIME_WAIT entry. */
void edu_tw_purge(struct net *net)
{
	struct edu_net *en = edu_pernet(net);
	struct edu_tw *tw;
	int i;

	for (i = 0; i < EDU_HASH_SIZE; i++) {
		for (;;) {
			spin_lock_bh(&en->lock);
			tw = hlist_empty(&en->twhash[i]) ? NULL :
			     hlist_entry(en->twhash[i].first, struct edu_tw,
					 hash_node);
			if (tw)
				refcount_inc(&tw->refcnt);
			spin_unlock_bh(&en->lock);
			if (!tw)
				break;
			edu_tw_kill(tw);
			edu_tw_put(tw);
		}
	}
}

/* A passive-open child shares the listener's port, like TCP's children. */
void edu_bind_child(struct sock *child, u16 port)
{
	struct edu_net *en = edu_pernet(sock_net(child));

	spin_lock_bh(&en->lock);
	__edu_bind(en, child, port);
	spin_unlock_bh(&en->lock);
}
