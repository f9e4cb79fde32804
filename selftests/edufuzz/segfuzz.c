// SPDX-License-Identifier: GPL-2.0
/*
 * segfuzz: random and mutated segments against AF_EDU, at a high rate, for
 * a bounded time, while a real transfer in the same namespace must stay
 * byte-exact.
 *
 * The test bed is edudrill's (selftests/lib/edu_tun.c): a fresh network
 * namespace with a TUN device standing for a subnet of made-up remote
 * hosts. Under fire:
 *
 *   - a listener on port 8080, whose children the application accepts,
 *     reads, writes and closes;
 *   - connecting sockets towards the remote hosts, some answered with a
 *     SYN,ACK (they become established and exchange data), some left in
 *     SYN-SENT;
 *   - established connections in both directions, fed by the reader
 *     thread, which answers part of what the stack sends.
 *
 * Every segment the stack sends is captured; the fuzzer reflects captured
 * segments back (addresses and ports swapped, SEG.SEQ = their ACK, SEG.ACK
 * = their end), so that most land inside a window, and then mutates
 * them: flags, sequence and acknowledgment numbers, window, data offset,
 * options with bad lengths, payload, truncation, checksum, the IP total
 * length. Fully random segments and SYNs with odd options come on top.
 *
 * Meanwhile edu_xfer (selftests/edu) runs one transfer after another over
 * 127.0.0.1 in the same namespace; each must end byte-exact. At the end
 * every drop reason the fuzzer aims at must have moved in
 * /proc/net/edu_stats, proof that the segments reached the state machine.
 * The kernel log is checked by the VM runner (KASAN, lockdep, UBSAN...).
 *
 *   segfuzz [-d SECONDS] [-s SEED] [-n TRANSFER_BYTES]
 * SECONDS defaults to $EDUFUZZ_SECONDS or 20; the seed is printed.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include "kselftest.h"
#include "edu_common.h"
#include "edu_tun.h"

#define TUN_NAME	"edufuzz0"
#define LOCAL_ADDR	"192.168.78.1"
#define REMOTE_NET	0xc0a84e00u	/* 192.168.78.0/24, host order */
#define LISTEN_PORT	8080
#define XFER_PORT	9000
#define NCONNECT	8
#define NACCEPTED	16
#define CAP_MAX		128
#define PKT_MAX		2048

static int family, tun_fd = -1;
static struct in_addr local_addr;
static atomic_bool stop;

/* ---- captured segments ------------------------------------------------ */

struct cap {
	int len;
	uint8_t data[PKT_MAX];
};

static struct cap caps[CAP_MAX];
static unsigned int ncaps;
static pthread_mutex_t cap_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_long handshakes, captured, injected;
static uint16_t ipid = 1;

static uint32_t remote_host(uint64_t *s)
{
	return htonl(REMOTE_NET | (2 + edu_rnd(s, 250)));
}

/* Write one IPv4 packet into the TUN device: it arrives from the remote. */
static void inject(uint8_t *pkt, int len)
{
	if (write(tun_fd, pkt, len) > 0)
		atomic_fetch_add(&injected, 1);
}

/* Finish a segment at @pkt + 20 of @seglen bytes: checksums, IP header. */
static int finish(uint8_t *pkt, int seglen, bool good_csum)
{
	struct edu_iphdr *iph = (void *)pkt;
	struct eduhdr *h = (void *)(pkt + 20);

	if (seglen >= EDU_HDR_LEN) {
		h->check = 0;
		h->check = edu_seg_csum(iph->saddr, iph->daddr, IPPROTO_EDU,
					h, seglen);
		if (!good_csum)
			h->check ^= htons(0x0101);
	}
	edu_ip_header(iph, iph->saddr, iph->daddr, IPPROTO_EDU, seglen,
		      ipid++);
	return 20 + seglen;
}

/* A segment header from the remote @saddr:@sport to us:@dport. */
static struct eduhdr *seg_start(uint8_t *pkt, uint32_t saddr, uint16_t sport,
				uint16_t dport, uint32_t seq, uint32_t ack,
				uint8_t flags)
{
	struct edu_iphdr *iph = (void *)pkt;
	struct eduhdr *h = (void *)(pkt + 20);

	memset(pkt, 0, 20 + EDU_HDR_LEN);
	iph->saddr = saddr;
	iph->daddr = local_addr.s_addr;
	h->source = sport;
	h->dest = dport;
	h->seq = htonl(seq);
	h->ack_seq = htonl(ack);
	h->flags = flags;
	h->window = htons(65535);
	EDU_SET_DOFF(h, 5);
	return h;
}

/* MSS and window-scale options on a SYN: 8 bytes. */
static int syn_options(uint8_t *o)
{
	o[0] = EDU_OPT_MSS;
	o[1] = EDU_OPTLEN_MSS;
	o[2] = 1400 >> 8;
	o[3] = 1400 & 0xff;
	o[4] = EDU_OPT_NOP;
	o[5] = EDU_OPT_WSCALE;
	o[6] = EDU_OPTLEN_WSCALE;
	o[7] = 7;
	return 8;
}

/*
 * Answer what a correct remote would, for part of what the stack sends:
 * a SYN,ACK to half of the active opens, the ACK that completes most
 * passive ones, and an ACK for data now and then. The rest is left to
 * the fuzzer or to the stack's timers.
 */
static void answer(const uint8_t *p, int len, uint64_t *s)
{
	const struct edu_iphdr *iph = (const void *)p;
	const struct eduhdr *th = (const void *)(p + 20);
	int seglen = len - 20 - EDU_DOFF(th) * 4;
	uint32_t seq = ntohl(th->seq), ack = ntohl(th->ack_seq);
	uint8_t pkt[PKT_MAX];
	struct eduhdr *h;

	if (th->flags & EDU_FLAG_RST)
		return;
	if ((th->flags & (EDU_FLAG_SYN | EDU_FLAG_ACK)) == EDU_FLAG_SYN) {
		if (ntohs(th->dest) & 1)
			return;		/* stays in SYN-SENT */
		h = seg_start(pkt, iph->daddr, th->dest, th->source,
			      (uint32_t)edu_rnd_next(s), seq + 1,
			      EDU_FLAG_SYN | EDU_FLAG_ACK);
		EDU_SET_DOFF(h, 7);
		syn_options((uint8_t *)(h + 1));
		inject(pkt, finish(pkt, EDU_HDR_LEN + 8, true));
		atomic_fetch_add(&handshakes, 1);
		return;
	}
	if ((th->flags & (EDU_FLAG_SYN | EDU_FLAG_ACK)) ==
	    (EDU_FLAG_SYN | EDU_FLAG_ACK)) {
		if (edu_rnd(s, 8) == 0)
			return;		/* stays half-open */
		h = seg_start(pkt, iph->daddr, th->dest, th->source, ack,
			      seq + 1, EDU_FLAG_ACK);
		inject(pkt, finish(pkt, EDU_HDR_LEN, true));
		atomic_fetch_add(&handshakes, 1);
		return;
	}
	if ((seglen > 0 || (th->flags & EDU_FLAG_FIN)) && edu_rnd(s, 2) == 0) {
		h = seg_start(pkt, iph->daddr, th->dest, th->source, ack,
			      seq + seglen + !!(th->flags & EDU_FLAG_FIN),
			      EDU_FLAG_ACK | (edu_rnd(s, 16) ? 0 : EDU_FLAG_FIN));
		inject(pkt, finish(pkt, EDU_HDR_LEN, true));
	}
}

/* The TUN reader: keep a window of captured segments and answer some. */
static void *reader(void *arg)
{
	struct pollfd pfd = { .fd = tun_fd, .events = POLLIN };
	uint64_t s = *(uint64_t *)arg;
	uint8_t buf[PKT_MAX];

	while (!stop) {
		const struct edu_iphdr *iph = (const void *)buf;
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(tun_fd, buf, sizeof(buf));
		if (n < 20 + EDU_HDR_LEN || (buf[0] >> 4) != 4 ||
		    (buf[0] & 15) != 5 || iph->protocol != IPPROTO_EDU ||
		    EDU_DOFF((struct eduhdr *)(buf + 20)) * 4 > n - 20)
			continue;
		atomic_fetch_add(&captured, 1);
		pthread_mutex_lock(&cap_lock);
		memcpy(caps[ncaps % CAP_MAX].data, buf, n);
		caps[ncaps % CAP_MAX].len = n;
		ncaps++;
		pthread_mutex_unlock(&cap_lock);
		answer(buf, n, &s);
	}
	return NULL;
}

/* ---- the fuzzer ------------------------------------------------------- */

/* Options of random kinds with lengths right, wrong, zero or too long. */
static int bad_options(uint8_t *o, int room, uint64_t *s)
{
	int n = 0;

	while (n < room) {
		int kind = edu_rnd(s, 6), left = room - n;

		o[n] = kind < 4 ? (uint32_t)kind : edu_rnd(s, 256);
		if (kind == EDU_OPT_NOP || left == 1) {
			n++;
			continue;
		}
		o[n + 1] = edu_rnd(s, 3) ? edu_rnd(s, 6) : edu_rnd(s, 256);
		n += 2;
		while (n < room && edu_rnd(s, 3))
			o[n++] = edu_rnd(s, 256);
	}
	return room;
}

/*
 * Reflect a captured segment: what the remote would plausibly send next
 * on that connection. Returns the segment length, 0 if none captured.
 */
static int reflect(uint8_t *pkt, uint64_t *s)
{
	uint8_t cap[PKT_MAX];
	const struct edu_iphdr *ciph = (const void *)cap;
	const struct eduhdr *cth = (const void *)(cap + 20);
	struct eduhdr *h;
	unsigned int idx;
	uint32_t end;
	int len, plen;

	pthread_mutex_lock(&cap_lock);
	if (!ncaps) {
		pthread_mutex_unlock(&cap_lock);
		return 0;
	}
	/* mostly the latest segments: those connections are still alive */
	idx = (ncaps - 1 - edu_rnd(s, edu_rnd(s, 4) ? 16u : CAP_MAX)) % CAP_MAX;
	if (idx >= ncaps)
		idx = ncaps - 1;
	len = caps[idx].len;
	memcpy(cap, caps[idx].data, len);
	pthread_mutex_unlock(&cap_lock);
	if (len > PKT_MAX)
		len = PKT_MAX;
	plen = len - 20 - EDU_DOFF(cth) * 4;
	if (plen < 0)
		plen = 0;
	end = ntohl(cth->seq) + plen + !!(cth->flags & EDU_FLAG_SYN) +
	      !!(cth->flags & EDU_FLAG_FIN);
	h = seg_start(pkt, ciph->daddr, cth->dest, cth->source,
		      ntohl(cth->ack_seq), end, EDU_FLAG_ACK);
	/* Carry data back half of the time: it is the remote's now. */
	plen = edu_rnd(s, 2) ? 0 : edu_rnd(s, 1200);
	memset(h + 1, 'a' + edu_rnd(s, 26), plen);
	return EDU_HDR_LEN + plen;
}

/* Apply 1 to 3 mutations; returns the new length, *good_csum set. */
static int mutate(uint8_t *pkt, int seglen, bool *good_csum, uint64_t *s)
{
	struct edu_iphdr *iph = (void *)pkt;
	struct eduhdr *h = (void *)(pkt + 20);
	int rounds = 1 + edu_rnd(s, 3), room;

	*good_csum = edu_rnd(s, 10) != 0;
	while (rounds--) {
		switch (edu_rnd(s, 13)) {
		case 0:		/* any flag combination, SYN|FIN and SYN|RST too */
			h->flags = edu_rnd(s, 32);
			break;
		case 1:		/* SEG.SEQ just around, or far from, the window */
			h->seq = htonl(ntohl(h->seq) + (edu_rnd(s, 4) ?
				       (uint32_t)((int32_t)edu_rnd(s, 6001) - 3000) :
				       (uint32_t)edu_rnd_next(s)));
			break;
		case 2:		/* SEG.ACK: old, unsent, or anywhere */
			h->ack_seq = htonl(ntohl(h->ack_seq) + (edu_rnd(s, 4) ?
					   (uint32_t)((int32_t)edu_rnd(s, 6001) - 3000) :
					   (uint32_t)edu_rnd_next(s)));
			break;
		case 3:
			h->window = htons(edu_rnd(s, 3) ? edu_rnd(s, 65536) : 0);
			break;
		case 4:		/* data offset below 5, or past the end */
			EDU_SET_DOFF(h, edu_rnd(s, 16));
			break;
		case 5:		/* a SYN with options of bad lengths */
			room = 4 * (1 + edu_rnd(s, 10));
			memmove((uint8_t *)(h + 1) + room, h + 1,
				seglen - EDU_HDR_LEN);
			bad_options((uint8_t *)(h + 1), room, s);
			EDU_SET_DOFF(h, 5 + room / 4);
			h->flags |= EDU_FLAG_SYN;
			if (edu_rnd(s, 2))
				h->flags &= ~EDU_FLAG_ACK;
			seglen += room;
			break;
		case 6:		/* payload of any length */
			seglen = EDU_DOFF(h) * 4 + edu_rnd(s, 1400);
			if (seglen < EDU_HDR_LEN)
				seglen = EDU_HDR_LEN;
			break;
		case 7:		/* truncated, header included */
			seglen = edu_rnd(s, seglen);
			break;
		case 8:
			*good_csum = false;
			break;
		case 9:
			h->flags &= ~EDU_FLAG_ACK;
			break;
		case 10:
			h->flags |= EDU_FLAG_RST;
			break;
		case 11:
			h->flags |= EDU_FLAG_FIN;
			break;
		case 12:	/* another (unknown) port on either side */
			if (edu_rnd(s, 2))
				h->dest = htons(edu_rnd(s, 65536));
			else
				h->source = htons(edu_rnd(s, 65536));
			break;
		}
	}
	(void)iph;
	return seglen;
}

/* One injection; the kinds are weighted so that all of them come often. */
static void fuzz_one(uint64_t *s)
{
	uint8_t pkt[PKT_MAX + 64];
	struct edu_iphdr *iph = (void *)pkt;
	struct eduhdr *h;
	bool good = true;
	int seglen, len, kind = edu_rnd(s, 20);

	memset(pkt, 0, sizeof(pkt));

	if (kind < 3) {
		/* a SYN for the listener, with options right or wrong */
		h = seg_start(pkt, remote_host(s), htons(1024 + edu_rnd(s, 60000)),
			      htons(LISTEN_PORT), (uint32_t)edu_rnd_next(s), 0,
			      EDU_FLAG_SYN);
		if (edu_rnd(s, 2)) {
			EDU_SET_DOFF(h, 7);
			syn_options((uint8_t *)(h + 1));
		} else {
			EDU_SET_DOFF(h, 5 + edu_rnd(s, 11));
			bad_options((uint8_t *)(h + 1), EDU_DOFF(h) * 4 - 20, s);
		}
		seglen = EDU_DOFF(h) * 4;
	} else if (kind < 15) {
		/* a captured segment, reflected, usually mutated */
		seglen = reflect(pkt, s);
		if (!seglen)
			return;
		if (kind > 4)
			seglen = mutate(pkt, seglen, &good, s);
	} else if (kind < 18) {
		/* anything at all, to our ports or others */
		h = seg_start(pkt, remote_host(s), htons(edu_rnd(s, 65536)),
			      htons(edu_rnd(s, 2) ? LISTEN_PORT : edu_rnd(s, 65536)),
			      (uint32_t)edu_rnd_next(s), (uint32_t)edu_rnd_next(s),
			      edu_rnd(s, 32));
		seglen = edu_rnd(s, 80);
		for (len = EDU_HDR_LEN - 8; len < seglen; len++)
			pkt[20 + len] = edu_rnd(s, 256);
		good = edu_rnd(s, 4) != 0;
	} else {
		/* IP-level oddities around a reflected segment */
		seglen = reflect(pkt, s);
		if (!seglen)
			return;
		seglen = mutate(pkt, seglen, &good, s);
		len = finish(pkt, seglen, good);
		switch (edu_rnd(s, 3)) {
		case 0:	/* total length shorter than the packet: IP trims */
			iph->tot_len = htons(20 + edu_rnd(s, seglen + 1));
			break;
		case 1:	/* to the subnet's broadcast address */
			iph->daddr = htonl(REMOTE_NET | 255);
			break;
		case 2:	/* total length longer than the packet: IP drops */
			iph->tot_len = htons(len + 1 + edu_rnd(s, 100));
			break;
		}
		iph->check = 0;
		iph->check = htons(edu_csum_fold(edu_csum_add(0, iph, 20)));
		inject(pkt, len);
		return;
	}
	inject(pkt, finish(pkt, seglen, good));
}

/* ---- the applications under fire --------------------------------------- */

static void app_io(int fd, uint64_t *s)
{
	char buf[4096];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	if (edu_rnd(s, 4) == 0)
		send(fd, buf, 1 + edu_rnd(s, sizeof(buf)), MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Listener, accepted children, connecting sockets: open, use, close. */
static void *app(void *arg)
{
	struct sockaddr_in a = { .sin_family = family };
	int conn[NCONNECT], acc[NACCEPTED], l, fd, i, one = 1;
	uint64_t s = *(uint64_t *)arg;

	for (i = 0; i < NCONNECT; i++)
		conn[i] = -1;
	for (i = 0; i < NACCEPTED; i++)
		acc[i] = -1;
	l = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	a.sin_port = htons(LISTEN_PORT);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 8)) {
		ksft_print_msg("listener: %s\n", strerror(errno));
		return NULL;
	}
	while (!stop) {
		fd = accept4(l, NULL, NULL, SOCK_NONBLOCK);
		if (fd >= 0) {
			i = edu_rnd(&s, NACCEPTED);
			if (acc[i] >= 0)
				close(acc[i]);
			acc[i] = fd;
		}
		i = edu_rnd(&s, NCONNECT);
		if (conn[i] < 0 || edu_rnd(&s, 8) == 0) {
			if (conn[i] >= 0) {
				if (edu_rnd(&s, 2))
					shutdown(conn[i], SHUT_WR);
				close(conn[i]);
			}
			conn[i] = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
			a.sin_addr.s_addr = remote_host(&s);
			a.sin_port = htons(7000 + edu_rnd(&s, 16));
			connect(conn[i], (void *)&a, sizeof(a));
		}
		for (i = 0; i < NCONNECT; i++)
			if (conn[i] >= 0)
				app_io(conn[i], &s);
		for (i = 0; i < NACCEPTED; i++)
			if (acc[i] >= 0)
				app_io(acc[i], &s);
		i = edu_rnd(&s, NACCEPTED);
		if (acc[i] >= 0 && edu_rnd(&s, 4) == 0) {
			close(acc[i]);
			acc[i] = -1;
		}
		edu_msleep(2);
	}
	for (i = 0; i < NCONNECT; i++)
		if (conn[i] >= 0)
			close(conn[i]);
	for (i = 0; i < NACCEPTED; i++)
		if (acc[i] >= 0)
			close(acc[i]);
	close(l);
	return NULL;
}

/* ---- the transfer that must stay byte-exact ---------------------------- */

static char xfer_path[PATH_MAX];
static long long xfer_bytes = 1 << 20;
static int xfers_ok, xfers_bad;

static pid_t spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);	/* its result lines are not TAP */
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int reap(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void *transfers(void *arg)
{
	uint64_t s = *(uint64_t *)arg;
	char port[16], bytes[32], seed[32];
	int k = 0;

	snprintf(bytes, sizeof(bytes), "%lld", xfer_bytes);
	while (!stop) {
		char *srv[] = { xfer_path, "-l", "-a", "127.0.0.1", "-p", port,
				"-n", bytes, "-S", seed, "-t", "120", NULL };
		char *cli[] = { xfer_path, "-c", "127.0.0.1", "-p", port,
				"-n", bytes, "-S", seed, "-t", "120", NULL };
		int rs, rc;
		pid_t sp, cp;

		snprintf(port, sizeof(port), "%d", XFER_PORT + k++ % 100);
		snprintf(seed, sizeof(seed), "%llu",
			 (unsigned long long)edu_rnd_next(&s) | 1);
		sp = spawn(srv);
		cp = spawn(cli);
		rc = reap(cp);
		rs = reap(sp);
		if (rc || rs) {
			ksft_print_msg("transfer %d on port %s: client status %d, server status %d\n",
				       k, port, rc, rs);
			xfers_bad++;
		} else {
			xfers_ok++;
		}
	}
	return NULL;
}

/* ---- main -------------------------------------------------------------- */

/* The drop reasons the injected segments must reach (edu_netns.c names). */
static const char *const aimed[] = {
	"DropShort", "DropBadDataOffset", "DropBadChecksum", "DropBadFlags",
	"DropNoSocket", "DropOutOfWindow", "DropNoAck", "DropAckUnsent",
	"DropRstInvalid", "DropDuplicate", "DropWrongState",
};

int main(int argc, char **argv)
{
	const char *env = getenv("EDUFUZZ_SECONDS"), *what;
	double secs = env ? atof(env) : 20, t0, t;
	uint64_t seed = 0, s_reader, s_app, s_xfer, s;
	struct edu_stats before, after;
	pthread_t rt, at, xt;
	char *slash;
	int opt, i;

	while ((opt = getopt(argc, argv, "d:s:n:")) != -1) {
		switch (opt) {
		case 'd':
			secs = atof(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			xfer_bytes = strtoll(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: segfuzz [-d SECONDS] [-s SEED] [-n BYTES]\n");
			return KSFT_FAIL;
		}
	}
	if (!seed)
		seed = edu_rnd_seed();
	s = seed;
	s_reader = edu_rnd_next(&s) | 1;
	s_app = edu_rnd_next(&s) | 1;
	s_xfer = edu_rnd_next(&s) | 1;

	ksft_print_header();
	ksft_set_plan(2 + ARRAY_SIZE(aimed));
	if (geteuid())
		ksft_exit_skip("needs root (network namespace, TUN)\n");
	family = edu_setup();
	if (family < 0)
		ksft_exit_skip("af_edu not available: %s\n", strerror(-family));
	if (readlink("/proc/self/exe", xfer_path, sizeof(xfer_path) - 32) < 0)
		ksft_exit_fail_msg("readlink /proc/self/exe: %s\n", strerror(errno));
	slash = strrchr(xfer_path, '/');
	strcpy(slash ? slash + 1 : xfer_path, "../edu/edu_xfer");
	if (access(xfer_path, X_OK))
		ksft_exit_skip("%s is not built\n", xfer_path);
	inet_pton(AF_INET, LOCAL_ADDR, &local_addr);
	tun_fd = edu_tun_netns(TUN_NAME, local_addr, 24, &what);
	if (tun_fd < 0)
		ksft_exit_skip("%s: %s\n", what, strerror(errno));
	/*
	 * Short TIME_WAIT and retries: the fuzzer opens many connections.
	 * Its made-up hosts vanish with it and leave orphans probing zero
	 * windows nobody will open: at the default orphan_retries (8) the
	 * probes back off to the 120 s RTO ceiling and the last one gives
	 * up some 9 minutes later, holding the namespace and the module.
	 */
	edu_write_file("/proc/sys/net/edu/msl_ms", "200");
	edu_write_file("/proc/sys/net/edu/retries", "3");
	edu_write_file("/proc/sys/net/edu/orphan_retries", "2");
	edu_write_file("/proc/sys/net/edu/syn_retries", "2");
	edu_write_file("/proc/sys/net/edu/max_syn_backlog", "32");
	signal(SIGPIPE, SIG_IGN);
	ksft_print_msg("seed %llu, %.0f s, transfers of %lld bytes\n",
		       (unsigned long long)seed, secs, xfer_bytes);

	edu_stats_read(&before);
	pthread_create(&rt, NULL, reader, &s_reader);
	pthread_create(&at, NULL, app, &s_app);
	pthread_create(&xt, NULL, transfers, &s_xfer);
	t0 = edu_now();
	do {
		for (i = 0; i < 64; i++)
			fuzz_one(&s);
		t = edu_now() - t0;
	} while (t < secs);
	stop = true;
	pthread_join(at, NULL);
	pthread_join(xt, NULL);
	pthread_join(rt, NULL);
	edu_stats_read(&after);

	ksft_print_msg("%ld segments injected in %.1f s (%.0f/s), %ld captured, %ld handshakes answered\n",
		       atomic_load(&injected), t, atomic_load(&injected) / t,
		       atomic_load(&captured), atomic_load(&handshakes));
	ksft_print_msg("counters that moved:\n");
	edu_stats_print_delta(stdout, &before, &after);
	ksft_test_result(atomic_load(&injected) > 0 && atomic_load(&captured) > 0,
			 "segments_injected %ld\n", atomic_load(&injected));
	ksft_test_result(xfers_ok > 0 && !xfers_bad,
			 "transfers_byte_exact %d of %lld bytes (%d failed)\n",
			 xfers_ok, xfer_bytes, xfers_bad);
	for (i = 0; i < (int)ARRAY_SIZE(aimed); i++) {
		long long d = edu_stats_get(&after, aimed[i]) -
			      edu_stats_get(&before, aimed[i]);

		ksft_test_result(d > 0, "drop_reason_%s +%lld\n", aimed[i], d);
	}
	ksft_finished();
}
