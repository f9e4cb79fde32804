// SPDX-License-Identifier: GPL-2.0
/*
 * The byte stream as the application sees it: SEND and RECEIVE of RFC
 * 9293 3.10.2/3.10.3 as sendmsg() and recvmsg(), and poll().
 */
#include <linux/poll.h>
#include <linux/uio.h>
#include <net/sock.h>
#include "edu.h"
#include "edu_trace.h"

/* A fresh send-queue skb; its payload goes into page fragments if @sg. */
static struct sk_buff *edu_new_send_skb(struct sock *sk, bool sg)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *skb;

	skb = alloc_skb(EDU_SKB_HEADROOM + (sg ? 0 : es->mss),
			sk->sk_allocation);
	if (!skb)
		return NULL;
	skb_reserve(skb, EDU_SKB_HEADROOM);
	memset(skb->cb, 0, sizeof(skb->cb));
	/* CHECKSUM_NONE: the copy below also sums the payload (edu_csum.c). */
	skb->ip_summed = edu_csum_offload_ok(sk) ? CHECKSUM_PARTIAL :
						   CHECKSUM_NONE;
	EDU_SKB_CB(skb)->seq = es->write_seq;
	EDU_SKB_CB(skb)->end_seq = es->write_seq;
	__skb_queue_tail(&sk->sk_write_queue, skb);
	sk_wmem_queued_add(sk, skb->truesize);
	if (!es->send_head)
		es->send_head = skb;
	return skb;
}

/*
 * Copy up to @len bytes from the user into @skb; returns the bytes
 * copied, 0 if @skb is full, or an errno. With @sg the bytes go into the
 * socket's page fragment (Linux TCP: tcp_sendmsg_locked()), so a write is
 * not one linear allocation per MSS and an skb can grow to a GSO
 * super-segment; without, into the linear room of an MSS-sized skb.
 */
static int edu_copy_to_skb(struct sock *sk, struct sk_buff *skb,
			   struct msghdr *msg, size_t len, bool sg)
{
	struct page_frag *pfrag = sk_page_frag(sk);
	int copy, i, err;
	bool merge;

	if (!sg) {
		copy = min_t(size_t, len, skb_tailroom(skb));
		if (copy <= 0)
			return 0;
		err = skb_add_data_nocache(sk, skb, &msg->msg_iter, copy);
		return err ? err : copy;
	}
	if (!sk_page_frag_refill(sk, pfrag))
		return -ENOBUFS;
	i = skb_shinfo(skb)->nr_frags;
	merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
	if (!merge && i >= MAX_SKB_FRAGS)
		return 0;
	copy = min_t(size_t, len, pfrag->size - pfrag->offset);
	err = skb_copy_to_page_nocache(sk, &msg->msg_iter, skb, pfrag->page,
				       pfrag->offset, copy);
	if (err)
		return err;
	if (merge) {
		skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
	} else {
		skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset, copy);
		get_page(pfrag->page);
	}
	pfrag->offset += copy;
	return copy;
}

/*
 * Copy user data onto the send queue and push. Small writes are
 * coalesced into the last skb while it is unsent; an skb collects up to
 * edu_size_goal() bytes (one MSS, or a GSO super-segment). Waits for
 * send-buffer space (SO_SNDBUF) unless MSG_DONTWAIT / O_NONBLOCK.
 */
int edu_sendmsg(struct socket *sock, struct msghdr *msg, size_t size)
{
	struct sock *sk = sock->sk;
	struct edu_sock *es = edu_sk(sk);
	int flags = msg->msg_flags;
	size_t copied = 0;
	u32 size_goal;
	long timeo;
	bool sg;
	int err;

	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);

	/* Wait for the handshake to finish (RFC 9293 3.10.2: queue it). */
	if ((1 << sk->sk_state) & (EDUF(EDU_SYN_SENT) | EDUF(EDU_SYN_RECV))) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto out_err;
	}
	sg = edu_sg_ok(sk);
	size_goal = edu_size_goal(sk);

	while (copied < size) {
		struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);
		int chunk;

		if (sk->sk_err) {
			err = copied ? -EPIPE : sock_error(sk);
			goto out_err;
		}
		err = -EPIPE;
		if (sk->sk_shutdown & SEND_SHUTDOWN)
			goto out_err;
		/* Not connected: EPIPE (and SIGPIPE), as TCP answers. */
		if (!((1 << sk->sk_state) & (EDUF(EDU_ESTABLISHED) |
					      EDUF(EDU_CLOSE_WAIT))))
			goto out_err;

		/*
		 * Append to the last skb if it has not been sent yet (a clone
		 * of a sent one may still be in flight) and has room.
		 */
		chunk = 0;
		if (skb && es->send_head && skb->len < size_goal &&
		    !(EDU_SKB_CB(skb)->flags & (EDU_FLAG_SYN | EDU_FLAG_FIN)) &&
		    !skb_cloned(skb) && (sg || !skb->data_len))
			chunk = edu_copy_to_skb(sk, skb, msg,
						min_t(size_t, size - copied,
						      size_goal - skb->len), sg);
		if (!chunk) {
			if (!sk_stream_memory_free(sk))
				goto wait_for_memory;
			skb = edu_new_send_skb(sk, sg);
			if (!skb)
				goto wait_for_memory;
			chunk = edu_copy_to_skb(sk, skb, msg,
						min_t(size_t, size - copied,
						      size_goal), sg);
		}
		if (chunk == -ENOBUFS)
			goto wait_for_memory;
		if (chunk < 0) {
			/* Do not leave an empty skb behind to be sent. */
			if (!skb->len && !skb_cloned(skb)) {
				if (es->send_head == skb)
					es->send_head = NULL;
				__skb_unlink(skb, &sk->sk_write_queue);
				sk_wmem_queued_add(sk, -skb->truesize);
				kfree_skb(skb);
			}
			err = chunk;
			goto out_err;
		}
		EDU_SKB_CB(skb)->end_seq += chunk;
		es->write_seq += chunk;
		copied += chunk;
		continue;

wait_for_memory:
		/* Let the data already queued go out, then sleep. */
		edu_push_pending(sk, false);
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto out_err;
		sg = edu_sg_ok(sk);
		size_goal = edu_size_goal(sk);
	}
	if (copied)
		EDU_SKB_CB(skb_peek_tail(&sk->sk_write_queue))->flags |=
			EDU_FLAG_PSH;
	trace_edu_sendmsg(sk, size, copied);
	edu_push_pending(sk, false);
	release_sock(sk);
	return copied;

out_err:
	if (copied) {
		trace_edu_sendmsg(sk, size, copied);
		edu_push_pending(sk, false);
		release_sock(sk);
		return copied;
	}
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/*
 * Copy in-order data to the application. MSG_PEEK reads without
 * consuming, MSG_WAITALL waits for the full length, SO_RCVTIMEO and
 * SO_RCVLOWAT are honoured through sock_rcvtimeo()/sock_rcvlowat().
 */
int edu_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct sock *sk = sock->sk;
	struct edu_sock *es = edu_sk(sk);
	u32 peek_seq, *seq;
	int copied = 0, target, err = 0;
	long timeo;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;

	lock_sock(sk);
	if (sk->sk_state == EDU_LISTEN) {
		err = -ENOTCONN;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	seq = &es->copied_seq;
	if (flags & MSG_PEEK) {
		peek_seq = es->copied_seq;
		seq = &peek_seq;
	}

	while (copied < len) {
		struct sk_buff *skb, *last = skb_peek_tail(&sk->sk_receive_queue);
		bool found = false;

		skb_queue_walk(&sk->sk_receive_queue, skb) {
			u32 offset = *seq - EDU_SKB_CB(skb)->seq;
			int n;

			if (offset >= skb->len)
				continue;
			found = true;
			n = min_t(int, skb->len - offset, len - copied);
			if (skb_copy_datagram_msg(skb, offset, msg, n)) {
				if (!copied)
					copied = -EFAULT;
				goto done;
			}
			*seq += n;
			copied += n;
			if (!(flags & MSG_PEEK) && offset + n >= skb->len) {
				__skb_unlink(skb, &sk->sk_receive_queue);
				consume_skb(skb);
			}
			break;
		}
		if (found)
			continue;

		/* Nothing (more) to copy right now. */
		if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
			break;
		if (copied) {
			if (sk->sk_err || sk->sk_state == EDU_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
			    signal_pending(current))
				break;
		} else {
			/* FIN read: end of stream. A reset is reported once. */
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				copied = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == EDU_CLOSE) {
				copied = -ENOTCONN;
				break;
			}
			if (!timeo) {
				copied = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				copied = sock_intr_errno(timeo);
				break;
			}
		}
		if (copied >= target) {
			/* Process the backlog, then look again. */
			release_sock(sk);
			lock_sock(sk);
			continue;
		}
		edu_cleanup_rbuf(sk, copied);
		sk_wait_data(sk, &timeo, last);
	}
done:
	trace_edu_recvmsg(sk, len, copied);
	if (copied > 0 && !(flags & MSG_PEEK))
		edu_cleanup_rbuf(sk, copied);
	err = copied;
out:
	release_sock(sk);
	return err;
}

/* Like tcp_poll(): what can the application do without blocking? */
__poll_t edu_poll(struct file *file, struct socket *sock,
		  struct poll_table_struct *wait)
{
	struct sock *sk = sock->sk;
	struct edu_sock *es = edu_sk(sk);
	__poll_t mask = 0;
	int state;

	sock_poll_wait(file, sock, wait);
	state = inet_sk_state_load(sk);
	if (state == EDU_LISTEN)
		return READ_ONCE(sk->sk_ack_backlog) ? EPOLLIN | EPOLLRDNORM : 0;

	if (sk->sk_shutdown == SHUTDOWN_MASK || state == EDU_CLOSE)
		mask |= EPOLLHUP;
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	if (state != EDU_SYN_SENT && state != EDU_SYN_RECV) {
		/* Readable once SO_RCVLOWAT bytes (default 1) are queued. */
		int avail = READ_ONCE(es->rcv_nxt) - READ_ONCE(es->copied_seq);

		if (!skb_queue_empty_lockless(&sk->sk_receive_queue) &&
		    avail >= max_t(int, READ_ONCE(sk->sk_rcvlowat), 1))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(sk->sk_shutdown & SEND_SHUTDOWN)) {
			if (sk_stream_is_writeable(sk)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* Race with an ACK freeing space: look again. */
				smp_mb__after_atomic();
				if (sk_stream_is_writeable(sk))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	/* A socket that failed to connect is also writable (SO_ERROR). */
	if (sk->sk_err || !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}
