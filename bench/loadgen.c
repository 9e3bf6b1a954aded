/*
 * loadgen: the load generator of Besedka's benchmark (bench/README.md).
 *
 * One single-threaded epoll loop drives every client connection, speaking
 * either Besedka's protocol (newline-delimited JSON, /work/shared/PROTOCOL.md)
 * or IRC (for the ngircd yardstick), so both servers meet exactly the same
 * load from the same program.  It is written in C with only libc because the
 * yardstick relays millions of lines a second: the generator has to read and
 * time all of them on one core and still be idle part of the time, which the
 * report proves by printing its own CPU use next to the server's.
 *
 * Workloads (--workload):
 *   fanout    every client is in one room (Besedka's general room, IRC
 *             channel #bench) and sends --messages messages with at most
 *             --window unacknowledged; every delivery is counted and timed.
 *             With --senders N only the first N clients send (everyone
 *             receives); with --room ID Besedka's clients log in speaking
 *             protocol version 2 and send to that room (which bench/prepare.py
 *             made with them in it) instead of the general room.
 *   pairs     clients 2k and 2k+1 exchange direct messages, request and
 *             response, --round-trips times; round trips are timed.
 *   chat      --clients chatters send direct messages in a ring, one every
 *             --interval-ms each, while --idle further clients sit logged in
 *             doing nothing, and optionally --storm clients all log in at
 *             once after --before seconds (the login storm).
 *   requests  one client times --history "history" pages of 50 in the
 *             general room and --sync "sync" requests of 1,000 (Besedka only).
 *
 * Acknowledgement: a Besedka "send" is acknowledged by its "ok" reply, which
 * the server sends only after the message is committed.  ngircd does not echo
 * PRIVMSG to its sender, so every PRIVMSG is followed by "PING :<seq>" and
 * the PONG stands for the acknowledgement: ngircd handles a client's commands
 * in order, so the PONG means the PRIVMSG was handled and queued for every
 * member of the channel.
 *
 * Every message body is "bk <send time ns> <sender index> <sequence>", so the
 * receiver computes the latency from the same CLOCK_MONOTONIC.
 *
 * The result is one JSON object on standard output.  Every wait is bounded
 * by --timeout; a run that hits it reports what it got, with losses.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef long long i64;

#define NS_PER_S 1000000000LL
#define NS_PER_MS 1000000LL

static i64 now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static i64 cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("loadgen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

/* ------------------------------------------------------------------ */
/* Latency samples: kept whole and sorted once, exact percentiles.     */

struct samples {
	i64 *v;
	size_t n, cap;
	int sorted;
};

static void add_sample(struct samples *s, i64 ns)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = ns;
	s->sorted = 0;
}

static int cmp_i64(const void *a, const void *b)
{
	i64 x = *(const i64 *)a, y = *(const i64 *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile in milliseconds; -1 without samples. */
static double pct_ms(struct samples *s, double p)
{
	if (!s->n)
		return -1;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof *s->v, cmp_i64);
		s->sorted = 1;
	}
	size_t rank = (size_t)(p / 100.0 * (double)s->n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > s->n)
		rank = s->n;
	return (double)s->v[rank - 1] / NS_PER_MS;
}

/* ------------------------------------------------------------------ */
/* Options                                                              */

static struct {
	int irc;
	const char *host;
	int port;
	int port2;       /* a second server (node) for the odd clients; 0: none */
	const char *workload;
	int clients;     /* fanout/pairs clients, or chatters */
	int messages;    /* fanout: per client */
	int window;      /* fanout: unacknowledged sends per client */
	int round_trips; /* pairs: per pair */
	int idle;        /* chat: idle logged-in clients */
	int storm;       /* chat: clients logging in at once */
	double interval_ms; /* chat: between one chatter's sends */
	double duration_s;  /* chat without storm: how long to chat */
	double before_s;    /* chat with storm: chat before the storm */
	int batch;       /* connections opened together while setting up */
	double timeout_s;
	int server_pid;  /* for the server's CPU and memory; 0: not measured */
	const char *password;
	int keys;        /* Besedka: send with an idempotency key */
	int quickack;
	int register_; /* register the accounts instead of logging in */
	int history, sync, warmup;
	i64 max_id;
	int senders;     /* fanout: how many clients send (0: all) */
	int room;        /* fanout: Besedka's room id (0: the general room) */
} opt = {
	.host = "127.0.0.1", .workload = "fanout", .clients = 50, .messages = 200,
	.window = 10, .round_trips = 200, .interval_ms = 50, .duration_s = 10,
	.before_s = 5, .batch = 8, .timeout_s = 120, .password = "bench-password",
	.keys = 1, .history = 500, .sync = 100, .warmup = 10,
};

enum workload { FANOUT, PAIRS, CHAT, REQUESTS };
static enum workload workload;

/* ------------------------------------------------------------------ */
/* Connections                                                          */

enum state { ST_NONE, ST_CONNECTING, ST_HANDSHAKE, ST_READY, ST_DEAD };

struct conn {
	int fd, idx, state, want_out;
	char *rbuf;
	size_t rlen, rcap;
	char *wbuf;
	size_t wlen, wcap;
	i64 t_open, last_tx;
	/* fanout */
	int sent, acked;
	/* pairs */
	int rt_done;
	/* chat */
	i64 next_send;
	/* requests */
	int req_done;
	i64 req_start;
};

static int epfd;
static struct conn *conns;
static int n_main, n_total; /* main clients first, then idle, then storm */
static int *last_seq;       /* fanout: [receiver * n_main + sender] */

/* Counters of the whole run. */
static i64 ready_count, dead_count, errors, out_of_order, acks;
static i64 sent_total, received_total, expected_total;
static i64 first_send, last_delivery;
static int senders_done, pairs_done, storm_ready, storm_dead;
static i64 storm_start, storm_end;
static int chat_sending;
static struct samples lat, lat_before, lat_during, lat_history, lat_sync, login_times;
static i64 sync_messages;

static void set_events(struct conn *c, int want_out)
{
	if (c->want_out == want_out)
		return;
	struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = c};
	if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));
	c->want_out = want_out;
}

static void kill_conn(struct conn *c, const char *why)
{
	if (c->state == ST_DEAD)
		return;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->idx >= n_main + opt.idle)
		storm_dead++;
	c->state = ST_DEAD;
	dead_count++;
	if (dead_count <= 5)
		fprintf(stderr, "loadgen: client %d closed: %s\n", c->idx, why);
}

/* Queue bytes: written at once when nothing waits, else kept for EPOLLOUT. */
static void out(struct conn *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (c->state == ST_DEAD || n <= 0)
		return;
	size_t off = 0;
	if (c->wlen == 0 && c->state != ST_CONNECTING) {
		ssize_t w = write(c->fd, buf, (size_t)n);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			kill_conn(c, strerror(errno));
			return;
		}
		off = w > 0 ? (size_t)w : 0;
	}
	if (off < (size_t)n) {
		size_t rest = (size_t)n - off;
		if (c->wlen + rest > c->wcap) {
			c->wcap = (c->wlen + rest) * 2;
			c->wbuf = xrealloc(c->wbuf, c->wcap);
		}
		memcpy(c->wbuf + c->wlen, buf + off, rest);
		c->wlen += rest;
		if (c->state != ST_CONNECTING)
			set_events(c, 1);
	}
	c->last_tx = now_ns();
}

static void flush_out(struct conn *c)
{
	while (c->wlen) {
		ssize_t w = write(c->fd, c->wbuf, c->wlen);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			kill_conn(c, strerror(errno));
			return;
		}
		memmove(c->wbuf, c->wbuf + w, c->wlen - (size_t)w);
		c->wlen -= (size_t)w;
	}
	set_events(c, 0);
}

static void open_conn(struct conn *c)
{
	/* With --port2, odd clients go to the second node of a cluster. */
	int port = opt.port2 && c->idx % 2 ? opt.port2 : opt.port;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, opt.host, &sa.sin_addr) != 1)
		die("bad host %s", opt.host);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		die("socket: %s (raise ulimit -n)", strerror(errno));
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->state = ST_CONNECTING;
	c->t_open = now_ns();
	c->rcap = 16384;
	c->rbuf = xrealloc(c->rbuf, c->rcap);
	c->want_out = 1;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		die("epoll_ctl add: %s", strerror(errno));
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS)
		kill_conn(c, strerror(errno));
}

/* ------------------------------------------------------------------ */
/* Sending                                                              */

static void send_room(struct conn *c, int seq)
{
	i64 t = now_ns();
	if (opt.irc)
		out(c, "PRIVMSG #bench :bk %lld %d %d\r\nPING :%d\r\n", t, c->idx, seq, seq);
	else if (opt.room && opt.keys)
		out(c, "{\"type\":\"send\",\"id\":%d,\"room\":%d,\"key\":\"k%d\",\"body\":\"bk %lld %d %d\"}\n",
		    seq, opt.room, seq, t, c->idx, seq);
	else if (opt.room)
		out(c, "{\"type\":\"send\",\"id\":%d,\"room\":%d,\"body\":\"bk %lld %d %d\"}\n",
		    seq, opt.room, t, c->idx, seq);
	else if (opt.keys)
		out(c, "{\"type\":\"send\",\"id\":%d,\"to\":null,\"key\":\"k%d\",\"body\":\"bk %lld %d %d\"}\n",
		    seq, seq, t, c->idx, seq);
	else
		out(c, "{\"type\":\"send\",\"id\":%d,\"to\":null,\"body\":\"bk %lld %d %d\"}\n",
		    seq, t, c->idx, seq);
	if (!first_send)
		first_send = t;
	sent_total++;
}

/* A direct message; ``t`` is the timestamp carried (a response echoes the request's). */
static void send_direct(struct conn *c, int to, i64 t, int seq)
{
	if (opt.irc)
		out(c, "PRIVMSG u%04d :bk %lld %d %d\r\n", to, t, c->idx, seq);
	else if (opt.keys)
		out(c, "{\"type\":\"send\",\"id\":%d,\"to\":\"u%04d\",\"key\":\"k%d\",\"body\":\"bk %lld %d %d\"}\n",
		    c->sent, to, c->sent, t, c->idx, seq);
	else
		out(c, "{\"type\":\"send\",\"id\":%d,\"to\":\"u%04d\",\"body\":\"bk %lld %d %d\"}\n",
		    c->sent, to, t, c->idx, seq);
	c->sent++;
	sent_total++;
}

static void send_request(struct conn *c)
{
	int i = c->req_done;
	int total_history = opt.warmup + opt.history;
	c->req_start = now_ns();
	if (i < total_history) {
		/* A page ending anywhere in the newest 90 % of the room. */
		i64 before = opt.max_id / 10 + 1 + (i64)(drand48() * (double)(opt.max_id - opt.max_id / 10));
		out(c, "{\"type\":\"history\",\"id\":%d,\"with\":null,\"before\":%lld,\"limit\":50}\n",
		    i, before);
	} else {
		i64 span = opt.max_id > 20000 ? opt.max_id - 20000 : 1;
		i64 after = (i64)(drand48() * (double)span);
		out(c, "{\"type\":\"sync\",\"id\":%d,\"after\":%lld,\"limit\":1000}\n", i, after);
	}
}

/* ------------------------------------------------------------------ */
/* Receiving                                                            */

static void on_ready(struct conn *c)
{
	c->state = ST_READY;
	ready_count++;
	if (c->idx >= n_main + opt.idle) {
		storm_ready++;
		add_sample(&login_times, now_ns() - c->t_open);
	}
}

/* A delivered message whose body starts at ``p`` ("bk ts src seq"). */
static void on_message(struct conn *c, const char *p)
{
	char *end;
	i64 ts = strtoll(p, &end, 10);
	int src = (int)strtol(end, &end, 10);
	int seq = (int)strtol(end, &end, 10);
	i64 t = now_ns();

	switch (workload) {
	case FANOUT:
		add_sample(&lat, t - ts);
		received_total++;
		last_delivery = t;
		if (src >= 0 && src < n_main && c->idx < n_main) {
			int *last = &last_seq[c->idx * n_main + src];
			if (seq <= *last)
				out_of_order++;
			*last = seq;
		}
		break;
	case PAIRS:
		received_total++;
		if (c->idx & 1) { /* responder: answer at once, echoing the time */
			send_direct(c, c->idx ^ 1, ts, seq);
		} else {          /* initiator: one round trip done */
			add_sample(&lat, t - ts);
			if (++c->rt_done < opt.round_trips)
				send_direct(c, c->idx ^ 1, now_ns(), c->rt_done);
			else
				pairs_done++;
		}
		break;
	case CHAT:
		received_total++;
		if (!opt.storm)
			add_sample(&lat, t - ts);
		else if (ts < storm_start || !storm_start)
			add_sample(&lat_before, t - ts);
		else if (!storm_end || ts <= storm_end)
			add_sample(&lat_during, t - ts);
		else
			add_sample(&lat, t - ts); /* after the storm */
		break;
	case REQUESTS:
		break;
	}
}

/* An acknowledgement of request ``seq`` (Besedka "ok"/"error", IRC PONG). */
static void on_ack(struct conn *c, i64 seq, int ok, const char *line, size_t len)
{
	acks++;
	if (workload == FANOUT) {
		c->acked++;
		if (c->sent < opt.messages)
			send_room(c, c->sent++);
		if (c->acked == opt.messages)
			senders_done++;
	} else if (workload == REQUESTS && c->idx == 0 && seq == c->req_done) {
		i64 took = now_ns() - c->req_start;
		if (c->req_done >= opt.warmup + opt.history) {
			if (c->req_done >= 2 * opt.warmup + opt.history)
				add_sample(&lat_sync, took);
			/* Count what a sync returned, to show the pages are full. */
			const char *p = line, *e = line + len;
			while ((p = memmem(p, (size_t)(e - p), "\"body\":", 7)) != NULL) {
				sync_messages++;
				p += 7;
			}
		} else if (c->req_done >= opt.warmup) {
			add_sample(&lat_history, took);
		}
		c->req_done++;
		if (c->req_done < 2 * opt.warmup + opt.history + opt.sync)
			send_request(c);
	}
	(void)ok;
}

static const char *find(const char *l, size_t n, const char *what)
{
	return memmem(l, n, what, strlen(what));
}

static int starts(const char *p, const char *end, const char *what)
{
	size_t k = strlen(what);
	return (size_t)(end - p) >= k && memcmp(p, what, k) == 0;
}

static void besedka_line(struct conn *c, const char *l, size_t n)
{
	const char *e = l + n, *t = find(l, n, "\"type\":\"");
	if (!t)
		die("client %d: frame without a type: %.200s", c->idx, l);
	t += 8;
	if (starts(t, e, "message\"")) {
		const char *b = find(l, n, "\"body\":\"bk ");
		if (b && c->state == ST_READY)
			on_message(c, b + 11);
		return;
	}
	int ok = starts(t, e, "ok\"");
	if (ok || starts(t, e, "error\"")) {
		const char *r = find(l, n, "\"re\":");
		if (c->state == ST_HANDSHAKE) {
			if (!ok)
				die("client %d: login failed: %.300s", c->idx, l);
			return; /* logged in; ready once the roster follows */
		}
		if (!ok && ++errors <= 5)
			fprintf(stderr, "loadgen: client %d: %.300s\n", c->idx, l);
		if (r && r[5] != '"') /* string ids are logins and keep-alive pings */
			on_ack(c, strtoll(r + 5, NULL, 10), ok, l, n);
		return;
	}
	if (c->state == ST_HANDSHAKE) {
		if (starts(t, e, "hello\""))
			out(c, "{\"type\":\"%s\",\"id\":\"login\",\"username\":\"u%04d\",\"password\":\"%s\"%s}\n",
			    opt.register_ ? "register" : "login", c->idx, opt.password,
			    opt.room ? ",\"protocol\":2" : "");
		else if (starts(t, e, "users\""))
			on_ready(c);
	}
	/* presence and other events need nothing */
}

static void irc_line(struct conn *c, const char *l, size_t n)
{
	const char *e = l + n, *p = l;
	if (starts(l, e, "PING ")) {
		out(c, "PONG %.*s\r\n", (int)(n - 5), l + 5);
		return;
	}
	if (starts(l, e, "ERROR")) {
		kill_conn(c, "server sent ERROR");
		return;
	}
	if (*p == ':') { /* skip the prefix */
		p = memchr(p, ' ', n);
		if (!p)
			return;
		p++;
	}
	if (starts(p, e, "PRIVMSG ")) {
		const char *b = find(p, (size_t)(e - p), " :bk ");
		if (b && c->state == ST_READY)
			on_message(c, b + 5);
	} else if (starts(p, e, "PONG ")) {
		const char *colon = memrchr(p, ':', (size_t)(e - p));
		if (colon && c->state == ST_READY)
			on_ack(c, strtoll(colon + 1, NULL, 10), 1, l, n);
	} else if (c->state == ST_HANDSHAKE) {
		if (starts(p, e, "001 ")) {
			if (workload == FANOUT && c->idx < n_main)
				out(c, "JOIN #bench\r\n");
			else
				on_ready(c);
		} else if (starts(p, e, "366 ")) {
			on_ready(c);
		} else if (starts(p, e, "433 ") || starts(p, e, "432 ")) {
			die("client %d: nickname refused: %.200s", c->idx, l);
		}
	}
}

static void on_readable(struct conn *c)
{
	for (int reads = 0; reads < 4 && c->state != ST_DEAD; reads++) {
		if (c->rcap - c->rlen < 4096) {
			if (c->rcap >= (64u << 20))
				die("client %d: a frame over 64 MiB", c->idx);
			c->rcap *= 2;
			c->rbuf = xrealloc(c->rbuf, c->rcap);
		}
		ssize_t r = read(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen);
		if (opt.quickack) {
			int one = 1;
			setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
		}
		if (r == 0) {
			kill_conn(c, "closed by the server");
			return;
		}
		if (r < 0) {
			if (errno != EAGAIN && errno != EINTR)
				kill_conn(c, strerror(errno));
			return;
		}
		/* Only the new bytes can hold a newline ending a line. */
		size_t start = 0, scan = c->rlen;
		c->rlen += (size_t)r;
		char *nl;
		while ((nl = memchr(c->rbuf + scan, '\n', c->rlen - scan)) != NULL) {
			size_t len = (size_t)(nl - (c->rbuf + start));
			if (len && c->rbuf[start + len - 1] == '\r')
				len--;
			if (opt.irc)
				irc_line(c, c->rbuf + start, len);
			else
				besedka_line(c, c->rbuf + start, len);
			if (c->state == ST_DEAD)
				return;
			start = scan = (size_t)(nl - c->rbuf) + 1;
		}
		if (start) {
			memmove(c->rbuf, c->rbuf + start, c->rlen - start);
			c->rlen -= start;
		}
		if ((size_t)r < 4096)
			return; /* drained for now */
	}
}

static void on_event(struct conn *c, uint32_t events)
{
	if (c->state == ST_CONNECTING && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		int err = 0;
		socklen_t len = sizeof err;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			kill_conn(c, strerror(err));
			return;
		}
		c->state = ST_HANDSHAKE;
		if (opt.irc)
			out(c, "NICK u%04d\r\nUSER u%04d 0 * :bench\r\n", c->idx, c->idx);
		flush_out(c);
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		on_readable(c);
	if (c->state != ST_DEAD && (events & EPOLLOUT))
		flush_out(c);
}

/* Wait up to ``timeout_ms`` for events and handle them. */
static void pump(int timeout_ms)
{
	struct epoll_event evs[256];
	int n = epoll_wait(epfd, evs, 256, timeout_ms);
	if (n < 0 && errno != EINTR)
		die("epoll_wait: %s", strerror(errno));
	for (int i = 0; i < n; i++)
		on_event(evs[i].data.ptr, evs[i].events);
}

/* Besedka closes logged-in connections silent for 120 s; ping like a client. */
static void keep_alive(void)
{
	static i64 last_check;
	i64 t = now_ns();
	if (opt.irc || t - last_check < NS_PER_S)
		return;
	last_check = t;
	for (int i = 0; i < n_total; i++) {
		struct conn *c = &conns[i];
		if (c->state == ST_READY && t - c->last_tx > 30 * NS_PER_S)
			out(c, "{\"type\":\"ping\",\"id\":\"keepalive\"}\n");
	}
}

static i64 deadline;

static int expired(void)
{
	return now_ns() > deadline;
}

/* Connect clients [from, to) in batches; each batch must log in first. */
static void connect_clients(int from, int to)
{
	for (int b = from; b < to; b += opt.batch) {
		int e = b + opt.batch < to ? b + opt.batch : to;
		for (int i = b; i < e; i++)
			open_conn(&conns[i]);
		for (;;) {
			int pending = 0;
			for (int i = b; i < e; i++)
				pending += conns[i].state == ST_CONNECTING || conns[i].state == ST_HANDSHAKE;
			if (!pending)
				break;
			if (expired())
				die("timed out connecting clients %d-%d", b, e - 1);
			pump(100);
			keep_alive();
		}
		for (int i = b; i < e; i++)
			if (conns[i].state != ST_READY)
				die("client %d could not log in", i);
	}
}

/* ------------------------------------------------------------------ */
/* Server measurements from /proc                                       */

static i64 server_cpu_ticks(void)
{
	char path[64], buf[2048];
	if (!opt.server_pid)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/stat", opt.server_pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	unsigned long long utime = 0, stime = 0;
	/* fields 3..13 skipped, then utime (14) and stime (15) */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
		return -1;
	return (i64)(utime + stime);
}

static i64 server_status_kib(const char *field)
{
	char path[64], line[256];
	if (!opt.server_pid)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/status", opt.server_pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	i64 v = -1;
	size_t k = strlen(field);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, k) == 0 && line[k] == ':')
			v = strtoll(line + k + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Busy ticks of the whole machine (all CPUs), to see other load. */
static i64 machine_busy_ticks(void)
{
	unsigned long long v[8] = {0};
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return -1;
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n != 8)
		return -1;
	return (i64)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]); /* all but idle and iowait */
}

struct window {
	i64 wall, cpu, server, machine;
};

static struct window window_open(void)
{
	return (struct window){now_ns(), cpu_ns(), server_cpu_ticks(), machine_busy_ticks()};
}

/* CPU shares over the window, in % of one CPU; ``other_pct`` is what the
 * rest of the machine used (another job on a shared machine skews results). */
static void window_close(struct window w, i64 end, double *gen_pct, double *srv_pct,
			 double *other_pct)
{
	double wall = (double)(end - w.wall) / NS_PER_S;
	double tck = (double)sysconf(_SC_CLK_TCK);
	i64 m = machine_busy_ticks();
	*gen_pct = wall > 0 ? 100.0 * (double)(cpu_ns() - w.cpu) / NS_PER_S / wall : -1;
	i64 s = server_cpu_ticks();
	*srv_pct = (w.server >= 0 && s >= 0 && wall > 0)
		? 100.0 * (double)(s - w.server) / tck / wall : -1;
	double machine = (w.machine >= 0 && m >= 0 && wall > 0)
		? 100.0 * (double)(m - w.machine) / tck / wall : -1;
	*other_pct = machine >= 0 && *srv_pct >= 0 ? machine - *srv_pct - *gen_pct : -1;
	if (*other_pct < 0 && machine >= 0)
		*other_pct = 0; /* tick rounding */
}

/* ------------------------------------------------------------------ */
/* Workloads                                                            */

static void usage(void)
{
	fputs("usage: loadgen [--irc] --port N [--port2 N] [--host H] --workload fanout|pairs|chat|requests\n"
	      "  [--clients N] [--messages N] [--window N] [--round-trips N] [--idle N]\n"
	      "  [--storm N] [--interval-ms MS] [--duration S] [--before S] [--batch N]\n"
	      "  [--timeout S] [--server-pid PID] [--password P] [--no-keys] [--register]\n"
	      "  [--quickack]\n"
	      "  [--history N] [--sync N] [--warmup N] [--max-id N] [--senders N] [--room ID]\n",
	      stderr);
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (strcmp(a, name) == 0 && v && ++i)
		if (strcmp(a, "--irc") == 0) opt.irc = 1;
		else if (strcmp(a, "--no-keys") == 0) opt.keys = 0;
		else if (strcmp(a, "--quickack") == 0) opt.quickack = 1;
		else if (strcmp(a, "--register") == 0) opt.register_ = 1;
		else if (OPT("--host")) opt.host = v;
		else if (OPT("--port")) opt.port = atoi(v);
		else if (OPT("--port2")) opt.port2 = atoi(v);
		else if (OPT("--workload")) opt.workload = v;
		else if (OPT("--clients")) opt.clients = atoi(v);
		else if (OPT("--messages")) opt.messages = atoi(v);
		else if (OPT("--window")) opt.window = atoi(v);
		else if (OPT("--round-trips")) opt.round_trips = atoi(v);
		else if (OPT("--idle")) opt.idle = atoi(v);
		else if (OPT("--storm")) opt.storm = atoi(v);
		else if (OPT("--interval-ms")) opt.interval_ms = atof(v);
		else if (OPT("--duration")) opt.duration_s = atof(v);
		else if (OPT("--before")) opt.before_s = atof(v);
		else if (OPT("--batch")) opt.batch = atoi(v);
		else if (OPT("--timeout")) opt.timeout_s = atof(v);
		else if (OPT("--server-pid")) opt.server_pid = atoi(v);
		else if (OPT("--password")) opt.password = v;
		else if (OPT("--history")) opt.history = atoi(v);
		else if (OPT("--sync")) opt.sync = atoi(v);
		else if (OPT("--warmup")) opt.warmup = atoi(v);
		else if (OPT("--max-id")) opt.max_id = atoll(v);
		else if (OPT("--senders")) opt.senders = atoi(v);
		else if (OPT("--room")) opt.room = atoi(v);
		else usage();
#undef OPT
	}
	if (!opt.port || opt.clients < 1 || opt.batch < 1 || opt.window < 1)
		usage();
	if (!strcmp(opt.workload, "fanout")) workload = FANOUT;
	else if (!strcmp(opt.workload, "pairs")) workload = PAIRS;
	else if (!strcmp(opt.workload, "chat")) workload = CHAT;
	else if (!strcmp(opt.workload, "requests")) workload = REQUESTS;
	else usage();
	if (workload == PAIRS && opt.clients % 2)
		die("pairs needs an even number of clients");
	if (workload == REQUESTS && (opt.irc || opt.max_id < 1))
		die("requests needs Besedka and --max-id");
	if (opt.window > opt.messages)
		opt.window = opt.messages;
	if (opt.senders < 1 || opt.senders > opt.clients)
		opt.senders = opt.clients;
	if (opt.irc)
		opt.room = 0; /* IRC's room is channel #bench */
}

static void print_samples(const char *name, struct samples *s)
{
	printf(",\"%s_p50_ms\":%.3f,\"%s_p99_ms\":%.3f,\"%s_max_ms\":%.3f,\"%s_n\":%zu",
	       name, pct_ms(s, 50), name, pct_ms(s, 99), name, pct_ms(s, 100), name, s->n);
}

int main(int argc, char **argv)
{
	parse_args(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) { /* thousands of sockets */
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	srand48(7);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	n_main = workload == REQUESTS ? 1 : opt.clients;
	n_total = n_main + (workload == CHAT ? opt.idle + opt.storm : 0);
	if (workload != CHAT)
		opt.idle = opt.storm = 0;
	conns = calloc((size_t)n_total, sizeof *conns);
	for (int i = 0; i < n_total; i++)
		conns[i] = (struct conn){.fd = -1, .idx = i};
	deadline = now_ns() + (i64)(opt.timeout_s * NS_PER_S);

	i64 t_setup = now_ns();
	connect_clients(0, n_main);
	i64 rss_before = -1, rss_after = -1;
	if (opt.idle) {
		rss_before = server_status_kib("VmRSS");
		connect_clients(n_main, n_main + opt.idle);
		/* Let the login traffic settle before reading memory. */
		for (i64 until = now_ns() + NS_PER_S; now_ns() < until;)
			pump(50);
		rss_after = server_status_kib("VmRSS");
	}
	double setup_s = (double)(now_ns() - t_setup) / NS_PER_S;

	struct window w = window_open();
	i64 t0 = w.wall, t_end = 0;
	double rate = 0;
	const char *unit = "";

	if (workload == FANOUT) {
		unit = "deliveries/s";
		last_seq = calloc((size_t)n_main * (size_t)n_main, sizeof *last_seq);
		for (int i = 0; i < n_main * n_main; i++)
			last_seq[i] = -1;
		int senders = opt.senders;
		expected_total = (i64)senders * (n_main - 1) * opt.messages;
		for (int i = 0; i < senders; i++)
			for (int k = 0; k < opt.window; k++)
				send_room(&conns[i], conns[i].sent++);
		i64 drain_until = 0;
		while (received_total < expected_total || senders_done < senders) {
			if (expired())
				break;
			if (senders_done == senders && !drain_until)
				drain_until = now_ns() + 5 * NS_PER_S; /* what is still missing is lost */
			if (drain_until && now_ns() > drain_until)
				break;
			pump(10);
			keep_alive(); /* a listener may wait long for its first delivery */
			if (dead_count && senders_done + dead_count >= senders && !drain_until)
				drain_until = now_ns() + 5 * NS_PER_S;
		}
		t_end = last_delivery ? last_delivery : now_ns();
		t0 = first_send;
		rate = (double)received_total / ((double)(t_end - t0) / NS_PER_S);
	} else if (workload == PAIRS) {
		unit = "round trips/s";
		expected_total = (i64)(n_main / 2) * opt.round_trips * 2;
		for (int i = 0; i < n_main; i += 2)
			send_direct(&conns[i], i + 1, now_ns(), 0);
		while (pairs_done < n_main / 2 && !expired()) {
			pump(10);
			if (dead_count)
				break;
		}
		t_end = now_ns();
		i64 rts = (i64)lat.n;
		rate = (double)rts / ((double)(t_end - t0) / NS_PER_S);
	} else if (workload == CHAT) {
		unit = "messages/s";
		i64 interval = (i64)(opt.interval_ms * NS_PER_MS);
		for (int i = 0; i < n_main; i++)
			conns[i].next_send = t0 + interval * i / n_main;
		chat_sending = 1;
		i64 stop_at = opt.storm ? 0 : t0 + (i64)(opt.duration_s * NS_PER_S);
		i64 storm_at = opt.storm ? t0 + (i64)(opt.before_s * NS_PER_S) : 0;
		while (chat_sending && !expired()) {
			i64 t = now_ns(), next = t + 10 * NS_PER_MS;
			for (int i = 0; i < n_main; i++) {
				struct conn *c = &conns[i];
				if (c->state != ST_READY)
					continue;
				if (t >= c->next_send) {
					send_direct(c, (i + 1) % n_main, t, c->sent);
					c->next_send += interval;
					if (c->next_send < t) /* fell behind: do not burst to catch up */
						c->next_send = t + interval;
				}
				if (c->next_send < next)
					next = c->next_send;
			}
			if (storm_at && t >= storm_at && !storm_start) {
				storm_start = t; /* every storm client connects at once */
				for (int i = n_main + opt.idle; i < n_total; i++)
					open_conn(&conns[i]);
			}
			if (storm_start && !storm_end && storm_ready + storm_dead >= opt.storm) {
				storm_end = t;
				stop_at = t + NS_PER_S; /* and a second of calm after it */
			}
			if (stop_at && t >= stop_at)
				chat_sending = 0;
			i64 wait_ms = (next - now_ns()) / NS_PER_MS;
			pump(wait_ms < 0 ? 0 : wait_ms > 10 ? 10 : (int)wait_ms);
			keep_alive();
		}
		t_end = now_ns();
		expected_total = sent_total;
		/* Let the last messages arrive; whatever does not is lost. */
		for (i64 until = now_ns() + 5 * NS_PER_S; received_total < expected_total && now_ns() < until;)
			pump(10);
		rate = (double)received_total / ((double)(t_end - t0) / NS_PER_S);
	} else {
		unit = "requests/s";
		send_request(&conns[0]);
		int total = 2 * opt.warmup + opt.history + opt.sync;
		while (conns[0].req_done < total && conns[0].state == ST_READY && !expired())
			pump(100);
		t_end = now_ns();
		rate = (double)conns[0].req_done / ((double)(t_end - t0) / NS_PER_S);
	}

	double gen_pct, srv_pct, other_pct;
	window_close(w, t_end, &gen_pct, &srv_pct, &other_pct);
	i64 lost = workload == REQUESTS ? 0 : expected_total - received_total;
	if (workload == FANOUT || workload == CHAT || workload == PAIRS)
		lost = lost < 0 ? 0 : lost;

	printf("{\"target\":\"%s\",\"workload\":\"%s\",\"clients\":%d,\"senders\":%d"
	       ",\"rate\":%.1f,\"unit\":\"%s\""
	       ",\"duration_s\":%.3f,\"setup_s\":%.3f,\"sent\":%lld,\"acks\":%lld,\"expected\":%lld"
	       ",\"received\":%lld,\"lost\":%lld,\"errors\":%lld,\"closed\":%lld,\"out_of_order\":%lld"
	       ",\"gen_cpu_pct\":%.1f,\"server_cpu_pct\":%.1f,\"other_cpu_pct\":%.1f"
	       ",\"server_hwm_kib\":%lld",
	       opt.irc ? "ngircd" : "besedka", opt.workload, n_main,
	       workload == FANOUT ? opt.senders : 0, rate, unit,
	       (double)(t_end - t0) / NS_PER_S, setup_s, sent_total, acks, expected_total,
	       received_total, lost, errors, dead_count, out_of_order, gen_pct, srv_pct, other_pct,
	       server_status_kib("VmHWM"));
	print_samples("lat", &lat);
	if (opt.idle)
		printf(",\"idle\":%d,\"rss_before_kib\":%lld,\"rss_after_kib\":%lld,\"kib_per_conn\":%.2f",
		       opt.idle, rss_before, rss_after,
		       rss_before >= 0 && rss_after >= 0 ? (double)(rss_after - rss_before) / opt.idle : -1.0);
	if (opt.storm) {
		printf(",\"storm\":%d,\"storm_logged_in\":%d,\"storm_s\":%.3f", opt.storm, storm_ready,
		       storm_end ? (double)(storm_end - storm_start) / NS_PER_S : -1.0);
		print_samples("before", &lat_before);
		print_samples("during", &lat_during);
		print_samples("login", &login_times);
	}
	if (workload == REQUESTS) {
		print_samples("history", &lat_history);
		print_samples("sync", &lat_sync);
		printf(",\"sync_avg_messages\":%.1f",
		       opt.sync ? (double)sync_messages / (opt.sync + opt.warmup) : 0.0);
	}
	printf("}\n");
	return 0;
}
