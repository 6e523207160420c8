/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bounds-checked reader and writer for network bytes.
 *
 * A read past the end fails, returns zero and sets the sticky error flag, so
 * a parser may read a whole structure and check buf_ok() once at the end.
 * All multi-byte values are big-endian (network order).
 */
#ifndef VPNSUITE_BUF_H
#define VPNSUITE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	const uint8_t *data;
	size_t len;
	size_t pos;
	bool err;
};

void buf_init(struct buf *b, const void *data, size_t len);
uint8_t buf_get_u8(struct buf *b);
uint16_t buf_get_u16(struct buf *b);
uint32_t buf_get_u32(struct buf *b);
/* Copies n bytes into dst; on short input dst is zeroed and the error set. */
bool buf_get_bytes(struct buf *b, void *dst, size_t n);
/* Returns a pointer to the next n bytes and advances, or NULL (error set). */
const uint8_t *buf_get_ptr(struct buf *b, size_t n);
bool buf_skip(struct buf *b, size_t n);
/*
 * Splits the next n bytes off as a reader of their own and advances past
 * them. On short input the parent's error is set and the child is empty
 * with its error set too.
 */
struct buf buf_sub(struct buf *b, size_t n);

static inline size_t buf_remaining(const struct buf *b)
{
	return b->err ? 0 : b->len - b->pos;
}

static inline bool buf_ok(const struct buf *b)
{
	return !b->err;
}

/* Writer over caller-provided memory; overflow sets the sticky error flag. */
struct wbuf {
	uint8_t *data;
	size_t cap;
	size_t len;
	bool err;
};

void wbuf_init(struct wbuf *w, void *mem, size_t cap);
void wbuf_put_u8(struct wbuf *w, uint8_t v);
void wbuf_put_u16(struct wbuf *w, uint16_t v);
void wbuf_put_u32(struct wbuf *w, uint32_t v);
void wbuf_put_bytes(struct wbuf *w, const void *src, size_t n);
void wbuf_put_zeros(struct wbuf *w, size_t n);
/* Reserves n bytes to be filled later; returns their offset (error: cap). */
size_t wbuf_reserve(struct wbuf *w, size_t n);
/* Overwrites a u16 at an offset already written (for length fields). */
void wbuf_set_u16(struct wbuf *w, size_t off, uint16_t v);

static inline bool wbuf_ok(const struct wbuf *w)
{
	return !w->err;
}

#endif
