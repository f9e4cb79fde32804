// SPDX-License-Identifier: GPL-2.0
/*
 * link_edunic.so: the iproute2 plugin for "ip link ... type edunic".
 *
 * Debian's ip (iproute2 6.1) looks for link_<kind>.so in $IP_LIB_DIR
 * (default /usr/lib/x86_64-linux-gnu/ip) when it meets a link kind it does
 * not know, and calls the struct link_util named <kind>_link_util in it.
 * The helpers used below (iplink_parse, addattr32, ...) are exported by
 * the ip binary itself, which is why this file declares them instead of
 * including iproute2's headers.
 *
 *   ip link add edu0 type edunic [OPTIONS] peer name edu1 [PEER OPTIONS]
 *   ip link set edu0 type edunic [OPTIONS]
 *   ip -d link show edu0
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_edunic.h>

#include "ip_plugin.h"

/* The request buffer in iplink.c has at least this much room. */
#define EDUNIC_REQ_MAX	1024

static void edunic_print_usage(FILE *f)
{
	fprintf(f,
		"Usage: ip link add DEV type edunic [ OPTIONS ] [ peer [ name ] PEER [ PEER-OPTIONS ] ]\n"
		"       ip link set DEV type edunic [ OPTIONS ]\n"
		"\n"
		"OPTIONS := [ rate RATE ] [ delay TIME ] [ jitter TIME ]\n"
		"           [ loss PERCENT ] [ duplicate PERCENT ]\n"
		"           [ reorder PERCENT ] [ corrupt PERCENT ]\n"
		"RATE    := NUMBER{bit|kbit|mbit|gbit}, kbit without a unit, 0 for no limit\n"
		"TIME    := NUMBER{us|ms|s}, microseconds without a unit\n"
		"PERCENT := 0..100, decimals allowed, '%%' optional\n"
		"\n"
		"OPTIONS shape the frames DEV sends; peer options are ip-link's.\n");
}

static int edunic_bad(const char *what, const char *arg)
{
	fprintf(stderr, "edunic: invalid %s \"%s\"\n", what, arg);
	edunic_print_usage(stderr);
	return -1;
}

/* Parse NUMBER followed by one of @units; store NUMBER * scale. */
struct edunic_unit {
	const char *suffix;
	double scale;
};

static int edunic_parse_scaled(const char *arg, const struct edunic_unit *u,
			       double max, __u32 *out)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || v < 0)
		return -1;
	for (; u->suffix; u++) {
		if (strcmp(end, u->suffix) == 0) {
			v *= u->scale;
			if (v > max)
				return -1;
			*out = (__u32)(v + 0.5);
			return 0;
		}
	}
	return -1;
}

static const struct edunic_unit edunic_rate_units[] = {
	{ "", 1 }, { "bit", 0.001 }, { "kbit", 1 }, { "mbit", 1e3 }, { "gbit", 1e6 },
	{ NULL, 0 }
};

static const struct edunic_unit edunic_time_units[] = {
	{ "", 1 }, { "us", 1 }, { "usec", 1 }, { "ms", 1e3 }, { "msec", 1e3 },
	{ "s", 1e6 }, { "sec", 1e6 }, { NULL, 0 }
};

static const struct edunic_unit edunic_pct_units[] = {
	{ "", 1e4 }, { "%", 1e4 }, { NULL, 0 }
};

struct edunic_opt {
	const char *name;
	int attr;
	const struct edunic_unit *units;
	double max;		/* after scaling; the kernel checks too */
};

static const struct edunic_opt edunic_opts[] = {
	{ "rate",	IFLA_EDUNIC_RATE,	edunic_rate_units,	4294967295.0 },
	{ "delay",	IFLA_EDUNIC_DELAY,	edunic_time_units,	4294967295.0 },
	{ "jitter",	IFLA_EDUNIC_JITTER,	edunic_time_units,	4294967295.0 },
	{ "loss",	IFLA_EDUNIC_LOSS,	edunic_pct_units,	4294967295.0 },
	{ "duplicate",	IFLA_EDUNIC_DUPLICATE,	edunic_pct_units,	4294967295.0 },
	{ "reorder",	IFLA_EDUNIC_REORDER,	edunic_pct_units,	4294967295.0 },
	{ "corrupt",	IFLA_EDUNIC_CORRUPT,	edunic_pct_units,	4294967295.0 },
};

#define EDUNIC_NOPTS	ARRAY_SIZE(edunic_opts)

/* The peer's part, as link_veth.c does it: a nested struct ifinfomsg. */
static int edunic_parse_peer(int argc, char **argv, struct nlmsghdr *n)
{
	struct ifinfomsg *ifm = NLMSG_DATA(n), *peer_ifm;
	unsigned int flags = ifm->ifi_flags, change = ifm->ifi_change;
	int index = ifm->ifi_index;
	struct rtattr *data;
	char *type = NULL;
	int err;

	/* iplink_parse() writes into the main ifinfomsg: borrow it. */
	ifm->ifi_flags = 0;
	ifm->ifi_change = 0;
	ifm->ifi_index = 0;

	data = addattr_nest(n, EDUNIC_REQ_MAX, IFLA_EDUNIC_PEER);
	n->nlmsg_len += sizeof(struct ifinfomsg);

	err = iplink_parse(argc, argv, (struct iplink_req *)n, &type);
	if (err < 0)
		return err;
	if (type)
		duparg("type", argv[err]);

	peer_ifm = RTA_DATA(data);
	peer_ifm->ifi_index = ifm->ifi_index;
	peer_ifm->ifi_flags = ifm->ifi_flags;
	peer_ifm->ifi_change = ifm->ifi_change;
	ifm->ifi_flags = flags;
	ifm->ifi_change = change;
	ifm->ifi_index = index;

	addattr_nest_end(n, data);
	return argc - err;
}

static int edunic_parse_opt(struct link_util *lu, int argc, char **argv,
			    struct nlmsghdr *n)
{
	while (argc > 0) {
		const struct edunic_opt *o = NULL;
		__u32 val;
		size_t i;

		if (strcmp(*argv, "peer") == 0)
			return edunic_parse_peer(argc - 1, argv + 1, n);
		if (strcmp(*argv, "help") == 0) {
			edunic_print_usage(stdout);
			return -1;
		}
		for (i = 0; i < EDUNIC_NOPTS; i++)
			if (strcmp(*argv, edunic_opts[i].name) == 0)
				o = &edunic_opts[i];
		if (!o)
			return edunic_bad("option", *argv);
		if (argc < 2)
			return edunic_bad(o->name, "(missing)");
		if (edunic_parse_scaled(argv[1], o->units, o->max, &val))
			return edunic_bad(o->name, argv[1]);
		addattr32(n, EDUNIC_REQ_MAX, o->attr, val);
		argc -= 2;
		argv += 2;
	}
	return 0;
}

static __u32 edunic_get(struct rtattr *tb[], int attr)
{
	if (!tb[attr] || RTA_PAYLOAD(tb[attr]) < sizeof(__u32))
		return 0;
	return *(__u32 *)RTA_DATA(tb[attr]);
}

static void edunic_print_opt(struct link_util *lu, FILE *f,
			     struct rtattr *tb[])
{
	static const char * const json_keys[] = {
		[IFLA_EDUNIC_RATE] = "rate_kbit",
		[IFLA_EDUNIC_DELAY] = "delay_us",
		[IFLA_EDUNIC_JITTER] = "jitter_us",
		[IFLA_EDUNIC_LOSS] = "loss_ppm",
		[IFLA_EDUNIC_DUPLICATE] = "duplicate_ppm",
		[IFLA_EDUNIC_REORDER] = "reorder_ppm",
		[IFLA_EDUNIC_CORRUPT] = "corrupt_ppm",
	};
	char buf[64];
	size_t i;

	if (!tb)
		return;
	for (i = 0; i < EDUNIC_NOPTS; i++) {
		const struct edunic_opt *o = &edunic_opts[i];
		__u32 v = edunic_get(tb, o->attr);

		if (is_json_context()) {
			print_color_u64(PRINT_JSON, COLOR_NONE, json_keys[o->attr],
					NULL, v);
			continue;
		}
		if (o->units == edunic_rate_units)
			snprintf(buf, sizeof(buf), "%s %ukbit ", o->name, v);
		else if (o->units == edunic_time_units)
			snprintf(buf, sizeof(buf), "%s %uus ", o->name, v);
		else
			snprintf(buf, sizeof(buf), "%s %g%% ", o->name, v / 1e4);
		print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s", buf);
	}
}

static void edunic_print_help(struct link_util *lu, int argc, char **argv,
			      FILE *f)
{
	edunic_print_usage(f);
}

struct link_util edunic_link_util = {
	.id		= "edunic",
	.maxattr	= IFLA_EDUNIC_MAX,
	.parse_opt	= edunic_parse_opt,
	.print_opt	= edunic_print_opt,
	.print_help	= edunic_print_help,
};
