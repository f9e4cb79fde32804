// SPDX-License-Identifier: GPL-2.0
/*
 * sysfuzz: random sequences of AF_EDU socket calls from several threads on
 * shared sockets, for a bounded time.
 *
 * The threads share one table of socket descriptors. Each picks a slot
 * and a call at random: socket, bind, listen, connect, accept, send,
 * sendmsg, recv, shutdown, close, setsockopt and getsockopt at SOL_EDU
 * and SOL_SOCKET with random lengths and values, poll, ioctl, fcntl,
 * getsockname/getpeername. Addresses come from a few ports on 127.0.0.1
 * so that connections do get made and carry data, and sockets are
 * closed, shut down and reused under each other's feet.
 *
 * The test fails if a call hangs (every socket gets short SO_RCVTIMEO and
 * SO_SNDTIMEO, so nothing may block for long), if no connection was ever
 * accepted or no byte received (the fuzzer did not get anywhere), or if
 * the sockets' connections do not drain once all are closed. Kernel
 * reports (KASAN, lockdep, UBSAN, WARN) fail the run in the VM runner.
 *
 * Each thread's sequence of calls and arguments is a function of the
 * seed, which is printed; the interleaving of the threads is not.
 *
 *   sysfuzz [-d SECONDS] [-s SEED] [-t THREADS]
 * SECONDS defaults to $EDUFUZZ_SECONDS or 20.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/uio.h>
#include <linux/sockios.h>
#include <linux/time_types.h>
#include "kselftest.h"
#include "edu_common.h"

#define NSLOTS		24
#define NPORTS		6
#define BASE_PORT	20000
#define MAX_THREADS	16
#define BUF_SIZE	(256 * 1024)

enum op {
	OP_SOCKET, OP_BIND, OP_LISTEN, OP_CONNECT, OP_ACCEPT, OP_SEND,
	OP_SENDMSG, OP_RECV, OP_SHUTDOWN, OP_CLOSE, OP_SETSOCKOPT,
	OP_GETSOCKOPT, OP_POLL, OP_IOCTL, OP_FCNTL, OP_GETNAME,
	OP_SERVER, OP_CLIENT, OP_MAX
};

static const char *const op_names[OP_MAX] = {
	"socket", "bind", "listen", "connect", "accept", "send", "sendmsg",
	"recv", "shutdown", "close", "setsockopt", "getsockopt", "poll",
	"ioctl", "fcntl", "getname", "server", "client",
};

static int family;
static atomic_int slots[NSLOTS];
static atomic_bool stop;
static atomic_long calls[OP_MAX], ok_calls[OP_MAX];
static atomic_long accepted, bytes_in;

struct thread {
	pthread_t tid;
	uint64_t rng;
	atomic_int cur_op;	/* what it is doing, for a hang report */
	atomic_bool done;
};

/* A length: small, around a structure's size, or absurd. */
static socklen_t rnd_len(uint64_t *s)
{
	switch (edu_rnd(s, 6)) {
	case 0:
		return edu_rnd(s, 8);
	case 1:
		return sizeof(int) + edu_rnd(s, 5) - 2;
	case 2:
		return sizeof(struct edu_info) + edu_rnd(s, 17) - 8;
	case 3:
		return (socklen_t)-1 - edu_rnd(s, 4);	/* negative as int */
	case 4:
		return 0x7fffffff - edu_rnd(s, 4);
	default:
		return edu_rnd(s, 512);
	}
}

static int rnd_int(uint64_t *s)
{
	static const int edge[] = { 0, 1, -1, 2, 88, 536, 1460, 65535, 65536,
				    INT_MAX, INT_MIN, 1 << 20 };

	return edu_rnd(s, 2) ? edge[edu_rnd(s, ARRAY_SIZE(edge))] : (int)edu_rnd_next(s);
}

/* Short timeouts, so that a blocking call cannot hang the test. */
static void set_timeouts(int fd, uint64_t *s)
{
	struct timeval tv = { 0, 1000 + edu_rnd(s, 5000) };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void put_slot(int fd, uint64_t *s)
{
	int old = atomic_exchange(&slots[edu_rnd(s, NSLOTS)], fd);

	if (old >= 0)
		close(old);
}

static void rnd_addr(struct sockaddr_in *a, uint64_t *s)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = edu_rnd(s, 16) ? family : edu_rnd(s, 4) ? AF_INET : AF_UNSPEC;
	a->sin_port = htons(edu_rnd(s, 8) ? BASE_PORT + edu_rnd(s, NPORTS) :
			    edu_rnd(s, 65536));
	switch (edu_rnd(s, 6)) {
	case 0:
		a->sin_addr.s_addr = htonl(INADDR_ANY);
		break;
	case 1:
		a->sin_addr.s_addr = htonl(0x0a090909);	/* not ours */
		break;
	case 2:
		a->sin_addr.s_addr = htonl(0xffffffff);
		break;
	default:
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
}

/* Options whose values the fuzzer must bound, or a call could hang. */
static void bound_sol_socket(int opt, uint8_t *val, uint64_t *s)
{
	struct timeval tv = { 0, 1 + edu_rnd(s, 100000) };
	struct linger lg = { edu_rnd(s, 2), edu_rnd(s, 2) };
	struct __kernel_sock_timeval ktv = { 0, 1 + edu_rnd(s, 100000) };

	switch (opt) {
	case SO_RCVTIMEO_OLD:
	case SO_SNDTIMEO_OLD:
		memcpy(val, &tv, sizeof(tv));
		break;
	case SO_RCVTIMEO_NEW:
	case SO_SNDTIMEO_NEW:
		memcpy(val, &ktv, sizeof(ktv));
		break;
	case SO_LINGER:
		memcpy(val, &lg, sizeof(lg));
		break;
	}
}

static int one_call(struct thread *t, uint8_t *buf)
{
	uint64_t *s = &t->rng;
	int fd = atomic_load(&slots[edu_rnd(s, NSLOTS)]);
	enum op op = edu_rnd(s, OP_MAX);
	uint8_t val[512];
	struct sockaddr_in a;
	socklen_t len;
	int r = -1, v;

	atomic_store(&t->cur_op, op);
	atomic_fetch_add(&calls[op], 1);
	switch (op) {
	case OP_SOCKET:
		r = socket(edu_rnd(s, 16) ? family : AF_INET,
			   (edu_rnd(s, 16) ? SOCK_STREAM : edu_rnd(s, 8)) |
			   (edu_rnd(s, 2) ? SOCK_NONBLOCK : 0),
			   edu_rnd(s, 8) ? 0 : edu_rnd(s, 4) ? IPPROTO_EDU : edu_rnd(s, 300));
		if (r >= 0) {
			set_timeouts(r, s);
			put_slot(r, s);
		}
		break;
	case OP_BIND:
		rnd_addr(&a, s);
		if (edu_rnd(s, 2)) {
			v = 1;
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v));
		}
		r = bind(fd, (void *)&a, edu_rnd(s, 8) ? sizeof(a) : edu_rnd(s, 32));
		break;
	case OP_LISTEN:
		r = listen(fd, edu_rnd(s, 2) ? (int)edu_rnd(s, 16) : rnd_int(s));
		break;
	case OP_CONNECT:
		rnd_addr(&a, s);
		r = connect(fd, (void *)&a, edu_rnd(s, 8) ? sizeof(a) : edu_rnd(s, 32));
		break;
	case OP_ACCEPT:
		r = accept4(fd, edu_rnd(s, 2) ? (void *)&a : NULL,
			    (len = edu_rnd(s, 4) ? sizeof(a) : edu_rnd(s, 8), &len),
			    edu_rnd(s, 2) ? SOCK_NONBLOCK : 0);
		if (r >= 0) {
			atomic_fetch_add(&accepted, 1);
			put_slot(r, s);
		}
		break;
	case OP_SEND:
		r = send(fd, buf, edu_rnd(s, 4) ? edu_rnd(s, 8192) : edu_rnd(s, BUF_SIZE),
			 MSG_NOSIGNAL | (edu_rnd(s, 8) ? MSG_DONTWAIT : 0) |
			 (edu_rnd(s, 8) ? 0 : MSG_OOB) | (edu_rnd(s, 8) ? 0 : MSG_MORE) |
			 (edu_rnd(s, 8) ? 0 : MSG_WAITALL));
		break;
	case OP_SENDMSG: {
		struct iovec iov[4];
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = 1 + edu_rnd(s, 4) };
		size_t i;

		for (i = 0; i < m.msg_iovlen; i++) {
			iov[i].iov_base = buf + edu_rnd(s, BUF_SIZE / 2);
			iov[i].iov_len = edu_rnd(s, 3) ? edu_rnd(s, 4096) : 0;
		}
		if (edu_rnd(s, 4) == 0) {
			rnd_addr(&a, s);
			m.msg_name = &a;
			m.msg_namelen = edu_rnd(s, 32);
		}
		r = sendmsg(fd, &m, MSG_NOSIGNAL | (edu_rnd(s, 2) ? MSG_DONTWAIT : 0));
		break;
	}
	case OP_RECV:
		r = recv(fd, buf, edu_rnd(s, 4) ? edu_rnd(s, 65536) : edu_rnd(s, BUF_SIZE),
			 (edu_rnd(s, 8) ? MSG_DONTWAIT : 0) |
			 (edu_rnd(s, 4) ? 0 : MSG_PEEK) | (edu_rnd(s, 8) ? 0 : MSG_WAITALL) |
			 (edu_rnd(s, 8) ? 0 : MSG_TRUNC) | (edu_rnd(s, 16) ? 0 : MSG_OOB) |
			 (edu_rnd(s, 16) ? 0 : MSG_ERRQUEUE));
		if (r > 0)
			atomic_fetch_add(&bytes_in, r);
		break;
	case OP_SHUTDOWN:
		r = shutdown(fd, (int)edu_rnd(s, 5) - 1);
		break;
	case OP_CLOSE:
		fd = atomic_exchange(&slots[edu_rnd(s, NSLOTS)], -1);
		r = fd >= 0 ? close(fd) : -1;
		break;
	case OP_SETSOCKOPT: {
		int level = edu_rnd(s, 2) ? SOL_EDU : SOL_SOCKET;
		int opt = level == SOL_EDU ? edu_rnd(s, 7) : edu_rnd(s, 72);
		size_t i;

		for (i = 0; i < sizeof(val); i += sizeof(int)) {
			v = rnd_int(s);
			memcpy(val + i, &v, sizeof(v));
		}
		if (level == SOL_EDU && opt == EDU_CONGESTION && edu_rnd(s, 2))
			strcpy((char *)val, edu_rnd(s, 2) ? "reno" : "newreno");
		if (level == SOL_SOCKET)
			bound_sol_socket(opt, val, s);
		r = setsockopt(fd, level, opt, val, rnd_len(s));
		break;
	}
	case OP_GETSOCKOPT: {
		int level = edu_rnd(s, 2) ? SOL_EDU : SOL_SOCKET;
		int opt = level == SOL_EDU ? edu_rnd(s, 7) : edu_rnd(s, 72);

		len = rnd_len(s);
		/* the kernel may write up to len bytes: give it room */
		r = getsockopt(fd, level, opt, buf, &len);
		break;
	}
	case OP_POLL: {
		struct pollfd p[4];
		int i, n = 1 + edu_rnd(s, 4);

		for (i = 0; i < n; i++) {
			p[i].fd = atomic_load(&slots[edu_rnd(s, NSLOTS)]);
			p[i].events = POLLIN | POLLOUT | POLLPRI | POLLRDHUP;
		}
		r = poll(p, n, edu_rnd(s, 4) ? 0 : (int)edu_rnd(s, 5));
		break;
	}
	case OP_IOCTL: {
		static const unsigned long req[] = { SIOCINQ, SIOCOUTQ, FIONBIO,
						     SIOCATMARK, SIOCOUTQNSD };

		v = edu_rnd(s, 2);
		r = ioctl(fd, req[edu_rnd(s, ARRAY_SIZE(req))], &v);
		break;
	}
	case OP_FCNTL:
		v = fcntl(fd, F_GETFL);
		r = v < 0 ? v : fcntl(fd, F_SETFL, v ^ O_NONBLOCK);
		break;
	case OP_GETNAME:
		len = edu_rnd(s, 4) ? sizeof(a) : edu_rnd(s, 32);
		r = edu_rnd(s, 2) ? getsockname(fd, (void *)&a, &len) :
				getpeername(fd, (void *)&a, &len);
		break;
	case OP_SERVER:		/* socket, bind, listen in a row */
		r = socket(family, SOCK_STREAM | (edu_rnd(s, 2) ? SOCK_NONBLOCK : 0), 0);
		if (r < 0)
			break;
		set_timeouts(r, s);
		v = 1;
		setsockopt(r, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v));
		memset(&a, 0, sizeof(a));
		a.sin_family = family;
		a.sin_port = htons(BASE_PORT + edu_rnd(s, NPORTS));
		a.sin_addr.s_addr = htonl(edu_rnd(s, 2) ? INADDR_ANY : INADDR_LOOPBACK);
		if (bind(r, (void *)&a, sizeof(a)) || listen(r, edu_rnd(s, 8))) {
			close(r);
			r = -1;
			break;
		}
		put_slot(r, s);
		break;
	case OP_CLIENT:		/* socket, connect in a row */
		r = socket(family, SOCK_STREAM | (edu_rnd(s, 2) ? SOCK_NONBLOCK : 0), 0);
		if (r < 0)
			break;
		set_timeouts(r, s);
		memset(&a, 0, sizeof(a));
		a.sin_family = family;
		a.sin_port = htons(BASE_PORT + edu_rnd(s, NPORTS));
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		connect(r, (void *)&a, sizeof(a));
		put_slot(r, s);
		break;
	default:
		break;
	}
	if (r >= 0)
		atomic_fetch_add(&ok_calls[op], 1);
	return r;
}

static void *fuzz_thread(void *arg)
{
	struct thread *t = arg;
	uint8_t *buf = malloc(BUF_SIZE);

	if (!buf)
		return NULL;
	memset(buf, 'x', BUF_SIZE);
	while (!stop)
		one_call(t, buf);
	atomic_store(&t->cur_op, -1);
	atomic_store(&t->done, true);
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *env = getenv("EDUFUZZ_SECONDS");
	double secs = env ? atof(env) : 20, t0, t;
	struct thread th[MAX_THREADS];
	int nthreads = 4, opt, i, left, hung = 0;
	uint64_t seed = 0, s;
	long total = 0;

	while ((opt = getopt(argc, argv, "d:s:t:")) != -1) {
		switch (opt) {
		case 'd':
			secs = atof(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			nthreads = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: sysfuzz [-d SECONDS] [-s SEED] [-t THREADS]\n");
			return KSFT_FAIL;
		}
	}
	if (nthreads < 1 || nthreads > MAX_THREADS)
		nthreads = 4;
	if (!seed)
		seed = edu_rnd_seed();

	ksft_print_header();
	ksft_set_plan(3);
	if (geteuid())
		ksft_exit_skip("needs root (network namespace)\n");
	family = edu_setup();
	if (family < 0)
		ksft_exit_skip("af_edu not available: %s\n", strerror(-family));
	if (edu_private_netns())
		ksft_exit_skip("no private network namespace\n");
	/*
	 * Closed connections leave TIME_WAIT soon; orphans give up soon,
	 * FIN_WAIT2 ones included: a peer aborted in some fuzzed state may
	 * never send the FIN they wait fin_timeout (60 s) for.
	 */
	edu_sh("sysctl -qw net.edu.msl_ms=100 net.edu.retries=3 "
	       "net.edu.syn_retries=2 net.edu.orphan_retries=2 "
	       "net.edu.fin_timeout_ms=2000");
	signal(SIGPIPE, SIG_IGN);
	ksft_print_msg("seed %llu, %d threads, %.0f s (repeat with -s %llu)\n",
		       (unsigned long long)seed, nthreads, secs,
		       (unsigned long long)seed);

	for (i = 0; i < NSLOTS; i++)
		slots[i] = -1;
	s = seed;
	for (i = 0; i < nthreads; i++) {
		th[i].rng = edu_rnd_next(&s) | 1;
		th[i].done = false;
		th[i].cur_op = -1;
		pthread_create(&th[i].tid, NULL, fuzz_thread, &th[i]);
	}
	t0 = edu_now();
	while (edu_now() - t0 < secs)
		edu_msleep(100);
	stop = true;
	/* Every call has a timeout of at most 100 ms (linger: 1 s). */
	for (left = 100; left > 0; left--) {
		for (i = 0; i < nthreads && th[i].done; i++)
			;
		if (i == nthreads)
			break;
		edu_msleep(100);
	}
	t = edu_now() - t0;
	for (i = 0; i < nthreads; i++) {
		if (th[i].done) {
			pthread_join(th[i].tid, NULL);
		} else {
			ksft_print_msg("thread %d still in %s() 10 s after the end\n",
				       i, op_names[th[i].cur_op]);
			hung++;
		}
	}
	for (i = 0; i < OP_MAX; i++) {
		total += calls[i];
		ksft_print_msg("%-10s %8ld calls, %8ld succeeded\n", op_names[i],
			       atomic_load(&calls[i]), atomic_load(&ok_calls[i]));
	}
	ksft_print_msg("%ld calls in %.1f s (%.0f/s), %ld connections accepted, %ld bytes received\n",
		       total, t, total / t, atomic_load(&accepted),
		       atomic_load(&bytes_in));
	ksft_test_result(!hung, "no_call_hangs %ld calls\n", total);
	ksft_test_result(atomic_load(&accepted) > 0 && atomic_load(&bytes_in) > 0,
			 "connections_made_and_used\n");
	if (hung)
		ksft_exit_fail();
	for (i = 0; i < NSLOTS; i++)
		if (slots[i] >= 0)
			close(slots[i]);
	/* Closed everywhere: connections drain (FIN, RST, TIME_WAIT of 2*MSL). */
	for (left = 300; left > 0 && edu_proc_entries() > 0; left--)
		edu_msleep(100);
	if (edu_proc_entries())
		edu_sh("sed 's/^/#   /' %s", EDU_PROC_FILE);
	ksft_test_result(edu_proc_entries() == 0, "all_connections_drained\n");
	ksft_finished();
}
