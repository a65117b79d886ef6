/* reorder.c - the reorder buffer: records stream through it and come out
 * in time order while the disorder fits in its memory. Records that come
 * in order wait in a ring of bytes (no allocation: the common case), the
 * others in a heap; the next out is the earlier of the ring's head and
 * the heap's top. */
#include <stdlib.h>

#include <capkit/capkit.h>
#include <capkit/cut.h>

#include "cut/item.h"
#include "internal.h"

typedef capkit__item item;

struct capkit_reorder {
  size_t memory;
  /* the ring */
  uint8_t *buf;
  size_t cap, head, tail, wrap, count, used;
  int have_last_in; /* time of the newest record in the ring */
  int64_t last_in_sec;
  uint32_t last_in_nsec;
  /* the heap */
  item **heap;
  size_t hn, hcap, hused;
  /* out */
  int have_out; /* time of the last record handed out */
  int64_t out_sec;
  uint32_t out_nsec;
  int pending; /* 1: the ring's head, 2: a heap item, to release */
  item *pending_item;
  uint64_t seq;
};

static size_t ring_size(uint32_t caplen, size_t cl) {
  return (CAPKIT__ITEM_HDR + caplen + cl + 7) & ~(size_t)7;
}

static size_t heap_cost(const item *it) {
  return sizeof *it + it->caplen + it->comment_len + 32;
}

capkit_reorder *capkit_reorder_new(size_t memory) {
  if (memory < 65536)
    return NULL;
  capkit_reorder *q = calloc(1, sizeof *q);
  if (!q)
    return NULL;
  q->memory = q->cap = memory;
  q->buf = malloc(memory);
  if (!q->buf) {
    free(q);
    return NULL;
  }
  return q;
}

void capkit_reorder_free(capkit_reorder *q) {
  if (!q)
    return;
  for (size_t i = 0; i < q->hn; i++)
    free(q->heap[i]);
  free(q->heap);
  free(q->pending_item);
  free(q->buf);
  free(q);
}

/* Room for n bytes at the ring's tail, or NULL. */
static item *ring_alloc(capkit_reorder *q, size_t n) {
  if (q->count == 0)
    q->head = q->tail = q->wrap = 0;
  size_t at;
  if (q->tail >= q->head) {
    if (q->cap - q->tail >= n) {
      at = q->tail;
    } else if (q->head > n) {
      q->wrap = q->tail; /* the data before it ends here */
      at = 0;
    } else {
      return NULL;
    }
  } else if (q->head - q->tail > n) {
    at = q->tail;
  } else {
    return NULL;
  }
  q->tail = at + n;
  q->count++;
  q->used += n;
  return (item *)(void *)(q->buf + at);
}

static item *ring_head(const capkit_reorder *q) {
  return q->count ? (item *)(void *)(q->buf + q->head) : NULL;
}

static void ring_pop(capkit_reorder *q) {
  item *it = ring_head(q);
  size_t n = ring_size(it->caplen, it->comment_len);
  q->head += n;
  q->used -= n;
  q->count--;
  if (q->wrap && q->head == q->wrap) {
    q->head = 0;
    q->wrap = 0;
  }
}

static void heap_up(item **h, size_t i) {
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!capkit__item_before(h[i], h[p]))
      return;
    item *t = h[i];
    h[i] = h[p];
    h[p] = t;
    i = p;
  }
}

static void heap_down(item **h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < n && capkit__item_before(h[l], h[m]))
      m = l;
    if (l + 1 < n && capkit__item_before(h[l + 1], h[m]))
      m = l + 1;
    if (m == i)
      return;
    item *t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

/* The record handed out last is done with. */
static void release(capkit_reorder *q) {
  if (q->pending == 1)
    ring_pop(q);
  free(q->pending_item);
  q->pending_item = NULL;
  q->pending = 0;
}

static int t_before(int64_t as, uint32_t an, int64_t bs, uint32_t bn) {
  return as != bs ? as < bs : an < bn;
}

int capkit_reorder_add(capkit_reorder *q, const capkit_record *rec) {
  if (!q || !rec)
    return CAPKIT_EINVAL;
  if (rec->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EMISUSE;
  release(q);
  if (q->have_out &&
      t_before(rec->ts_sec, rec->ts_nsec, q->out_sec, q->out_nsec))
    return 1; /* older than what is out: the disorder is too wide */
  size_t cl = capkit__item_comment_len(rec);
  if (cl > UINT32_MAX)
    return CAPKIT_EINVAL;
  size_t need = ring_size(rec->caplen, cl);
  item *it = NULL;
  if ((!q->have_last_in || !t_before(rec->ts_sec, rec->ts_nsec,
                                     q->last_in_sec, q->last_in_nsec)) &&
      need <= q->cap / 4 && (it = ring_alloc(q, need))) {
    capkit__item_fill(it, rec, q->seq++, cl);
    q->have_last_in = 1;
    q->last_in_sec = rec->ts_sec;
    q->last_in_nsec = rec->ts_nsec;
    return 0;
  }
  if (q->hn == q->hcap) {
    size_t nc = q->hcap ? q->hcap * 2 : 1024;
    item **nh = realloc(q->heap, nc * sizeof *nh);
    if (!nh)
      return CAPKIT_ENOMEM;
    q->heap = nh;
    q->hcap = nc;
  }
  it = malloc(sizeof *it + rec->caplen + cl);
  if (!it)
    return CAPKIT_ENOMEM;
  capkit__item_fill(it, rec, q->seq++, cl);
  q->heap[q->hn++] = it;
  heap_up(q->heap, q->hn - 1);
  q->hused += heap_cost(it);
  return 0;
}

int capkit_reorder_next(capkit_reorder *q, capkit_record *rec, int end) {
  if (!q || !rec)
    return CAPKIT_EINVAL;
  if (rec->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EMISUSE;
  release(q);
  if (!q->count && !q->hn)
    return 0;
  if (!end && q->used + q->hused <= q->memory)
    return 0;
  item *a = ring_head(q);
  item *b = q->hn ? q->heap[0] : NULL;
  int from_heap = b && (!a || capkit__item_before(b, a));
  item *it = from_heap ? b : a;
  capkit__item_record(it, rec);
  q->have_out = 1;
  q->out_sec = it->sec;
  q->out_nsec = it->nsec;
  if (from_heap) {
    q->heap[0] = q->heap[--q->hn];
    heap_down(q->heap, q->hn, 0);
    q->hused -= heap_cost(it);
    q->pending_item = it;
    q->pending = 2;
  } else {
    q->pending = 1;
  }
  return 1;
}
