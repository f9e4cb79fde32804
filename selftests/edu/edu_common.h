/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the AF_EDU selftests: finding and loading the modules,
 * reading the address-family number in use, reading /proc/net/edu_stats
 * counters by name, packets for injected segments, and a few
 * network-namespace chores.
 *
 * Everything is static so that each test is a single translation unit.
 */
#ifndef EDU_SELFTEST_COMMON_H
#define EDU_SELFTEST_COMMON_H

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/edu.h>
#include "edu_csum.h"
#include "edu_rand.h"

#define EDU_FAMILY_PARAM	"/sys/module/af_edu/parameters/family"
#define EDU_STATS_FILE		"/proc/net/edu_stats"
#define EDU_PROC_FILE		"/proc/net/edu"

static inline int edu_file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/*
 * Look for a module object in the places a test may be run from: the
 * source tree (cwd = selftests/edu), an installed kselftest tree next to
 * the repository (AF_EDU_TOP), or relative to the test binary itself.
 */
static inline int edu_find_ko(const char *rel, char *out, size_t len)
{
	const char *top = getenv("AF_EDU_TOP");
	char exe[PATH_MAX / 2];
	ssize_t n;

	if (top) {
		snprintf(out, len, "%s/%s", top, rel);
		if (edu_file_exists(out))
			return 0;
	}
	snprintf(out, len, "../../%s", rel);
	if (edu_file_exists(out))
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(out, len, "%s/../../%s", exe, rel);
		if (edu_file_exists(out))
			return 0;
		snprintf(out, len, "%s/../../../%s", exe, rel);
		if (edu_file_exists(out))
			return 0;
	}
	snprintf(out, len, "/work/main/%s", rel);
	if (edu_file_exists(out))
		return 0;
	return -ENOENT;
}

/* Load module @name from @rel unless it is loaded; 0 or -errno. */
static inline int edu_load_module(const char *name, const char *rel)
{
	char sysdir[128], path[PATH_MAX];
	int fd, ret;

	snprintf(sysdir, sizeof(sysdir), "/sys/module/%s", name);
	if (edu_file_exists(sysdir))
		return 0;
	if (edu_find_ko(rel, path, sizeof(path)))
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	if (ret == -EEXIST)
		ret = 0;
	return ret;
}

static inline long edu_read_long(const char *path)
{
	char buf[64];
	long v;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	if (sscanf(buf, "%ld", &v) != 1)
		return -1;
	return v;
}

/* The address family AF_EDU registered as, or -1 when not loaded. */
static inline int edu_family(void)
{
	return (int)edu_read_long(EDU_FAMILY_PARAM);
}

/* Load af_edu if needed; returns the family number or -errno. */
static inline int edu_setup(void)
{
	int ret = edu_load_module("af_edu", "module/edu/af_edu.ko");

	if (ret)
		return ret;
	ret = edu_family();
	return ret > 0 ? ret : -ENOENT;
}

static inline int edunic_setup(void)
{
	return edu_load_module("edunic", "module/edunic/edunic.ko");
}

/*
 * One counter of /proc/net/edu_stats ("Name Value" per line), or -1 when
 * the file or the name is missing. Names are matched case-insensitively
 * so a header line or capitalisation change does not matter.
 */
static inline long long edu_stat(const char *name)
{
	char line[256], key[128];
	long long val, found = -1;
	FILE *f = fopen(EDU_STATS_FILE, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		/* accept "Name Value", "Name: Value" and "Name=Value" */
		for (; *p; p++)
			if (*p == ':' || *p == '=')
				*p = ' ';
		if (sscanf(line, "%127s %lld", key, &val) != 2)
			continue;
		if (!strcasecmp(key, name)) {
			found = val;
			break;
		}
	}
	fclose(f);
	return found;
}

/* A whole snapshot of the counters, for before/after comparisons. */
#define EDU_MAX_STATS 128
struct edu_stats {
	int n;
	char name[EDU_MAX_STATS][64];
	long long val[EDU_MAX_STATS];
};

static inline int edu_stats_read(struct edu_stats *s)
{
	char line[256];
	FILE *f = fopen(EDU_STATS_FILE, "r");

	s->n = 0;
	if (!f)
		return -errno;
	while (s->n < EDU_MAX_STATS && fgets(line, sizeof(line), f)) {
		char *p = line;

		for (; *p; p++)
			if (*p == ':' || *p == '=')
				*p = ' ';
		if (sscanf(line, "%63s %lld", s->name[s->n], &s->val[s->n]) == 2)
			s->n++;
	}
	fclose(f);
	return 0;
}

static inline long long edu_stats_get(const struct edu_stats *s,
				      const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcasecmp(s->name[i], name))
			return s->val[i];
	return -1;
}

/* Sum of the increases of every counter whose name contains @sub. */
static inline long long edu_stats_delta_matching(const struct edu_stats *a,
						 const struct edu_stats *b,
						 const char *sub)
{
	long long sum = 0;
	int i;

	for (i = 0; i < b->n; i++) {
		long long before = edu_stats_get(a, b->name[i]);

		if (strcasestr(b->name[i], sub))
			sum += b->val[i] - (before < 0 ? 0 : before);
	}
	return sum;
}

static inline void edu_stats_print_delta(FILE *out,
					 const struct edu_stats *a,
					 const struct edu_stats *b)
{
	int i;

	for (i = 0; i < b->n; i++) {
		long long before = edu_stats_get(a, b->name[i]);

		if (before < 0)
			before = 0;
		if (b->val[i] != before)
			fprintf(out, "#   %s +%lld\n", b->name[i],
				b->val[i] - before);
	}
}

/*
 * The deterministic byte stream of the transfer tests: xorshift64*, one
 * 64-bit word at a time, so both ends can generate the same bytes.
 */
struct edu_gen {
	uint64_t s;
	uint8_t word[8];
	int used;
};

static inline void edu_gen_init(struct edu_gen *g, uint64_t seed)
{
	g->s = seed ? seed : 0x9e3779b97f4a7c15ULL;
	g->used = 8;
}

static inline void edu_gen_fill(struct edu_gen *g, uint8_t *p, size_t len)
{
	while (len) {
		if (g->used == 8) {
			uint64_t x = edu_rnd_next(&g->s);

			memcpy(g->word, &x, 8);
			g->used = 0;
		}
		*p++ = g->word[g->used++];
		len--;
	}
}

/* Run a shell command built printf-style; returns its exit status. */
static inline int edu_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	if (ret == -1 || !WIFEXITED(ret))
		return -1;
	return WEXITSTATUS(ret);
}

/* Bring "lo" up in the current network namespace. */
static inline int edu_lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!ret) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

/*
 * Give the calling process a private network namespace with "lo" up, so
 * that a test never sees another test's sockets and leaves nothing behind.
 * EDU_TEST_NO_NETNS=1 keeps the current one (to tell a namespace problem
 * in the transport from anything else).
 */
static inline int edu_private_netns(void)
{
	if (getenv("EDU_TEST_NO_NETNS"))
		return 0;
	if (unshare(CLONE_NEWNET))
		return -errno;
	return edu_lo_up();
}

/*
 * The time limits are set for Debian's kernel under emulation. A kernel
 * that is slower by design (KASAN, lockdep, kmemleak: make check-debug)
 * runs with EDU_TIME_FACTOR set, and the limits that measure the kernel's
 * speed rather than a protocol timer are multiplied by it.
 */
static inline int edu_time_factor(void)
{
	const char *s = getenv("EDU_TIME_FACTOR");
	int f = s ? atoi(s) : 1;

	return f > 1 && f <= 100 ? f : 1;
}

/*
 * TEST_HARNESS_MAIN with every test's time-out (TEST_F_TIMEOUT) stretched
 * by edu_time_factor(); for a test that includes kselftest_harness.h.
 */
#define EDU_HARNESS_MAIN \
	static void __attribute__((constructor)) \
	__constructor_order_last(void) \
	{ \
		if (!__constructor_order) \
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	} \
	int main(int argc, char **argv) \
	{ \
		struct __fixture_metadata *f; \
		struct __test_metadata *t; \
		\
		for (f = __fixture_list; f; f = f->next) \
			for (t = f->tests; t; t = t->next) \
				t->timeout *= edu_time_factor(); \
		return test_harness_run(argc, argv); \
	}

static inline double edu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void edu_msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Sockets and TIME_WAIT entries of this namespace: /proc/net/edu lines. */
static inline int edu_proc_entries(void)
{
	char line[512];
	FILE *f = fopen(EDU_PROC_FILE, "r");
	int n = -1;	/* the header line */

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/*
 * State of the socket with local port @lport (and remote port @rport when
 * non-zero) in a /proc/net/tcp-format file, or -1 when not listed.
 */
static inline int edu_proc_state(const char *file, int lport, int rport)
{
	char line[512];
	unsigned int la, lp, ra, rp, st;
	int found = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %x:%x %x:%x %x", &la, &lp, &ra, &rp,
			   &st) != 5)
			continue;
		if ((int)lp == lport && (!rport || (int)rp == rport)) {
			found = st;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * Build an IPv4 packet carrying one segment in @pkt (for a raw socket with
 * IP_HDRINCL; the kernel fills in the IP checksum). The header layout is
 * struct eduhdr; for a SYN without options it is byte-for-byte a TCP
 * header too, so the TCP variants use the same builder with
 * proto = IPPROTO_TCP. Returns the packet length.
 */
/* Injected packets carry this TTL so that a sniffer can tell them apart. */
#define EDU_INJECT_TTL 33

struct edu_seg {
	struct in_addr src, dst;
	uint16_t sport, dport;	/* host order */
	uint32_t seq, ack;	/* host order */
	uint8_t flags;
	uint8_t doff_words;	/* 0 means 5 */
	uint16_t window;	/* host order */
	uint8_t proto;		/* 0 means IPPROTO_EDU */
	bool bad_csum;
	const void *payload;
	size_t plen;
};

static inline size_t edu_build_packet(uint8_t *pkt, const struct edu_seg *s)
{
	struct edu_iphdr *ip = (void *)pkt;
	struct eduhdr *h = (void *)(pkt + 20);
	uint8_t proto = s->proto ? s->proto : IPPROTO_EDU;
	size_t seglen = sizeof(*h) + s->plen;

	memset(pkt, 0, 20 + sizeof(*h));
	ip->ver_ihl = 0x45;
	ip->tot_len = htons(20 + seglen);
	ip->ttl = EDU_INJECT_TTL;
	ip->protocol = proto;
	ip->saddr = s->src.s_addr;
	ip->daddr = s->dst.s_addr;
	h->source = htons(s->sport);
	h->dest = htons(s->dport);
	h->seq = htonl(s->seq);
	h->ack_seq = htonl(s->ack);
	EDU_SET_DOFF(h, s->doff_words ? s->doff_words : 5);
	h->flags = s->flags;
	h->window = htons(s->window);
	if (s->plen)
		memcpy(pkt + 20 + sizeof(*h), s->payload, s->plen);
	h->check = edu_seg_csum(s->src.s_addr, s->dst.s_addr, proto, h, seglen);
	if (s->bad_csum)
		h->check ^= htons(0x5a5a);
	return 20 + seglen;
}

/* A raw IPv4 socket that sends whole packets built above. */
static inline int edu_raw_socket(int proto)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, proto);
	int one = 1;

	if (fd < 0)
		return -1;
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		close(fd);
		return -1;
	}
	return fd;
}

static inline ssize_t edu_raw_send(int fd, const uint8_t *pkt, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET };

	memcpy(&to.sin_addr, pkt + 16, 4);
	return sendto(fd, pkt, len, 0, (void *)&to, sizeof(to));
}

#endif /* EDU_SELFTEST_COMMON_H */
