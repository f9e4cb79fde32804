// SPDX-License-Identifier: GPL-2.0
/*
 * edu-perf: one benchmark for AF_EDU and for kernel TCP, so that both are
 * measured by the same code. A server and a client; the client names the
 * workload in a small hello message.
 *
 *   edu-perf server [-f edu|tcp] [-p PORT]
 *   edu-perf client -H ADDR [-f edu|tcp] [-p PORT] [-m MODE] [-t SECS]
 *                   [-s SIZE] [-P FLOWS] [-n CONNS] [-C ALGO] [-j]
 *
 * MODE: stream (bulk, SIZE-byte writes, FLOWS in parallel; Mbit/s as
 *               the receivers saw it during the SECS the client sent,
 *               summed over the flows, as iperf3 reports it),
 *       rr     (SIZE-byte request and response; transactions/s, p50/p99 us),
 *       crr    (connect, SIZE-byte request/response, close; connections/s),
 *       idle   (open CONNS connections and hold them; kernel memory per
 *               connection from /proc/meminfo Slab, both ends counted).
 * Every mode also reports system CPU time per GB moved, from /proc/stat.
 * -C names the congestion control of the client's sockets (EDU_CONGESTION
 * or TCP_CONGESTION); with -j, a stream reports each flow's Mbit/s too:
 * flow_mbit, all its bytes over the whole run, and acked_mbit, what the
 * peer had acknowledged when its SECS were over (SIOCOUTQ), over those
 * SECS. Only acked_mbit compares flows fairly: the whole run includes
 * the draining of each flow's send buffer after SECS, alone on the link
 * once the other flow has finished.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/edu.h>
#include <linux/sockios.h>

#define HELLO_MAGIC	0x45445550u	/* "EDUP" */
#define BUF_SIZE	(128 * 1024)

enum mode { M_STREAM = 1, M_RR, M_CRR, M_IDLE };

struct hello {
	uint32_t magic;
	uint32_t mode;
	uint32_t size;
	uint32_t msecs;		/* stream: how long the client sends */
};

/*
 * What the receiver of a stream saw. Throughput is measured as iperf3
 * measures it (sum_received): the bytes the receiver read from the start
 * of the test (the hello) until the sender's clock stopped, over that
 * time. The bytes still queued in the buffers then are read but do not
 * count, nor does the time to drain them or to connect.
 */
struct stream_result {
	uint64_t bytes;		/* read within the test's time */
	uint64_t rx_ns;		/* that time, at the receiver */
	uint64_t total;		/* read until the end of the stream */
};

static int use_edu = 1;
static int port = 5301;
static const char *host = "127.0.0.1";
static int mode = M_STREAM;
static double secs = 5;
static int size = BUF_SIZE;
static int flows = 1;
static int nconns = 1000;
static int json;
static const char *cong;

static void __attribute__((noreturn)) die(const char *what)
{
	perror(what);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * For the checks made on every read and write of a stream: the coarse
 * clock (a tick's resolution) is read without touching the clock source,
 * which in an emulated guest (HPET) costs a trap each time.
 */
static double now_coarse(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int family(void)
{
	FILE *f;
	int fam = AF_EDU;

	if (!use_edu)
		return AF_INET;
	f = fopen("/sys/module/af_edu/parameters/family", "r");
	if (f) {
		if (fscanf(f, "%d", &fam) != 1)
			fam = AF_EDU;
		fclose(f);
	}
	return fam;
}

/* sockaddr_edu and sockaddr_in share a layout: only the family differs. */
static socklen_t make_addr(struct sockaddr_in *sa, const char *addr)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = family();
	sa->sin_port = htons(port);
	if (addr && inet_pton(AF_INET, addr, &sa->sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", addr);
		exit(2);
	}
	return sizeof(*sa);
}

static void set_nodelay(int fd)
{
	int one = 1;

	if (use_edu)
		setsockopt(fd, SOL_EDU, EDU_NODELAY, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	size_t put = 0;
	ssize_t n;

	while (put < len) {
		n = send(fd, (const char *)buf + put, len - put, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		put += n;
	}
	return 0;
}

/*
 * ---- server: one epoll thread reads every new connection's hello and
 * serves the idle ones; a busy connection gets a thread of its own. The
 * accept loop never waits for a hello, so a connection whose hello is
 * lost and resent does not hold up the ones behind it ----
 */

static int conn_epfd;

/* What the epoll thread knows of a connection, by descriptor. */
struct conn_state {
	struct hello h;
	uint32_t got;		/* bytes of the hello read so far */
	uint32_t idle;		/* the hello said M_IDLE */
};

static struct conn_state *conns;
static int max_fds;
static pthread_attr_t conn_attr;	/* detached, small stacks */

struct busy_conn {
	int fd;
	struct hello h;
	double t_hello;
};

static void *serve_conn(void *arg)
{
	struct busy_conn *bc = arg;
	char *buf = malloc(BUF_SIZE);
	struct stream_result res = { 0, 0, 0 };
	double end = bc->t_hello + bc->h.msecs / 1e3, t = 0;
	int fd = bc->fd;
	ssize_t n;

	if (!buf)
		goto out;
	switch (bc->h.mode) {
	case M_STREAM:
		while ((n = read(fd, buf, BUF_SIZE)) > 0) {
			res.total += n;
			if (t >= end)
				continue;
			t = now_coarse();
			if (t < end)
				res.bytes += n;
		}
		/* Over the test's time, or less if the stream ended sooner. */
		res.rx_ns = ((t < end ? now() : end) - bc->t_hello) * 1e9;
		write_full(fd, &res, sizeof(res));
		break;
	case M_RR:
	case M_CRR:
		if (bc->h.size > BUF_SIZE)
			break;
		set_nodelay(fd);
		while (!read_full(fd, buf, bc->h.size))
			if (write_full(fd, buf, bc->h.size))
				break;
		break;
	}
out:
	free(buf);
	free(bc);
	close(fd);
	return NULL;
}

static void conn_close(int fd)
{
	epoll_ctl(conn_epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(&conns[fd], 0, sizeof(conns[fd]));
	close(fd);
}

/* Readable: more of the hello, or an idle connection's byte to echo. */
static void conn_event(int fd)
{
	struct conn_state *cs = &conns[fd];
	struct busy_conn *bc;
	pthread_t t;
	ssize_t n;
	char c;

	if (cs->idle) {
		/* Echo the byte (the client checks each connection works). */
		n = recv(fd, &c, 1, MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0 || write(fd, &c, 1) != 1)
			conn_close(fd);
		return;
	}
	n = recv(fd, (char *)&cs->h + cs->got, sizeof(cs->h) - cs->got,
		 MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		conn_close(fd);
		return;
	}
	cs->got += n;
	if (cs->got < sizeof(cs->h))
		return;
	if (cs->h.magic != HELLO_MAGIC) {
		conn_close(fd);
		return;
	}
	if (cs->h.mode == M_IDLE) {
		cs->idle = 1;
		return;
	}
	epoll_ctl(conn_epfd, EPOLL_CTL_DEL, fd, NULL);
	bc = malloc(sizeof(*bc));
	if (!bc) {
		conn_close(fd);
		return;
	}
	bc->fd = fd;
	bc->h = cs->h;
	bc->t_hello = now();
	memset(cs, 0, sizeof(*cs));
	if (pthread_create(&t, &conn_attr, serve_conn, bc)) {
		free(bc);
		close(fd);
	}
}

static void *serve_events(void *arg)
{
	struct epoll_event ev[64];
	int n, i;

	(void)arg;
	for (;;) {
		n = epoll_wait(conn_epfd, ev, 64, -1);
		for (i = 0; i < n; i++)
			conn_event(ev[i].data.fd);
	}
	return NULL;
}

static int server(void)
{
	struct sockaddr_in sa;
	socklen_t len = make_addr(&sa, NULL);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	struct rlimit rl;
	int one = 1, lfd, fd;
	pthread_t t;

	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit");
	max_fds = rl.rlim_cur;
	conns = calloc(max_fds, sizeof(*conns));
	if (!conns)
		die("calloc");
	lfd = socket(family(), SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, len) || listen(lfd, 4096))
		die("bind/listen");
	conn_epfd = epoll_create1(0);
	if (conn_epfd < 0)
		die("epoll_create1");
	pthread_attr_init(&conn_attr);
	pthread_attr_setdetachstate(&conn_attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&conn_attr, 256 * 1024);
	if (pthread_create(&t, &conn_attr, serve_events, NULL))
		die("pthread_create");
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE)
				continue;
			die("accept");
		}
		if (fd >= max_fds) {
			close(fd);
			continue;
		}
		ev.data.fd = fd;
		if (epoll_ctl(conn_epfd, EPOLL_CTL_ADD, fd, &ev))
			close(fd);
	}
	return 0;
}

/* ---- client ---- */

static void set_congestion(int fd);

/*
 * Connect and send the hello; -errno on failure. The server may still be
 * starting: a refused connect is retried for 10 s.
 */
static int try_dial(int m, int sz)
{
	struct hello h = { HELLO_MAGIC, m, sz, secs * 1e3 };
	struct sockaddr_in sa;
	socklen_t len = make_addr(&sa, host);
	int fd, tries, err;

	for (tries = 0;; tries++) {
		fd = socket(family(), SOCK_STREAM, 0);
		if (fd < 0)
			return -errno;
		set_congestion(fd);
		if (!connect(fd, (struct sockaddr *)&sa, len))
			break;
		err = errno;
		close(fd);
		if (err != ECONNREFUSED || tries == 100)
			return -err;
		usleep(100000);
	}
	if (m != M_STREAM)
		set_nodelay(fd);
	if (write_full(fd, &h, sizeof(h))) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static int dial(int m, int sz)
{
	int fd = try_dial(m, sz);

	if (fd < 0) {
		errno = -fd;
		die("connect");
	}
	return fd;
}

/* -C: the same algorithm name for AF_EDU and for kernel TCP. */
static void set_congestion(int fd)
{
	int err;

	if (!cong)
		return;
	if (use_edu)
		err = setsockopt(fd, SOL_EDU, EDU_CONGESTION, cong, strlen(cong) + 1);
	else
		err = setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cong, strlen(cong));
	if (err)
		die("congestion control");
}

/* Total system-mode CPU time of the machine so far, seconds. */
static double sys_cpu(void)
{
	unsigned long long user, nice_, sys, idle, iowait, irq, softirq;
	FILE *f = fopen("/proc/stat", "r");
	double hz = sysconf(_SC_CLK_TCK);

	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &user, &nice_,
			 &sys, &idle, &iowait, &irq, &softirq) != 7)
		die("/proc/stat");
	fclose(f);
	return (sys + irq + softirq) / hz;
}

static long slab_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

struct flow {
	pthread_t thread;
	uint64_t bytes;		/* stream: read by the server */
	double rate;		/* Mbit/s; a stream's as its receiver saw it */
	uint64_t trans;
	double *lat;		/* rr: per-transaction latency, us */
	size_t nlat, maxlat;
	double t_end;
	double acked_mbit;	/* stream: acknowledged within SECS */
};

/*
 * The flows of a stream connect first and start sending together (as
 * iperf3's streams do): a flow whose handshake waited behind another's
 * first window would take that queue for part of the path, and Vegas,
 * which learns the path's RTT from its first segments, would never
 * forget it.
 */
static pthread_barrier_t start_line;

static void *stream_flow(void *arg)
{
	struct flow *fl = arg;
	char *buf = calloc(1, size);
	int fd = dial(M_STREAM, size);
	double t0, end, t;
	struct stream_result res;
	uint64_t written = 0;
	int outq;

	if (!buf)
		die("calloc");
	pthread_barrier_wait(&start_line);
	t0 = now();
	end = t0 + secs;
	while (now_coarse() < end) {
		if (write_full(fd, buf, size))
			die("write");
		written += size;
	}
	/* What is not in the send queue any more was acknowledged. */
	if (ioctl(fd, SIOCOUTQ, &outq))
		die("SIOCOUTQ");
	t = now();
	if ((uint64_t)outq < written)
		fl->acked_mbit = (written - outq) * 8 / (t - t0) / 1e6;
	shutdown(fd, SHUT_WR);
	if (read_full(fd, &res, sizeof(res)))
		die("stream: no byte count from the server");
	fl->bytes = res.total;
	fl->rate = res.rx_ns ? res.bytes * 8 / (res.rx_ns / 1e9) / 1e6 : 0;
	fl->t_end = now();
	close(fd);
	free(buf);
	return NULL;
}

static void *rr_flow(void *arg)
{
	struct flow *fl = arg;
	char *buf = calloc(1, size);
	double end = now() + secs, t0;
	int fd = -1;

	if (!buf)
		die("calloc");
	if (mode == M_RR)
		fd = dial(M_RR, size);
	while ((t0 = now()) < end) {
		if (mode == M_CRR)
			fd = dial(M_CRR, size);
		if (write_full(fd, buf, size) || read_full(fd, buf, size))
			die("rr");
		if (mode == M_CRR)
			close(fd);
		if (fl->nlat == fl->maxlat) {
			fl->maxlat = fl->maxlat ? 2 * fl->maxlat : 4096;
			fl->lat = realloc(fl->lat, fl->maxlat * sizeof(double));
			if (!fl->lat)
				die("realloc");
		}
		fl->lat[fl->nlat++] = (now() - t0) * 1e6;
		fl->trans++;
		fl->bytes += 2 * size;
	}
	if (mode == M_RR)
		close(fd);
	free(buf);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Idle: open CONNS connections, measure the slab growth while they sit
 * idle, then use every one (a byte there and back) and close them all.
 * Any failure is counted and reported, not hidden.
 */
static int idle_run(void)
{
	long before, after;
	int *fds = calloc(nconns, sizeof(int));
	int i, errs = 0;
	char c = 'x';

	if (!fds)
		die("calloc");
	before = slab_kb();
	for (i = 0; i < nconns; i++) {
		fds[i] = try_dial(M_IDLE, 0);
		if (fds[i] < 0) {
			fprintf(stderr, "idle: connection %d: connect: %s\n",
				i, strerror(-fds[i]));
			errs++;
		}
	}
	sleep(2);	/* let every handshake and its ACK settle */
	after = slab_kb();
	for (i = 0; i < nconns; i++)
		if (fds[i] >= 0 && write_full(fds[i], &c, 1)) {
			fprintf(stderr, "idle: connection %d: write: %m\n", i);
			errs++;
		}
	for (i = 0; i < nconns; i++)
		if (fds[i] >= 0 && read_full(fds[i], &c, 1)) {
			fprintf(stderr, "idle: connection %d: read: %m\n", i);
			errs++;
		}
	for (i = 0; i < nconns; i++)
		if (fds[i] >= 0 && close(fds[i]))
			errs++;
	free(fds);
	if (json)
		printf("{\"family\": \"%s\", \"mode\": \"idle\", \"conns\": %d, "
		       "\"slab_kb_delta\": %ld, \"bytes_per_conn\": %.0f, \"errors\": %d}\n",
		       use_edu ? "edu" : "tcp", nconns, after - before,
		       (after - before) * 1024.0 / nconns, errs);
	else
		printf("%s idle: %d connections, slab +%ld kB, %.0f bytes per connection (both ends), %d errors\n",
		       use_edu ? "edu" : "tcp", nconns, after - before,
		       (after - before) * 1024.0 / nconns, errs);
	return errs ? 1 : 0;
}

/* Thousands of idle connections need as many descriptors. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int client(void)
{
	struct flow *fl = calloc(flows, sizeof(*fl));
	double t0, t1, cpu0, cpu1, gb, p50 = 0, p99 = 0, *all, mbit = 0;
	uint64_t bytes = 0, trans = 0;
	size_t nall = 0, k;
	int i;

	signal(SIGPIPE, SIG_IGN);
	if (mode == M_IDLE)
		return idle_run();
	if (!fl)
		die("calloc");
	if (pthread_barrier_init(&start_line, NULL, flows))
		die("pthread_barrier_init");
	cpu0 = sys_cpu();
	t0 = now();
	for (i = 0; i < flows; i++)
		if (pthread_create(&fl[i].thread, NULL,
				   mode == M_STREAM ? stream_flow : rr_flow, &fl[i]))
			die("pthread_create");
	for (i = 0; i < flows; i++) {
		pthread_join(fl[i].thread, NULL);
		bytes += fl[i].bytes;
		trans += fl[i].trans;
		nall += fl[i].nlat;
	}
	t1 = now();
	cpu1 = sys_cpu();
	gb = bytes / 1e9;
	/* A stream: the sum of the rates the receivers saw (iperf3's sum). */
	for (i = 0; i < flows; i++) {
		if (mode != M_STREAM)
			fl[i].rate = fl[i].bytes * 8 / (t1 - t0) / 1e6;
		mbit += fl[i].rate;
	}

	if (nall) {
		all = malloc(nall * sizeof(double));
		if (!all)
			die("malloc");
		for (i = 0, k = 0; i < flows; i++) {
			memcpy(all + k, fl[i].lat, fl[i].nlat * sizeof(double));
			k += fl[i].nlat;
		}
		qsort(all, nall, sizeof(double), cmp_double);
		p50 = all[nall / 2];
		p99 = all[(size_t)(nall * 0.99)];
		free(all);
	}
	if (json) {
		printf("{\"family\": \"%s\", \"mode\": \"%s\", \"flows\": %d, \"size\": %d, "
		       "\"seconds\": %.3f, \"bytes\": %llu, \"mbit_s\": %.1f, "
		       "\"trans_s\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f, "
		       "\"sys_cpu_s_per_gb\": %.3f, \"flow_mbit\": [",
		       use_edu ? "edu" : "tcp",
		       mode == M_STREAM ? "stream" : mode == M_RR ? "rr" : "crr",
		       flows, size, t1 - t0, (unsigned long long)bytes,
		       mbit, trans / (t1 - t0), p50, p99,
		       gb > 0 ? (cpu1 - cpu0) / gb : 0);
		for (i = 0; i < flows; i++)
			printf("%s%.2f", i ? ", " : "", fl[i].rate);
		printf("], \"acked_mbit\": [");
		for (i = 0; i < flows; i++)
			printf("%s%.3f", i ? ", " : "", fl[i].acked_mbit);
		printf("]}\n");
	} else if (mode == M_STREAM) {
		printf("%s stream: %d flow(s), %.2f s, %llu bytes, %.1f Mbit/s, sys CPU %.2f s/GB\n",
		       use_edu ? "edu" : "tcp", flows, t1 - t0,
		       (unsigned long long)bytes, mbit,
		       gb > 0 ? (cpu1 - cpu0) / gb : 0);
	} else {
		printf("%s %s: %d flow(s), size %d, %.1f transactions/s, p50 %.1f us, p99 %.1f us\n",
		       use_edu ? "edu" : "tcp", mode == M_RR ? "rr" : "crr", flows, size,
		       trans / (t1 - t0), p50, p99);
	}
	for (i = 0; i < flows; i++)
		free(fl[i].lat);
	free(fl);
	return 0;
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s server [-f edu|tcp] [-p PORT]\n"
		"       %s client -H ADDR [-f edu|tcp] [-p PORT] [-m stream|rr|crr|idle]\n"
		"              [-t SECS] [-s SIZE] [-P FLOWS] [-n CONNS] [-C ALGO] [-j]\n",
		argv0, argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	int is_server, c;

	if (argc < 2)
		usage(argv[0]);
	is_server = !strcmp(argv[1], "server");
	if (!is_server && strcmp(argv[1], "client"))
		usage(argv[0]);
	optind = 2;
	while ((c = getopt(argc, argv, "f:p:H:m:t:s:P:n:C:j")) != -1) {
		switch (c) {
		case 'C':
			cong = optarg;
			break;
		case 'f':
			use_edu = !strcmp(optarg, "edu");
			if (!use_edu && strcmp(optarg, "tcp"))
				usage(argv[0]);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'H':
			host = optarg;
			break;
		case 'm':
			mode = !strcmp(optarg, "stream") ? M_STREAM :
			       !strcmp(optarg, "rr") ? M_RR :
			       !strcmp(optarg, "crr") ? M_CRR :
			       !strcmp(optarg, "idle") ? M_IDLE : 0;
			if (!mode)
				usage(argv[0]);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 's':
			size = atoi(optarg);
			if (size < 1 || size > BUF_SIZE)
				usage(argv[0]);
			break;
		case 'P':
			flows = atoi(optarg);
			break;
		case 'n':
			nconns = atoi(optarg);
			break;
		case 'j':
			json = 1;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (flows < 1 || nconns < 1)
		usage(argv[0]);
	if (!is_server && mode == M_RR && size == BUF_SIZE)
		size = 1;
	if (!is_server && mode == M_CRR && size == BUF_SIZE)
		size = 1;
	raise_nofile();
	return is_server ? server() : client();
}
