// SPDX-License-Identifier: GPL-2.0
/*
 * net.edu.* sysctls, one set per network namespace, e.g.
 *   sysctl -w net.edu.msl_ms=500     (TIME_WAIT lasts 2 * MSL)
 *   sysctl -w net.edu.syn_retries=2  (connect() gives up sooner)
 *   sysctl -w net.edu.orphan_retries=2 (closed connections give up sooner)
 *   sysctl -w net.edu.congestion_control=cubic  (for new sockets)
 *   sysctl -w net.edu.sack=0         (no selective acknowledgment)
 */
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include "edu.h"

static int edu_zero;
static int edu_one = 1;
static int edu_port_max = 65535;
static int edu_retries_max = 30;

#define EDU_SYSCTL(field, minp, maxp) {				\
	.procname	= #field,					\
	.data		= (void *)offsetof(struct edu_net, field),	\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= proc_dointvec_minmax,				\
	.extra1		= minp,						\
	.extra2		= maxp,						\
}

/*
 * net.edu.congestion_control: the algorithm new sockets of this namespace
 * start with. Only a registered name is accepted (ENOENT otherwise, as
 * net.ipv4.tcp_congestion_control does).
 */
static int edu_sysctl_cong(struct ctl_table *ctl, int write, void *buffer,
			   size_t *lenp, loff_t *ppos)
{
	struct edu_net *en = container_of(ctl->data, struct edu_net,
					  cong_default);
	char name[EDU_CA_NAME_MAX];
	struct ctl_table tbl = {
		.data	= name,
		.maxlen	= sizeof(name),
	};
	int err;

	spin_lock_bh(&en->lock);
	memcpy(name, en->cong_default, sizeof(name));
	spin_unlock_bh(&en->lock);
	err = proc_dostring(&tbl, write, buffer, lenp, ppos);
	if (!write || err)
		return err;
	if (!edu_cong_valid_name(name))
		return -ENOENT;
	spin_lock_bh(&en->lock);
	memcpy(en->cong_default, name, sizeof(name));
	spin_unlock_bh(&en->lock);
	return 0;
}

/* net.edu.available_congestion_control: what is registered, read only. */
static int edu_sysctl_cong_avail(struct ctl_table *ctl, int write,
				 void *buffer, size_t *lenp, loff_t *ppos)
{
	char list[EDU_CA_NAME_MAX * 16];
	struct ctl_table tbl = {
		.data	= list,
		.maxlen	= sizeof(list),
	};

	edu_cong_available(list, sizeof(list));
	return proc_dostring(&tbl, write, buffer, lenp, ppos);
}

/* Template; .data holds an offset, rebased onto each struct edu_net. */
static struct ctl_table edu_sysctl_template[] = {
	EDU_SYSCTL(msl_ms, &edu_one, NULL),
	EDU_SYSCTL(syn_retries, &edu_one, &edu_retries_max),
	EDU_SYSCTL(retries, &edu_one, &edu_retries_max),
	EDU_SYSCTL(orphan_retries, &edu_zero, &edu_retries_max),
	EDU_SYSCTL(fin_timeout_ms, &edu_one, NULL),
	EDU_SYSCTL(max_syn_backlog, &edu_one, NULL),
	EDU_SYSCTL(rmem_default, &edu_one, NULL),
	EDU_SYSCTL(rmem_max, &edu_one, NULL),
	EDU_SYSCTL(wmem_default, &edu_one, NULL),
	EDU_SYSCTL(keepalive_time_ms, &edu_one, NULL),
	EDU_SYSCTL(keepalive_intvl_ms, &edu_one, NULL),
	EDU_SYSCTL(keepalive_probes, &edu_one, &edu_retries_max),
	EDU_SYSCTL(port_low, &edu_zero, &edu_port_max),
	EDU_SYSCTL(port_high, &edu_zero, &edu_port_max),
	EDU_SYSCTL(sack, &edu_zero, &edu_one),
	{
		.procname	= "congestion_control",
		.data		= (void *)offsetof(struct edu_net, cong_default),
		.maxlen		= EDU_CA_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= edu_sysctl_cong,
	},
	{
		.procname	= "available_congestion_control",
		.maxlen		= EDU_CA_NAME_MAX * 16,
		.mode		= 0444,
		.proc_handler	= edu_sysctl_cong_avail,
	},
	{ }
};

int edu_sysctl_init_net(struct net *net)
{
	struct edu_net *en = edu_pernet(net);
	struct ctl_table *table;
	int i;

	table = kmemdup(edu_sysctl_template, sizeof(edu_sysctl_template),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	for (i = 0; table[i].procname; i++)
		table[i].data = (char *)en + (uintptr_t)table[i].data;
	en->sysctl_hdr = register_net_sysctl(net, "net/edu", table);
	if (!en->sysctl_hdr) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

void edu_sysctl_exit_net(struct net *net)
{
	struct edu_net *en = edu_pernet(net);
	struct ctl_table *table;

	if (!en->sysctl_hdr)
		return;
	table = en->sysctl_hdr->ctl_table_arg;
	unregister_net_sysctl_table(en->sysctl_hdr);
	kfree(table);
	en->sysctl_hdr = NULL;
}
