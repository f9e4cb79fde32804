// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state of AF_EDU: lookup tables, statistics and
 * the net.edu.* settings. Every namespace gets its own copy through
 * pernet_operations, so a connection in one namespace can never find a
 * socket of another.
 */
#include <net/net_namespace.h>
#include "edu.h"

unsigned int edu_net_id __read_mostly;

/* Names for /proc/net/edu_stats, in enum edu_mib order. */
const char *const edu_mib_names[EDU_MIB_MAX] = {
	[EDU_MIB_SEGS_IN]		= "SegsIn",
	[EDU_MIB_SEGS_OUT]		= "SegsOut",
	[EDU_MIB_RETRANS_SEGS]		= "RetransSegs",
	[EDU_MIB_FAST_RETRANS]		= "FastRetrans",
	[EDU_MIB_RTO]			= "RtoExpiries",
	[EDU_MIB_ZERO_WND_PROBES]	= "ZeroWindowProbes",
	[EDU_MIB_KEEPALIVE_PROBES]	= "KeepaliveProbes",
	[EDU_MIB_ACTIVE_OPENS]		= "ActiveOpens",
	[EDU_MIB_PASSIVE_OPENS]		= "PassiveOpens",
	[EDU_MIB_ATTEMPT_FAILS]		= "AttemptFails",
	[EDU_MIB_ESTAB_RESETS]		= "EstabResets",
	[EDU_MIB_RST_SENT]		= "RstSent",
	[EDU_MIB_RST_RCVD]		= "RstReceived",
	[EDU_MIB_CHALLENGE_ACKS]	= "ChallengeAcks",
	[EDU_MIB_DELAYED_ACKS]		= "DelayedAcks",
	[EDU_MIB_TIMEWAITS]		= "TimeWaits",
	[EDU_MIB_TIMEOUTS]		= "Timeouts",
	[EDU_MIB_OFO_QUEUED]		= "OfoQueued",
	[EDU_MIB_DROP_SHORT]		= "DropShort",
	[EDU_MIB_DROP_BAD_DOFF]		= "DropBadDataOffset",
	[EDU_MIB_DROP_BAD_CSUM]		= "DropBadChecksum",
	[EDU_MIB_DROP_BAD_FLAGS]	= "DropBadFlags",
	[EDU_MIB_DROP_NO_SOCKET]	= "DropNoSocket",
	[EDU_MIB_DROP_OUT_OF_WINDOW]	= "DropOutOfWindow",
	[EDU_MIB_DROP_NO_ACK]		= "DropNoAck",
	[EDU_MIB_DROP_BAD_ACK]		= "DropAckUnsent",
	[EDU_MIB_DROP_OLD_ACK]		= "DropOldAck",
	[EDU_MIB_DROP_RST_INVALID]	= "DropRstInvalid",
	[EDU_MIB_DROP_SYN_FLOOD]	= "DropSynFlood",
	[EDU_MIB_SYN_COOKIES_OK]	= "SynCookiesAccepted",
	[EDU_MIB_DROP_ACCEPT_OVERFLOW]	= "DropAcceptOverflow",
	[EDU_MIB_DROP_BACKLOG]		= "DropBacklog",
	[EDU_MIB_DROP_RCVBUF]		= "DropRcvbuf",
	[EDU_MIB_DROP_NOMEM]		= "DropNoMem",
	[EDU_MIB_DROP_DUPLICATE]	= "DropDuplicate",
	[EDU_MIB_DROP_WRONG_STATE]	= "DropWrongState",
	[EDU_MIB_DROP_DATA_AFTER_CLOSE]	= "DropDataAfterClose",
	[EDU_MIB_DROP_NOT_BROADCAST]	= "DropNotUnicast",
};

static int __net_init edu_net_init(struct net *net)
{
	struct edu_net *en = edu_pernet(net);
	int i, err;

	spin_lock_init(&en->lock);
	for (i = 0; i < EDU_HASH_SIZE; i++) {
		INIT_HLIST_HEAD(&en->ehash[i]);
		INIT_HLIST_HEAD(&en->twhash[i]);
		INIT_HLIST_HEAD(&en->lhash[i]);
		INIT_HLIST_HEAD(&en->bhash[i]);
	}
	en->port_rover = get_random_u32();
	for (i = 0; i < EDU_MIB_MAX; i++)
		atomic_long_set(&en->mib[i], 0);

	/* Defaults chosen so that the selftests finish quickly. */
	en->msl_ms = 1000;
	en->syn_retries = 5;
	/*
	 * R2 (RFC 9293 3.8.3) as Linux's tcp_retries2: 15 expiries, about
	 * 15 minutes from the minimum RTO. A burst of losses hits many
	 * connections at once, and their timers, armed together, expire
	 * together: with 8 a few of 10,000 gave up where TCP held on.
	 */
	en->retries = 15;
	en->orphan_retries = 8;
	en->fin_timeout_ms = 60000;
	en->max_syn_backlog = 1024;
	en->rmem_default = 131072;
	en->rmem_max = 4194304;
	/*
	 * No send-buffer autotuning: start as large as Linux TCP's send
	 * buffer may grow, so one big send() does not wait for the reader.
	 */
	en->wmem_default = 4194304;
	en->keepalive_time_ms = 7200 * 1000;
	en->keepalive_intvl_ms = 75 * 1000;
	en->keepalive_probes = 9;
	en->port_low = 32768;
	en->port_high = 60999;
	en->sack = 1;			/* as net.ipv4.tcp_sack */
	strscpy(en->cong_default, EDU_CONG_DEFAULT, sizeof(en->cong_default));

	err = edu_sysctl_init_net(net);
	if (err)
		return err;
	err = edu_proc_init_net(net);
	if (err) {
		edu_sysctl_exit_net(net);
		return err;
	}
	return 0;
}

static void __net_exit edu_net_exit(struct net *net)
{
	edu_proc_exit_net(net);
	edu_sysctl_exit_net(net);
	/*
	 * Sockets hold a reference on their namespace, so only TIME_WAIT
	 * entries (which do not) can be left here.
	 */
	edu_tw_purge(net);
}

static struct pernet_operations edu_net_ops = {
	.init	= edu_net_init,
	.exit	= edu_net_exit,
	.id	= &edu_net_id,
	.size	= sizeof(struct edu_net),
};

int edu_netns_register(void)
{
	return register_pernet_subsys(&edu_net_ops);
}

void edu_netns_unregister(void)
{
	unregister_pernet_subsys(&edu_net_ops);
}
