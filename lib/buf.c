// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/buf.h"

#include <string.h>

void buf_init(struct buf *b, const void *data, size_t len)
{
	b->data = data;
	b->len = data ? len : 0;
	b->pos = 0;
	b->err = false;
}

const uint8_t *buf_get_ptr(struct buf *b, size_t n)
{
	const uint8_t *p;

	if (b->err || n > b->len - b->pos) {
		b->err = true;
		return NULL;
	}
	p = b->data + b->pos;
	b->pos += n;
	return p;
}

uint8_t buf_get_u8(struct buf *b)
{
	const uint8_t *p = buf_get_ptr(b, 1);

	return p ? p[0] : 0;
}

uint16_t buf_get_u16(struct buf *b)
{
	const uint8_t *p = buf_get_ptr(b, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t buf_get_u32(struct buf *b)
{
	const uint8_t *p = buf_get_ptr(b, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			       (uint32_t)p[2] << 8 | p[3]
		 : 0;
}

bool buf_get_bytes(struct buf *b, void *dst, size_t n)
{
	const uint8_t *p = buf_get_ptr(b, n);

	if (!p) {
		memset(dst, 0, n);
		return false;
	}
	memcpy(dst, p, n);
	return true;
}

bool buf_skip(struct buf *b, size_t n)
{
	return buf_get_ptr(b, n) != NULL;
}

struct buf buf_sub(struct buf *b, size_t n)
{
	struct buf sub;
	const uint8_t *p = buf_get_ptr(b, n);

	buf_init(&sub, p, p ? n : 0);
	sub.err = !p;
	return sub;
}

void wbuf_init(struct wbuf *w, void *mem, size_t cap)
{
	w->data = mem;
	w->cap = mem ? cap : 0;
	w->len = 0;
	w->err = false;
}

size_t wbuf_reserve(struct wbuf *w, size_t n)
{
	size_t off = w->len;

	if (w->err || n > w->cap - w->len) {
		w->err = true;
		return w->cap;
	}
	w->len += n;
	return off;
}

void wbuf_put_bytes(struct wbuf *w, const void *src, size_t n)
{
	size_t off = wbuf_reserve(w, n);

	if (!w->err && n)
		memcpy(w->data + off, src, n);
}

void wbuf_put_zeros(struct wbuf *w, size_t n)
{
	size_t off = wbuf_reserve(w, n);

	if (!w->err && n)
		memset(w->data + off, 0, n);
}

void wbuf_put_u8(struct wbuf *w, uint8_t v)
{
	wbuf_put_bytes(w, &v, 1);
}

void wbuf_put_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = {v >> 8, v & 0xff};

	wbuf_put_bytes(w, b, 2);
}

void wbuf_put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = {v >> 24, v >> 16, v >> 8, v};

	wbuf_put_bytes(w, b, 4);
}

void wbuf_set_u16(struct wbuf *w, size_t off, uint16_t v)
{
	if (w->err || off > w->len || w->len - off < 2) {
		w->err = true;
		return;
	}
	w->data[off] = v >> 8;
	w->data[off + 1] = v & 0xff;
}
