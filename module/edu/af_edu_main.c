// SPDX-License-Identifier: GPL-2.0
/*
 * AF_EDU: a TCP-like transport for teaching, as a loadable module.
 *
 * socket(AF_EDU, SOCK_STREAM, 0) gets a socket whose proto_ops below
 * implement the socket calls; segments travel as IP protocol 253
 * (RFC 3692 experimental) through the kernel's IPv4 layer.
 *
 * This file: module parameters, the address family, the socket calls
 * that set up and tear down connections, module init and exit.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/net.h>
#include <asm/ioctls.h>
#include <linux/sockios.h>
#include <linux/capability.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/protocol.h>
#include "edu.h"

int edu_family = AF_EDU;
module_param_named(family, edu_family, int, 0444);
MODULE_PARM_DESC(family, "address family number (default 22, see uapi/linux/edu.h)");

int edu_ipproto = IPPROTO_EDU;
module_param_named(ipproto, edu_ipproto, int, 0444);
MODULE_PARM_DESC(ipproto, "IP protocol number of the segments (default 253)");

struct proto edu_prot = {
	.name		= "EDU",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct edu_sock),
	.backlog_rcv	= edu_backlog_rcv,
	.keepalive	= edu_keepalive,
};

static const struct proto_ops edu_ops;

static int edu_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	long timeout = 0;

	if (!sk)
		return 0;
	if (sock_flag(sk, SOCK_LINGER) && !(current->flags & PF_EXITING))
		timeout = sk->sk_lingertime;
	edu_close(sk, timeout);
	sock->sk = NULL;
	return 0;
}

static int edu_check_addr(struct sockaddr *uaddr, int addr_len)
{
	if (addr_len < (int)sizeof(struct sockaddr_edu))
		return -EINVAL;
	if (uaddr->sa_family != edu_family)
		return -EAFNOSUPPORT;
	return 0;
}

static int edu_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_edu *addr = (struct sockaddr_edu *)uaddr;
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	__be32 a;
	u16 port;
	int err;

	err = edu_check_addr(uaddr, addr_len);
	if (err)
		return err;
	a = addr->sedu_addr.s_addr;
	port = ntohs(addr->sedu_port);
	/* Only addresses of this host (or INADDR_ANY) can be bound. */
	if (a != htonl(INADDR_ANY) && inet_addr_type(net, a) != RTN_LOCAL)
		return -EADDRNOTAVAIL;
	if (port && inet_port_requires_bind_service(net, port) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != EDU_CLOSE || inet->inet_num)
		goto out;
	inet->inet_rcv_saddr = a;
	inet->inet_saddr = a;
	err = edu_get_port(sk, port);
	if (err) {
		inet->inet_rcv_saddr = 0;
		inet->inet_saddr = 0;
		goto out;
	}
	if (a)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (port)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	sk_dst_reset(sk);
out:
	release_sock(sk);
	return err;
}

static int edu_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct edu_sock *es = edu_sk(sk);
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED)
		goto out;
	if (sk->sk_state != EDU_CLOSE && sk->sk_state != EDU_LISTEN)
		goto out;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	err = 0;
	if (sk->sk_state == EDU_LISTEN)
		goto out;
	if (!inet_sk(sk)->inet_num) {
		err = edu_get_port(sk, 0);
		if (err)
			goto out;
	}
	spin_lock_bh(&es->accept_lock);
	es->listening = true;
	es->syn_count = 0;
	spin_unlock_bh(&es->accept_lock);
	sk->sk_ack_backlog = 0;
	edu_set_state(sk, EDU_LISTEN);
	err = edu_hash_listener(sk);
	if (err) {
		es->listening = false;
		edu_set_state(sk, EDU_CLOSE);
	}
out:
	release_sock(sk);
	return err;
}

static int edu_accept(struct socket *sock, struct socket *newsock, int flags,
		      bool kern)
{
	struct sock *sk = sock->sk, *newsk;
	struct edu_sock *es = edu_sk(sk), *ces = NULL;
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long timeo;
	int err = 0;

	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	add_wait_queue_exclusive(sk_sleep(sk), &wait);
	for (;;) {
		if (sk->sk_state != EDU_LISTEN) {
			err = -EINVAL;
			break;
		}
		spin_lock_bh(&es->accept_lock);
		ces = list_first_entry_or_null(&es->accept_queue,
					       struct edu_sock, child_node);
		if (ces) {
			list_del_init(&ces->child_node);
			ces->in_accept_q = false;
			sk_acceptq_removed(sk);
		}
		spin_unlock_bh(&es->accept_lock);
		if (ces)
			break;
		if (!timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	release_sock(sk);
	if (!ces)
		return err;

	/* The child is ours now; its protocol reference goes to newsock. */
	newsk = (struct sock *)ces;
	lock_sock(newsk);
	sock_graft(newsk, newsock);
	newsock->state = SS_CONNECTED;
	if (ces->parent) {
		sock_put(ces->parent);
		ces->parent = NULL;
	}
	release_sock(newsk);
	return 0;
}

/* Active open (RFC 9293 3.10.1 OPEN): route, port, ISN, send SYN. */
static int edu_do_connect(struct sock *sk, struct sockaddr_edu *usin)
{
	struct inet_sock *inet = inet_sk(sk);
	struct edu_sock *es = edu_sk(sk);
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	__be32 daddr = usin->sedu_addr.s_addr;
	__be16 orig_sport, orig_dport;
	struct rtable *rt;
	int err;

	if (ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr))
		return -ENETUNREACH;
	orig_sport = inet->inet_sport;
	orig_dport = usin->sedu_port;
	rt = ip_route_connect(fl4, daddr, inet->inet_saddr,
			      sk->sk_bound_dev_if, edu_ipproto, orig_sport,
			      orig_dport, sk);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}
	if (!inet->inet_saddr)
		inet->inet_saddr = fl4->saddr;
	inet->inet_rcv_saddr = inet->inet_saddr;
	inet->inet_daddr = daddr;
	inet->inet_dport = usin->sedu_port;

	if (!inet->inet_num) {
		err = edu_get_port(sk, 0);
		if (err) {
			/* No ephemeral port left: as inet_hash_connect() says */
			err = -EADDRNOTAVAIL;
			ip_rt_put(rt);
			goto failure;
		}
	}
	rt = ip_route_newports(fl4, rt, orig_sport, orig_dport,
			       inet->inet_sport, inet->inet_dport, sk);
	if (IS_ERR(rt)) {
		err = PTR_ERR(rt);
		goto failure;
	}
	sk_setup_caps(sk, &rt->dst);

	err = edu_hash_established(sk);
	if (err)
		goto failure;

	es->wscale_ok = 1;		/* offered; kept if the peer agrees */
	es->sack_ok = READ_ONCE(edu_pernet(sock_net(sk))->sack) == 1;
	es->rcv_wscale = edu_choose_wscale(sk);
	edu_set_mss(sk, 0);
	es->iss = edu_isn(inet->inet_saddr, daddr, inet->inet_sport,
			  inet->inet_dport);
	es->snd_una = es->iss;
	es->snd_nxt = es->iss;
	es->snd_max = es->iss;
	es->write_seq = es->iss;
	es->high_seq = es->iss;
	/*
	 * The algorithm was set up when the socket was made, before there
	 * was a sequence number: HyStart and Vegas count round trips in
	 * sequence space, so their first round starts here (Linux, too,
	 * initializes congestion control only when the transfer starts).
	 */
	edu_cong_init(sk);
	es->rcv_nxt = 0;
	atomic_set(&inet->inet_id, get_random_u16());
	edu_set_state(sk, EDU_SYN_SENT);
	err = edu_queue_syn(sk, EDU_FLAG_SYN);
	if (err)
		goto failure;
	EDU_INC_STATS(sock_net(sk), ACTIVE_OPENS);
	return 0;

failure:
	edu_set_state(sk, EDU_CLOSE);
	edu_unhash(sk);
	edu_free_write_queue(sk);
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		edu_put_port(sk);
	sk_dst_reset(sk);
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	return err;
}

static long edu_wait_for_connect(struct sock *sk, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	while ((1 << sk->sk_state) & (EDUF(EDU_SYN_SENT) | EDUF(EDU_SYN_RECV))) {
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
		if (signal_pending(current) || !timeo)
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return timeo;
}

/* Modelled on inet_stream_connect(): the same errno for the same case. */
static int edu_connect(struct socket *sock, struct sockaddr *uaddr,
		       int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	long timeo;
	int err;

	err = edu_check_addr(uaddr, addr_len);
	if (err)
		return err;

	lock_sock(sk);
	switch (sock->state) {
	default:
		err = -EINVAL;
		goto out;
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		err = -EALREADY;
		break;
	case SS_UNCONNECTED:
		err = -EISCONN;
		if (sk->sk_state != EDU_CLOSE)
			goto out;
		err = edu_do_connect(sk, (struct sockaddr_edu *)uaddr);
		if (err < 0)
			goto out;
		sock->state = SS_CONNECTING;
		err = -EINPROGRESS;
		break;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if ((1 << sk->sk_state) & (EDUF(EDU_SYN_SENT) | EDUF(EDU_SYN_RECV))) {
		if (!timeo || !edu_wait_for_connect(sk, timeo))
			goto out;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			goto out;
	}
	if (sk->sk_state == EDU_CLOSE)
		goto sock_error;
	sock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;

sock_error:
	err = sock_error(sk) ? : -ECONNABORTED;
	sock->state = SS_UNCONNECTED;
	edu_disconnect(sk);
	goto out;
}

static int edu_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_edu *sin = (struct sockaddr_edu *)uaddr;
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);

	memset(sin, 0, sizeof(*sin));
	sin->sedu_family = edu_family;
	lock_sock(sk);
	if (peer) {
		if (!inet->inet_dport ||
		    ((1 << sk->sk_state) & (EDUF(EDU_CLOSE) | EDUF(EDU_SYN_SENT)) &&
		     peer == 1)) {
			release_sock(sk);
			return -ENOTCONN;
		}
		sin->sedu_port = inet->inet_dport;
		sin->sedu_addr.s_addr = inet->inet_daddr;
	} else {
		sin->sedu_port = inet->inet_sport;
		sin->sedu_addr.s_addr = inet->inet_rcv_saddr ? :
					inet->inet_saddr;
	}
	release_sock(sk);
	return sizeof(*sin);
}

static int edu_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	/* SHUT_RD (0) -> RCV_SHUTDOWN (1), SHUT_WR -> SEND_SHUTDOWN, ... */
	how++;
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;

	lock_sock(sk);
	if (sock->state == SS_CONNECTING) {
		if ((1 << sk->sk_state) &
		    (EDUF(EDU_SYN_SENT) | EDUF(EDU_SYN_RECV) | EDUF(EDU_CLOSE)))
			sock->state = SS_DISCONNECTING;
		else
			sock->state = SS_CONNECTED;
	}
	switch (sk->sk_state) {
	case EDU_CLOSE:
		err = -ENOTCONN;
		sk->sk_shutdown |= how;
		break;
	case EDU_LISTEN:
		if (!(how & RCV_SHUTDOWN))
			break;
		/* stop listening; accept() returns EINVAL */
		edu_stop_listen(sk);
		sock->state = SS_UNCONNECTED;
		break;
	case EDU_SYN_SENT:
		edu_done(sk);
		edu_disconnect(sk);
		sock->state = SS_UNCONNECTED;
		break;
	default:
		sk->sk_shutdown |= how;
		if (how & SEND_SHUTDOWN)
			edu_shutdown_send(sk);
		break;
	}
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

static int edu_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *tail;
	int answ;

	switch (cmd) {
	case SIOCINQ:
		if (sk->sk_state == EDU_LISTEN)
			return -EINVAL;
		lock_sock(sk);
		tail = skb_peek_tail(&sk->sk_receive_queue);
		answ = tail ? EDU_SKB_CB(tail)->end_seq - es->copied_seq : 0;
		release_sock(sk);
		break;
	case SIOCOUTQ:
		if (sk->sk_state == EDU_LISTEN)
			return -EINVAL;
		lock_sock(sk);
		answ = es->write_seq - es->snd_una;
		if (es->fin_queued && answ)
			answ--;
		if (sk->sk_state == EDU_SYN_SENT || sk->sk_state == EDU_CLOSE)
			answ = 0;
		release_sock(sk);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(answ, (int __user *)arg);
}

/*
 * .family here is informational only; sockets carry the number in use
 * (module parameter "family") in sk->sk_family.
 */
static const struct proto_ops edu_ops = {
	.family		= PF_EDU,
	.owner		= THIS_MODULE,
	.release	= edu_release,
	.bind		= edu_bind,
	.connect	= edu_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= edu_accept,
	.getname	= edu_getname,
	.poll		= edu_poll,
	.ioctl		= edu_ioctl,
	.listen		= edu_listen,
	.shutdown	= edu_shutdown,
	.setsockopt	= edu_setsockopt,
	.getsockopt	= edu_getsockopt,
	.sendmsg	= edu_sendmsg,
	.recvmsg	= edu_recvmsg,
	.mmap		= sock_no_mmap,
	.sendpage	= sock_no_sendpage,
};

static int edu_create(struct net *net, struct socket *sock, int protocol,
		      int kern)
{
	struct sock *sk;

	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != edu_ipproto)
		return -EPROTONOSUPPORT;
	sk = sk_alloc(net, edu_family, GFP_KERNEL, &edu_prot, kern);
	if (!sk)
		return -ENOBUFS;
	sock->ops = &edu_ops;
	sock->state = SS_UNCONNECTED;
	sock_init_data(sock, sk);
	edu_init_tcb(sk);
	return 0;
}

static struct net_proto_family edu_family_ops = {
	.family	= AF_EDU,	/* set from the module parameter */
	.create	= edu_create,
	.owner	= THIS_MODULE,
};

static struct net_protocol edu_protocol = {
	.handler	= edu_rcv,
	.err_handler	= edu_err,
	.no_policy	= 1,
};

static int __init af_edu_init(void)
{
	int err;

	if (edu_family <= 0 || edu_family >= NPROTO) {
		pr_err("af_edu: family=%d is outside 1..%d\n", edu_family,
		       NPROTO - 1);
		return -EINVAL;
	}
	if (edu_ipproto <= 0 || edu_ipproto >= MAX_INET_PROTOS) {
		pr_err("af_edu: ipproto=%d is outside 1..%d\n", edu_ipproto,
		       MAX_INET_PROTOS - 1);
		return -EINVAL;
	}
	edu_family_ops.family = edu_family;

	/* Algorithms first: every new socket and namespace picks one. */
	err = edu_cong_register_builtin();
	if (err)
		return err;
	err = proto_register(&edu_prot, 1);
	if (err)
		goto out_cong;
	err = edu_netns_register();
	if (err)
		goto out_proto;
	if (inet_add_protocol(&edu_protocol, edu_ipproto) < 0) {
		pr_err("af_edu: IP protocol %d is already in use; load with ipproto=<free number>\n",
		       edu_ipproto);
		err = -EBUSY;
		goto out_netns;
	}
	err = edu_offload_init();
	if (err) {
		pr_err("af_edu: IP protocol %d already has offload handlers\n",
		       edu_ipproto);
		goto out_inet;
	}
	err = sock_register(&edu_family_ops);
	if (err) {
		pr_err("af_edu: address family %d is already registered (error %d); load with family=<free number>\n",
		       edu_family, err);
		goto out_offload;
	}
	pr_info("af_edu: family %d, IP protocol %d\n", edu_family,
		edu_ipproto);
	return 0;

out_offload:
	edu_offload_exit();
out_inet:
	inet_del_protocol(&edu_protocol, edu_ipproto);
out_netns:
	edu_netns_unregister();
out_proto:
	proto_unregister(&edu_prot);
out_cong:
	edu_cong_unregister_builtin();
	return err;
}

static void __exit af_edu_exit(void)
{
	/* No new sockets; existing ones hold module references. */
	sock_unregister(edu_family);
	/* No new segments; waits for handlers running on other CPUs. */
	inet_del_protocol(&edu_protocol, edu_ipproto);
	edu_offload_exit();
	/* Per-namespace state, TIME_WAIT entries and their timers. */
	edu_netns_unregister();
	proto_unregister(&edu_prot);
	edu_cong_unregister_builtin();
}

module_init(af_edu_init);
module_exit(af_edu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("AF_EDU: a teaching TCP-like transport over IPv4");
