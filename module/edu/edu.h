/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AF_EDU private definitions: the transmission control block (TCB) of
 * RFC 9293 section 3.3.1 as a struct sock, the per-segment control block
 * kept in skb->cb, the per-namespace tables and the prototypes shared by
 * the files of af_edu.ko.
 *
 * Who does what:
 *   af_edu_main.c socket calls (proto_ops), module init/exit
 *   edu_sock.c   socket life: TCB set-up, close, destroy, children
 *   edu_stream.c sendmsg, recvmsg, poll
 *   edu_sockopt.c SOL_EDU options, edu_info
 *   edu_hash.c   bind table, listener table, 4-tuple lookup, TIME_WAIT
 *   edu_input.c  SEGMENT ARRIVES (RFC 9293 3.10.7), the state machine
 *   edu_listen.c passive open: children, half-open limit, SYN cookies
 *   edu_output.c building and sending segments, Nagle, windows
 *   edu_csum.c   pseudo-header checksum, offload
 *   edu_offload.c GSO: super-segments cut into segments at the device
 *   edu_timer.c  retransmission, persist, delayed-ACK, keepalive timers
 *   edu_sack.c   selective acknowledgment: the SACK blocks we send (RFC
 *                2018) and the scoreboard of what the peer holds (RFC 6675)
 *   edu_cong.c   congestion control core: registry, selection, loss
 *                recovery (RFC 5681, 6582), undo, tracepoint
 *   edu_cong_reno.c, edu_cong_cubic.c, edu_cong_vegas.c,
 *   edu_cong_westwood.c  the algorithms, one file each
 *   edu_netns.c  per-namespace state, statistics
 *   edu_proc.c   /proc/net/edu, /proc/net/edu_stats, /proc/net/edu_sockstat
 *   edu_sysctl.c net.edu.* knobs
 */
#ifndef _EDU_H
#define _EDU_H

#include <linux/types.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/netns/generic.h>
#include <linux/edu.h>

/* Module parameters (af_edu_main.c). */
extern int edu_family;
extern int edu_ipproto;

/* State bit masks, for "is the state one of ..." tests. */
#define EDUF(state)	(1 << (state))
#define EDUF_SYNCHRONIZED (EDUF(EDU_ESTABLISHED) | EDUF(EDU_FIN_WAIT1) | \
			   EDUF(EDU_FIN_WAIT2) | EDUF(EDU_CLOSE_WAIT) | \
			   EDUF(EDU_CLOSING) | EDUF(EDU_LAST_ACK) | \
			   EDUF(EDU_TIME_WAIT))

/* Sequence-number arithmetic modulo 2^32 (RFC 9293 section 3.4). */
static inline bool edu_before(u32 seq1, u32 seq2)
{
	return (s32)(seq1 - seq2) < 0;
}

#define edu_after(seq2, seq1)	edu_before(seq1, seq2)

/* is s2 <= s1 <= s3 ? */
static inline bool edu_between(u32 seq1, u32 seq2, u32 seq3)
{
	return seq3 - seq2 >= seq1 - seq2;
}

/* Timer constants of RFC 6298, in jiffies. */
#define EDU_RTO_INIT	(HZ)		/* 2.1: initial RTO 1 s */
#define EDU_RTO_MIN	(HZ / 5)	/* 2.4 allows less than 1 s; Linux uses 200 ms */
#define EDU_RTO_MAX	(120 * HZ)	/* 2.5: an upper bound of at least 60 s */
#define EDU_RTO_FALLBACK (3 * HZ)	/* 5.7: after a handshake timeout */
#define EDU_DELACK_TIME	(HZ / 25)	/* 40 ms, RFC 9293 3.8.6.3 says < 0.5 s */
#define EDU_PROBE_MIN	(HZ / 5)
#define EDU_DEFAULT_MSS	536		/* RFC 9293 3.7.1 when no MSS option */
#define EDU_INIT_CWND	10		/* RFC 6928 initial window, segments */

/* Room in front of a segment's payload for our header and everything below. */
#define EDU_SKB_HEADROOM	(MAX_HEADER + EDU_HDR_LEN_MAX)

/*
 * Per-segment control block in skb->cb. On input it replaces the IP layer's
 * inet_skb_parm, which is no longer needed once the segment is ours; on
 * output it is wiped before the clone goes to ip_queue_xmit().
 */
struct edu_skb_cb {
	u32	seq;		/* first sequence number */
	u32	end_seq;	/* seq + SYN + FIN + payload length */
	u32	ack_seq;	/* input: SEG.ACK */
	u32	when;		/* output: jiffies of the first transmission */
	u16	window;		/* input: SEG.WND before scaling */
	u8	flags;		/* EDU_FLAG_* */
	u8	tx_count;	/* output: how often sent; Karn's rule needs it */
	u16	opt_mss;	/* input, SYN only: MSS option or 0 */
	u8	opt_wscale;	/* input, SYN only: window scale or 0xff */
	u8	opt_sack_perm:1; /* input, SYN only: SACK-permitted seen */
	u8	sack_off;	/* input: SACK option's offset in the header, 0: none */
	u8	sacked;		/* output: EDU_SACKED_* scoreboard marks */
};

/* Scoreboard marks of a send-queue skb (edu_sack.c, RFC 6675 3). */
#define EDU_SACKED_ACKED	0x1	/* inside a SACK block the peer sent */
#define EDU_SACKED_LOST		0x2	/* IsLost(): enough SACKed above it */
#define EDU_SACKED_RETRANS	0x4	/* resent in this recovery */

#define EDU_SKB_CB(skb)	((struct edu_skb_cb *)&((skb)->cb[0]))

/*
 * GSO type of an AF_EDU super-segment. 6.1 has no SKB_GSO_* bit for a
 * new protocol (adding one changes the core kernel), so AF_EDU borrows
 * SCTP's: no hardware NIC offers NETIF_F_GSO_SCTP, only software devices
 * (veth, loopback) that pass super-segments through, and every other
 * device gets them cut by skb_gso_segment(), which finds edu_gso_segment()
 * by the IP protocol number, not by this bit. See Documentation/performance.rst.
 */
#define EDU_GSO_TYPE	SKB_GSO_SCTP

/* Entry of the bind table: a socket or a TIME_WAIT entry holding a port. */
struct edu_bind_node {
	struct hlist_node	node;
	__be32			addr;	/* local address or INADDR_ANY */
	u16			port;	/* host order */
	bool			reuse;	/* SO_REUSEADDR */
	bool			listening;
	bool			is_tw;
};

struct edu_sock;

/*
 * Congestion control (edu_cong.c and one file per algorithm). The core
 * keeps what every algorithm shares: the initial window, duplicate-ACK
 * counting, fast retransmit and NewReno recovery (RFC 5681, RFC 6582),
 * the loss window after a timeout, undo, and the edu_cong_probe
 * tracepoint. An algorithm says how the congestion window grows and how
 * far ssthresh falls, in the spirit of Linux's struct tcp_congestion_ops.
 * Every hook runs under the socket lock (or in softirq with it held).
 */

/* What kind of loss the sender saw: kept apart, algorithms differ on it. */
enum edu_loss_kind {
	EDU_LOSS_DUPACK,	/* third duplicate ACK: fast retransmit */
	EDU_LOSS_RTO,		/* the retransmission timer expired */
};

/*
 * Moments of a connection an algorithm may act on (cwnd_event), as
 * Linux's enum tcp_ca_event. The core has set cwnd and ssthresh first.
 */
enum edu_ca_event {
	EDU_CA_EVENT_LOSS,		/* a timeout lowered ssthresh */
	EDU_CA_EVENT_COMPLETE_CWR,	/* fast recovery ended: full ACK */
};

/* One ACK as congestion control sees it (pkts_acked). */
struct edu_ack_sample {
	u32	acked_segs;	/* segments newly acknowledged, 0: duplicate ACK */
	u32	acked_bytes;
	long	rtt_us;		/* RTT sample, or -1 (Karn's rule, RFC 6298 3) */
	u32	in_flight;	/* bytes outstanding before this ACK */
};

/* Private per-socket state of the algorithm: edu_ca_priv(). */
#define EDU_CA_PRIV_SIZE	(12 * sizeof(u64))

/* Leave fast recovery on the first new ACK (Reno), not on the full ACK. */
#define EDU_CA_FLAG_RENO_RECOVERY	0x1

struct edu_congestion_ops {
	struct list_head	list;	/* edu_cong_list, under edu_cong_lock */
	u32	flags;			/* EDU_CA_FLAG_* */

	/* Required. New ssthresh after a loss, segments (RFC 5681 eq. 4). */
	u32	(*ssthresh)(struct sock *sk);
	/* Required. Grow cwnd outside recovery by @acked segments. */
	void	(*cong_avoid)(struct sock *sk, u32 acked);

	/* Set up the private state; cwnd and ssthresh belong to the core. */
	void	(*init)(struct sock *sk);
	/* Free what init took; the socket goes or switches algorithm. */
	void	(*release)(struct sock *sk);
	/* Every ACK (new or duplicate), before cong_avoid, with its RTT. */
	void	(*pkts_acked)(struct sock *sk, const struct edu_ack_sample *s);
	/* A loss event, after ssthresh was set and cwnd reduced. */
	void	(*on_loss)(struct sock *sk, enum edu_loss_kind kind);
	/* A moment of the connection (Linux's cwnd_event): may set both. */
	void	(*cwnd_event)(struct sock *sk, enum edu_ca_event ev);
	/* The loss was spurious: the cwnd to go back to (default: prior). */
	u32	(*undo_cwnd)(struct sock *sk);
	/* The algorithm's own state for EDU_INFO and the tracepoint. */
	void	(*get_info)(struct sock *sk, union edu_cc_info *info);

	char		name[EDU_CA_NAME_MAX];
	struct module	*owner;
};

int edu_register_congestion_control(struct edu_congestion_ops *ca);
void edu_unregister_congestion_control(struct edu_congestion_ops *ca);

/* The algorithm of a namespace until net.edu.congestion_control says else. */
#define EDU_CONG_DEFAULT	"newreno"
#define EDU_INFINITE_SSTHRESH	0x7fffffff	/* "arbitrarily high" */

/* Why cwnd or ssthresh changed: the reason field of edu:edu_cong_probe. */
enum edu_cong_reason {
	EDU_CC_SLOW_START,	/* +1 per segment acknowledged */
	EDU_CC_CONG_AVOID,	/* growth after slow start */
	EDU_CC_SS_EXIT,		/* the algorithm ended slow start (HyStart, Vegas) */
	EDU_CC_RECOVERY_ENTER,	/* third duplicate ACK: fast retransmit */
	EDU_CC_RECOVERY,	/* inside fast recovery: inflation, partial ACK */
	EDU_CC_RECOVERY_EXIT,	/* full ACK: cwnd deflates to ssthresh */
	EDU_CC_RTO,		/* retransmission timeout: cwnd to 1 */
	EDU_CC_UNDO,		/* the loss was spurious: window restored */
	EDU_CC_SWITCH,		/* EDU_CONGESTION on a live connection */
};

/* The built-in algorithms (edu_cong_*.c); newreno is the fallback. */
extern struct edu_congestion_ops edu_newreno;
int edu_cong_reno_register(void);
void edu_cong_reno_unregister(void);
int edu_cong_cubic_register(void);
void edu_cong_cubic_unregister(void);
int edu_cong_vegas_register(void);
void edu_cong_vegas_unregister(void);
int edu_cong_westwood_register(void);
void edu_cong_westwood_unregister(void);

enum edu_ca_state {
	EDU_CA_OPEN = 0,
	EDU_CA_RECOVERY = 1,	/* fast recovery after 3 duplicate ACKs */
	EDU_CA_LOSS = 2,	/* after a retransmission timeout */
};

/* Why a segment is sent again (edu_retransmit_head, trace_edu_retransmit). */
enum edu_rtx_kind {
	EDU_RTX_TIMEOUT,	/* retransmission timer, RFC 6298 5.4 */
	EDU_RTX_FAST,		/* third duplicate ACK, RFC 5681 3.2 */
	EDU_RTX_PARTIAL_ACK,	/* NewReno partial ACK, RFC 6582 3.2 step 5 */
	EDU_RTX_SYN,		/* the peer repeated its SYN: our SYN,ACK again */
	EDU_RTX_PROBE,		/* persist timer, zero-window probe */
	EDU_RTX_KEEPALIVE,	/* keepalive probe, RFC 9293 3.8.4 */
	EDU_RTX_SACK,		/* a hole the SACK scoreboard holds lost, RFC 6675 */
};

/* Which use the retransmission timer is put to right now. */
enum {
	EDU_TIMER_NONE,
	EDU_TIMER_RETRANS,	/* RFC 6298 retransmission timer */
	EDU_TIMER_PERSIST,	/* RFC 9293 3.8.6.1 zero-window probing */
};

/*
 * The TCB. struct inet_sock comes first so that the IPv4 output path
 * (ip_queue_xmit), inet_saddr/inet_sport/inet_daddr/inet_dport and the
 * cached route in sk_dst_cache work unchanged.
 */
struct edu_sock {
	struct inet_sock	inet;

	/* Send sequence variables, RFC 9293 3.3.1 */
	u32	snd_una;	/* oldest unacknowledged */
	u32	snd_nxt;	/* next to send (pulled back on timeout) */
	u32	snd_max;	/* highest sequence number ever sent + 1 */
	u32	snd_wnd;	/* peer's receive window, bytes */
	u32	max_window;	/* largest window the peer ever offered */
	u32	snd_wl1;	/* SEG.SEQ of the last window update */
	u32	snd_wl2;	/* SEG.ACK of the last window update */
	u32	iss;
	u32	write_seq;	/* sequence number after the last queued byte */

	/* Receive sequence variables */
	u32	rcv_nxt;
	u32	rcv_wnd;	/* receive window we last advertised */
	u32	rcv_wup;	/* rcv_nxt when rcv_wnd was advertised */
	u32	irs;
	u32	copied_seq;	/* next byte the application will read */
	u32	rcv_bytes_since_ack;

	u16	mss;		/* effective send MSS */
	u16	rcv_mss;	/* MSS we announced */
	u16	user_mss;	/* EDU_MAXSEG, 0 = none */
	u8	snd_wscale;	/* peer's shift, applied to SEG.WND */
	u8	rcv_wscale;	/* our shift */
	u8	wscale_ok:1,
		nodelay:1,
		fin_queued:1,	/* FIN is on the send queue */
		ack_pending:1,	/* a delayed ACK is owed */
		pingpong:1,	/* interactive: our data carries the ACKs */
		orphan_counted:1, /* counted in edu_orphan_count */
		sack_ok:1;	/* both ends agreed to SACK (RFC 2018 2) */
	/*
	 * Not bitfields: these two change under accept_lock, the bits above
	 * under the socket lock, and a bitfield write rewrites its neighbours.
	 */
	bool	listening;	/* accept queue open */
	bool	in_accept_q;	/* child: on accept_queue, not syn_queue */

	/* Timers (edu_timer.c) */
	struct timer_list rtx_timer;	/* retransmission or persist */
	struct timer_list delack_timer;
	struct timer_list keepalive_timer;	/* also FIN_WAIT2 timeout */
	u8	rtx_mode;		/* EDU_TIMER_* */
	u8	retransmits;		/* consecutive expiries */
	unsigned long retrans_stamp;	/* jiffies at the first of them */
	u8	probes_out;		/* zero-window probes: the backoff */
	u8	probes_unanswered;	/* ... that no ACK answered */
	u8	ka_probes;		/* unanswered keepalive probes */
	u32	rto;			/* jiffies */
	u32	srtt_us;		/* smoothed RTT, RFC 6298 SRTT */
	u32	rttvar_us;		/* RFC 6298 RTTVAR */
	unsigned long rcv_tstamp;	/* jiffies of the last segment in */
	unsigned long delack_due;	/* jiffies: the owed ACK must go */
	unsigned long lrcvtime;		/* jiffies of the last data in */

	/* Send queue: sk_write_queue, send_head is the first unsent skb */
	struct sk_buff *send_head;

	/* Out-of-order queue, sorted by sequence number */
	struct sk_buff_head ofo_queue;
	u32	sack_recent;	/* seq of the latest out-of-order arrival */

	/*
	 * SACK scoreboard (edu_sack.c), bytes of the send queue marked
	 * EDU_SACKED_*; what is in flight ("pipe", RFC 6675 2) follows.
	 */
	u32	sacked_out;
	u32	lost_out;
	u32	retrans_out;
	u32	sack_retrans;	/* holes resent from the scoreboard */
	u32	sack_when;	/* latest send time (us) of a SACKed segment */

	/* Congestion control (edu_cong.c), RFC 5681 */
	const struct edu_congestion_ops *ca_ops;
	u32	snd_cwnd;	/* congestion window, segments */
	u32	snd_ssthresh;	/* segments */
	u32	snd_cwnd_cnt;	/* ACKed segments towards the next +1 */
	u32	dupacks;
	u32	high_seq;	/* "recover" of RFC 6582 */
	u8	ca_state;
	bool	undo_possible;	/* the last loss may still prove spurious */
	bool	partial_acked;	/* this recovery saw a partial ACK */
	u32	undo_cwnd;	/* cwnd and ssthresh before that loss */
	u32	undo_ssthresh;
	u32	undo_stamp_us;	/* when its retransmission left */
	u32	rtt_min_us;	/* smallest RTT sample of the connection */
	u64	ca_priv[EDU_CA_PRIV_SIZE / sizeof(u64)];

	/* Receive-buffer autotuning (edu_output.c, edu_rcv_space_adjust) */
	u32	rcvq_seq;
	unsigned long rcvq_time;

	/* Listener: children waiting for the handshake or for accept() */
	spinlock_t	accept_lock;
	struct list_head syn_queue;	/* SYN_RECEIVED children */
	struct list_head accept_queue;	/* ESTABLISHED, not accepted yet */
	u32		syn_count;
	unsigned long	last_evict;	/* jiffies; SYN cookies accepted after */
	/* Child: place in the parent's lists, the parent (holds a ref) */
	struct list_head child_node;
	struct sock	*parent;

	/* Lookup tables (edu_hash.c) */
	struct hlist_node	hash_node;	/* 4-tuple or listener table */
	bool			hashed;
	bool			bound;
	struct edu_bind_node	bind;

	/* Counters reported by EDU_INFO */
	u32	total_retrans;
	u32	fast_retrans;
	u32	rto_expiries;
	u32	zero_wnd_probes;
	u32	dup_acks_rcvd;
	u64	bytes_sent;
	u64	bytes_acked;
	u64	bytes_received;
	u64	segs_out;
	u64	segs_in;
};

static inline struct edu_sock *edu_sk(const struct sock *sk)
{
	return (struct edu_sock *)sk;
}

/* A connection in TIME_WAIT after its socket was freed (edu_hash.c). */
struct edu_tw {
	struct hlist_node	hash_node;	/* twhash bucket */
	struct edu_bind_node	bind;
	struct net		*net;
	struct timer_list	timer;
	refcount_t		refcnt;
	bool			hashed;
	__be32			saddr, daddr;
	__be16			sport, dport;
	u32			snd_nxt;
	u32			rcv_nxt;
	u32			rcv_wnd;
	u8			rcv_wscale;
};

/* Statistics, /proc/net/edu_stats. Keep in sync with edu_mib_names[]. */
enum edu_mib {
	EDU_MIB_SEGS_IN,
	EDU_MIB_SEGS_OUT,
	EDU_MIB_RETRANS_SEGS,
	EDU_MIB_FAST_RETRANS,
	EDU_MIB_RTO,
	EDU_MIB_ZERO_WND_PROBES,
	EDU_MIB_KEEPALIVE_PROBES,
	EDU_MIB_ACTIVE_OPENS,
	EDU_MIB_PASSIVE_OPENS,
	EDU_MIB_ATTEMPT_FAILS,
	EDU_MIB_ESTAB_RESETS,
	EDU_MIB_RST_SENT,
	EDU_MIB_RST_RCVD,
	EDU_MIB_CHALLENGE_ACKS,
	EDU_MIB_DELAYED_ACKS,
	EDU_MIB_TIMEWAITS,
	EDU_MIB_TIMEOUTS,
	EDU_MIB_OFO_QUEUED,
	EDU_MIB_DROP_SHORT,		/* shorter than the header */
	EDU_MIB_DROP_BAD_DOFF,		/* data offset out of range */
	EDU_MIB_DROP_BAD_CSUM,
	EDU_MIB_DROP_BAD_FLAGS,		/* SYN+FIN, SYN+RST, ... */
	EDU_MIB_DROP_NO_SOCKET,
	EDU_MIB_DROP_OUT_OF_WINDOW,
	EDU_MIB_DROP_NO_ACK,		/* synchronized state, ACK bit off */
	EDU_MIB_DROP_BAD_ACK,		/* acknowledges data never sent */
	EDU_MIB_DROP_OLD_ACK,
	EDU_MIB_DROP_RST_INVALID,
	EDU_MIB_DROP_SYN_FLOOD,		/* half-open limit: oldest evicted */
	EDU_MIB_SYN_COOKIES_OK,		/* evicted child rebuilt from a cookie */
	EDU_MIB_DROP_ACCEPT_OVERFLOW,
	EDU_MIB_DROP_BACKLOG,		/* socket backlog full */
	EDU_MIB_DROP_RCVBUF,		/* receive buffer full */
	EDU_MIB_DROP_NOMEM,
	EDU_MIB_DROP_DUPLICATE,		/* data already received */
	EDU_MIB_DROP_WRONG_STATE,
	EDU_MIB_DROP_DATA_AFTER_CLOSE,
	EDU_MIB_DROP_NOT_BROADCAST,	/* not for a unicast local address */
	EDU_MIB_MAX
};

extern const char *const edu_mib_names[EDU_MIB_MAX];

#define EDU_HASH_BITS	8
#define EDU_HASH_SIZE	(1 << EDU_HASH_BITS)

/* Everything that exists once per network namespace (edu_netns.c). */
struct edu_net {
	/*
	 * One lock for all tables. Taken with _bh everywhere: the tables are
	 * read in softirq (segment arrival) and written in process context.
	 */
	spinlock_t		lock;
	struct hlist_head	ehash[EDU_HASH_SIZE];	/* 4-tuple -> socket */
	struct hlist_head	twhash[EDU_HASH_SIZE];	/* 4-tuple -> TIME_WAIT */
	struct hlist_head	lhash[EDU_HASH_SIZE];	/* port -> listener */
	struct hlist_head	bhash[EDU_HASH_SIZE];	/* port -> bound */
	u32			port_rover;

	atomic_long_t		mib[EDU_MIB_MAX];

	/* net.edu.* */
	int	msl_ms;
	int	syn_retries;
	int	retries;
	int	orphan_retries;
	int	fin_timeout_ms;
	int	max_syn_backlog;
	int	rmem_default;
	int	rmem_max;
	int	wmem_default;
	int	keepalive_time_ms;
	int	keepalive_intvl_ms;
	int	keepalive_probes;
	int	port_low;
	int	port_high;
	int	sack;		/* offer and accept SACK (RFC 2018) */
	/* net.edu.congestion_control, under lock */
	char	cong_default[EDU_CA_NAME_MAX];
	struct ctl_table_header	*sysctl_hdr;
};

extern unsigned int edu_net_id;

static inline struct edu_net *edu_pernet(const struct net *net)
{
	return net_generic(net, edu_net_id);
}

static inline void __edu_inc_stat(const struct net *net, enum edu_mib f)
{
	atomic_long_inc(&edu_pernet(net)->mib[f]);
}

#define EDU_INC_STATS(net, f)	__edu_inc_stat(net, EDU_MIB_##f)

/* af_edu_main.c, edu_sock.c */
extern struct proto edu_prot;
void edu_set_state(struct sock *sk, int state);
void edu_done(struct sock *sk);
void edu_destroy_sock(struct sock *sk);
void edu_orphan_account(struct sock *sk);

/*
 * Module-wide socket accounting, like /proc/net/sockstat's "alloc" and
 * "orphan": every allocated socket holds a module reference, so these
 * tell who keeps the module loaded.
 */
extern atomic_long_t edu_sockets_allocated;
extern atomic_long_t edu_orphan_count;
extern atomic_long_t edu_tw_count;
void edu_init_tcb(struct sock *sk);
void edu_child_established(struct sock *sk);
void edu_abort_child(struct sock *child, bool send_rst);
void edu_stop_listen(struct sock *sk);
void edu_close(struct sock *sk, long timeout);
int edu_disconnect(struct sock *sk);
void edu_shutdown_send(struct sock *sk);
void edu_keepalive(struct sock *sk, int valbool);
int edu_backlog_rcv(struct sock *sk, struct sk_buff *skb);

/* edu_stream.c */
int edu_sendmsg(struct socket *sock, struct msghdr *msg, size_t size);
int edu_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		int flags);
__poll_t edu_poll(struct file *file, struct socket *sock,
		  struct poll_table_struct *wait);

/* edu_sockopt.c */
int edu_setsockopt(struct socket *sock, int level, int optname,
		   sockptr_t optval, unsigned int optlen);
int edu_getsockopt(struct socket *sock, int level, int optname,
		   char __user *optval, int __user *optlen);

/* edu_hash.c */
int edu_get_port(struct sock *sk, u16 port);
void edu_put_port(struct sock *sk);
void edu_bind_child(struct sock *child, u16 port);
int edu_hash_listener(struct sock *sk);
int edu_hash_established(struct sock *sk);
void edu_unhash(struct sock *sk);
struct sock *edu_lookup_established(struct net *net, __be32 saddr,
				    __be16 sport, __be32 daddr, __be16 dport);
struct sock *edu_lookup_listener(struct net *net, __be32 daddr, __be16 dport);
struct edu_tw *edu_lookup_timewait(struct net *net, __be32 saddr,
				   __be16 sport, __be32 daddr, __be16 dport);
void edu_time_wait(struct sock *sk);
void edu_tw_put(struct edu_tw *tw);
void edu_tw_rearm(struct edu_tw *tw);
void edu_tw_kill(struct edu_tw *tw);
void edu_tw_purge(struct net *net);

/* edu_input.c */
void edu_drop(struct sock *sk, struct sk_buff *skb, enum edu_mib why);
int edu_rcv(struct sk_buff *skb);
int edu_err(struct sk_buff *skb, u32 info);
int edu_rcv_state_process(struct sock *sk, struct sk_buff *skb);
void edu_listen_rcv(struct sock *sk, struct sk_buff *skb);
bool edu_tw_rcv(struct edu_tw *tw, struct sk_buff *skb);

/* edu_listen.c */
void edu_conn_request(struct sock *sk, struct sk_buff *skb);
bool edu_cookie_ack(struct sock *sk, struct sk_buff *skb);

/* edu_output.c */
void edu_set_mss(struct sock *sk, u16 peer_mss);
int edu_route_connected(struct sock *sk);
u32 edu_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
int edu_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone);
void edu_send_ack(struct sock *sk);
void edu_send_challenge_ack(struct sock *sk);
void edu_send_reset(struct sock *sk);
void edu_send_reset_reply(struct net *net, struct sk_buff *skb);
void edu_send_ctl(struct net *net, __be32 saddr, __be32 daddr, __be16 sport,
		  __be16 dport, u32 seq, u32 ack, u8 flags, u16 window);
int edu_queue_syn(struct sock *sk, u8 flags);
void edu_send_fin(struct sock *sk);
void edu_push_pending(struct sock *sk, bool force_one);
void edu_retransmit_head(struct sock *sk, enum edu_rtx_kind why);
int edu_retransmit_skb(struct sock *sk, struct sk_buff *skb,
		       enum edu_rtx_kind why);
int edu_split_skb(struct sock *sk, struct sk_buff *skb, u32 len);
void edu_send_probe(struct sock *sk);
u32 edu_rcv_space(const struct sock *sk);
u16 edu_select_window(struct sock *sk);
u8 edu_choose_wscale(const struct sock *sk);
void edu_cleanup_rbuf(struct sock *sk, int copied);
void edu_free_write_queue(struct sock *sk);
bool edu_sg_ok(const struct sock *sk);
u32 edu_size_goal(struct sock *sk);
int edu_trim_head(struct sk_buff *skb, u32 len);

/* edu_sack.c */
int edu_sack_blocks(struct sock *sk, u8 *opt, int max_blocks);
bool edu_sack_rcv(struct sock *sk, const struct sk_buff *skb);
void edu_sack_acked(struct edu_sock *es, const struct sk_buff *skb, u32 len);
void edu_sack_mark_head_lost(struct sock *sk);
void edu_sack_recover(struct sock *sk);
void edu_sack_clear(struct sock *sk);
u32 edu_in_flight(const struct edu_sock *es);

/* edu_offload.c */
int edu_offload_init(void);
void edu_offload_exit(void);

/* edu_csum.c */
void edu_csum_output(struct sock *sk, struct sk_buff *skb);
void edu_csum_output_sw(struct sk_buff *skb, __be32 saddr, __be32 daddr);
bool edu_csum_offload_ok(const struct sock *sk);
void edu_csum_payload(struct sk_buff *skb);
bool edu_csum_input_bad(struct sk_buff *skb);

/* edu_timer.c */
void edu_init_timers(struct sock *sk);
void edu_stop_timers(struct sock *sk);
void edu_arm_rtx(struct sock *sk);
void edu_arm_persist(struct sock *sk);
void edu_stop_rtx(struct sock *sk);
void edu_arm_delack(struct sock *sk);
void edu_reset_keepalive(struct sock *sk);
void edu_rtt_sample(struct sock *sk, long rtt_us);
void edu_rto_handshake_done(struct sock *sk);

/* edu_cong.c */
static inline void *edu_ca_priv(const struct sock *sk)
{
	return (void *)edu_sk(sk)->ca_priv;
}

/* The skb after @skb on the send queue, NULL after the last one. */
static inline struct sk_buff *edu_write_queue_next(struct sock *sk,
						   struct sk_buff *skb)
{
	return skb_queue_is_last(&sk->sk_write_queue, skb) ? NULL :
	       skb_queue_next(&sk->sk_write_queue, skb);
}

/* Microsecond clock of RTT samples and send stamps (wraps after 71 min). */
static inline u32 edu_clock_us(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

static inline bool edu_in_slow_start(const struct edu_sock *es)
{
	return es->snd_cwnd < es->snd_ssthresh;
}

/*
 * Fast recovery's window on a base of segments: RFC 5681 3.2 step 4 adds
 * the three that the duplicate ACKs say left the network. With SACK, pipe
 * counts them (RFC 6675 5 step 4.2: cwnd = ssthresh).
 */
static inline u32 edu_recovery_cwnd(const struct edu_sock *es, u32 base)
{
	return base + (es->sack_ok ? 0 : 3);
}

u32 edu_cong_flight_segs(const struct edu_sock *es);
u32 edu_slow_start(struct edu_sock *es, u32 acked);
void edu_cong_avoid_ai(struct edu_sock *es, u32 w, u32 acked);
u32 edu_reno_ssthresh(struct sock *sk);
void edu_reno_cong_avoid(struct sock *sk, u32 acked);
void edu_cong_set_default_ops(struct sock *sk);
int edu_cong_set(struct sock *sk, const char *name);
void edu_cong_copy(struct sock *child, const struct sock *parent);
void edu_cong_release(struct sock *sk);
bool edu_cong_valid_name(const char *name);
void edu_cong_available(char *buf, size_t len);
void edu_cong_get_info(struct sock *sk, union edu_cc_info *info);
int edu_cong_register_builtin(void);
void edu_cong_unregister_builtin(void);
void edu_cong_init(struct sock *sk);
bool edu_cong_on_new_ack(struct sock *sk, u32 prior_una, u32 prior_nxt,
			 long rtt_us);
void edu_cong_on_dupack(struct sock *sk);
void edu_cong_on_rto(struct sock *sk);

/* edu_proc.c */
int edu_proc_init_net(struct net *net);
void edu_proc_exit_net(struct net *net);

/* edu_sysctl.c */
int edu_sysctl_init_net(struct net *net);
void edu_sysctl_exit_net(struct net *net);

/* edu_netns.c */
int edu_netns_register(void);
void edu_netns_unregister(void);

#endif /* _EDU_H */
