// SPDX-License-Identifier: GPL-2.0
/*
 * edudrill: scripted, segment-level tests of the AF_EDU transport.
 *
 * The idea is packetdrill's: one script describes, on a time line, the
 * socket calls a local application makes, the segments a made-up remote
 * host sends, and the segments the local stack must send back, field by
 * field and at the right moment. The syntax is our own and much smaller;
 * README.rst in this directory is the reference, with examples.
 *
 * How a run works:
 *
 *   - the tool moves into a new network namespace, brings "lo" up and
 *     creates a TUN device (IFF_TUN | IFF_NO_PI) "edudrill0" with address
 *     192.168.77.1/24. The remote host, 192.168.77.2, exists only in the
 *     script: the kernel routes segments for it into the TUN device, where
 *     we read them, and segments we write into the TUN file descriptor
 *     arrive as if received from it.
 *   - a reader thread reads the TUN device all the time and stamps every
 *     IPv4 packet of protocol IPPROTO_EDU with CLOCK_MONOTONIC, so that the
 *     time a segment was sent is known even while the script is busy.
 *   - a syscall thread runs the socket calls, so that a blocking accept(),
 *     connect() or read() can be pending while the script goes on and
 *     injects the segments that will wake it up.
 *   - the main thread walks the script: it sleeps until each line's time,
 *     injects, calls, or waits for and checks an outgoing segment. Any
 *     segment the stack sends that no line expects fails the script, so
 *     "nothing is sent" is checked as strictly as "this is sent".
 *
 * Output is one TAP-style diagnostic block: every line starts with "# ".
 * Exit status: 0 pass, 1 fail, 2 script error, 4 skip (no AF_EDU).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/edu.h>
#include "edu_tun.h"

#define TUN_NAME	"edudrill0"
#define LOCAL_ADDR	"192.168.77.1"
#define REMOTE_ADDR	"192.168.77.2"
#define LOCAL_PORT	8080	/* bind(..., ...) uses it */
#define REMOTE_PORT	8080	/* connect(..., ...) goes to it */
#define CLIENT_PORT	40000	/* the remote's port when it connects to us */
#define DEFAULT_RISN	1000000000u
#define FIRST_PRIVATE_FD 100	/* our own fds live above the script's */
#define MAX_FD		FIRST_PRIVATE_FD
#define MAX_LINE	1024
#define MAX_ARGS	8
#define MAX_OPTS	12
#define MAX_CONNS	16
#define PKT_MAX		65536
#define READ_GRACE	0.5	/* seconds a late reader gets, see do_expect() */

#define EXIT_PASS	0
#define EXIT_FAIL	1
#define EXIT_SCRIPT	2
#define EXIT_SKIP	4

/* ------------------------------------------------------------------ */
/* Options and global state                                           */

#define DEFAULT_TOLERANCE 0.050
static double tolerance = DEFAULT_TOLERANCE;	/* seconds either side of a time */
static double block_threshold = 0.050;	/* a call slower than this blocks */
static double pending_wait = 2.0;	/* how long to wait for a blocked call */
static int verbose;
static const char *script_path;
static int edu_family_nr = AF_EDU;
static int tun_fd = -1;
static int cap_fd = -1;			/* packet socket: kernel timestamps */
static double real_minus_mono;		/* CLOCK_REALTIME - CLOCK_MONOTONIC */
static double t_start;			/* CLOCK_MONOTONIC of script time 0 */
static struct in_addr local_addr, remote_addr;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double st(double t)	/* script time of an absolute time */
{
	return t - t_start;
}

static void sleep_until(double t)
{
	struct timespec ts;

	if (t <= now())
		return;
	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	char *line, *save = NULL;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("# %s\n", line);
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* Symbols a script may use                                           */

struct sym {
	const char *name;
	long val;
};

#define S(x) { #x, x }
static const struct sym syms[] = {
	/* errno */
	S(EPERM), S(ENOENT), S(EINTR), S(EIO), S(EBADF), S(EAGAIN),
	S(EWOULDBLOCK), S(ENOMEM), S(EACCES), S(EFAULT), S(EBUSY),
	S(EEXIST), S(EINVAL), S(ENFILE), S(EMFILE), S(ENOSPC), S(EPIPE),
	S(ENOTSOCK), S(EDESTADDRREQ), S(EMSGSIZE), S(EPROTOTYPE),
	S(ENOPROTOOPT), S(EPROTONOSUPPORT), S(ESOCKTNOSUPPORT), S(EOPNOTSUPP),
	S(EAFNOSUPPORT), S(EADDRINUSE), S(EADDRNOTAVAIL), S(ENETDOWN),
	S(ENETUNREACH), S(ECONNABORTED), S(ECONNRESET), S(ENOBUFS),
	S(EISCONN), S(ENOTCONN), S(ESHUTDOWN), S(ETIMEDOUT), S(ECONNREFUSED),
	S(EHOSTUNREACH), S(EALREADY), S(EINPROGRESS),
	/* socket(), shutdown(), send()/recv(), fcntl() */
	S(SOCK_STREAM), S(SOCK_DGRAM), S(SOCK_SEQPACKET), S(SOCK_RAW),
	S(SOCK_NONBLOCK), S(SOCK_CLOEXEC), S(SHUT_RD), S(SHUT_WR),
	S(SHUT_RDWR), S(MSG_PEEK), S(MSG_DONTWAIT), S(MSG_WAITALL),
	S(MSG_NOSIGNAL), S(MSG_OOB), S(F_GETFL), S(F_SETFL), S(O_NONBLOCK),
	S(O_RDWR), S(IPPROTO_EDU), S(IPPROTO_TCP),
	/* option levels and names */
	S(SOL_SOCKET), S(SOL_EDU), S(SO_ERROR), S(SO_RCVBUF), S(SO_SNDBUF),
	S(SO_REUSEADDR), S(SO_KEEPALIVE), S(SO_LINGER), S(SO_TYPE),
	S(SO_ACCEPTCONN), S(SO_RCVLOWAT), S(EDU_NODELAY), S(EDU_MAXSEG),
	S(EDU_INFO), S(EDU_CONGESTION),
	/* states, as edu_info.state and /proc report them */
	{ "ESTABLISHED", EDU_ESTABLISHED }, { "SYN_SENT", EDU_SYN_SENT },
	{ "SYN_RECV", EDU_SYN_RECV }, { "SYN_RECEIVED", EDU_SYN_RECV },
	{ "FIN_WAIT1", EDU_FIN_WAIT1 }, { "FIN_WAIT2", EDU_FIN_WAIT2 },
	{ "TIME_WAIT", EDU_TIME_WAIT }, { "CLOSE", EDU_CLOSE },
	{ "CLOSED", EDU_CLOSE }, { "CLOSE_WAIT", EDU_CLOSE_WAIT },
	{ "LAST_ACK", EDU_LAST_ACK }, { "LISTEN", EDU_LISTEN },
	{ "CLOSING", EDU_CLOSING },
	{ NULL, 0 }
};

static const char *errno_name(int e)
{
	const struct sym *s;

	if (e == EAGAIN)
		return "EAGAIN";
	for (s = syms; s->name; s++)
		if (s->name[0] == 'E' && s->val == e && strncmp(s->name, "EDU", 3)
		    && strcmp(s->name, "ESTABLISHED"))
			return s->name;
	return "E?";
}

static bool sym_lookup(const char *name, long *val)
{
	const struct sym *s;

	if (!strcmp(name, "AF_EDU") || !strcmp(name, "PF_EDU")) {
		*val = edu_family_nr;
		return true;
	}
	for (s = syms; s->name; s++) {
		if (!strcmp(s->name, name)) {
			*val = s->val;
			return true;
		}
	}
	return false;
}

/* An integer expression: numbers and symbols joined with '|'. */
static bool eval_int(const char *text, long *out)
{
	char buf[256], *tok, *save = NULL;
	long v = 0, x;

	snprintf(buf, sizeof(buf), "%s", text);
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		char *end;

		while (isspace((unsigned char)*tok))
			tok++;
		end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*tok)
			return false;
		if (isdigit((unsigned char)*tok) || *tok == '-') {
			x = strtol(tok, &end, 0);
			if (*end)
				return false;
		} else if (!sym_lookup(tok, &x)) {
			return false;
		}
		v |= x;
	}
	*out = v;
	return true;
}

/* ------------------------------------------------------------------ */
/* The script, parsed                                                 */

enum ev_type { EV_INJECT, EV_EXPECT, EV_CALL, EV_QUIET, EV_SHELL, EV_NEWCONN };

struct tpoint {
	bool rel;	/* '+': after the previous event (or the call's start) */
	double v;
};

enum opt_kind { O_EOL, O_NOP, O_MSS, O_WSCALE, O_SACKOK, O_SACK, O_RAW };

struct optspec {
	enum opt_kind kind;
	bool any;		/* "mss *": present, value not checked */
	uint32_t val;
	uint8_t raw[40];
	int rawlen;
	int nblk;		/* sack: blocks, relative to the receiver's ISN */
	uint32_t blk[EDU_MAX_SACK_BLOCKS][2];
};

struct segspec {
	uint8_t flags;
	uint32_t seq, len;
	bool has_ack, ack_any;
	uint32_t ack;
	bool has_win, win_any;
	uint32_t win;
	bool opts_given, opts_any;
	int nopts;
	struct optspec opt[MAX_OPTS];
	/* injection only: ways to make the segment wrong */
	bool bad_csum;
	bool raw_csum;		/* "csum N": this value in the field */
	int csum_proto;		/* pseudo-header protocol, 0: IPPROTO_EDU */
	bool has_pattern;	/* payload as if it started at this seq */
	uint32_t pattern;
	uint16_t csum;
	int doff;		/* raw data offset, -1: computed */
	int trunc;		/* cut the segment to this many bytes, -1: no */
	int reserved;		/* value of the reserved field */
	int rport;		/* the remote's port, 0: the connection's */
	int lport;		/* our port, 0: the connection's */
	bool abs_seq;		/* seq is absolute, not relative to the ISN */
};

struct callspec {
	char name[32];
	int nargs;
	char *args[MAX_ARGS];
	bool ret_any;
	long ret;
	int err;		/* errno expected when ret == -1 */
};

struct event {
	int lineno;
	char *text;
	enum ev_type type;
	bool any_time;		/* '*' */
	struct tpoint lo, hi;	/* hi == lo unless "a~b" */
	bool has_end;		/* "a...b": when a blocking call returns */
	struct tpoint end;
	struct segspec seg;
	struct callspec call;
	double quiet;
	char *shell;
	int newconn_rport;
};

static struct event *events;
static int nevents;

struct directive_sysctl {
	char name[64];
	char value[64];
};
static struct directive_sysctl sysctls[32];
static int nsysctls;
static uint32_t remote_isn = DEFAULT_RISN;

static int parse_error(int lineno, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int parse_error(int lineno, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag("%s:%d: %s", script_path, lineno, buf);
	return -1;
}

static char *skip_ws(char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

static bool parse_tpoint(const char **pp, struct tpoint *tp)
{
	const char *p = *pp;
	char *end;

	tp->rel = false;
	if (*p == '+') {
		tp->rel = true;
		p++;
	}
	char num[32];
	int n = 0;

	/* digits and one '.', but not the first '.' of "..." */
	while (n < (int)sizeof(num) - 1 && (isdigit((unsigned char)p[n]) ||
	       (p[n] == '.' && p[n + 1] != '.')))
		num[n] = p[n], n++;
	num[n] = '\0';
	if (!n)
		return false;
	tp->v = strtod(num, &end);
	if (*end)
		return false;
	*pp = p + n;
	return true;
}

/* "<mss 1460,nop,wscale 7,nop,nop,sackOK>", "<nop,nop,sack 1001:2001 3001:4001>", "<...>" */
static int parse_opts(int ln, char *text, struct segspec *s)
{
	char *tok, *save = NULL;

	s->opts_given = true;
	if (!strcmp(text, "...")) {
		s->opts_any = true;
		return 0;
	}
	for (tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct optspec *o;
		char name[32], val[64] = "";

		if (s->nopts >= MAX_OPTS)
			return parse_error(ln, "too many options");
		o = &s->opt[s->nopts++];
		memset(o, 0, sizeof(*o));
		tok = skip_ws(tok);
		if (sscanf(tok, "%31s %63s", name, val) < 1)
			return parse_error(ln, "empty option");
		if (!strcmp(name, "nop")) {
			o->kind = O_NOP;
		} else if (!strcmp(name, "eol")) {
			o->kind = O_EOL;
		} else if (!strcmp(name, "mss") || !strcmp(name, "wscale")) {
			o->kind = name[0] == 'm' ? O_MSS : O_WSCALE;
			if (!strcmp(val, "*"))
				o->any = true;
			else if (!*val)
				return parse_error(ln, "%s needs a value", name);
			else
				o->val = strtoul(val, NULL, 0);
		} else if (!strcmp(name, "sackOK")) {
			o->kind = O_SACKOK;
		} else if (!strcmp(name, "sack")) {
			/* sack L:R [L:R ...], relative sequence numbers */
			char *b = skip_ws(tok + 4);
			unsigned long l, r;
			int used;

			o->kind = O_SACK;
			while (*b) {
				if (o->nblk >= EDU_MAX_SACK_BLOCKS ||
				    sscanf(b, "%lu:%lu%n", &l, &r, &used) != 2)
					return parse_error(ln, "sack wants up to %d blocks L:R",
							   EDU_MAX_SACK_BLOCKS);
				o->blk[o->nblk][0] = l;
				o->blk[o->nblk][1] = r;
				o->nblk++;
				b = skip_ws(b + used);
			}
			if (!o->nblk)
				return parse_error(ln, "sack needs a block");
		} else if (!strcmp(name, "raw")) {
			/* raw 03:02:07 - bytes exactly as written */
			char *b = val;

			o->kind = O_RAW;
			while (*b && o->rawlen < (int)sizeof(o->raw)) {
				o->raw[o->rawlen++] = strtoul(b, &b, 16);
				if (*b == ':')
					b++;
			}
		} else {
			return parse_error(ln, "unknown option '%s'", name);
		}
	}
	return 0;
}

/* "S. 0:0(0) ack 1 win 65535 <mss 1460,wscale 7> bad_csum" */
static int parse_segment(int ln, char *p, struct segspec *s)
{
	char *tok, *q, *save = NULL;
	unsigned long a, b, l;

	memset(s, 0, sizeof(*s));
	s->doff = -1;
	s->trunc = -1;
	p = skip_ws(p);
	for (; *p && !isspace((unsigned char)*p); p++) {
		switch (*p) {
		case 'S': s->flags |= EDU_FLAG_SYN; break;
		case 'F': s->flags |= EDU_FLAG_FIN; break;
		case 'R': s->flags |= EDU_FLAG_RST; break;
		case 'P': s->flags |= EDU_FLAG_PSH; break;
		case '.': s->flags |= EDU_FLAG_ACK; break;
		case '0': break;	/* "0": no flag at all */
		default:
			return parse_error(ln, "unknown flag '%c'", *p);
		}
	}
	p = skip_ws(p);
	if (sscanf(p, "%lu:%lu(%lu)", &a, &b, &l) != 3)
		return parse_error(ln, "expected seq:end(len), got '%s'", p);
	if ((uint32_t)(b - a) != l)
		return parse_error(ln, "%lu:%lu is not %lu bytes", a, b, l);
	s->seq = a;
	s->len = l;
	while (*p && !isspace((unsigned char)*p))
		p++;
	/* the option list first, then whitespace-separated keywords */
	tok = strchr(p, '<');
	if (tok) {
		q = strchr(tok, '>');
		if (!q)
			return parse_error(ln, "unterminated option list");
		*q = '\0';
		if (parse_opts(ln, tok + 1, s))
			return -1;
		memmove(tok, q + 1, strlen(q + 1) + 1);
	}
	for (tok = strtok_r(p, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		static const char *const valued[] = {
			"ack", "win", "doff", "trunc", "reserved", "rport", "lport",
			"csum", "csum_proto", "pattern", NULL
		};
		const char *const *k;
		char *val = NULL;
		unsigned long v = 0;

		for (k = valued; *k && strcmp(*k, tok); k++)
			;
		if (*k) {
			val = strtok_r(NULL, " \t\n", &save);
			if (!val)
				return parse_error(ln, "%s needs a value", tok);
			v = strtoul(val, NULL, 0);
		}
		if (!strcmp(tok, "ack")) {
			s->has_ack = true;
			s->ack_any = *val == '*';
			s->ack = v;
		} else if (!strcmp(tok, "win")) {
			s->has_win = true;
			s->win_any = *val == '*';
			s->win = v;
		} else if (!strcmp(tok, "doff")) {
			s->doff = v;
		} else if (!strcmp(tok, "trunc")) {
			s->trunc = v;
		} else if (!strcmp(tok, "reserved")) {
			s->reserved = v;
		} else if (!strcmp(tok, "pattern")) {
			s->pattern = v;
			s->has_pattern = true;
		} else if (!strcmp(tok, "csum_proto")) {
			s->csum_proto = v;
		} else if (!strcmp(tok, "csum")) {
			s->csum = v;
			s->raw_csum = true;
		} else if (!strcmp(tok, "rport")) {
			s->rport = v;
		} else if (!strcmp(tok, "lport")) {
			s->lport = v;
		} else if (!strcmp(tok, "bad_csum")) {
			s->bad_csum = true;
		} else if (!strcmp(tok, "abs")) {
			s->abs_seq = true;
		} else {
			return parse_error(ln, "unknown keyword '%s'", tok);
		}
	}
	if ((s->flags & EDU_FLAG_ACK) && !s->has_ack)
		return parse_error(ln, "'.' (ACK) needs 'ack N'");
	if (!(s->flags & EDU_FLAG_ACK) && s->has_ack && !s->ack_any)
		return parse_error(ln, "'ack N' without the '.' flag");
	return 0;
}

/* Split "a, [1], {x=1, y=2}, ..." at top-level commas. */
static int split_args(int ln, char *p, struct callspec *c)
{
	int depth = 0;
	bool quote = false;
	char *start = p;

	c->nargs = 0;
	p = skip_ws(p);
	if (!*p)
		return 0;
	for (start = p;; p++) {
		if (*p == '"')
			quote = !quote;
		if (quote && *p)
			continue;
		if (*p == '[' || *p == '{' || *p == '(')
			depth++;
		if (*p == ']' || *p == '}' || *p == ')')
			depth--;
		if ((*p == ',' && depth == 0) || !*p) {
			char *e = p;
			bool last = !*p;

			while (e > start && isspace((unsigned char)e[-1]))
				e--;
			*e = '\0';
			if (c->nargs >= MAX_ARGS)
				return parse_error(ln, "too many arguments");
			c->args[c->nargs++] = strdup(skip_ws(start));
			if (last)
				break;
			start = p + 1;
		}
	}
	return 0;
}

/* "accept(3, ..., ...) = 4", "read(4, ..., 10) = -1 EAGAIN (comment)" */
static int parse_call(int ln, char *p, struct callspec *c)
{
	char *open = strchr(p, '('), *close, *eq;
	int depth = 0;
	char rbuf[64], ebuf[64];
	int n;

	memset(c, 0, sizeof(*c));
	if (!open || open - p >= (int)sizeof(c->name))
		return parse_error(ln, "not a call");
	memcpy(c->name, p, open - p);
	c->name[open - p] = '\0';
	for (close = open; *close; close++) {
		if (*close == '(')
			depth++;
		if (*close == ')' && --depth == 0)
			break;
	}
	if (!*close)
		return parse_error(ln, "missing ')'");
	*close = '\0';
	if (split_args(ln, open + 1, c))
		return -1;
	eq = skip_ws(close + 1);
	if (*eq != '=')
		return parse_error(ln, "a call needs '= result'");
	n = sscanf(eq + 1, " %63s %63s", rbuf, ebuf);
	if (n < 1)
		return parse_error(ln, "a call needs '= result'");
	if (!strcmp(rbuf, "*")) {
		c->ret_any = true;
	} else if (!eval_int(rbuf, &c->ret)) {
		return parse_error(ln, "bad result '%s'", rbuf);
	}
	if (c->ret == -1 && !c->ret_any) {
		long e;

		if (n < 2 || !sym_lookup(ebuf, &e) || ebuf[0] != 'E')
			return parse_error(ln, "-1 needs an errno name");
		c->err = e;
	}
	return 0;
}

static int parse_line(int ln, char *line, struct event *ev)
{
	char *p = line, *c;
	const char *tp;

	/* comments: "//" and "#" to the end of the line */
	for (c = line; *c; c++) {
		if (*c == '`') {		/* no comments inside a command */
			c = strchr(c + 1, '`');
			if (!c)
				break;
			continue;
		}
		if ((c[0] == '/' && c[1] == '/') || c[0] == '#') {
			*c = '\0';
			break;
		}
	}
	p = skip_ws(line);
	c = p + strlen(p);
	while (c > p && isspace((unsigned char)c[-1]))
		*--c = '\0';
	if (!*p)
		return 0;

	/* untimed directives */
	if (!strncmp(p, "tolerance ", 10)) {
		tolerance = strtod(p + 10, NULL);
		return 0;
	}
	if (!strncmp(p, "sysctl ", 7)) {
		struct directive_sysctl *d = &sysctls[nsysctls];

		if (nsysctls >= 32 || sscanf(p + 7, "%63s %63s", d->name, d->value) != 2)
			return parse_error(ln, "usage: sysctl NAME VALUE");
		nsysctls++;
		return 0;
	}
	if (!strncmp(p, "remote_isn ", 11)) {
		remote_isn = strtoul(p + 11, NULL, 0);
		return 0;
	}

	memset(ev, 0, sizeof(*ev));
	ev->lineno = ln;
	ev->text = strdup(p);
	tp = p;
	if (*tp == '*') {
		ev->any_time = true;
		tp++;
	} else if (!parse_tpoint(&tp, &ev->lo)) {
		return parse_error(ln, "a line starts with a time (0, +0.1, *)");
	}
	ev->hi = ev->lo;
	if (*tp == '~') {
		tp++;
		if (!parse_tpoint(&tp, &ev->hi))
			return parse_error(ln, "bad time range");
		if (!ev->hi.rel && ev->lo.rel)
			return parse_error(ln, "write a range as +a~+b");
	}
	if (!strncmp(tp, "...", 3)) {
		tp += 3;
		ev->has_end = true;
		if (!parse_tpoint(&tp, &ev->end))
			return parse_error(ln, "bad end time after '...'");
	}
	if (!isspace((unsigned char)*tp))
		return parse_error(ln, "space expected after the time");
	p = skip_ws((char *)tp);

	if (*p == '<' || *p == '>') {
		ev->type = *p == '<' ? EV_INJECT : EV_EXPECT;
		if (parse_segment(ln, p + 1, &ev->seg))
			return -1;
		if (ev->type == EV_EXPECT && (ev->seg.bad_csum || ev->seg.doff >= 0 ||
					       ev->seg.raw_csum || ev->seg.csum_proto ||
					       ev->seg.has_pattern ||
					       ev->seg.trunc >= 0 || ev->seg.reserved))
			return parse_error(ln, "bad_csum/doff/trunc/reserved are for '<' lines");
	} else if (*p == '`') {
		char *e = strrchr(p + 1, '`');

		if (!e)
			return parse_error(ln, "unterminated `command`");
		*e = '\0';
		ev->type = EV_SHELL;
		ev->shell = strdup(p + 1);
	} else if (!strncmp(p, "quiet", 5) && (isspace((unsigned char)p[5]) || !p[5])) {
		ev->type = EV_QUIET;
		ev->quiet = strtod(p + 5, NULL);
		if (ev->quiet <= 0)
			return parse_error(ln, "usage: quiet SECONDS");
	} else if (!strncmp(p, "new_conn", 8)) {
		ev->type = EV_NEWCONN;
		if (strstr(p, "rport"))
			ev->newconn_rport = atoi(strstr(p, "rport") + 5);
	} else if (isalpha((unsigned char)*p)) {
		ev->type = EV_CALL;
		if (parse_call(ln, p, &ev->call))
			return -1;
	} else {
		return parse_error(ln, "cannot parse '%s'", p);
	}
	if (ev->has_end && ev->type != EV_CALL)
		return parse_error(ln, "'...' is for calls only");
	return 1;
}

static int parse_script(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[MAX_LINE];
	int ln = 0, cap = 0, r, errors = 0;

	if (!f) {
		diag("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		ln++;
		if (nevents == cap) {
			cap = cap ? cap * 2 : 64;
			events = realloc(events, cap * sizeof(*events));
		}
		r = parse_line(ln, line, &events[nevents]);
		if (r < 0)
			errors++;
		else if (r > 0)
			nevents++;
	}
	fclose(f);
	return errors ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Connections: ports and initial sequence numbers                    */

struct conn {
	bool used;
	uint16_t rport;
	bool isn_known;		/* learned from the local SYN or SYN-ACK */
	uint32_t lisn;		/* local initial sequence number */
	uint32_t risn;		/* the remote's, chosen by the script */
};

static struct conn conns[MAX_CONNS];
static uint16_t cur_rport = CLIENT_PORT;
static uint16_t lport = LOCAL_PORT;
static bool lport_known = true;
static bool bound;
static bool connected;

static struct conn *conn_get(uint16_t rport)
{
	int i;

	for (i = 0; i < MAX_CONNS; i++)
		if (conns[i].used && conns[i].rport == rport)
			return &conns[i];
	for (i = 0; i < MAX_CONNS; i++) {
		if (!conns[i].used) {
			conns[i].used = true;
			conns[i].rport = rport;
			conns[i].isn_known = false;
			conns[i].risn = remote_isn;
			return &conns[i];
		}
	}
	diag("too many connections");
	exit(EXIT_SCRIPT);
}

/* ------------------------------------------------------------------ */
/* Segments: building, checksums, printing                            */

struct pkt {
	double t;
	int len;
	uint8_t *data;		/* IPv4 header + segment */
};

static uint16_t seg_csum(uint32_t saddr, uint32_t daddr, const void *seg, size_t len)
{
	return edu_seg_csum(saddr, daddr, IPPROTO_EDU, seg, len);
}

/* Payload bytes are a function of their relative sequence number, so
 * that reassembly and retransmissions can be checked byte by byte. */
static uint8_t remote_byte(uint32_t relseq)	/* sent by the remote */
{
	return 'A' + (relseq - 1) % 26;
}

static uint8_t local_byte(uint32_t relseq)	/* written by the local app */
{
	return 'a' + (relseq - 1) % 26;
}

/* @base: our ISN, which the remote's SACK blocks are relative to */
static int build_opts(const struct segspec *s, uint8_t *o, uint32_t base)
{
	int n = 0, i, b;

	for (i = 0; i < s->nopts; i++) {
		const struct optspec *p = &s->opt[i];

		switch (p->kind) {
		case O_EOL: o[n++] = EDU_OPT_EOL; break;
		case O_NOP: o[n++] = EDU_OPT_NOP; break;
		case O_MSS:
			o[n++] = EDU_OPT_MSS;
			o[n++] = EDU_OPTLEN_MSS;
			o[n++] = p->val >> 8;
			o[n++] = p->val;
			break;
		case O_WSCALE:
			o[n++] = EDU_OPT_WSCALE;
			o[n++] = EDU_OPTLEN_WSCALE;
			o[n++] = p->val;
			break;
		case O_SACKOK:
			o[n++] = EDU_OPT_SACK_PERM;
			o[n++] = EDU_OPTLEN_SACK_PERM;
			break;
		case O_SACK:
			o[n++] = EDU_OPT_SACK;
			o[n++] = 2 + p->nblk * EDU_OPTLEN_SACK_BLOCK;
			for (b = 0; b < p->nblk; b++) {
				uint32_t l = htonl(p->blk[b][0] + base);
				uint32_t r = htonl(p->blk[b][1] + base);

				memcpy(o + n, &l, 4);
				memcpy(o + n + 4, &r, 4);
				n += EDU_OPTLEN_SACK_BLOCK;
			}
			break;
		case O_RAW:
			memcpy(o + n, p->raw, p->rawlen);
			n += p->rawlen;
			break;
		}
	}
	while (n % 4)
		o[n++] = EDU_OPT_EOL;
	return n;
}

/* Block @b of the SACK option at @o (kind first): its edges, host order. */
static void sack_block(const uint8_t *o, int b, uint32_t *l, uint32_t *r)
{
	memcpy(l, o + 2 + EDU_OPTLEN_SACK_BLOCK * b, 4);
	memcpy(r, o + 6 + EDU_OPTLEN_SACK_BLOCK * b, 4);
	*l = ntohl(*l);
	*r = ntohl(*r);
}

/* Text form of a segment's header, relative to @c when it knows the ISNs. */
static void seg_str(char *buf, size_t sz, const uint8_t *ip, int len, bool outgoing)
{
	const struct edu_iphdr *iph = (const void *)ip;
	int ihl = (iph->ver_ihl & 15) * 4;
	const struct eduhdr *h = (const void *)(ip + ihl);
	int seglen = len - ihl, doff, plen, n = 0, i;
	uint32_t seq, ack, off_seq = 0, off_ack = 0;
	struct conn *c = NULL;
	char fl[8];
	int f = 0;

	if (seglen < EDU_HDR_LEN) {
		snprintf(buf, sz, "%s short segment, %d bytes", outgoing ? ">" : "<",
			 seglen);
		return;
	}
	doff = EDU_DOFF(h) * 4;
	plen = seglen - (doff >= EDU_HDR_LEN && doff <= seglen ? doff : EDU_HDR_LEN);
	c = conn_get(ntohs(outgoing ? h->dest : h->source));
	if (outgoing) {
		if (c->isn_known)
			off_seq = c->lisn;
		off_ack = c->risn;
	} else {
		off_seq = c->risn;
		if (c->isn_known)
			off_ack = c->lisn;
	}
	if (h->flags & EDU_FLAG_SYN) fl[f++] = 'S';
	if (h->flags & EDU_FLAG_FIN) fl[f++] = 'F';
	if (h->flags & EDU_FLAG_RST) fl[f++] = 'R';
	if (h->flags & EDU_FLAG_PSH) fl[f++] = 'P';
	if (h->flags & EDU_FLAG_ACK) fl[f++] = '.';
	if (!f)
		fl[f++] = '0';
	fl[f] = '\0';
	seq = ntohl(h->seq) - off_seq;
	ack = ntohl(h->ack_seq) - off_ack;
	n += snprintf(buf + n, sz - n, "%s %u>%u %s %u:%u(%d)", outgoing ? ">" : "<",
		      ntohs(h->source), ntohs(h->dest), fl, seq, seq + plen, plen);
	if (h->flags & EDU_FLAG_ACK)
		n += snprintf(buf + n, sz - n, " ack %u", ack);
	n += snprintf(buf + n, sz - n, " win %u", ntohs(h->window));
	if (doff > EDU_HDR_LEN && doff <= seglen) {
		const uint8_t *o = (const uint8_t *)h + EDU_HDR_LEN;
		int olen = doff - EDU_HDR_LEN;
		const char *sep = " <";

		for (i = 0; i < olen && n < (int)sz - 32;) {
			if (o[i] == EDU_OPT_EOL) {
				n += snprintf(buf + n, sz - n, "%seol", sep);
				break;
			} else if (o[i] == EDU_OPT_NOP) {
				n += snprintf(buf + n, sz - n, "%snop", sep);
				i++;
			} else if (o[i] == EDU_OPT_MSS && i + 3 < olen && o[i + 1] == 4) {
				n += snprintf(buf + n, sz - n, "%smss %u", sep,
					      (o[i + 2] << 8) | o[i + 3]);
				i += 4;
			} else if (o[i] == EDU_OPT_WSCALE && i + 2 < olen && o[i + 1] == 3) {
				n += snprintf(buf + n, sz - n, "%swscale %u", sep, o[i + 2]);
				i += 3;
			} else if (o[i] == EDU_OPT_SACK_PERM && i + 1 < olen && o[i + 1] == 2) {
				n += snprintf(buf + n, sz - n, "%ssackOK", sep);
				i += 2;
			} else if (o[i] == EDU_OPT_SACK && i + 1 < olen && o[i + 1] >= 10 &&
				   !((o[i + 1] - 2) % 8) && i + o[i + 1] <= olen) {
				int b, nb = (o[i + 1] - 2) / 8;

				n += snprintf(buf + n, sz - n, "%ssack", sep);
				for (b = 0; b < nb && n < (int)sz - 32; b++) {
					uint32_t l, r;

					sack_block(o + i, b, &l, &r);
					n += snprintf(buf + n, sz - n, " %u:%u",
						      l - off_ack, r - off_ack);
				}
				i += o[i + 1];
			} else {
				n += snprintf(buf + n, sz - n, "%sraw", sep);
				for (; i < olen; i++)
					n += snprintf(buf + n, sz - n, "%c%02x",
						      i ? ':' : ' ', o[i]);
			}
			sep = ",";
		}
		n += snprintf(buf + n, sz - n, ">");
	} else if (doff != EDU_HDR_LEN) {
		n += snprintf(buf + n, sz - n, " doff %d", doff / 4);
	}
	if (h->reserved)
		n += snprintf(buf + n, sz - n, " reserved %u", ntohs(h->reserved));
	if (seg_csum(iph->saddr, iph->daddr, h, seglen) != 0)
		snprintf(buf + n, sz - n, " BAD-CSUM(0x%04x)", ntohs(h->check));
}

/* Every packet in both directions, printed when a script fails. */
#define LOG_MAX 400
static char *pkt_log[LOG_MAX];
static int npkt_log;

static void log_pkt(double t, const uint8_t *ip, int len, bool outgoing)
{
	char s[512], l[600];

	seg_str(s, sizeof(s), ip, len, outgoing);
	snprintf(l, sizeof(l), "%8.3f %s", st(t), s);
	if (verbose)
		diag("  %s", l);
	if (npkt_log < LOG_MAX)
		pkt_log[npkt_log++] = strdup(l);
}

/* ------------------------------------------------------------------ */
/* The TUN reader thread                                              */

#define QMAX 1024
static struct pkt queue[QMAX];
static int qhead, qtail;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond;

/*
 * One outgoing packet from the capture socket, stamped by the kernel when
 * it was handed to the TUN device (dev_queue_xmit_nit), so the time does
 * not depend on how soon this thread got to run. -1: not an outgoing one.
 */
static ssize_t read_captured(uint8_t *buf, size_t len, double *t)
{
	char ctrl[256];
	struct sockaddr_ll from;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctrl, .msg_controllen = sizeof(ctrl),
	};
	struct cmsghdr *cm;
	ssize_t n = recvmsg(cap_fd, &msg, MSG_DONTWAIT);

	*t = now();
	if (n < 0 || from.sll_pkttype != PACKET_OUTGOING)
		return -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			double kt;

			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			kt = ts.tv_sec + ts.tv_nsec / 1e9 - real_minus_mono;
			if (verbose > 1)
				diag("  capture: read at %.3f, kernel stamp %.3f",
				     st(*t), st(kt));
			if (kt > 0 && kt <= *t)
				*t = kt;
		}
	}
	return n;
}

static void *reader(void *arg)
{
	uint8_t buf[PKT_MAX];
	struct pollfd pfd[2] = {
		{ .fd = tun_fd, .events = POLLIN },
		{ .fd = cap_fd, .events = POLLIN },
	};

	for (;;) {
		const struct edu_iphdr *iph = (const void *)buf;
		ssize_t n;
		double t;

		if (poll(pfd, cap_fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			break;
		if (cap_fd >= 0) {
			/* the TUN queue only needs draining; the copy with the
			 * kernel's timestamp comes from the capture socket */
			if (pfd[0].revents & POLLIN)
				while (read(tun_fd, buf, sizeof(buf)) > 0)
					;
			if (!(pfd[1].revents & POLLIN))
				continue;
			n = read_captured(buf, sizeof(buf), &t);
			if (n < 0)
				continue;
		} else {
			n = read(tun_fd, buf, sizeof(buf));
			t = now();
		}
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			break;
		}
		if (n < 20 || (buf[0] >> 4) != 4 || iph->protocol != IPPROTO_EDU) {
			if (verbose > 1)
				diag("  %8.3f (ignored non-EDU packet, %zd bytes)", st(t), n);
			continue;
		}
		pthread_mutex_lock(&lock);
		if ((qtail + 1) % QMAX != qhead) {
			queue[qtail].t = t;
			queue[qtail].len = n;
			queue[qtail].data = malloc(n);
			memcpy(queue[qtail].data, buf, n);
			qtail = (qtail + 1) % QMAX;
		}
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
	return arg;
}

static void abs_timespec(double t, struct timespec *ts)
{
	ts->tv_sec = (time_t)t;
	ts->tv_nsec = (long)((t - ts->tv_sec) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Take the oldest outgoing segment, waiting until @deadline; false: none. */
static bool next_pkt(double deadline, struct pkt *out)
{
	struct timespec ts;
	bool got = false;

	abs_timespec(deadline, &ts);
	pthread_mutex_lock(&lock);
	while (qhead == qtail) {
		if (pthread_cond_timedwait(&cond, &lock, &ts) == ETIMEDOUT)
			break;
	}
	if (qhead != qtail) {
		*out = queue[qhead];
		qhead = (qhead + 1) % QMAX;
		got = true;
	}
	pthread_mutex_unlock(&lock);
	return got;
}

/* ------------------------------------------------------------------ */
/* The syscall thread                                                 */

struct job {
	struct event *ev;
	long iv[MAX_ARGS];	/* integer arguments */
	struct sockaddr_in sa;
	void *buf;
	size_t buflen;
	socklen_t optlen;
	bool done;
	long ret;
	int err;
	double t0, t1;
};

static struct job *cur_job;	/* handed to the syscall thread */
static struct job *pending;	/* dispatched, result not checked yet */

static void run_job(struct job *j)
{
	const char *n = j->ev->call.name;
	long r = -1;
	socklen_t sl;

	errno = 0;
	if (!strcmp(n, "socket")) {
		r = socket(j->iv[0], j->iv[1], j->iv[2]);
	} else if (!strcmp(n, "bind")) {
		r = bind(j->iv[0], (struct sockaddr *)&j->sa, sizeof(j->sa));
	} else if (!strcmp(n, "connect")) {
		r = connect(j->iv[0], (struct sockaddr *)&j->sa, sizeof(j->sa));
	} else if (!strcmp(n, "listen")) {
		r = listen(j->iv[0], j->iv[1]);
	} else if (!strcmp(n, "accept")) {
		sl = sizeof(j->sa);
		r = accept(j->iv[0], (struct sockaddr *)&j->sa, &sl);
	} else if (!strcmp(n, "write")) {
		r = write(j->iv[0], j->buf, j->buflen);
	} else if (!strcmp(n, "send")) {
		r = send(j->iv[0], j->buf, j->buflen, j->iv[3]);
	} else if (!strcmp(n, "read")) {
		r = read(j->iv[0], j->buf, j->buflen);
	} else if (!strcmp(n, "recv")) {
		r = recv(j->iv[0], j->buf, j->buflen, j->iv[3]);
	} else if (!strcmp(n, "close")) {
		r = close(j->iv[0]);
	} else if (!strcmp(n, "shutdown")) {
		r = shutdown(j->iv[0], j->iv[1]);
	} else if (!strcmp(n, "setsockopt")) {
		r = setsockopt(j->iv[0], j->iv[1], j->iv[2], j->buf, j->optlen);
	} else if (!strcmp(n, "getsockopt")) {
		r = getsockopt(j->iv[0], j->iv[1], j->iv[2], j->buf, &j->optlen);
	} else if (!strcmp(n, "fcntl")) {
		r = fcntl(j->iv[0], j->iv[1], j->iv[2]);
	} else if (!strcmp(n, "getsockname") || !strcmp(n, "getpeername")) {
		sl = sizeof(j->sa);
		r = (n[3] == 's' ? getsockname : getpeername)(j->iv[0],
				(struct sockaddr *)&j->sa, &sl);
	}
	j->err = errno;
	j->ret = r;
}

static void *syscaller(void *arg)
{
	pthread_mutex_lock(&lock);
	for (;;) {
		struct job *j;

		while (!cur_job)
			pthread_cond_wait(&cond, &lock);
		j = cur_job;
		pthread_mutex_unlock(&lock);
		j->t0 = now();
		run_job(j);
		j->t1 = now();
		pthread_mutex_lock(&lock);
		j->done = true;
		cur_job = NULL;
		pthread_cond_broadcast(&cond);
	}
	return arg;
}

/* Wait until @j is done or @deadline; true when done. */
static bool job_wait(struct job *j, double deadline)
{
	struct timespec ts;
	bool done;

	abs_timespec(deadline, &ts);
	pthread_mutex_lock(&lock);
	while (!j->done) {
		if (pthread_cond_timedwait(&cond, &lock, &ts) == ETIMEDOUT)
			break;
	}
	done = j->done;
	pthread_mutex_unlock(&lock);
	return done;
}

/* ------------------------------------------------------------------ */
/* Running the script                                                 */

static struct event *cur_ev;
static double prev_t;			/* when the previous event happened */
static long rd_off[MAX_FD], wr_off[MAX_FD];	/* stream offsets per fd */

static void dump_log(void)
{
	int i;

	diag("segments so far (time, direction, ports, relative seq):");
	for (i = 0; i < npkt_log; i++)
		diag("  %s", pkt_log[i]);
}

static void fail(struct event *ev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
static void fail(struct event *ev, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (ev)
		diag("FAIL %s:%d: %s", script_path, ev->lineno, ev->text);
	else
		diag("FAIL %s", script_path);
	diag("  %s", buf);
	dump_log();
	exit(EXIT_FAIL);
}

/* Segments the stack sent before now that no line expected. */
static void check_no_unexpected(struct event *ev)
{
	struct pkt p;
	char s[512];

	if (!next_pkt(0, &p))
		return;
	log_pkt(p.t, p.data, p.len, true);
	seg_str(s, sizeof(s), p.data, p.len, true);
	fail(ev, "unexpected segment at %.3f before this line: %s", st(p.t), s);
}

static void check_call_result(struct job *j);
static double late_slack(double from, double to);

/* A blocked call from an earlier line: wait for it and check its result. */
static void reap_pending(double max_wait)
{
	struct job *j = pending;
	double limit;

	if (!j)
		return;
	limit = now() + max_wait;
	if (j->ev->has_end) {
		double end = j->ev->end.rel ? j->t0 + j->ev->end.v : t_start + j->ev->end.v;

		if (end + late_slack(j->t0, end) > limit)
			limit = end + late_slack(j->t0, end);
	}
	if (!job_wait(j, limit))
		fail(j->ev, "the call is still blocked %.3f s after it started",
		     now() - j->t0);
	pending = NULL;
	check_call_result(j);
}

static void reap_if_done(void)
{
	if (pending && pending->done)
		reap_pending(0);
}

static double event_time(const struct tpoint *tp)
{
	return tp->rel ? prev_t + tp->v : t_start + tp->v;
}

static void do_inject(struct event *ev)
{
	const struct segspec *s = &ev->seg;
	uint8_t pkt[PKT_MAX], opts[64];
	struct edu_iphdr *iph = (void *)pkt;
	struct eduhdr *h = (void *)(pkt + 20);
	uint16_t rp = s->rport ? s->rport : cur_rport;
	uint16_t lp = s->lport ? s->lport : lport;
	struct conn *c = conn_get(rp);
	int olen = build_opts(s, opts, c->isn_known && !s->abs_seq ? c->lisn : 0), seglen, i;
	uint32_t seq = s->abs_seq ? s->seq : s->seq + c->risn;
	uint32_t ack = s->ack;
	static uint16_t ipid = 1;

	if (!lport_known && !s->lport)
		fail(ev, "our port is not known yet (no segment seen since connect)");
	if ((s->flags & EDU_FLAG_ACK) && c->isn_known && !s->abs_seq)
		ack += c->lisn;
	seglen = EDU_HDR_LEN + olen + s->len;
	if (20 + seglen > PKT_MAX)
		fail(ev, "segment too large");
	memset(pkt, 0, 20 + EDU_HDR_LEN);
	h->source = htons(rp);
	h->dest = htons(lp);
	h->seq = htonl(seq);
	h->ack_seq = htonl(ack);
	EDU_SET_DOFF(h, s->doff >= 0 ? s->doff : (EDU_HDR_LEN + olen) / 4);
	h->flags = s->flags;
	h->window = htons(s->has_win ? s->win : 65535);
	h->reserved = htons(s->reserved);
	memcpy(pkt + 20 + EDU_HDR_LEN, opts, olen);
	for (i = 0; i < (int)s->len; i++)	/* SYN takes the first number */
		pkt[20 + EDU_HDR_LEN + olen + i] = remote_byte(i + (s->has_pattern ?
			s->pattern : s->seq + ((s->flags & EDU_FLAG_SYN) ? 1 : 0)));
	if (s->trunc >= 0 && s->trunc < seglen)
		seglen = s->trunc;
	if (seglen >= 18) {
		h->check = 0;
		h->check = edu_seg_csum(remote_addr.s_addr, local_addr.s_addr,
					  s->csum_proto ? s->csum_proto : IPPROTO_EDU,
					  h, seglen);
		if (s->bad_csum)
			h->check ^= htons(0x5a5a);
		if (s->raw_csum)
			h->check = htons(s->csum);
	}
	edu_ip_header(iph, remote_addr.s_addr, local_addr.s_addr, IPPROTO_EDU,
		      seglen, ipid++);
	log_pkt(now(), pkt, 20 + seglen, false);
	if (write(tun_fd, pkt, 20 + seglen) != 20 + seglen)
		fail(ev, "write to the TUN device: %s", strerror(errno));
}

/* Options of an outgoing segment, EOL and what follows it left out. */
static int parse_out_opts(const uint8_t *o, int olen, struct optspec *out, int max,
			  char *why, size_t wsz)
{
	int i = 0, n = 0;

	while (i < olen && n < max) {
		struct optspec *p = &out[n];

		memset(p, 0, sizeof(*p));
		if (o[i] == EDU_OPT_EOL)
			break;
		if (o[i] == EDU_OPT_NOP) {
			p->kind = O_NOP;
			i++;
			n++;
			continue;
		}
		if (i + 1 >= olen || o[i + 1] < 2 || i + o[i + 1] > olen) {
			snprintf(why, wsz, "malformed option list");
			return -1;
		}
		if (o[i] == EDU_OPT_MSS && o[i + 1] == EDU_OPTLEN_MSS) {
			p->kind = O_MSS;
			p->val = (o[i + 2] << 8) | o[i + 3];
		} else if (o[i] == EDU_OPT_WSCALE && o[i + 1] == EDU_OPTLEN_WSCALE) {
			p->kind = O_WSCALE;
			p->val = o[i + 2];
		} else if (o[i] == EDU_OPT_SACK_PERM && o[i + 1] == EDU_OPTLEN_SACK_PERM) {
			p->kind = O_SACKOK;
		} else if (o[i] == EDU_OPT_SACK && o[i + 1] >= 10 && !((o[i + 1] - 2) % 8) &&
			   (o[i + 1] - 2) / 8 <= EDU_MAX_SACK_BLOCKS) {
			int b;

			p->kind = O_SACK;
			p->nblk = (o[i + 1] - 2) / 8;
			for (b = 0; b < p->nblk; b++)	/* absolute here */
				sack_block(o + i, b, &p->blk[b][0], &p->blk[b][1]);
		} else {
			p->kind = O_RAW;
			p->rawlen = o[i + 1];
			memcpy(p->raw, o + i, p->rawlen);
		}
		i += o[i + 1];
		n++;
	}
	return n;
}

/* Compare an outgoing segment with a '>' line; "" when it matches. */
static void match_segment(struct event *ev, const struct pkt *p, char *why, size_t wsz)
{
	const struct segspec *s = &ev->seg;
	const struct edu_iphdr *iph = (const void *)p->data;
	int ihl = (iph->ver_ihl & 15) * 4, seglen = p->len - ihl, doff, plen, n, i;
	const struct eduhdr *h = (const void *)(p->data + ihl);
	uint16_t rp = s->rport ? s->rport : cur_rport;
	struct conn *c;
	uint32_t seq, ack;
	struct optspec got[MAX_OPTS], want[MAX_OPTS];
	int ngot, nwant = 0;

	why[0] = '\0';
	if (ntohs(iph->tot_len) != p->len) {
		snprintf(why, wsz, "IP total length %u but %d bytes", ntohs(iph->tot_len), p->len);
		return;
	}
	if (iph->saddr != local_addr.s_addr || iph->daddr != remote_addr.s_addr) {
		snprintf(why, wsz, "wrong IP addresses");
		return;
	}
	if (seglen < EDU_HDR_LEN) {
		snprintf(why, wsz, "segment shorter than the header (%d bytes)", seglen);
		return;
	}
	if (seg_csum(iph->saddr, iph->daddr, h, seglen) != 0) {
		snprintf(why, wsz, "bad checksum 0x%04x", ntohs(h->check));
		return;
	}
	doff = EDU_DOFF(h) * 4;
	if (doff < EDU_HDR_LEN || doff > seglen || doff > EDU_HDR_LEN_MAX) {
		snprintf(why, wsz, "data offset %d words", doff / 4);
		return;
	}
	if (h->reserved) {
		snprintf(why, wsz, "reserved field is %u, must be 0", ntohs(h->reserved));
		return;
	}
	if (!lport_known && !s->lport) {
		lport = ntohs(h->source);
		lport_known = true;
	}
	if (ntohs(h->source) != (s->lport ? s->lport : lport) || ntohs(h->dest) != rp) {
		snprintf(why, wsz, "ports %u>%u, expected %u>%u", ntohs(h->source),
			 ntohs(h->dest), s->lport ? s->lport : lport, rp);
		return;
	}
	if (h->flags != s->flags) {
		snprintf(why, wsz, "flags 0x%02x, expected 0x%02x", h->flags, s->flags);
		return;
	}
	c = conn_get(rp);
	if ((s->flags & EDU_FLAG_SYN) && !c->isn_known) {
		c->lisn = ntohl(h->seq) - s->seq;
		c->isn_known = true;
	}
	plen = seglen - doff;
	seq = ntohl(h->seq) - (c->isn_known ? c->lisn : 0);
	ack = ntohl(h->ack_seq) - c->risn;
	if (seq != s->seq) {
		snprintf(why, wsz, "seq %u, expected %u", seq, s->seq);
		return;
	}
	if (plen != (int)s->len) {
		snprintf(why, wsz, "payload %d bytes, expected %u", plen, s->len);
		return;
	}
	if ((s->flags & EDU_FLAG_ACK) && !s->ack_any && ack != s->ack) {
		snprintf(why, wsz, "ack %u, expected %u", ack, s->ack);
		return;
	}
	if (s->has_win && !s->win_any && ntohs(h->window) != s->win) {
		snprintf(why, wsz, "win %u, expected %u", ntohs(h->window), s->win);
		return;
	}
	ngot = parse_out_opts((const uint8_t *)h + EDU_HDR_LEN, doff - EDU_HDR_LEN,
			      got, MAX_OPTS, why, wsz);
	if (ngot < 0)
		return;
	if (!s->opts_any) {
		for (i = 0; i < s->nopts; i++)
			if (s->opt[i].kind != O_EOL)
				want[nwant++] = s->opt[i];
		if (nwant != ngot) {
			snprintf(why, wsz, "%d options, expected %d", ngot, nwant);
			return;
		}
		for (i = 0; i < ngot; i++) {
			if (got[i].kind == O_SACK && want[i].kind == O_SACK) {
				int b;

				if (got[i].nblk != want[i].nblk) {
					snprintf(why, wsz, "option %d: %d SACK blocks, expected %d",
						 i + 1, got[i].nblk, want[i].nblk);
					return;
				}
				for (b = 0; b < got[i].nblk; b++)
					if (got[i].blk[b][0] - c->risn != want[i].blk[b][0] ||
					    got[i].blk[b][1] - c->risn != want[i].blk[b][1]) {
						snprintf(why, wsz, "option %d: SACK block %d is %u:%u, expected %u:%u",
							 i + 1, b + 1, got[i].blk[b][0] - c->risn,
							 got[i].blk[b][1] - c->risn,
							 want[i].blk[b][0], want[i].blk[b][1]);
						return;
					}
				continue;
			}
			if (got[i].kind != want[i].kind ||
			    (!want[i].any && got[i].val != want[i].val) ||
			    (got[i].kind == O_RAW && (got[i].rawlen != want[i].rawlen ||
			     memcmp(got[i].raw, want[i].raw, got[i].rawlen)))) {
				snprintf(why, wsz, "option %d differs", i + 1);
				return;
			}
		}
	}
	/* payload: what the application wrote, at the right offset */
	if (c->isn_known) {
		const uint8_t *d = (const uint8_t *)h + doff;

		for (n = 0; n < plen; n++) {
			uint32_t rs = seq + n + ((h->flags & EDU_FLAG_SYN) ? 1 : 0);

			if (d[n] != local_byte(rs)) {
				snprintf(why, wsz, "payload byte at seq %u is 0x%02x, "
					 "expected 0x%02x (data from the wrong place)",
					 rs, d[n], local_byte(rs));
				return;
			}
		}
	}
}

/*
 * How late a segment may come. Kernel timers live in the timer wheel,
 * whose buckets get coarser with the timeout (kernel/time/timer.c: level
 * n has a granularity of 8^n jiffies), so a timer may fire up to about
 * an eighth of its interval late; an RTT measured under emulation is a
 * little long, and the RTO built on it, doubled on every backoff, too.
 * Neither may make a segment early.
 */
static double late_slack(double from, double to)
{
	return tolerance + (to > from ? (to - from) / 8 : 0);
}

static void do_expect(struct event *ev, double lo, double hi)
{
	struct pkt p;
	char why[256], s[512];
	double deadline = ev->any_time ? now() + 10 : hi + late_slack(prev_t, hi);

	/*
	 * Wait a little past the deadline: if this thread or the reader
	 * stalled, a segment the kernel sent in time may be read late. Its
	 * kernel timestamp decides (checked below), not when we read it.
	 */
	if (!next_pkt(deadline + READ_GRACE, &p))
		fail(ev, "nothing was sent by %.3f", st(deadline));
	match_segment(ev, &p, why, sizeof(why));
	log_pkt(p.t, p.data, p.len, true);
	seg_str(s, sizeof(s), p.data, p.len, true);
	if (why[0])
		fail(ev, "%s\n    sent at %.3f: %s", why, st(p.t), s);
	if (!ev->any_time && p.t < lo - tolerance)
		fail(ev, "sent too early: at %.3f, expected %.3f..%.3f (tolerance %.3f)",
		     st(p.t), st(lo), st(hi), tolerance);
	/* the whole guest may have stalled past the deadline; the kernel's
	 * timestamp still tells when the segment really left */
	if (!ev->any_time && p.t > deadline)
		fail(ev, "sent too late: at %.3f, expected %.3f..%.3f (%.3f late allowed)",
		     st(p.t), st(lo), st(hi), deadline - hi);
	prev_t = p.t;
	free(p.data);
}

static void do_quiet(struct event *ev)
{
	struct pkt p;
	char s[512];
	double until = prev_t + ev->quiet;

	if (next_pkt(until, &p)) {
		log_pkt(p.t, p.data, p.len, true);
		seg_str(s, sizeof(s), p.data, p.len, true);
		fail(ev, "sent at %.3f during a quiet period that ends at %.3f: %s",
		     st(p.t), st(until), s);
	}
	prev_t = until;
}

/* {state=ESTABLISHED, snd_wscale=7, rto>=200000} against struct edu_info */
struct info_field {
	const char *name;
	size_t off, size;
};
#define F(x) { #x, offsetof(struct edu_info, edui_##x), sizeof(((struct edu_info *)0)->edui_##x) }
static const struct info_field info_fields[] = {
	F(state), F(ca_state), F(retransmits), F(snd_wscale), F(rcv_wscale),
	F(nodelay), F(rto), F(rtt), F(rttvar), F(snd_mss), F(rcv_mss),
	F(snd_cwnd), F(snd_ssthresh), F(snd_wnd), F(rcv_wnd), F(unacked),
	F(total_retrans), F(fast_retrans), F(rto_expiries), F(zero_wnd_probes),
	F(dup_acks_rcvd), F(bytes_sent), F(bytes_acked), F(bytes_received),
	F(segs_out), F(segs_in), F(snd_una), F(snd_nxt), F(rcv_nxt),
	F(options), F(sacked), F(lost), F(retrans), F(sack_retrans),
	{ NULL, 0, 0 }
};

static void check_info(struct event *ev, const char *spec, const void *buf, socklen_t len)
{
	char tmp[512], *tok, *save = NULL;

	snprintf(tmp, sizeof(tmp), "%s", spec + 1);
	if (strchr(tmp, '}'))
		*strchr(tmp, '}') = '\0';
	for (tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct info_field *f;
		char name[64], op[3] = "", *v;
		long want;
		unsigned long long got = 0;
		bool ok;

		tok = skip_ws(tok);
		v = tok + strcspn(tok, "=<>!");
		snprintf(name, sizeof(name), "%.*s", (int)(v - tok), tok);
		while (strlen(name) && isspace((unsigned char)name[strlen(name) - 1]))
			name[strlen(name) - 1] = '\0';
		op[0] = *v;
		if (v[1] == '=')
			op[1] = '=', v++;
		v++;
		for (f = info_fields; f->name && strcmp(f->name, name); f++)
			;
		if (!f->name)
			fail(ev, "edu_info has no field '%s'", name);
		if (!eval_int(skip_ws(v), &want))
			fail(ev, "bad value for %s", name);
		if (f->off + f->size > len)
			fail(ev, "edu_info is %u bytes, %s is beyond", len, name);
		memcpy(&got, (const uint8_t *)buf + f->off, f->size); /* little endian */
		if (!strcmp(op, "=") || !strcmp(op, "=="))
			ok = got == (unsigned long long)want;
		else if (!strcmp(op, ">="))
			ok = got >= (unsigned long long)want;
		else if (!strcmp(op, "<="))
			ok = got <= (unsigned long long)want;
		else if (!strcmp(op, ">"))
			ok = got > (unsigned long long)want;
		else if (!strcmp(op, "<"))
			ok = got < (unsigned long long)want;
		else if (!strcmp(op, "!="))
			ok = got != (unsigned long long)want;
		else
			fail(ev, "bad operator in '%s'", tok);
		if (!ok)
			fail(ev, "edu_info.%s is %llu, expected %s %ld", name, got, op, want);
	}
}

static bool arg_ellipsis(const char *a)
{
	return !strcmp(a, "...");
}

static long arg_int(struct event *ev, int i)
{
	long v;

	if (i >= ev->call.nargs)
		fail(ev, "%s needs at least %d arguments", ev->call.name, i + 1);
	if (!eval_int(ev->call.args[i], &v))
		fail(ev, "argument %d ('%s') is not a number", i + 1, ev->call.args[i]);
	return v;
}

/* "..." or "1.2.3.4:80" */
static void arg_addr(struct event *ev, int i, struct sockaddr_in *sa, bool local)
{
	char host[64];
	unsigned int port;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = edu_family_nr;
	if (i >= ev->call.nargs || arg_ellipsis(ev->call.args[i])) {
		sa->sin_addr = local ? local_addr : remote_addr;
		sa->sin_port = htons(local ? LOCAL_PORT : REMOTE_PORT);
		return;
	}
	if (sscanf(ev->call.args[i], "%63[^:]:%u", host, &port) != 2 ||
	    inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		fail(ev, "bad address '%s' (use ... or A.B.C.D:PORT)", ev->call.args[i]);
	sa->sin_port = htons(port);
}

static struct job *prepare_job(struct event *ev)
{
	struct callspec *c = &ev->call;
	struct job *j = calloc(1, sizeof(*j));
	const char *n = c->name;
	int i;

	j->ev = ev;
	if (!strcmp(n, "socket")) {
		j->iv[0] = edu_family_nr;
		if (c->nargs && !arg_ellipsis(c->args[0]))
			j->iv[0] = arg_int(ev, 0);
		j->iv[1] = arg_int(ev, 1);
		j->iv[2] = arg_int(ev, 2);
		return j;
	}
	j->iv[0] = arg_int(ev, 0);
	if (!strcmp(n, "bind")) {
		arg_addr(ev, 1, &j->sa, true);
		lport = ntohs(j->sa.sin_port);
		lport_known = true;
		bound = true;
	} else if (!strcmp(n, "connect")) {
		arg_addr(ev, 1, &j->sa, false);
		cur_rport = ntohs(j->sa.sin_port);
		/* the first connect() picks an ephemeral port, learned from
		 * its SYN; a repeated one (EALREADY, EISCONN) keeps it */
		if (!bound && !connected)
			lport_known = false;
		connected = true;
	} else if (!strcmp(n, "listen") || !strcmp(n, "shutdown")) {
		j->iv[1] = arg_int(ev, 1);
	} else if (!strcmp(n, "write") || !strcmp(n, "send")) {
		int fd = j->iv[0];

		j->buflen = arg_int(ev, 2);
		j->buf = malloc(j->buflen + 1);
		for (i = 0; i < (int)j->buflen; i++)
			((uint8_t *)j->buf)[i] = local_byte((fd >= 0 && fd < MAX_FD ?
							     wr_off[fd] : 0) + i + 1);
		if (n[0] == 's')
			j->iv[3] = arg_int(ev, 3);
	} else if (!strcmp(n, "read") || !strcmp(n, "recv")) {
		j->buflen = arg_int(ev, 2);
		j->buf = calloc(1, j->buflen + 1);
		if (n[0] == 'r' && n[2] == 'c')
			j->iv[3] = arg_int(ev, 3);
	} else if (!strcmp(n, "setsockopt") || !strcmp(n, "getsockopt")) {
		const char *v;

		j->iv[1] = arg_int(ev, 1);
		j->iv[2] = arg_int(ev, 2);
		if (c->nargs < 4)
			fail(ev, "%s needs 4 or 5 arguments", n);
		v = c->args[3];
		j->buf = calloc(1, 512);
		if (v[0] == '[') {
			char tmp[64];
			long x;

			snprintf(tmp, sizeof(tmp), "%.*s", (int)strcspn(v + 1, "]"), v + 1);
			if (!eval_int(tmp, &x))
				fail(ev, "bad value '%s'", v);
			*(int *)j->buf = x;
			j->optlen = sizeof(int);
		} else if (v[0] == '"') {
			snprintf(j->buf, 512, "%.*s", (int)strcspn(v + 1, "\""), v + 1);
			j->optlen = strlen(j->buf) + (n[0] == 'g' ? 1 : 0);
		} else if (v[0] == '{') {
			j->optlen = sizeof(struct edu_info);
		} else {
			fail(ev, "option value must be [int], \"string\" or {fields}");
		}
		if (c->nargs >= 5 && !arg_ellipsis(c->args[4])) {
			char tmp[64];
			long x;

			snprintf(tmp, sizeof(tmp), "%s", c->args[4][0] == '[' ?
				 c->args[4] + 1 : c->args[4]);
			tmp[strcspn(tmp, "]")] = '\0';
			if (!eval_int(tmp, &x))
				fail(ev, "bad length '%s'", c->args[4]);
			j->optlen = x;
		}
		if (n[0] == 'g' && v[0] == '"')
			j->optlen = 512;
	} else if (!strcmp(n, "fcntl")) {
		j->iv[1] = arg_int(ev, 1);
		j->iv[2] = c->nargs > 2 ? arg_int(ev, 2) : 0;
	} else if (!strcmp(n, "close") || !strcmp(n, "accept") ||
		   !strcmp(n, "getsockname") || !strcmp(n, "getpeername")) {
		/* the fd is all they need */
	} else {
		fail(ev, "unknown call '%s'", n);
	}
	return j;
}

static void check_call_result(struct job *j)
{
	struct event *ev = j->ev;
	struct callspec *c = &ev->call;
	const char *n = c->name;
	int fd = j->iv[0];
	long i;

	if (verbose)
		diag("  %8.3f %s returned %ld%s%s (%.3f s)", st(j->t1), n, j->ret,
		     j->ret < 0 ? " " : "", j->ret < 0 ? errno_name(j->err) : "",
		     j->t1 - j->t0);
	if (!c->ret_any && j->ret != c->ret) {
		if (j->ret < 0)
			fail(ev, "returned %ld %s (%s), expected %ld", j->ret,
			     errno_name(j->err), strerror(j->err), c->ret);
		fail(ev, "returned %ld, expected %ld", j->ret, c->ret);
	}
	if (!c->ret_any && c->ret == -1 && j->err != c->err)
		fail(ev, "failed with %s (%s), expected %s", errno_name(j->err),
		     strerror(j->err), errno_name(c->err));
	if (ev->has_end) {
		double end = ev->end.rel ? j->t0 + ev->end.v : t_start + ev->end.v;

		if (j->t1 < end - tolerance || j->t1 > end + late_slack(j->t0, end))
			fail(ev, "returned at %.3f, expected at %.3f (tolerance %.3f "
			     "early, %.3f late)", st(j->t1), st(end), tolerance,
			     late_slack(j->t0, end));
	}
	if (j->ret < 0 || fd < 0 || fd >= MAX_FD)
		return;
	if (!strcmp(n, "write") || !strcmp(n, "send")) {
		wr_off[fd] += j->ret;
	} else if (!strcmp(n, "read") || !strcmp(n, "recv")) {
		const uint8_t *b = j->buf;

		for (i = 0; i < j->ret; i++) {
			if (b[i] != remote_byte(rd_off[fd] + i + 1))
				fail(ev, "byte %ld of the stream is 0x%02x, expected 0x%02x: "
				     "data delivered out of order or from the wrong place",
				     rd_off[fd] + i, b[i], remote_byte(rd_off[fd] + i + 1));
		}
		if (!(n[2] == 'c' && (j->iv[3] & MSG_PEEK)))
			rd_off[fd] += j->ret;
	} else if (!strcmp(n, "socket") || !strcmp(n, "accept")) {
		if (j->ret < MAX_FD)
			rd_off[j->ret] = wr_off[j->ret] = 0;
	} else if (!strcmp(n, "getsockopt")) {
		const char *v = c->args[3];

		if (v[0] == '[') {
			char tmp[64];
			long want;

			snprintf(tmp, sizeof(tmp), "%.*s", (int)strcspn(v + 1, "]"), v + 1);
			eval_int(tmp, &want);
			if (*(int *)j->buf != want)
				fail(ev, "value %d, expected %ld", *(int *)j->buf, want);
		} else if (v[0] == '{') {
			check_info(ev, v, j->buf, j->optlen);
		} else if (v[0] == '"') {
			char want[256];

			snprintf(want, sizeof(want), "%.*s", (int)strcspn(v + 1, "\""), v + 1);
			if (strcmp(j->buf, want))
				fail(ev, "value \"%s\", expected \"%s\"", (char *)j->buf, want);
		}
	}
}

static void do_call(struct event *ev)
{
	struct job *j;

	if (pending)
		reap_pending(pending_wait);
	j = prepare_job(ev);
	pthread_mutex_lock(&lock);
	cur_job = j;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	if (job_wait(j, now() + block_threshold)) {
		prev_t = j->t0;
		check_call_result(j);
		return;
	}
	/* blocked: go on with the script, check the result later */
	if (verbose)
		diag("  %8.3f %s blocks", st(j->t0), ev->call.name);
	prev_t = j->t0;
	pending = j;
}

static void run_script(void)
{
	int i;

	t_start = now();
	prev_t = t_start;
	for (i = 0; i < nevents; i++) {
		struct event *ev = &events[i];
		double lo, hi;

		cur_ev = ev;
		lo = ev->any_time ? now() : event_time(&ev->lo);
		hi = ev->any_time ? lo : event_time(&ev->hi);
		if (verbose)
			diag("%8.3f line %d: %s", st(lo), ev->lineno, ev->text);
		if (ev->type == EV_EXPECT) {
			reap_if_done();
			do_expect(ev, lo, hi);
			continue;
		}
		sleep_until(lo);
		reap_if_done();
		check_no_unexpected(ev);
		/* later lines count from when this one really happened */
		prev_t = now();
		switch (ev->type) {
		case EV_INJECT:
			do_inject(ev);
			break;
		case EV_CALL:
			do_call(ev);
			break;
		case EV_QUIET:
			do_quiet(ev);
			break;
		case EV_SHELL: {
			int r = system(ev->shell);

			if (r == -1 || !WIFEXITED(r) || WEXITSTATUS(r))
				fail(ev, "command failed (status %d)", r);
			break;
		}
		case EV_NEWCONN: {
			struct conn *c;

			if (ev->newconn_rport)
				cur_rport = ev->newconn_rport;
			c = conn_get(cur_rport);
			c->isn_known = false;
			c->risn = remote_isn;
			break;
		}
		default:
			break;
		}
	}
	cur_ev = NULL;
	reap_pending(pending_wait);
	check_no_unexpected(NULL);
}

/* ------------------------------------------------------------------ */
/* Setup                                                              */

static int move_high(int fd)
{
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, FIRST_PRIVATE_FD);

	close(fd);
	return nfd;
}

/*
 * A packet socket on the TUN device sees every segment the stack sends
 * with the kernel's transmit timestamp. Best effort: without it the
 * reader stamps packets when it reads them from the TUN device.
 */
static void setup_capture(void)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex(TUN_NAME),
	};
	struct timespec r, m;
	int one = 1, fd;

	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (fd < 0)
		return;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one))) {
		close(fd);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	real_minus_mono = (r.tv_sec - m.tv_sec) + (r.tv_nsec - m.tv_nsec) / 1e9;
	cap_fd = move_high(fd);
	fcntl(tun_fd, F_SETFL, fcntl(tun_fd, F_GETFL) | O_NONBLOCK);
	if (verbose)
		diag("capturing with kernel timestamps on %s", TUN_NAME);
}

/*
 * When the script is over, abort the AF_EDU sockets it left open: the
 * remote end (the TUN device) goes away with this process, so a normal
 * close would leave orphans retransmitting into nothing for up to
 * net.edu.orphan_retries' worth of time, holding the module meanwhile.
 */
static void abort_open_sockets(void)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int fd, domain;
	socklen_t len;

	for (fd = 3; fd < 1024; fd++) {
		len = sizeof(domain);
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) ||
		    domain != edu_family_nr)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
	}
}

static int setup_netns(void)
{
	const char *what;
	char path[128];
	int i, r;

	tun_fd = edu_tun_netns(TUN_NAME, local_addr, 24, &what);
	if (tun_fd < 0) {
		diag("%s: %s", what, strerror(errno));
		return -1;
	}
	tun_fd = move_high(tun_fd);
	setup_capture();
	for (i = 0; i < nsysctls; i++) {
		snprintf(path, sizeof(path), "/proc/sys/net/edu/%.63s", sysctls[i].name);
		r = edu_write_file(path, sysctls[i].value);
		if (r) {
			diag("sysctl net.edu.%s=%s: %s", sysctls[i].name,
			     sysctls[i].value, strerror(-r));
			return -1;
		}
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: edudrill [-v] [-t TOLERANCE_SEC] SCRIPT.pkt\n"
		"       edudrill -n SCRIPT.pkt...   (only check the syntax)\n"
		"  -t  timing tolerance either side of a line's time (default %.3f,\n"
		"      or $EDUDRILL_TOLERANCE); a script's 'tolerance' line wins\n"
		"  -v  print every line and segment as it happens (-vv: more)\n",
		tolerance);
	exit(EXIT_SCRIPT);
}

int main(int argc, char **argv)
{
	pthread_condattr_t ca;
	pthread_t rt, ct;
	double cli_tol = -1, script_tol;
	const char *env = getenv("EDUDRILL_TOLERANCE");
	bool parse_only = false;
	FILE *f;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);	/* write() on a reset socket: EPIPE, not death */
	if (env)
		cli_tol = strtod(env, NULL);
	while ((opt = getopt(argc, argv, "nvt:h")) != -1) {
		switch (opt) {
		case 'n': parse_only = true; break;
		case 'v': verbose++; break;
		case 't': cli_tol = strtod(optarg, NULL); break;
		default: usage();
		}
	}
	if (parse_only) {
		int bad = 0;

		for (; optind < argc; optind++) {
			script_path = argv[optind];
			nevents = nsysctls = 0;
			if (parse_script(script_path))
				bad++;
		}
		return bad ? EXIT_SCRIPT : EXIT_PASS;
	}
	if (optind != argc - 1)
		usage();
	script_path = argv[optind];
	/*
	 * Scripts name file descriptors as the kernel hands them out, from 3
	 * up, so nothing inherited may sit there (kselftest's runner passes
	 * its own pipes as fds 3 and 4).
	 */
	for (opt = 3; opt < 1024; opt++)
		close(opt);
	inet_pton(AF_INET, LOCAL_ADDR, &local_addr);
	inet_pton(AF_INET, REMOTE_ADDR, &remote_addr);

	f = fopen("/sys/module/af_edu/parameters/family", "r");
	if (!f) {
		diag("SKIP af_edu is not loaded");
		return EXIT_SKIP;
	}
	if (fscanf(f, "%d", &edu_family_nr) != 1)
		edu_family_nr = AF_EDU;
	fclose(f);

	tolerance = -1;
	if (parse_script(script_path))
		return EXIT_SCRIPT;
	script_tol = tolerance;
	/* the command line (or the default) sets the slack; a script that
	 * needs more for a slow timer gets more, never less */
	tolerance = cli_tol > 0 ? cli_tol : DEFAULT_TOLERANCE;
	if (script_tol > tolerance)
		tolerance = script_tol;
	block_threshold = tolerance;

	if (setup_netns())
		return EXIT_FAIL;
	atexit(abort_open_sockets);

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cond, &ca);
	pthread_create(&rt, NULL, reader, NULL);
	pthread_create(&ct, NULL, syscaller, NULL);
	/*
	 * Best effort: the reader's timestamps and the main thread's sleeps
	 * are the measuring instrument, so let them preempt everything else.
	 */
	{
		struct sched_param sp = { .sched_priority = 50 };

		pthread_setschedparam(rt, SCHED_FIFO, &sp);
		sp.sched_priority = 40;
		pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	}

	run_script();
	diag("PASS %s (%.2f s)", script_path, now() - t_start);
	return EXIT_PASS;
}
