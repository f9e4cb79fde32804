// SPDX-License-Identifier: GPL-2.0
/*
 * What user space hands AF_EDU and gets back across the privilege line:
 *
 *   - getsockopt() never copies kernel memory the kernel did not mean to
 *     give: for every SOL_EDU option and every length from 0 to the
 *     structure's size + 8, the buffer is filled with a pattern first; the
 *     kernel must report min(length, size), write no byte beyond it, and
 *     every padding byte it does write must be zero;
 *   - every length user space passes is bounded: setsockopt() and
 *     getsockopt() with huge and negative lengths, on buffers that end
 *     at a guard page, so that a copy beyond what the option needs faults;
 *     bind() and connect() with address lengths from -1 to 64;
 *   - without CAP_NET_BIND_SERVICE (root that dropped it, or nobody) no
 *     port below 1024 can be bound; an unprivileged user cannot write the
 *     net.edu sysctls of a namespace it does not own, not even from a user
 *     namespace of its own, nor enter another network namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "edu_common.h"
#include "kselftest_harness.h"

#define PATTERN 0xa5

static int fam;

static int stream(void)
{
	return socket(fam, SOCK_STREAM, 0);
}

static struct sockaddr_in edu_addr(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = fam, .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static int setup(void)
{
	fam = edu_setup();
	if (fam < 0)
		return fam;
	return edu_private_netns();
}

/* A listener on 127.0.0.1 and a connected pair through it. */
static int pair(int *l, int *c, int *s)
{
	struct sockaddr_in a = edu_addr("127.0.0.1", 0);
	socklen_t len = sizeof(a);

	*l = stream();
	*c = stream();
	if (*l < 0 || *c < 0 || bind(*l, (void *)&a, sizeof(a)) || listen(*l, 4) ||
	    getsockname(*l, (void *)&a, &len) ||
	    connect(*c, (void *)&a, sizeof(a)))
		return -1;
	*s = accept(*l, NULL, NULL);
	return *s < 0 ? -1 : 0;
}

/* The fields of struct edu_info: whatever they do not cover is padding. */
#define F(f) { offsetof(struct edu_info, f), sizeof(((struct edu_info *)0)->f) }
static const struct { size_t off, len; } info_fields[] = {
	F(edui_state), F(edui_ca_state), F(edui_retransmits),
	F(edui_snd_wscale), F(edui_rcv_wscale), F(edui_nodelay),
	F(edui_rto), F(edui_rtt), F(edui_rttvar), F(edui_snd_mss),
	F(edui_rcv_mss), F(edui_snd_cwnd), F(edui_snd_ssthresh),
	F(edui_snd_wnd), F(edui_rcv_wnd), F(edui_unacked),
	F(edui_total_retrans), F(edui_fast_retrans), F(edui_rto_expiries),
	F(edui_zero_wnd_probes), F(edui_dup_acks_rcvd), F(edui_bytes_sent),
	F(edui_bytes_acked), F(edui_bytes_received), F(edui_segs_out),
	F(edui_segs_in), F(edui_snd_una), F(edui_snd_nxt), F(edui_rcv_nxt),
	F(edui_options), F(edui_sacked), F(edui_lost), F(edui_retrans),
	F(edui_sack_retrans),
};

/* 1 for each byte of struct edu_info that must be zero: padding, pad fields. */
static void info_zero_map(uint8_t *map)
{
	size_t i, j;

	memset(map, 1, sizeof(struct edu_info));
	for (i = 0; i < ARRAY_SIZE(info_fields); i++)
		for (j = 0; j < info_fields[i].len; j++)
			map[info_fields[i].off + j] = 0;
	/* the name: bytes after its NUL are checked separately */
	memset(map + offsetof(struct edu_info, edui_ca_name), 0, EDU_CA_NAME_MAX);
}

/*
 * getsockopt(@opt) with every length 0..@size+8 into a patterned buffer.
 * @zero marks the bytes that must come back zero; @name_off the start of a
 * name field of EDU_CA_NAME_MAX bytes, after whose NUL all of the field
 * must be zero (-1: none). @full is what a
 * call with the whole size returns, for comparing each prefix.
 */
static int check_lengths(struct __test_metadata *_metadata, int fd, int opt,
			 size_t size, const uint8_t *zero, long name_off,
			 bool stable, size_t min_len)
{
	uint8_t full[512], buf[512];
	socklen_t len, want;
	size_t i;
	bool nul;

	len = size;
	memset(full, PATTERN, sizeof(full));
	if (getsockopt(fd, SOL_EDU, opt, full, &len) || len != size)
		return -1;
	for (want = 0; want <= size + 8; want++) {
		memset(buf, PATTERN, sizeof(buf));
		len = want;
		if (want < min_len) {
			/* too short for the value: refused, nothing written */
			EXPECT_EQ(-1, getsockopt(fd, SOL_EDU, opt, buf, &len));
			EXPECT_EQ(EINVAL, errno);
			for (i = 0; i < sizeof(buf); i++)
				ASSERT_EQ(PATTERN, buf[i]) TH_LOG("opt %d len %u: byte %zu written",
								   opt, want, i);
			continue;
		}
		ASSERT_EQ(0, getsockopt(fd, SOL_EDU, opt, buf, &len))
			TH_LOG("opt %d len %u: %s", opt, want, strerror(errno));
		ASSERT_EQ(want < size ? want : size, len)
			TH_LOG("opt %d: asked %u, got %u", opt, want, len);
		for (i = len; i < sizeof(buf); i++)
			ASSERT_EQ(PATTERN, buf[i])
				TH_LOG("opt %d len %u: byte %zu beyond the length written",
				       opt, want, i);
		for (i = 0; zero && i < len; i++)
			ASSERT_EQ(0, zero[i] ? buf[i] : 0)
				TH_LOG("opt %d len %u: padding byte %zu is %#x",
				       opt, want, i, buf[i]);
		nul = false;
		for (i = name_off; name_off >= 0 && i < len &&
		     i < name_off + EDU_CA_NAME_MAX; i++) {
			if (nul)
				ASSERT_EQ(0, buf[i])
					TH_LOG("opt %d len %u: byte %zu after the name's NUL is %#x",
					       opt, want, i, buf[i]);
			nul |= !buf[i];
		}
		if (stable)
			ASSERT_EQ(0, memcmp(full, buf, len))
				TH_LOG("opt %d len %u: prefix differs", opt, want);
	}
	return 0;
}

static void check_all_options(struct __test_metadata *_metadata, int fd,
			      bool stable)
{
	uint8_t zero[sizeof(struct edu_info)];

	info_zero_map(zero);
	ASSERT_EQ(0, check_lengths(_metadata, fd, EDU_INFO, sizeof(struct edu_info),
				   zero, offsetof(struct edu_info, edui_ca_name),
				   stable, 0));
	ASSERT_EQ(0, check_lengths(_metadata, fd, EDU_CONGESTION, EDU_CA_NAME_MAX,
				   NULL, 0, true, 0));
	ASSERT_EQ(0, check_lengths(_metadata, fd, EDU_NODELAY, sizeof(int),
				   NULL, -1, true, sizeof(int)));
	ASSERT_EQ(0, check_lengths(_metadata, fd, EDU_MAXSEG, sizeof(int),
				   NULL, -1, true, sizeof(int)));
}

TEST(getsockopt_copies_no_uninitialised_bytes)
{
	int l, c, s;

	ASSERT_EQ(0, setup());
	/* closed, listening and established: different code paths fill it */
	c = stream();
	ASSERT_LE(0, c);
	check_all_options(_metadata, c, true);
	close(c);
	ASSERT_EQ(0, pair(&l, &c, &s));
	check_all_options(_metadata, l, true);
	/* idle connections: only timers could change a field, none runs */
	check_all_options(_metadata, c, false);
	check_all_options(_metadata, s, false);
	close(c);
	close(s);
	close(l);
}

/* A page whose last @room bytes are usable, followed by a guard page. */
static uint8_t *guarded(size_t room)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + pg, pg, PROT_NONE))
		return NULL;
	return p + pg - room;
}

TEST(option_lengths_bounded)
{
	static const socklen_t lens[] = {
		0, 1, 3, 4, 5, 15, 16, 17, 64, 4096, 65536, 0x7fffffff,
		0x80000000u, 0xfffffffcu, 0xffffffffu,
	};
	int fd, opt, err, want, r;
	socklen_t len;
	uint8_t *val;
	size_t i;

	ASSERT_EQ(0, setup());
	fd = stream();
	ASSERT_LE(0, fd);
	/* 16 bytes, then a guard page: the largest any SOL_EDU option reads */
	val = guarded(EDU_CA_NAME_MAX);
	ASSERT_NE(NULL, val);
	for (opt = 0; opt <= EDU_CONGESTION + 2; opt++) {
		for (i = 0; i < ARRAY_SIZE(lens); i++) {
			memset(val, 0, EDU_CA_NAME_MAX);
			if (opt == EDU_CONGESTION)
				strcpy((char *)val, "reno");
			r = setsockopt(fd, SOL_EDU, opt, val, lens[i]);
			err = r ? errno : 0;
			/* EFAULT would mean a copy past what the option needs */
			EXPECT_NE(EFAULT, err)
				TH_LOG("setsockopt(%d) len %u read too far", opt, lens[i]);
			/* the syscall refuses negative lengths; then the option */
			if ((int)lens[i] < 0)
				want = EINVAL;
			else if (opt == EDU_CONGESTION)
				want = lens[i] < 1 || lens[i] > EDU_CA_NAME_MAX ?
				       EINVAL : lens[i] < 4 ? ENOENT : 0; /* "ren" */
			else if (lens[i] < sizeof(int))
				want = EINVAL;
			else if (opt == EDU_NODELAY || opt == EDU_MAXSEG)
				want = 0;
			else
				want = ENOPROTOOPT;
			EXPECT_EQ(want, err)
				TH_LOG("opt %d len %u: %s", opt, lens[i], strerror(err));
		}
	}
	/* getsockopt: the kernel writes at most what the option holds */
	val = guarded(sizeof(struct edu_info));
	ASSERT_NE(NULL, val);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		len = lens[i];
		r = getsockopt(fd, SOL_EDU, EDU_INFO, val, &len);
		if ((int)lens[i] < 0) {
			EXPECT_EQ(-1, r);
			EXPECT_EQ(EINVAL, errno);
			continue;
		}
		ASSERT_EQ(0, r) TH_LOG("EDU_INFO len %u: %s", lens[i], strerror(errno));
		EXPECT_EQ(lens[i] < sizeof(struct edu_info) ? lens[i] :
			  sizeof(struct edu_info), len);
	}
	close(fd);
}

TEST(address_lengths_bounded)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a = (void *)&ss;
	int fd, alen, r;

	ASSERT_EQ(0, setup());
	memset(&ss, 0, sizeof(ss));
	*a = edu_addr("127.0.0.1", 0);
	for (alen = -1; alen <= 64; alen++) {
		fd = stream();
		ASSERT_LE(0, fd);
		r = bind(fd, (void *)&ss, alen);
		EXPECT_EQ(alen < (int)sizeof(*a) ? -1 : 0, r)
			TH_LOG("bind with length %d: %s", alen, strerror(errno));
		if (r)
			EXPECT_EQ(EINVAL, errno);
		r = connect(fd, (void *)&ss, alen);
		if (alen < (int)sizeof(*a))
			EXPECT_EQ(-1, r);
		close(fd);
	}
}

/* Drop one capability from the effective, permitted and inheritable sets. */
static int drop_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[cap / 32].effective &= ~(1u << (cap % 32));
	d[cap / 32].permitted &= ~(1u << (cap % 32));
	d[cap / 32].inheritable &= ~(1u << (cap % 32));
	return syscall(SYS_capset, &h, d);
}

/* Run @fn in a child; its exit status (0 = all steps passed). */
static int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* 0: below 1024 refused with EACCES, 1024 allowed; else the failing step. */
static int bind_low_ports(void)
{
	static const int refused[] = { 1, 80, 443, 1023 };
	struct sockaddr_in a;
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		a = edu_addr("127.0.0.1", refused[i]);
		fd = stream();
		if (fd < 0)
			return 20;
		if (!bind(fd, (void *)&a, sizeof(a)))
			return 21 + i;
		if (errno != EACCES)
			return 30 + i;
		close(fd);
	}
	a = edu_addr("127.0.0.1", 1024);
	fd = stream();
	if (fd < 0 || bind(fd, (void *)&a, sizeof(a)))
		return 40;
	close(fd);
	return 0;
}

static int root_without_cap(void *arg)
{
	(void)arg;
	if (drop_cap(CAP_NET_BIND_SERVICE))
		return 10;
	return bind_low_ports();
}

static int nobody(void *arg)
{
	(void)arg;
	if (setgid(65534) || setuid(65534))
		return 10;
	return bind_low_ports();
}

TEST(bind_below_1024_needs_cap_net_bind_service)
{
	struct sockaddr_in a;
	int fd;

	ASSERT_EQ(0, setup());
	EXPECT_EQ(0, in_child(root_without_cap, NULL))
		TH_LOG("root without CAP_NET_BIND_SERVICE (21-24: bound, 30-33: errno)");
	EXPECT_EQ(0, in_child(nobody, NULL))
		TH_LOG("nobody (21-24: bound, 30-33: errno)");
	/* and with it, it may */
	a = edu_addr("127.0.0.1", 80);
	fd = stream();
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, bind(fd, (void *)&a, sizeof(a)));
	close(fd);
}

#define SYSCTL "/proc/sys/net/edu/msl_ms"

/*
 * As nobody: the namespace's sysctl cannot be opened for writing; in a
 * user namespace of its own (still in the same network namespace, which
 * that user namespace does not own) neither; another network namespace
 * cannot be entered. In a network namespace of its own, created with its
 * user namespace, it is root and may change that namespace's value only.
 */
static int nobody_sysctls(void *arg)
{
	int netns_fd = *(int *)arg, fd;

	if (setgid(65534) || setuid(65534))
		return 10;
	if (open(SYSCTL, O_WRONLY) >= 0)
		return 11;
	if (errno != EACCES)
		return 12;
	if (setns(netns_fd, CLONE_NEWNET) == 0)
		return 13;
	if (unshare(CLONE_NEWUSER))
		return 3;	/* no unprivileged user namespaces here */
	if (open(SYSCTL, O_WRONLY) >= 0)
		return 14;
	if (setns(netns_fd, CLONE_NEWNET) == 0)
		return 15;
	if (unshare(CLONE_NEWNET))
		return 3;
	fd = open(SYSCTL, O_WRONLY);
	if (fd < 0)
		return 16;
	if (write(fd, "4321", 4) != 4)
		return 17;
	close(fd);
	return 0;
}

TEST(sysctls_of_other_namespaces_are_out_of_reach)
{
	long before, after;
	int netns_fd, other, r;

	ASSERT_EQ(0, setup());
	/* another namespace, held open by us: nobody must not get in */
	other = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, edu_sh("echo 1234 > %s", SYSCTL));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	netns_fd = other;
	before = edu_read_long(SYSCTL);
	ASSERT_LT(0, before);
	r = in_child(nobody_sysctls, &netns_fd);
	if (r == 3)
		TH_LOG("no unprivileged user namespaces: that part is not checked");
	else
		EXPECT_EQ(0, r)
			TH_LOG("step 11-12: wrote our sysctl, 13/15: entered another netns, 14: wrote it from a user namespace, 16-17: could not write its own");
	after = edu_read_long(SYSCTL);
	EXPECT_EQ(before, after);
	ASSERT_EQ(0, setns(other, CLONE_NEWNET));
	EXPECT_EQ(1234, edu_read_long(SYSCTL));
	close(other);
}

TEST_HARNESS_MAIN
