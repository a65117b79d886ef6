/* live.h - capture from and inject into a network interface, through
 * libpcap: records come out as the same capkit_record a file reader gives,
 * so a capture is written with capkit_writer like any copy.
 *
 *   l = capkit_live_new(); capkit_live_set_snaplen(l, 65535);
 *   rc = capkit_live_open(l, "eth0");            (needs the privileges below)
 *   rc = capkit_live_set_filter(l, "tcp port 80");
 *   while ((n = capkit_live_dispatch(l, -1, cb, user)) >= 0) ...
 *
 * Capturing and injecting need root, or the CAP_NET_RAW capability (and
 * CAP_NET_ADMIN for promiscuous mode and buffer sizes): without them open
 * fails with CAPKIT_EPERM and a message saying so.
 *
 * Threads: one thread at a time per handle, except capkit_live_break(),
 * which any thread or signal handler may call. The callback runs on the
 * thread in capkit_live_dispatch(). libpcap may use kernel ring buffers
 * but the handle starts no thread of its own.
 */
#ifndef CAPKIT_LIVE_H
#define CAPKIT_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct capkit_live capkit_live;

/* A new, unopened handle with the defaults: snaplen 262144, a 32 MiB
 * kernel buffer, promiscuous mode on, nanosecond timestamps when the system
 * has them, a 100 ms read timeout, immediate mode off. Off, libpcap packs
 * packets of any size into the blocks of a TPACKET_V3 ring, delivered when
 * a block is full or the timeout expires: the fastest way to capture. In
 * immediate mode each packet is delivered as it arrives, but libpcap then
 * uses a TPACKET_V2 ring of slots of the snaplen's size (fewer packets fit
 * in the buffer: lower the snaplen for high rates). NULL if out of
 * memory. */
CAPKIT_API capkit_live *capkit_live_new(void);
/* Closes and frees; accepts NULL. */
CAPKIT_API void capkit_live_free(capkit_live *l);

/* Settings, before open; each returns 0, CAPKIT_EINVAL or CAPKIT_EMISUSE. */
CAPKIT_API int capkit_live_set_snaplen(capkit_live *l, uint32_t snaplen);
/* Kernel buffer in bytes (ring of TPACKET_V3 blocks on Linux); >= 64 KiB. */
CAPKIT_API int capkit_live_set_buffer_size(capkit_live *l, size_t bytes);
/* Immediate mode (see capkit_live_new). */
CAPKIT_API int capkit_live_set_immediate(capkit_live *l, int on);
CAPKIT_API int capkit_live_set_promisc(capkit_live *l, int on);
/* How long capkit_live_dispatch waits for packets before returning 0, in
 * milliseconds (> 0). */
CAPKIT_API int capkit_live_set_timeout(capkit_live *l, int ms);
/* Link type to capture as (LINKTYPE_ value), e.g. LINUX_SLL or LINUX_SLL2
 * on the "any" device; 0 (default) takes the interface's own. Checked at
 * open: CAPKIT_ELINKTYPE when the interface cannot give it. */
CAPKIT_API int capkit_live_set_linktype(capkit_live *l, uint32_t linktype);

/* Open and activate the interface IFACE ("any" on Linux: every
 * interface). Returns 0, or CAPKIT_ENOTFOUND (no such interface),
 * CAPKIT_EPERM (privileges missing; the message names what is needed),
 * CAPKIT_ELINKTYPE, CAPKIT_EIO (anything else, with libpcap's message). */
CAPKIT_API int capkit_live_open(capkit_live *l, const char *iface);
/* Open IFACE only to inject packets: no capture buffer worth the name and
 * a kernel filter that keeps nothing. Same errors as capkit_live_open. */
CAPKIT_API int capkit_live_open_inject(capkit_live *l, const char *iface);

/* After open: keep only the packets EXPR matches (tcpdump's language),
 * filtered in the kernel. "" or NULL removes the filter. Returns 0 or
 * CAPKIT_EFILTER with libpcap's message. The expression is recorded in
 * the interface (capkit_live_iface()->filter). */
CAPKIT_API int capkit_live_set_filter(capkit_live *l, const char *expr);

/* Called with each packet. The record and its bytes are valid only during
 * the call; rec->iface is capkit_live_iface(l). */
typedef void (*capkit_live_fn)(void *user, const capkit_record *rec);
/* Deliver up to MAX packets (MAX <= 0: whatever has arrived, one kernel
 * block at a time), waiting up to the timeout for the first. Returns the
 * number delivered (0: timeout or interrupted by capkit_live_break), or a
 * negative code (CAPKIT_EIO: the interface went away, ...). */
CAPKIT_API int capkit_live_dispatch(capkit_live *l, int max,
                                    capkit_live_fn fn, void *user);
/* Make a running capkit_live_dispatch return as soon as possible (or the
 * next one, if none is running). Safe to call from a signal handler. */
CAPKIT_API void capkit_live_break(capkit_live *l);

/* Counters since open, as the kernel keeps them. */
typedef struct capkit_live_stats {
  uint64_t received;  /* packets that passed the filter (ps_recv) */
  uint64_t dropped;   /* dropped by the kernel, buffer full (ps_drop) */
  uint64_t ifdropped; /* dropped by the interface or driver (ps_ifdrop) */
  uint64_t delivered; /* handed to the callback by this handle */
  uint64_t reserved[4]; /* room for later counters; set to 0 */
} capkit_live_stats;
/* Fill *st (all of it, reserved room included). 0 or CAPKIT_EIO /
 * CAPKIT_EMISUSE. */
CAPKIT_API int capkit_live_stats_get(capkit_live *l, capkit_live_stats *st);

/* Send one frame (its link-layer header included, of the handle's link
 * type). Returns 0, or CAPKIT_EIO with the system's reason (the message is
 * kept; ENOBUFS is transient: try again). */
CAPKIT_API int capkit_live_inject(capkit_live *l, const void *frame,
                                  size_t len);

/* The open interface as records name it: name, link type, snaplen,
 * tsresol (9 or 6), filter, os. NULL before open. */
CAPKIT_API const capkit_iface *capkit_live_iface(const capkit_live *l);
/* A descriptor that becomes readable when packets arrive, or -1. */
CAPKIT_API int capkit_live_fd(const capkit_live *l);
/* The last error, as for readers and writers: its message ("" if none)
 * and its code (0 if none); a live handle has no offsets or record
 * numbers. Valid until the handle is freed. */
CAPKIT_API const char *capkit_live_error(const capkit_live *l);
CAPKIT_API int capkit_live_error_code(const capkit_live *l);

/* ---- pacing a replay ---- */

/* How a pacer spaces packets. */
typedef enum capkit_pace_mode {
  CAPKIT_PACE_TIMED = 0, /* the records' own times, RATE times faster */
  CAPKIT_PACE_PPS = 1,   /* RATE packets a second, evenly spaced */
  CAPKIT_PACE_MBPS = 2,  /* RATE megabits a second of sent bytes */
  CAPKIT_PACE_TOP = 3    /* no waiting */
} capkit_pace_mode;

/* A pacer gives each packet a deadline computed from the first packet's
 * clock (monotonic), so that delays do not add up, and waits for it:
 * sleeping until shortly before, then spinning the last microseconds (a
 * sleeper wakes tens of microseconds late). Timed: packet times going back
 * are due at once, never before the packet before them. One thread at a
 * time per pacer, except capkit_pacer_interrupt(). */
typedef struct capkit_pacer capkit_pacer;

/* A pacer in MODE at RATE (above 0 and finite; ignored for TOP); NULL for
 * a bad rate or out of memory. */
CAPKIT_API capkit_pacer *capkit_pacer_new(int mode, double rate);
CAPKIT_API void capkit_pacer_free(capkit_pacer *p); /* NULL is accepted */
/* Stop after PACKETS packets (0: no limit) and DURATION_NS from the
 * first (0: none). 0 or CAPKIT_EINVAL (a negative duration). */
CAPKIT_API int capkit_pacer_set_limits(capkit_pacer *p, uint64_t packets,
                                       int64_t duration_ns);
/* The deadline of REC, the next packet to send (monotonic ns; 0 for TOP),
 * without waiting; the first call starts the clock. */
CAPKIT_API int64_t capkit_pacer_due(capkit_pacer *p, const capkit_record *rec);
/* Wait until REC is due. Returns 1: send it now; 0: do not, the packet
 * limit or the duration is reached (for the duration, after waiting for
 * its end); 2: interrupted (capkit_pacer_interrupt). */
CAPKIT_API int capkit_pacer_wait(capkit_pacer *p, const capkit_record *rec);
/* Count a packet of BYTES bytes as sent (or tried): the packet and bit
 * schedules advance. */
CAPKIT_API void capkit_pacer_sent(capkit_pacer *p, uint32_t bytes);
/* Timed: the next record comes from another file (or a new loop), whose
 * first packet is due right after the last one. */
CAPKIT_API void capkit_pacer_next_file(capkit_pacer *p);
/* Make a wait return 2 at once, now and for every later wait. Safe in a
 * signal handler and from another thread. */
CAPKIT_API void capkit_pacer_interrupt(capkit_pacer *p);
/* Nanoseconds since the first packet's clock started (0 before). */
CAPKIT_API int64_t capkit_pacer_elapsed(const capkit_pacer *p);

/* ---- replaying capture files (tcpreplay) ---- */

/* Read by capkit_replay_new(); start from CAPKIT_REPLAY_SETTINGS_INIT. */
typedef struct capkit_replay_settings {
  uint32_t size;       /* sizeof(capkit_replay_settings) of the caller */
  int mode;            /* capkit_pace_mode; default CAPKIT_PACE_TIMED */
  double rate;         /* the pacer's RATE: speed factor (timed), packets
                          a second, megabits a second; default 1 */
  uint64_t limit;      /* send at most this many packets, all files and
                          loops together; 0: no limit */
  int64_t duration_ns; /* stop after this long from the first packet;
                          0: none */
  /* applied to each frame before it is sent (rewrite.h), or NULL; not
   * owned: it must live until capkit_replay_free() */
  struct capkit_rewriter *rewriter;
} capkit_replay_settings;

#define CAPKIT_REPLAY_SETTINGS_INIT                                            \
  { .size = (uint32_t)sizeof(capkit_replay_settings),                          \
    .mode = CAPKIT_PACE_TIMED, .rate = 1 }

/* What a replay did so far; filled by capkit_replay_stats_get(). Frames
 * the interface refused count as failed (tcpreplay's "Failed packets");
 * truncated ones were sent with fewer bytes than the packet had on the
 * wire (captured shorter). */
typedef struct capkit_replay_stats {
  uint32_t size;       /* sizeof(capkit_replay_stats) of the caller */
  uint64_t sent, bytes; /* frames sent and their bytes */
  uint64_t failed, truncated;
  int64_t elapsed_ns;  /* from the first packet's clock (0 before) */
} capkit_replay_stats;

#define CAPKIT_REPLAY_STATS_INIT                                               \
  { .size = (uint32_t)sizeof(capkit_replay_stats) }

/* Capture files sent out of an interface, paced (capkit_pacer), each
 * frame optionally rewritten. Files and loops follow each other without
 * a gap in the timing. One thread at a time per handle, except
 * capkit_replay_stop(); the handle starts no thread. */
typedef struct capkit_replay capkit_replay;

/* A replay through TX (opened with capkit_live_open_inject or open; not
 * owned, used until free) with SET. NULL when TX is not open, SET is
 * wrong (size too small, a mode out of range, a rate not above 0 or not
 * finite outside CAPKIT_PACE_TOP, a negative duration) or out of
 * memory. */
CAPKIT_API capkit_replay *capkit_replay_new(capkit_live *tx,
                                            const capkit_replay_settings *set);
/* Frees; NULL is accepted. Does not free TX or the rewriter. */
CAPKIT_API void capkit_replay_free(capkit_replay *rp);

/* Before sending anything: every file of PATHS (N of them) opens and
 * carries frames of the interface's link type (pcap: the file's; pcapng:
 * the interfaces described before its first packet; later ones are
 * checked as they come). "-" (standard input, which cannot be read twice)
 * is skipped. Returns 0, or the first error with its message in
 * capkit_replay_error(): CAPKIT_ELINKTYPE ("FILE: link type A (N) cannot
 * be sent on IFACE, which carries B (M) frames"), the reader's codes and
 * message, CAPKIT_ENOMEM. */
CAPKIT_API int capkit_replay_check(capkit_replay *rp, int n,
                                   const char *const *paths);

/* Send the files of PATHS (N of them) in order, LOOPS times (0: until the
 * limit, the duration or a stop). Each packet waits for its deadline, is
 * rewritten and sent; a frame the interface refuses is counted as failed
 * (the first one's "FILE, record N: reason" in
 * capkit_replay_first_failure()) and sending goes on. Returns 0 (all
 * sent, or the limit, the duration or a stop reached), or the first error
 * (sending stops; message in capkit_replay_error()): a file that cannot
 * be opened or read (the reader's code and message), CAPKIT_ELINKTYPE (a
 * pcapng interface of another link type), the rewriter's codes ("FILE,
 * record N: what"). The statistics add up over calls. */
CAPKIT_API int capkit_replay_run(capkit_replay *rp, int n,
                                 const char *const *paths, uint64_t loops);

/* End the replay: the wait in progress returns at once and
 * capkit_replay_run() returns 0 without sending another packet.
 * Async-signal-safe (for the caller's SIGINT handler: the library installs
 * none) and callable from another thread. Final: later runs send
 * nothing. */
CAPKIT_API void capkit_replay_stop(capkit_replay *rp);

/* The statistics so far into ST (its size set: CAPKIT_REPLAY_STATS_INIT).
 * Returns 0 or CAPKIT_EMISUSE (NULL, size too small). */
CAPKIT_API int capkit_replay_stats_get(const capkit_replay *rp,
                                       capkit_replay_stats *st);
/* The message of the last error and of the first frame that could not be
 * sent; "" when none; valid until the next call on the handle. */
CAPKIT_API const char *capkit_replay_error(const capkit_replay *rp);
CAPKIT_API const char *capkit_replay_first_failure(const capkit_replay *rp);

/* ---- the whole replay in one call (capkit replay) ---- */

/* A replay that opens IFACE itself (to inject, in capkit_replay_files();
 * the handle owns it and closes it when freed), with SET as
 * capkit_replay_new(). NULL for a wrong SET, a NULL IFACE or out of
 * memory. capkit_replay_check() and _run() return CAPKIT_EMISUSE until
 * the interface is open. */
CAPKIT_API capkit_replay *
capkit_replay_new_iface(const char *iface, const capkit_replay_settings *set);

/* Called with a message about something that does not stop the replay
 * (the real-time priority that could not be had). Before sending; 0 or
 * CAPKIT_EMISUSE. */
typedef void (*capkit_replay_msg_fn)(void *user, const char *msg);
CAPKIT_API int capkit_replay_set_msg_fn(capkit_replay *rp,
                                        capkit_replay_msg_fn fn, void *user);

/* capkit_replay_files() FLAGS: send at real-time priority (SCHED_FIFO 10
 * for the calling thread, from the checks on: it stays after the call);
 * when the system refuses (privileges: root or CAP_SYS_NICE) the message
 * function says so and the replay goes on. */
#define CAPKIT_REPLAY_REALTIME 1u

/* The whole of `capkit replay`: open the interface (a handle made with
 * capkit_replay_new_iface, the first time), check the files of PATHS (N
 * of them: capkit_replay_check), then send them LOOPS times
 * (capkit_replay_run). Returns 0, or the first error with its message in
 * capkit_replay_error(): the codes of capkit_live_open_inject
 * (CAPKIT_ENOTFOUND, CAPKIT_EPERM, CAPKIT_EIO: the live handle's
 * message), of the check and of the run; CAPKIT_EMISUSE (NULL, N < 0).
 * capkit_replay_started() tells whether the sending began (the errors of
 * the run) or not (nothing was sent). */
CAPKIT_API int capkit_replay_files(capkit_replay *rp, int n,
                                   const char *const *paths, uint64_t loops,
                                   unsigned flags);
/* 1 when a capkit_replay_run() (alone or in capkit_replay_files) began:
 * the statistics then describe a replay; else 0. */
CAPKIT_API int capkit_replay_started(const capkit_replay *rp);

#ifdef __cplusplus
}
#endif
#endif
