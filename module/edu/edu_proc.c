// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/edu       one line per socket, in the format of /proc/net/tcp
 *                     plus the congestion window and ssthresh
 * /proc/net/edu_stats "Name Value" counters: events and every drop reason
 * /proc/net/edu_sockstat  sockets in use in this namespace, and module-wide
 *                     the allocated sockets, orphans and TIME_WAIT entries,
 *                     like the "TCP:" line of /proc/net/sockstat
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include "edu.h"

static void edu_proc_sock(struct seq_file *seq, struct sock *sk, int sl)
{
	const struct inet_sock *inet = inet_sk(sk);
	const struct edu_sock *es = edu_sk(sk);
	unsigned long expires = 0;
	int timer = 0;
	int rxq, txq;

	if (timer_pending(&es->rtx_timer)) {
		timer = es->rtx_mode == EDU_TIMER_PERSIST ? 4 : 1;
		expires = es->rtx_timer.expires;
	} else if (timer_pending(&es->keepalive_timer)) {
		timer = 2;
		expires = es->keepalive_timer.expires;
	}
	if (sk->sk_state == EDU_LISTEN) {
		rxq = READ_ONCE(sk->sk_ack_backlog);
		txq = READ_ONCE(sk->sk_max_ack_backlog);
	} else {
		rxq = max_t(int, READ_ONCE(es->rcv_nxt) -
			    READ_ONCE(es->copied_seq), 0);
		txq = READ_ONCE(es->write_seq) - READ_ONCE(es->snd_una);
	}
	seq_printf(seq,
		   "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %u %u\n",
		   sl, (__force u32)inet->inet_rcv_saddr, inet->inet_num,
		   (__force u32)inet->inet_daddr, ntohs(inet->inet_dport),
		   sk->sk_state, txq, rxq, timer,
		   timer ? jiffies_delta_to_clock_t(expires - jiffies) : 0,
		   es->retransmits,
		   from_kuid_munged(seq_user_ns(seq), sock_i_uid(sk)), 0,
		   sock_i_ino(sk), es->snd_cwnd, es->snd_ssthresh);
}

static void edu_proc_tw(struct seq_file *seq, struct edu_tw *tw, int sl)
{
	long delta = tw->timer.expires - jiffies;

	seq_printf(seq,
		   "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %u %u\n",
		   sl, (__force u32)tw->saddr, ntohs(tw->sport),
		   (__force u32)tw->daddr, ntohs(tw->dport), EDU_TIME_WAIT,
		   0, 0, 3, jiffies_delta_to_clock_t(delta), 0, 0, 0, 0UL,
		   0, 0);
}

/* Every bound socket and TIME_WAIT entry holds a port: walk the bind table. */
static int edu_seq_show(struct seq_file *seq, void *v)
{
	struct edu_net *en = edu_pernet(seq_file_single_net(seq));
	struct edu_bind_node *b;
	int i, sl = 0;

	seq_puts(seq, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode cwnd ssthresh\n");
	spin_lock_bh(&en->lock);
	for (i = 0; i < EDU_HASH_SIZE; i++) {
		hlist_for_each_entry(b, &en->bhash[i], node) {
			if (b->is_tw)
				edu_proc_tw(seq, container_of(b, struct edu_tw,
							      bind), sl++);
			else
				edu_proc_sock(seq, (struct sock *)
					      container_of(b, struct edu_sock,
							   bind), sl++);
		}
	}
	spin_unlock_bh(&en->lock);
	return 0;
}

static int edu_stats_show(struct seq_file *seq, void *v)
{
	struct edu_net *en = edu_pernet(seq_file_single_net(seq));
	int i;

	for (i = 0; i < EDU_MIB_MAX; i++)
		seq_printf(seq, "%s %ld\n", edu_mib_names[i],
			   atomic_long_read(&en->mib[i]));
	return 0;
}

static int edu_sockstat_show(struct seq_file *seq, void *v)
{
	seq_printf(seq, "EDU: inuse %d orphan %ld tw %ld alloc %ld\n",
		   sock_prot_inuse_get(seq_file_single_net(seq), &edu_prot),
		   atomic_long_read(&edu_orphan_count),
		   atomic_long_read(&edu_tw_count),
		   atomic_long_read(&edu_sockets_allocated));
	return 0;
}

int edu_proc_init_net(struct net *net)
{
	if (!proc_create_net_single("edu", 0444, net->proc_net,
				    edu_seq_show, NULL))
		return -ENOMEM;
	if (!proc_create_net_single("edu_stats", 0444, net->proc_net,
				    edu_stats_show, NULL))
		goto out_edu;
	if (!proc_create_net_single("edu_sockstat", 0444, net->proc_net,
				    edu_sockstat_show, NULL))
		goto out_stats;
	return 0;

out_stats:
	remove_proc_entry("edu_stats", net->proc_net);
out_edu:
	remove_proc_entry("edu", net->proc_net);
	return -ENOMEM;
}

void edu_proc_exit_net(struct net *net)
{
	remove_proc_entry("edu_sockstat", net->proc_net);
	remove_proc_entry("edu_stats", net->proc_net);
	remove_proc_entry("edu", net->proc_net);
}
