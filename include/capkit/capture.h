/* capture.h - a live capture written to files: packets of a capkit_live
 * handle go to a rotating writer (cut.h) that starts a new file by size
 * (tcpdump -C) or by wall-clock time (-G), names them from a template
 * (%N and strftime's fields, tcpdump -w) and keeps only the newest N (-W).
 * pcapng files name the interface, filter and system, and end with the
 * interface's statistics.
 *
 *   l = capkit_live_new(); capkit_live_open(l, "eth0"); ...
 *   capkit_capture_settings set = CAPKIT_CAPTURE_SETTINGS_INIT;
 *   set.path = "cap.pcapng"; set.file_size = 100000000; set.ring = 5;
 *   c = capkit_capture_new();
 *   rc = capkit_capture_start(c, l, &set);
 *   if (rc == 0) rc = capkit_capture_run(c, 0, NULL, NULL);
 *   rc = capkit_capture_finish(c, rc == 0);
 *   capkit_capture_free(c);
 *
 * capkit_capture_run() is the whole loop, ended by the count, the
 * duration or capkit_capture_stop() (from a signal handler). A caller may
 * keep the loop instead: wait on capkit_live_fd() for packets, call
 * capkit_capture_step(), and stop at any point with
 * capkit_capture_finish().
 *
 * Threads: one thread at a time per handle, except capkit_capture_stop();
 * the handle starts none. The live handle is used by the capture handle
 * between start and finish. */
#ifndef CAPKIT_CAPTURE_H
#define CAPKIT_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Read once by capkit_capture_start(); start from
 * CAPKIT_CAPTURE_SETTINGS_INIT. */
typedef struct capkit_capture_settings {
  uint32_t size;     /* sizeof(capkit_capture_settings) of the caller */
  const char *path;  /* file name, "-" for standard output; with
                        rotation a template: %N the file number (with
                        ring, the slot 0..ring-1), then strftime fields of
                        the local time the file starts; without %N,
                        "-%N" goes before the extension */
  const char *format;  /* "pcap" or "pcapng" (NULL: pcap) */
  int precision;       /* 6 or 9; 0: the interface's (9 if it gives ns) */
  uint64_t count;      /* stop after this many packets; 0: no limit */
  int64_t duration_ns; /* stop after this long (monotonic); 0: none */
  uint64_t file_size;  /* a new file before one would pass this many
                          bytes (at least 256); 0: none */
  int64_t rotate_ns;   /* a new file every this many ns of wall-clock
                          time from the start; 0: none */
  uint32_t ring;       /* keep the newest RING files, remove older ones;
                          0: keep all */
  const char *hardware, *os; /* pcapng section; NULL: from uname() */
} capkit_capture_settings;

#define CAPKIT_CAPTURE_SETTINGS_INIT                                           \
  { .size = (uint32_t)sizeof(capkit_capture_settings) }

typedef struct capkit_capture capkit_capture;

/* A new handle; NULL when out of memory. */
CAPKIT_API capkit_capture *capkit_capture_new(void);
/* Frees; a file still open is discarded (nothing half-written is left
 * under its name). NULL is accepted. Does not free the live handle. */
CAPKIT_API void capkit_capture_free(capkit_capture *c);

/* Called with a message when something goes wrong that does not stop the
 * capture (a file of the ring that cannot be removed). Before start. */
typedef void (*capkit_capture_msg_fn)(void *user, const char *msg);
CAPKIT_API int capkit_capture_set_msg_fn(capkit_capture *c,
                                         capkit_capture_msg_fn fn,
                                         void *user);

/* Start capturing from L (opened, filter set; not owned) with SET: the
 * first file is opened now. Returns 0, or a negative code with the
 * message in capkit_capture_error(): CAPKIT_EINVAL (bad settings),
 * CAPKIT_EMISUSE (started before, NULL), the writer's codes. */
CAPKIT_API int capkit_capture_start(capkit_capture *c, capkit_live *l,
                                    const capkit_capture_settings *set);

/* One round: when READY (packets are waiting: the caller polled
 * capkit_live_fd(), or it is -1 and dispatch waits itself) take what the
 * kernel has, write it, flush it (what was received is in the file); then
 * check the duration and complete the time intervals that ended. Returns
 * 1 to go on, 0 when the count or duration is reached, or a negative code
 * (message in capkit_capture_error()). */
CAPKIT_API int capkit_capture_step(capkit_capture *c, int ready);

/* Stop: with DRAIN set (and no error before, and the count not reached),
 * first take the packets the kernel had received at this moment (waiting
 * a second at most); then close the file. Returns 0 or the first negative
 * code (message in capkit_capture_error()). */
CAPKIT_API int capkit_capture_finish(capkit_capture *c, int drain);

/* Ask for the end of the capture: capkit_capture_run() returns 0 within
 * its current wait, and a capkit_live_dispatch() in progress returns.
 * Async-signal-safe: meant to be called from the caller's SIGINT/SIGTERM
 * handler (the library installs none) at any time after new (before
 * start: run then returns at once), or from another thread once start
 * has returned. Then call capkit_capture_finish() as usual. */
CAPKIT_API void capkit_capture_stop(capkit_capture *c);

/* Called by capkit_capture_run() after a round that goes on, at most once
 * per its EVERY_NS (the first time after the first round). */
typedef void (*capkit_capture_progress_fn)(void *user,
                                           const capkit_capture *c);

/* The capture loop: wait for packets on capkit_live_fd() (100 ms at a
 * time, woken at once by capkit_capture_stop()) and run
 * capkit_capture_step() until the count or duration is reached or a stop
 * is asked for; FN (if not NULL) shows progress, with USER. Returns 0
 * then (call capkit_capture_finish(c, 1) to keep what the kernel still
 * holds), or a negative code with the message in capkit_capture_error():
 * CAPKIT_EIO (the wait failed: "IFACE: reason"), the codes of step,
 * CAPKIT_EMISUSE (not started, or finished). Not thread-safe beyond
 * capkit_capture_stop(). */
CAPKIT_API int capkit_capture_run(capkit_capture *c, int64_t every_ns,
                                  capkit_capture_progress_fn fn, void *user);

/* tcpdump's -C value: a plain number is millions of bytes ("2" is
 * 2000000), digits ending in "B" are bytes ("4096B"), else a count with a
 * unit as capkit_parse_count ("500k", "64MiB"). Returns 0 and *bytes, or
 * CAPKIT_EINVAL (bad text, or past 2^64 - 1 bytes). */
CAPKIT_API int capkit_capture_parse_file_size(const char *s, uint64_t *bytes);

/* ---- the interface too: one handle for the whole capture ---- */

/* The interface capkit_capture_open() opens; start from
 * CAPKIT_CAPTURE_SOURCE_INIT. Read during the call only. */
typedef struct capkit_capture_source {
  uint32_t size;       /* sizeof(capkit_capture_source) of the caller */
  const char *iface;   /* the interface; "any" (Linux): every one */
  uint32_t snaplen;    /* bytes kept of each packet; 0: 262144 */
  size_t buffer_size;  /* kernel buffer in bytes; 0: 32 MiB */
  int promisc;         /* promiscuous mode (default 1) */
  int immediate;       /* immediate mode (capkit_live_new; default 0) */
  uint32_t linktype;   /* LINKTYPE_ value to capture as; 0: the
                          interface's own, LINUX_SLL on "any" */
  const char *filter;  /* a filter expression (tcpdump's language), or */
  int n_words;         /* its words, joined with spaces as tcpdump joins
                          the words after its options; NULL/0: none */
  const char *const *words;
} capkit_capture_source;

#define CAPKIT_CAPTURE_SOURCE_INIT                                             \
  { .size = (uint32_t)sizeof(capkit_capture_source), .promisc = 1 }

/* Open the interface of SRC (a live handle the capture owns: freed with
 * it; 100 ms read timeout), set its filter, then start as
 * capkit_capture_start() with SET, where a NULL format means pcapng for a
 * path ending in ".pcapng", else pcap. Returns 0, or a negative code with
 * the message in capkit_capture_error(): the codes of capkit_live_open
 * (CAPKIT_ENOTFOUND, CAPKIT_EPERM, CAPKIT_ELINKTYPE, CAPKIT_EIO: the live
 * handle's message), CAPKIT_EFILTER (libpcap's message), CAPKIT_EINVAL (a
 * filter given both as an expression and as words, a bad setting), the
 * codes of capkit_capture_start, CAPKIT_ENOMEM; CAPKIT_EMISUSE (NULL,
 * sizes too small, opened or started before). A stop asked for before
 * (capkit_capture_stop) makes the run that follows return at once. */
CAPKIT_API int capkit_capture_open(capkit_capture *c,
                                   const capkit_capture_source *src,
                                   const capkit_capture_settings *set);

/* The live handle in use: the one capkit_capture_open() opened or the one
 * given to capkit_capture_start(); NULL before. Not to be freed when the
 * capture owns it; its interface (capkit_live_iface) names what is
 * captured. */
CAPKIT_API capkit_live *capkit_capture_live(const capkit_capture *c);

/* The counters of a capture, filled by capkit_capture_stats_get(). */
typedef struct capkit_capture_stats {
  uint32_t size;      /* sizeof(capkit_capture_stats) of the caller */
  uint64_t packets;   /* written, as capkit_capture_packets() */
  uint64_t bytes;     /* captured bytes written */
  uint64_t files;     /* files started */
  uint64_t received;  /* the kernel's counts (capkit_live_stats): passed */
  uint64_t dropped;   /* the filter, dropped by the kernel, dropped by */
  uint64_t ifdropped; /* the interface */
} capkit_capture_stats;

#define CAPKIT_CAPTURE_STATS_INIT                                              \
  { .size = (uint32_t)sizeof(capkit_capture_stats) }

/* Fill *ST (its size set). Returns 0; or, with the kernel's counts left at
 * 0 and the others filled, the code of capkit_live_stats_get() (no live
 * handle yet: CAPKIT_EMISUSE); CAPKIT_EMISUSE for NULL or a size too
 * small. Not async-signal-safe (it asks the kernel). */
CAPKIT_API int capkit_capture_stats_get(const capkit_capture *c,
                                        capkit_capture_stats *st);

/* Packets and captured bytes written, files started, and the final name
 * of the file being written (NULL before start; valid until the next
 * step, finish or free). */
CAPKIT_API uint64_t capkit_capture_packets(const capkit_capture *c);
CAPKIT_API uint64_t capkit_capture_bytes(const capkit_capture *c);
CAPKIT_API uint64_t capkit_capture_files(const capkit_capture *c);
CAPKIT_API const char *capkit_capture_path(const capkit_capture *c);
/* The message of the last error, "" when none. */
CAPKIT_API const char *capkit_capture_error(const capkit_capture *c);

#ifdef __cplusplus
}
#endif
#endif
