/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an iproute2 6.1 link plugin needs from the ip binary that loads it:
 * the struct link_util layout of ip/ip_common.h, and the helpers ip
 * exports (see `nm -D /sbin/ip`). Declared here because Debian ships no
 * iproute2 development headers.
 */
#ifndef _IP_PLUGIN_H
#define _IP_PLUGIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* The layout of struct link_util in iproute2 6.1's ip/ip_common.h. */
struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	void (*print_xstats)(struct link_util *lu, FILE *f,
			     struct rtattr *xstats);
	void (*print_help)(struct link_util *lu, int argc, char **argv,
			   FILE *f);
	int (*parse_ifla_xstats)(struct link_util *lu, int argc, char **argv);
	int (*print_ifla_xstats)(struct nlmsghdr *n, void *arg);
};

/* From the ip binary (see `nm -D /sbin/ip`). */
struct iplink_req;
int iplink_parse(int argc, char **argv, struct iplink_req *req, char **type);
int addattr32(struct nlmsghdr *n, int maxlen, int type, __u32 data);
struct rtattr *addattr_nest(struct nlmsghdr *n, int maxlen, int type);
int addattr_nest_end(struct nlmsghdr *n, struct rtattr *nest);
void duparg(const char *key, const char *arg);
bool is_json_context(void);
void print_color_u64(int type, int color, const char *key, const char *fmt,
		     uint64_t value);
void print_color_string(int type, int color, const char *key,
			const char *fmt, const char *value);

#define PRINT_FP	1	/* enum output_type */
#define PRINT_JSON	2
#define COLOR_NONE	6	/* enum color_attr */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* _IP_PLUGIN_H */
