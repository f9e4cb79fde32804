// SPDX-License-Identifier: GPL-2.0
/*
 * Life and death of an AF_EDU socket.
 *
 * Reference rules (the same as Linux TCP's):
 *  - sk_alloc() gives one reference; it belongs to the protocol and is
 *    dropped by edu_destroy_sock() once the socket is both CLOSED and
 *    orphaned (SOCK_DEAD: the application closed it, or never had it).
 *  - the application's struct socket keeps the socket alive until
 *    close(); after that the socket may live on as an orphan in
 *    FIN_WAIT1, CLOSING, LAST_ACK ... until the protocol is done with it.
 *  - lookups and pending timers hold their own references.
 *
 * A child of a listener belongs, until accept(), to the list it is on
 * (syn_queue or accept_queue). Whoever takes it off the list under
 * accept_lock owns it: accept() hands it to the new struct socket,
 * edu_done() destroys it, closing the listener aborts it.
 */
#include <net/inet_sock.h>
#include <net/inet_common.h>
#include <net/sock.h>
#include "edu.h"
#include "edu_trace.h"

atomic_long_t edu_sockets_allocated;
atomic_long_t edu_orphan_count;

void edu_set_state(struct sock *sk, int state)
{
	if (sk->sk_state != state)
		trace_edu_state_change(sk, sk->sk_state, state);
	/* Release: lockless readers (poll) see the TCB the state implies. */
	smp_store_release(&sk->sk_state, state);
}

/*
 * sk_write_space: ACKs freed send-buffer space; wake a writer sleeping in
 * sendmsg() or poll() once a third of the buffer is free (as TCP does).
 */
static void edu_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !__sk_stream_is_writeable(sk, 1))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
					   EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/* The last reference is gone: the socket's memory is about to be freed. */
static void edu_sock_destruct(struct sock *sk)
{
	if (edu_sk(sk)->orphan_counted)
		atomic_long_dec(&edu_orphan_count);
	atomic_long_dec(&edu_sockets_allocated);
	edu_cong_release(sk);	/* and the algorithm's module reference */
	inet_sock_destruct(sk);
}

/*
 * close() left the connection to finish on its own (FIN_WAIT1, CLOSING,
 * LAST_ACK, FIN_WAIT2): count it until it is freed, as TCP counts its
 * orphans. Its timers bound its life (net.edu.retries, fin_timeout_ms).
 */
void edu_orphan_account(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	if (!es->orphan_counted) {
		es->orphan_counted = 1;
		atomic_long_inc(&edu_orphan_count);
	}
}

/* Common TCB set-up for new sockets and for children of a listener. */
void edu_init_tcb(struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	struct inet_sock *inet = inet_sk(sk);
	struct edu_sock *es = edu_sk(sk);

	sk->sk_type = SOCK_STREAM;
	sk->sk_protocol = edu_ipproto;
	/* Before the route is set up: sk_setup_caps() asks sk_can_gso(). */
	sk->sk_gso_type = EDU_GSO_TYPE;
	sk->sk_state = EDU_CLOSE;
	sk->sk_write_space = edu_write_space;
	sk->sk_destruct = edu_sock_destruct;
	atomic_long_inc(&edu_sockets_allocated);
	sk->sk_backlog_rcv = edu_backlog_rcv;
	sk->sk_rcvbuf = READ_ONCE(en->rmem_default);
	sk->sk_sndbuf = READ_ONCE(en->wmem_default);

	inet->uc_ttl = -1;
	inet->mc_ttl = 1;
	inet->mc_loop = 1;
	inet->pmtudisc = IP_PMTUDISC_DONT;
	atomic_set(&inet->inet_id, get_random_u16());

	skb_queue_head_init(&es->ofo_queue);
	spin_lock_init(&es->accept_lock);
	INIT_LIST_HEAD(&es->syn_queue);
	INIT_LIST_HEAD(&es->accept_queue);
	INIT_LIST_HEAD(&es->child_node);
	edu_init_timers(sk);
	es->rto = EDU_RTO_INIT;
	es->mss = EDU_DEFAULT_MSS;
	es->rcv_mss = EDU_DEFAULT_MSS;
	edu_cong_set_default_ops(sk);
}

/*
 * Take a child off its parent's list if it is still there. Returns true
 * if this call did it, making the caller the owner.
 */
static bool edu_detach_from_parent(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	struct sock *parent = es->parent;
	struct edu_sock *pes;
	bool owned = false;

	if (!parent)
		return false;
	pes = edu_sk(parent);
	spin_lock_bh(&pes->accept_lock);
	if (!list_empty(&es->child_node)) {
		list_del_init(&es->child_node);
		if (es->in_accept_q)
			sk_acceptq_removed(parent);
		else
			pes->syn_count--;
		es->in_accept_q = false;
		owned = true;
	}
	spin_unlock_bh(&pes->accept_lock);
	if (owned) {
		es->parent = NULL;
		sock_put(parent);
	}
	return owned;
}

/* Handshake complete: move the child to the accept queue and wake accept(). */
void edu_child_established(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	struct sock *parent = es->parent;
	struct edu_sock *pes = edu_sk(parent);

	spin_lock_bh(&pes->accept_lock);
	if (!list_empty(&es->child_node) && !es->in_accept_q) {
		list_move_tail(&es->child_node, &pes->accept_queue);
		pes->syn_count--;
		sk_acceptq_added(parent);
		es->in_accept_q = true;
	}
	spin_unlock_bh(&pes->accept_lock);
	parent->sk_data_ready(parent);
}

/*
 * The protocol is finished with the connection: stop timers, leave the
 * tables, wake the application or, for an orphan, free the socket.
 * TIME_WAIT stays visible as state to an application that still holds
 * the socket; the connection itself lives on in an edu_tw.
 */
void edu_done(struct sock *sk)
{
	if (sk->sk_state == EDU_CLOSE)
		return;
	if (sk->sk_state == EDU_SYN_SENT || sk->sk_state == EDU_SYN_RECV)
		EDU_INC_STATS(sock_net(sk), ATTEMPT_FAILS);
	if (sk->sk_state != EDU_TIME_WAIT)
		edu_set_state(sk, EDU_CLOSE);
	edu_stop_timers(sk);
	edu_unhash(sk);
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		edu_put_port(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	if (edu_detach_from_parent(sk))
		sock_set_flag(sk, SOCK_DEAD);

	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
	else
		edu_destroy_sock(sk);
}

/* Drop the protocol's reference; the socket is CLOSED and orphaned. */
void edu_destroy_sock(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	edu_set_state(sk, EDU_CLOSE);
	sock_set_flag(sk, SOCK_DEAD);
	edu_stop_timers(sk);
	edu_unhash(sk);
	edu_put_port(sk);
	edu_free_write_queue(sk);
	__skb_queue_purge(&es->ofo_queue);
	__skb_queue_purge(&sk->sk_receive_queue);
	if (es->parent) {
		sock_put(es->parent);
		es->parent = NULL;
	}
	sk->sk_shutdown = SHUTDOWN_MASK;
	sock_put(sk);
}

/*
 * Abort a child that the caller took off its parent's lists (listener
 * closing, half-open eviction, failed set-up). Caller holds its lock.
 */
void edu_abort_child(struct sock *child, bool send_rst)
{
	struct edu_sock *ces = edu_sk(child);

	if (ces->parent) {
		sock_put(ces->parent);
		ces->parent = NULL;
	}
	sock_set_flag(child, SOCK_DEAD);
	if (child->sk_state == EDU_CLOSE) {
		edu_destroy_sock(child);
		return;
	}
	if (send_rst)
		edu_send_reset(child);
	edu_done(child);
}

/* Close a listener: no new children, reset the ones not accepted yet. */
void edu_stop_listen(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk), *c;

	spin_lock_bh(&es->accept_lock);
	es->listening = false;
	spin_unlock_bh(&es->accept_lock);
	edu_unhash(sk);
	edu_set_state(sk, EDU_CLOSE);

	for (;;) {
		struct sock *child;

		spin_lock_bh(&es->accept_lock);
		c = list_first_entry_or_null(&es->accept_queue,
					     struct edu_sock, child_node);
		if (!c)
			c = list_first_entry_or_null(&es->syn_queue,
						     struct edu_sock,
						     child_node);
		if (c) {
			list_del_init(&c->child_node);
			if (c->in_accept_q)
				sk_acceptq_removed(sk);
			else
				es->syn_count--;
			c->in_accept_q = false;
			sock_hold((struct sock *)c);
		}
		spin_unlock_bh(&es->accept_lock);
		if (!c)
			break;
		child = (struct sock *)c;
		local_bh_disable();
		bh_lock_sock_nested(child);
		edu_abort_child(child, true);
		bh_unlock_sock(child);
		local_bh_enable();
		sock_put(child);
	}
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		edu_put_port(sk);
}

/* RFC 9293 3.10.4 CLOSE: which state follows, and must a FIN go out? */
static bool edu_close_state(struct sock *sk)
{
	switch (sk->sk_state) {
	case EDU_SYN_RECV:
	case EDU_ESTABLISHED:
		edu_set_state(sk, EDU_FIN_WAIT1);
		return true;
	case EDU_CLOSE_WAIT:
		edu_set_state(sk, EDU_LAST_ACK);
		return true;
	default:
		return false;
	}
}

/* shutdown(SHUT_WR) */
void edu_shutdown_send(struct sock *sk)
{
	if (edu_close_state(sk))
		edu_send_fin(sk);
}

/* Bytes in the receive queue the application never read. */
static u32 edu_unread(struct sock *sk)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_receive_queue);

	return tail ? EDU_SKB_CB(tail)->end_seq - edu_sk(sk)->copied_seq : 0;
}

void edu_close(struct sock *sk, long timeout)
{
	struct edu_sock *es = edu_sk(sk);
	u32 unread;
	int state;

	lock_sock(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	if (sk->sk_state == EDU_LISTEN) {
		edu_stop_listen(sk);
		goto adjudge;
	}
	unread = edu_unread(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	__skb_queue_purge(&es->ofo_queue);

	if (sk->sk_state == EDU_CLOSE || sk->sk_state == EDU_TIME_WAIT)
		goto adjudge;
	if (sk->sk_state == EDU_SYN_SENT) {
		edu_done(sk);
	} else if (unread) {
		/* RFC 2525 2.17: unread data is lost, tell the peer. */
		edu_send_reset(sk);
		edu_done(sk);
	} else if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		/* SO_LINGER with zero time: abort (RFC 9293 3.10.5). */
		edu_send_reset(sk);
		edu_done(sk);
	} else if (edu_close_state(sk)) {
		edu_send_fin(sk);
	}
	/* SO_LINGER with a time: wait for our FIN to be acknowledged. */
	sk_stream_wait_close(sk, timeout);

adjudge:
	state = sk->sk_state;
	sock_hold(sk);
	sock_orphan(sk);
	release_sock(sk);	/* runs the backlog; may finish the connection */

	local_bh_disable();
	bh_lock_sock(sk);
	/* Did edu_done() destroy it while the backlog ran? */
	if (state != EDU_CLOSE && sk->sk_state == EDU_CLOSE)
		goto out;
	edu_orphan_account(sk);
	if (sk->sk_state == EDU_FIN_WAIT2) {
		struct edu_net *en = edu_pernet(sock_net(sk));

		sk_reset_timer(sk, &es->keepalive_timer, jiffies +
			       msecs_to_jiffies(READ_ONCE(en->fin_timeout_ms)));
	}
	if (sk->sk_state == EDU_CLOSE || sk->sk_state == EDU_TIME_WAIT)
		edu_destroy_sock(sk);
out:
	bh_unlock_sock(sk);
	local_bh_enable();
	sock_put(sk);
}

/* Back to a fresh, possibly still bound, CLOSED socket (failed connect). */
int edu_disconnect(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct edu_sock *es = edu_sk(sk);

	if (sk->sk_state != EDU_CLOSE)
		edu_done(sk);
	edu_stop_timers(sk);
	edu_unhash(sk);
	edu_free_write_queue(sk);
	__skb_queue_purge(&es->ofo_queue);
	__skb_queue_purge(&sk->sk_receive_queue);
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
		inet->inet_saddr = 0;
		inet->inet_rcv_saddr = 0;
	}
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	sk_dst_reset(sk);
	sk->sk_shutdown = 0;
	sock_reset_flag(sk, SOCK_DONE);
	es->fin_queued = 0;
	es->ack_pending = 0;
	es->pingpong = 0;
	es->retransmits = 0;
	es->probes_out = 0;
	es->probes_unanswered = 0;
	es->srtt_us = 0;
	es->rttvar_us = 0;
	es->rto = EDU_RTO_INIT;
	es->snd_wnd = 0;
	es->wscale_ok = 0;
	es->snd_wscale = 0;
	es->rcv_wscale = 0;
	es->sack_ok = 0;
	es->sacked_out = 0;
	es->lost_out = 0;
	es->retrans_out = 0;
	edu_cong_init(sk);
	return 0;
}

/* SO_KEEPALIVE, called by sock_setsockopt() under the socket lock. */
void edu_keepalive(struct sock *sk, int valbool)
{
	if (valbool)
		sock_set_flag(sk, SOCK_KEEPOPEN);
	else
		sock_reset_flag(sk, SOCK_KEEPOPEN);
	edu_reset_keepalive(sk);
}
