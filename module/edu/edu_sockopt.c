// SPDX-License-Identifier: GPL-2.0
/*
 * SOL_EDU socket options (SOL_SOCKET ones go to sock_setsockopt() in the
 * socket layer): EDU_NODELAY, EDU_MAXSEG, EDU_INFO, EDU_CONGESTION.
 */
#include <linux/uaccess.h>
#include <net/sock.h>
#include "edu.h"

#define EDU_MIN_USER_MSS	88	/* as TCP_MIN_MSS */

int edu_setsockopt(struct socket *sock, int level, int optname,
		   sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct edu_sock *es = edu_sk(sk);
	int val, err = 0;

	if (level != SOL_EDU)
		return -ENOPROTOOPT;

	if (optname == EDU_CONGESTION) {
		char name[EDU_CA_NAME_MAX];

		/* A name of at most EDU_CA_NAME_MAX - 1 characters. */
		if (optlen < 1 || optlen > EDU_CA_NAME_MAX)
			return -EINVAL;
		memset(name, 0, sizeof(name));
		if (copy_from_sockptr(name, optval, optlen))
			return -EFAULT;
		if (!memchr(name, 0, sizeof(name)))
			return -EINVAL;
		lock_sock(sk);
		err = edu_cong_set(sk, name);
		release_sock(sk);
		return err;
	}

	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	switch (optname) {
	case EDU_NODELAY:
		es->nodelay = !!val;
		if (val)
			edu_push_pending(sk, false);
		break;
	case EDU_MAXSEG:
		if (val && (val < EDU_MIN_USER_MSS || val > 65535 - 40)) {
			err = -EINVAL;
			break;
		}
		es->user_mss = val;
		if (val && (1 << sk->sk_state) & EDUF_SYNCHRONIZED &&
		    val < es->mss)
			es->mss = val;
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return err;
}

/* Fill struct edu_info from the TCB; caller holds the socket lock. */
static void edu_get_info(struct sock *sk, struct edu_info *info)
{
	struct edu_sock *es = edu_sk(sk);
	bool sync = sk->sk_state != EDU_CLOSE && sk->sk_state != EDU_LISTEN;
	u32 mss;

	memset(info, 0, sizeof(*info));
	info->edui_state = sk->sk_state;
	info->edui_ca_state = es->ca_state;
	info->edui_retransmits = es->retransmits;
	info->edui_snd_wscale = es->snd_wscale;
	info->edui_rcv_wscale = es->rcv_wscale;
	info->edui_nodelay = es->nodelay;
	info->edui_rto = jiffies_to_usecs(es->rto);
	info->edui_rtt = es->srtt_us;
	info->edui_rttvar = es->rttvar_us;
	info->edui_snd_mss = es->mss;
	info->edui_rcv_mss = es->rcv_mss;
	info->edui_snd_cwnd = es->snd_cwnd;
	info->edui_snd_ssthresh = es->snd_ssthresh;
	info->edui_snd_wnd = es->snd_wnd;
	info->edui_rcv_wnd = es->rcv_wnd;
	if (sync && es->mss)
		info->edui_unacked = DIV_ROUND_UP(es->snd_nxt - es->snd_una,
						  es->mss);
	info->edui_total_retrans = es->total_retrans;
	info->edui_fast_retrans = es->fast_retrans;
	info->edui_rto_expiries = es->rto_expiries;
	info->edui_zero_wnd_probes = es->zero_wnd_probes;
	info->edui_dup_acks_rcvd = es->dup_acks_rcvd;
	info->edui_bytes_sent = es->bytes_sent;
	info->edui_bytes_acked = es->bytes_acked;
	info->edui_bytes_received = es->bytes_received;
	info->edui_segs_out = es->segs_out;
	info->edui_segs_in = es->segs_in;
	info->edui_snd_una = es->snd_una - es->iss;
	info->edui_snd_nxt = es->snd_nxt - es->iss;
	info->edui_rcv_nxt = es->rcv_nxt - es->irs;
	strscpy(info->edui_ca_name, es->ca_ops->name, EDU_CA_NAME_MAX);
	edu_cong_get_info(sk, &info->edui_cc);
	if (es->wscale_ok)
		info->edui_options |= EDU_INFO_OPT_WSCALE;
	if (es->sack_ok)
		info->edui_options |= EDU_INFO_OPT_SACK;
	mss = max_t(u32, es->mss, 1);
	info->edui_sacked = DIV_ROUND_UP(es->sacked_out, mss);
	info->edui_lost = DIV_ROUND_UP(es->lost_out, mss);
	info->edui_retrans = DIV_ROUND_UP(es->retrans_out, mss);
	info->edui_sack_retrans = es->sack_retrans;
}

int edu_getsockopt(struct socket *sock, int level, int optname,
		   char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	struct edu_sock *es = edu_sk(sk);
	struct edu_info info;
	char name[EDU_CA_NAME_MAX];
	int len, val;

	if (level != SOL_EDU)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	switch (optname) {
	case EDU_NODELAY:
		val = es->nodelay;
		break;
	case EDU_MAXSEG:
		lock_sock(sk);
		val = (1 << sk->sk_state) & (EDUF(EDU_CLOSE) | EDUF(EDU_LISTEN)) ?
		      (es->user_mss ? : EDU_DEFAULT_MSS) : es->mss;
		release_sock(sk);
		break;
	case EDU_INFO:
		lock_sock(sk);
		edu_get_info(sk, &info);
		release_sock(sk);
		/* Versioned by length: copy what the caller has room for. */
		len = min_t(int, len, sizeof(info));
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	case EDU_CONGESTION:
		memset(name, 0, sizeof(name));
		lock_sock(sk);
		strscpy(name, es->ca_ops->name, sizeof(name));
		release_sock(sk);
		len = min_t(int, len, sizeof(name));
		if (put_user(len, optlen) || copy_to_user(optval, name, len))
			return -EFAULT;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
	if (len < sizeof(int))
		return -EINVAL;
	len = sizeof(int);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}
