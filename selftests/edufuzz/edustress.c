// SPDX-License-Identifier: GPL-2.0
/*
 * edustress: the load generators of stress.sh, one per subcommand.
 *
 *   edustress churn [-n CONNS]
 *	In a private namespace, open and close CONNS connections over
 *	127.0.0.1 one after the other (the client closes first every other
 *	time, so TIME_WAIT lands on both sides), one byte each way; then
 *	every connection and TIME_WAIT entry must be gone.
 *   edustress synflood [-d SECONDS] [-c CONNS]
 *	SYNs from spoofed sources through a TUN device, as fast as they can
 *	be written, at a listener that meanwhile must accept CONNS real
 *	connections over 127.0.0.1 and echo on each; the half-open list must
 *	stay within net.edu.max_syn_backlog.
 *   edustress hold [-n CONNS] [-c UNREACHABLE] [-p PORT]
 *	In the current namespace, open CONNS connections to itself and keep
 *	them: some with unread data, some with unsent data queued behind a
 *	closed window; and UNREACHABLE connections to a remote behind a TUN
 *	device that never acknowledges data and vanishes with us. Prints
 *	"held N" and waits to be killed.
 *   edustress cycle [-c CYCLES] -k AF_EDU_KO
 *	Module load/unload cycles while traffic runs: with sockets open the
 *	module must refuse to unload; with all closed it must unload; once
 *	gone socket() fails with EAFNOSUPPORT; then it is loaded again.
 *
 * Each prints TAP-style "#" diagnostics and exits 0 on success, 1 on a
 * failure, 4 when it cannot run (kselftest's SKIP).
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include "edu_common.h"
#include "edu_tun.h"

#define KSFT_SKIP	4

static int family;

static void msg(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static struct sockaddr_in addr(uint32_t host_ip, int port)
{
	struct sockaddr_in a = { .sin_family = family, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(host_ip);
	return a;
}

/* No call may wait for ever: a lost connection is a finding, not a hang. */
static void timeouts(int fd)
{
	struct timeval tv = { 5, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int listener(uint32_t ip, int port, int backlog)
{
	struct sockaddr_in a = addr(ip, port);
	int fd = socket(family, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	timeouts(fd);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (void *)&a, sizeof(a)) || listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait up to @ms for at most @n entries; returns the count left. */
static int wait_entries(int n, int ms)
{
	int left;

	while ((left = edu_proc_entries()) > n && ms > 0) {
		edu_msleep(50);
		ms -= 50;
	}
	return left;
}

static void set_sysctl(const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/edu/%s", name);
	if (edu_write_file(path, val))
		msg("cannot set net.edu.%s", name);
}

/* One connection through listener @l: connect, accept, a byte each way. */
static int one_conn(int l, const struct sockaddr_in *a, bool client_first)
{
	int c = socket(family, SOCK_STREAM, 0), s = -1, ret = -1;
	const char *step = "socket";
	char b = 'x';

	if (c < 0)
		goto out;
	timeouts(c);
	step = "connect";
	if (connect(c, (void *)a, sizeof(*a)))
		goto out;
	step = "accept";
	s = accept(l, NULL, NULL);
	step = "exchange";
	if (s < 0 || send(c, &b, 1, 0) != 1 || recv(s, &b, 1, 0) != 1 ||
	    send(s, &b, 1, 0) != 1 || recv(c, &b, 1, 0) != 1)
		goto out;
	ret = 0;
out:
	if (ret)
		msg("%s: %s", step, strerror(errno));
	if (client_first) {
		close(c);
		if (s >= 0)
			close(s);
	} else {
		if (s >= 0)
			close(s);
		if (c >= 0)
			close(c);
	}
	return ret;
}

static int churn(int n)
{
	int l, i, fails = 0, left;
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	double t0, dt;

	if (edu_private_netns())
		return KSFT_SKIP;
	set_sysctl("msl_ms", "50");
	l = listener(INADDR_LOOPBACK, 0, 64);
	if (l < 0 || getsockname(l, (void *)&a, &len)) {
		msg("listener: %s", strerror(errno));
		return 1;
	}
	t0 = edu_now();
	for (i = 0; i < n; i++) {
		if (one_conn(l, &a, i & 1))
			fails++;
	}
	dt = edu_now() - t0;
	msg("%d connections opened and closed in %.1f s (%.0f/s), %d failed",
	    n, dt, n / dt, fails);
	/* Only the listener may be left once TIME_WAIT (2 * 50 ms) ends. */
	left = wait_entries(1, 10000);
	close(l);
	if (left != 1 || wait_entries(0, 5000)) {
		msg("entries left after the churn: %d", left);
		edu_sh("head -20 %s | sed 's/^/#   /'", EDU_PROC_FILE);
		return 1;
	}
	return fails ? 1 : 0;
}

/* ---- SYN flood --------------------------------------------------------- */

static atomic_bool flood_stop;
static atomic_long flood_sent;
static int tun_fd;

static void *flood(void *arg)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL ^ (uintptr_t)arg;
	struct in_addr local;
	uint8_t pkt[64];
	struct eduhdr *h = (void *)(pkt + 20);

	inet_pton(AF_INET, "192.168.79.1", &local);
	while (!flood_stop) {
		uint32_t src;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		src = htonl(0xc0a84f00u | (2 + (x & 0xff) % 250));
		memset(h, 0, sizeof(*h));
		h->source = htons(1024 + (x >> 8) % 60000);
		h->dest = htons(8080);
		h->seq = htonl((uint32_t)(x >> 32));
		h->flags = EDU_FLAG_SYN;
		h->window = htons(65535);
		EDU_SET_DOFF(h, 5);
		h->check = edu_seg_csum(src, local.s_addr, IPPROTO_EDU, h,
					sizeof(*h));
		edu_ip_header((void *)pkt, src, local.s_addr, IPPROTO_EDU,
			      sizeof(*h), (uint16_t)x);
		if (write(tun_fd, pkt, 20 + sizeof(*h)) > 0)
			atomic_fetch_add(&flood_sent, 1);
	}
	return NULL;
}

/* Our SYN,ACKs to the spoofed sources come out of the TUN device: drop them. */
static void *drain(void *arg)
{
	struct pollfd p = { .fd = tun_fd, .events = POLLIN };
	char buf[2048];

	while (!flood_stop)
		if (poll(&p, 1, 100) > 0)
			while (read(tun_fd, buf, sizeof(buf)) > 0)
				;
	return arg;
}

/* Half-open children of the listener on port 8080 (state 03 in /proc). */
static int half_open(void)
{
	char line[512];
	FILE *f = fopen(EDU_PROC_FILE, "r");
	unsigned int lport, st;
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*d: %*x:%x %*x:%*x %x", &lport, &st) == 2 &&
		    lport == 8080 && st == EDU_SYN_RECV)
			n++;
	fclose(f);
	return n;
}

static int synflood(double secs, int conns)
{
	const int max_backlog = 64;
	struct in_addr local;
	struct sockaddr_in a = addr(INADDR_LOOPBACK, 8080);
	struct edu_stats before, after;
	int l, i, ok = 0, peak = 0, n, flags;
	pthread_t ft[2], dt;
	const char *what;
	double t0, dt_s;
	char val[16];
	long long evicted, cookies;

	inet_pton(AF_INET, "192.168.79.1", &local);
	tun_fd = edu_tun_netns("edustress0", local, 24, &what);
	if (tun_fd < 0) {
		msg("%s: %s", what, strerror(errno));
		return KSFT_SKIP;
	}
	flags = fcntl(tun_fd, F_GETFL);
	fcntl(tun_fd, F_SETFL, flags | O_NONBLOCK);
	snprintf(val, sizeof(val), "%d", max_backlog);
	set_sysctl("max_syn_backlog", val);
	set_sysctl("msl_ms", "100");
	l = listener(INADDR_ANY, 8080, 128);
	if (l < 0) {
		msg("listener: %s", strerror(errno));
		return 1;
	}
	edu_stats_read(&before);
	pthread_create(&dt, NULL, drain, NULL);
	for (i = 0; i < 2; i++)
		pthread_create(&ft[i], NULL, flood, (void *)(uintptr_t)(i + 1));
	edu_msleep(500);	/* the flood is on before the first real one */
	t0 = edu_now();
	for (i = 0; i < conns || edu_now() - t0 < secs; i++) {
		if (!one_conn(l, &a, i & 1))
			ok++;
		n = half_open();
		if (n > peak)
			peak = n;
		if (edu_now() - t0 > 4 * secs)
			break;
	}
	dt_s = edu_now() - t0;
	flood_stop = true;
	pthread_join(ft[0], NULL);
	pthread_join(ft[1], NULL);
	pthread_join(dt, NULL);
	edu_stats_read(&after);
	evicted = edu_stats_get(&after, "DropSynFlood") -
		  edu_stats_get(&before, "DropSynFlood");
	cookies = edu_stats_get(&after, "SynCookiesAccepted") -
		  edu_stats_get(&before, "SynCookiesAccepted");
	msg("%ld spoofed SYNs in %.1f s (%.0f/s); %d of %d real connections made; half-open peak %d (limit %d); %lld evicted, %lld rebuilt from cookies",
	    atomic_load(&flood_sent), dt_s + 0.5,
	    atomic_load(&flood_sent) / (dt_s + 0.5), ok, i, peak, max_backlog,
	    evicted, cookies);
	close(l);
	if (ok != i || ok < conns) {
		msg("FAIL: real connections were lost to the flood");
		return 1;
	}
	/*
	 * The listener is served without a lock (as Linux TCP's): a child
	 * being made on another CPU is in the table before it is counted
	 * against the limit, so one per CPU may show on top of it.
	 */
	if (peak > max_backlog + get_nprocs()) {
		msg("FAIL: half-open list grew past net.edu.max_syn_backlog");
		return 1;
	}
	if (evicted <= 0) {
		msg("FAIL: the flood never filled the half-open list");
		return 1;
	}
	return 0;
}

/* ---- many live connections --------------------------------------------- */

/*
 * The remote end of the connections through the TUN device: it answers
 * SYNs, never acknowledges data, and is gone with this process, so that
 * what the connections had in flight stays unacknowledged for good.
 */
static void *mute_remote(void *arg)
{
	uint8_t buf[2048], pkt[64];
	const struct edu_iphdr *iph = (const void *)buf;
	const struct eduhdr *th = (const void *)(buf + 20);
	struct eduhdr *h = (void *)(pkt + 20);
	ssize_t n;

	while ((n = read(tun_fd, buf, sizeof(buf))) > 0) {
		if (n < 40 || iph->protocol != IPPROTO_EDU ||
		    (th->flags & (EDU_FLAG_SYN | EDU_FLAG_ACK)) != EDU_FLAG_SYN)
			continue;
		memset(h, 0, sizeof(*h));
		h->source = th->dest;
		h->dest = th->source;
		h->seq = htonl(1);
		h->ack_seq = htonl(ntohl(th->seq) + 1);
		h->flags = EDU_FLAG_SYN | EDU_FLAG_ACK;
		h->window = htons(65535);
		EDU_SET_DOFF(h, 5);
		h->check = edu_seg_csum(iph->daddr, iph->saddr, IPPROTO_EDU, h,
					sizeof(*h));
		edu_ip_header((void *)pkt, iph->daddr, iph->saddr, IPPROTO_EDU,
			      sizeof(*h), 1);
		if (write(tun_fd, pkt, 20 + sizeof(*h)) < 0)
			break;
	}
	return arg;
}

/* @m connections to a remote behind a TUN device, data in flight on each. */
static int hold_unreachable(int m)
{
	struct sockaddr_in a = addr(0xc0a85002, 9000);	/* 192.168.80.2 */
	struct pollfd p = { .events = POLLOUT };
	static char junk[4000];
	struct in_addr local;
	const char *what;
	pthread_t t;
	int i, made = 0;

	inet_pton(AF_INET, "192.168.80.1", &local);
	tun_fd = edu_tun_create("eduhold0", local, 24, &what);
	if (tun_fd < 0) {
		msg("%s: %s", what, strerror(errno));
		return 0;
	}
	pthread_create(&t, NULL, mute_remote, NULL);
	for (i = 0; i < m; i++) {
		p.fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (p.fd < 0)
			break;
		a.sin_port = htons(9000 + i % 100);
		if (connect(p.fd, (void *)&a, sizeof(a)) && errno != EINPROGRESS)
			break;
		if (poll(&p, 1, 5000) != 1 || !(p.revents & POLLOUT) ||
		    send(p.fd, junk, sizeof(junk), 0) <= 0)
			continue;
		made++;
	}
	return made;
}

static int hold(int n, int m, int port)
{
	struct rlimit rl = { 4 * n + 64, 4 * n + 64 };
	struct sockaddr_in a = addr(INADDR_LOOPBACK, port);
	static char junk[256 * 1024];
	int l, i, c, s, made = 0, sz = 4096;

	if (setrlimit(RLIMIT_NOFILE, &rl))
		msg("setrlimit: %s", strerror(errno));
	l = listener(INADDR_LOOPBACK, port, 1024);
	if (l < 0) {
		msg("listener: %s", strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		c = socket(family, SOCK_STREAM, 0);
		if (c < 0)
			break;
		/* small buffers: thousands of full windows stay cheap */
		setsockopt(c, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		if (connect(c, (void *)&a, sizeof(a)))
			break;
		s = accept(l, NULL, NULL);
		if (s < 0)
			break;
		switch (i % 4) {
		case 1:		/* unread data on the accepted side */
			send(c, junk, 1000, MSG_DONTWAIT);
			break;
		case 2:		/* unsent data queued behind a full window */
			send(s, junk, sizeof(junk), MSG_DONTWAIT);
			break;
		case 3:		/* half-closed */
			shutdown(c, SHUT_WR);
			break;
		}
		made++;
	}
	if (made < n)
		msg("only %d of %d connections: %s", made, n, strerror(errno));
	i = m ? hold_unreachable(m) : 0;
	if (i < m)
		msg("only %d of %d connections to the unreachable remote", i, m);
	printf("held %d\n", made + i);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

/* ---- module cycles ----------------------------------------------------- */

static atomic_bool traffic_stop;
static atomic_long traffic_conns, refused;

/* Connections to ourselves until told to stop; sockets all closed then. */
static void *traffic(void *arg)
{
	int port = (int)(uintptr_t)arg, l = listener(INADDR_LOOPBACK, port, 16);
	struct sockaddr_in a = addr(INADDR_LOOPBACK, port);

	if (l < 0)
		return NULL;
	while (!traffic_stop)
		if (!one_conn(l, &a, true))
			atomic_fetch_add(&traffic_conns, 1);
	close(l);
	return NULL;
}

static int load(const char *ko)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return r;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "af_edu", O_NONBLOCK) ? errno : 0;
}

static int cycle(int cycles, const char *ko)
{
	int c, i, err, fd, fam_was;
	pthread_t t[2];

	if (edu_private_netns())
		return KSFT_SKIP;
	for (c = 1; c <= cycles; c++) {
		err = edu_file_exists("/sys/module/af_edu") ? 0 : -load(ko);
		if (err) {
			msg("cycle %d: insmod: %s", c, strerror(err));
			return 1;
		}
		family = edu_family();
		set_sysctl("msl_ms", "50");
		traffic_stop = false;
		for (i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, traffic,
				       (void *)(uintptr_t)(7400 + 10 * c + i));
		edu_msleep(300);
		/*
		 * In use: Linux 6.1 refuses with EWOULDBLOCK (what kmod's
		 * rmmod prints as "Module af_edu is in use").
		 */
		err = unload();
		if (err != EWOULDBLOCK && err != EBUSY) {
			msg("cycle %d: unloading during traffic: %s", c,
			    err ? strerror(err) : "succeeded");
			traffic_stop = true;
			return 1;
		}
		traffic_stop = true;
		for (i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		/* All closed: TIME_WAIT entries do not pin the module. */
		for (i = 0; i < 200 && (err = unload()); i++)
			edu_msleep(50);
		if (err) {
			msg("cycle %d: still in use 10 s after the last close: %s, refcnt %ld",
			    c, strerror(err), edu_read_long("/sys/module/af_edu/refcnt"));
			return 1;
		}
		fam_was = family;
		/* each call asks modprobe for net-pf-N first: a few suffice */
		for (i = 0; i < 2; i++) {
			fd = socket(fam_was, SOCK_STREAM, 0);
			if (fd >= 0 || errno != EAFNOSUPPORT) {
				msg("cycle %d: socket() with the module gone: %s", c,
				    fd >= 0 ? "succeeded" : strerror(errno));
				return 1;
			}
			atomic_fetch_add(&refused, 1);
		}
	}
	err = load(ko);
	msg("%d load/unload cycles, %ld connections during them, %ld sockets refused while unloaded",
	    cycles, atomic_load(&traffic_conns), atomic_load(&refused));
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "", *ko = NULL;
	int n = 0, conns = 0, port = 7300, opt;
	double secs = 10;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	optind = 2;
	while ((opt = getopt(argc, argv, "n:c:d:p:k:")) != -1) {
		switch (opt) {
		case 'n':
			n = atoi(optarg);
			break;
		case 'c':
			conns = atoi(optarg);
			break;
		case 'd':
			secs = atof(optarg);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'k':
			ko = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!strcmp(cmd, "cycle")) {
		if (!ko)
			return 2;
		return cycle(conns ? conns : 5, ko);
	}
	family = edu_setup();
	if (family < 0) {
		msg("af_edu not available: %s", strerror(-family));
		return KSFT_SKIP;
	}
	if (!strcmp(cmd, "churn"))
		return churn(n ? n : 10000);
	if (!strcmp(cmd, "synflood"))
		return synflood(secs, conns ? conns : 200);
	if (!strcmp(cmd, "hold"))
		return hold(n ? n : 2000, conns, port);
	fprintf(stderr, "usage: edustress churn|synflood|hold|cycle [options]\n");
	return 2;
}
