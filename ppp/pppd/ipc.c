// SPDX-License-Identifier: GPL-2.0-or-later
#include "ppp/pppd/ipc.h"
#include "lib/errbuf.h"
#include "lib/buf.h"

#include <stdio.h>
#include <string.h>

enum attr_kind { ATTR_NONE, ATTR_U8, ATTR_U32, ATTR_STR, ATTR_BYTES };

/* Where each tag lives in struct ppp_ipc_msg and how big it may be. */
struct attr_desc {
	enum attr_kind kind;
	size_t off;	/* value; for ATTR_BYTES the data */
	size_t max;	/* string capacity without NUL, or bytes capacity */
	size_t len_off; /* ATTR_BYTES: the uint8_t length field */
	bool exact;	/* ATTR_BYTES: length must equal max */
};

#define U8(f)                                                                  \
	{                                                                      \
		ATTR_U8, offsetof(struct ppp_ipc_msg, f), 1, 0, true           \
	}
#define U32(f)                                                                 \
	{                                                                      \
		ATTR_U32, offsetof(struct ppp_ipc_msg, f), 4, 0, true          \
	}
#define STR(f)                                                                 \
	{                                                                      \
		ATTR_STR, offsetof(struct ppp_ipc_msg, f),                     \
			sizeof(((struct ppp_ipc_msg *)0)->f) - 1, 0, false     \
	}
#define BYTES(f, lf, ex)                                                       \
	{                                                                      \
		ATTR_BYTES, offsetof(struct ppp_ipc_msg, f),                   \
			sizeof(((struct ppp_ipc_msg *)0)->f),                  \
			offsetof(struct ppp_ipc_msg, lf), ex                   \
	}

static const struct attr_desc attrs[] = {
	[PPP_IPC_T_PID] = U32(pid),
	[PPP_IPC_T_PHASE] = U32(phase),
	[PPP_IPC_T_IFNAME] = STR(ifname),
	[PPP_IPC_T_LOCAL_ADDR] = U32(local_addr),
	[PPP_IPC_T_REMOTE_ADDR] = U32(remote_addr),
	[PPP_IPC_T_STATUS] = U32(status),
	[PPP_IPC_T_MESSAGE] = STR(message),
	[PPP_IPC_T_METHOD] = U8(method),
	[PPP_IPC_T_USER] = STR(user),
	[PPP_IPC_T_CHAP_ID] = U8(chap_id),
	[PPP_IPC_T_CHALLENGE] = BYTES(challenge, challenge_len, false),
	[PPP_IPC_T_RESPONSE] = BYTES(response, response_len, false),
	[PPP_IPC_T_RESULT] = U8(result),
	[PPP_IPC_T_SEND_KEY] = BYTES(send_key, method, true),
	[PPP_IPC_T_RECV_KEY] = BYTES(recv_key, method, true),
	[PPP_IPC_T_PASSWORD] = STR(password),
	[PPP_IPC_T_OURNAME] = STR(ourname),
};
#define N_ATTRS (sizeof(attrs) / sizeof(attrs[0]))

static const char *const type_names[PPP_IPC_TYPE_MAX] = {
	[PPP_IPC_HELLO] = "HELLO",
	[PPP_IPC_PHASE] = "PHASE",
	[PPP_IPC_IP_UP] = "IP_UP",
	[PPP_IPC_IP_DOWN] = "IP_DOWN",
	[PPP_IPC_EXIT] = "EXIT",
	[PPP_IPC_AUTH_REQUEST] = "AUTH_REQUEST",
	[PPP_IPC_AUTH_REPLY] = "AUTH_REPLY",
	[PPP_IPC_PASSWD_REQUEST] = "PASSWD_REQUEST",
	[PPP_IPC_PASSWD_REPLY] = "PASSWD_REPLY",
};

const char *ppp_ipc_type_name(unsigned type)
{
	if (type >= PPP_IPC_TYPE_MAX || !type_names[type])
		return "unknown";
	return type_names[type];
}

void ppp_ipc_msg_init(struct ppp_ipc_msg *m, enum ppp_ipc_type type,
		      uint32_t seq)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->seq = seq;
}

static const struct attr_desc *attr_get(unsigned tag, enum attr_kind kind)
{
	if (tag == 0 || tag >= N_ATTRS || attrs[tag].kind == ATTR_NONE)
		return NULL;
	if (kind != ATTR_NONE && attrs[tag].kind != kind &&
	    !(kind == ATTR_U32 && attrs[tag].kind == ATTR_U8))
		return NULL;
	return &attrs[tag];
}

int ppp_ipc_set_u32(struct ppp_ipc_msg *m, enum ppp_ipc_tag tag, uint32_t v)
{
	const struct attr_desc *d = attr_get(tag, ATTR_U32);
	uint8_t *p = (uint8_t *)m;

	if (!d)
		return -1;
	if (d->kind == ATTR_U8) {
		if (v > 0xff)
			return -1;
		p[d->off] = (uint8_t)v;
	} else {
		memcpy(p + d->off, &v, sizeof(v));
	}
	m->present |= PPP_IPC_HAS(tag);
	return 0;
}

int ppp_ipc_set_str(struct ppp_ipc_msg *m, enum ppp_ipc_tag tag, const char *s)
{
	const struct attr_desc *d = attr_get(tag, ATTR_STR);
	size_t n = s ? strlen(s) : 0;

	if (!d || n > d->max)
		return -1;
	memcpy((uint8_t *)m + d->off, s ? s : "", n);
	((char *)m)[d->off + n] = '\0';
	m->present |= PPP_IPC_HAS(tag);
	return 0;
}

int ppp_ipc_set_bytes(struct ppp_ipc_msg *m, enum ppp_ipc_tag tag,
		      const void *data, size_t len)
{
	const struct attr_desc *d = attr_get(tag, ATTR_BYTES);

	if (!d || len > d->max || (d->exact && len != d->max))
		return -1;
	memcpy((uint8_t *)m + d->off, data, len);
	if (!d->exact)
		((uint8_t *)m)[d->len_off] = (uint8_t)len;
	m->present |= PPP_IPC_HAS(tag);
	return 0;
}

int ppp_ipc_encode(const struct ppp_ipc_msg *m, uint8_t *out, size_t cap)
{
	const uint8_t *base = (const uint8_t *)m;
	struct wbuf w;

	wbuf_init(&w, out, cap < PPP_IPC_MAX_RECORD ? cap : PPP_IPC_MAX_RECORD);
	wbuf_put_u8(&w, PPP_IPC_VERSION);
	wbuf_put_u8(&w, m->type);
	wbuf_put_u16(&w, 0); /* length, set below */
	wbuf_put_u32(&w, m->seq);
	for (unsigned tag = 1; tag < N_ATTRS; tag++) {
		const struct attr_desc *d = &attrs[tag];
		uint32_t v32;
		size_t n;

		if (!(m->present & PPP_IPC_HAS(tag)) || d->kind == ATTR_NONE)
			continue;
		wbuf_put_u8(&w, (uint8_t)tag);
		switch (d->kind) {
		case ATTR_U8:
			wbuf_put_u8(&w, 1);
			wbuf_put_u8(&w, base[d->off]);
			break;
		case ATTR_U32:
			memcpy(&v32, base + d->off, sizeof(v32));
			wbuf_put_u8(&w, 4);
			wbuf_put_u32(&w, v32);
			break;
		case ATTR_STR:
			n = strnlen((const char *)base + d->off, d->max);
			wbuf_put_u8(&w, (uint8_t)n);
			wbuf_put_bytes(&w, base + d->off, n);
			break;
		case ATTR_BYTES:
			n = d->exact ? d->max : base[d->len_off];
			if (n > d->max)
				return -1;
			wbuf_put_u8(&w, (uint8_t)n);
			wbuf_put_bytes(&w, base + d->off, n);
			break;
		case ATTR_NONE:
			break;
		}
	}
	wbuf_set_u16(&w, 2, (uint16_t)w.len);
	return wbuf_ok(&w) ? (int)w.len : -1;
}

#define FAIL(...)                                                              \
	do {                                                                   \
		if (err && errlen)                                             \
			errbuf_set(err, errlen, __VA_ARGS__);                  \
		return -1;                                                     \
	} while (0)

int ppp_ipc_decode(const uint8_t *rec, size_t len, struct ppp_ipc_msg *m,
		   char *err, size_t errlen)
{
	struct buf b;
	uint8_t version, type;
	uint16_t length;
	uint32_t seq;

	buf_init(&b, rec, len);
	version = buf_get_u8(&b);
	type = buf_get_u8(&b);
	length = buf_get_u16(&b);
	seq = buf_get_u32(&b);
	if (!buf_ok(&b))
		FAIL("record of %zu bytes is shorter than the header", len);
	if (version != PPP_IPC_VERSION)
		FAIL("version %u, expected %u", version, PPP_IPC_VERSION);
	if (length != len)
		FAIL("length field %u but record has %zu bytes", length, len);
	if (type == 0 || type >= PPP_IPC_TYPE_MAX)
		FAIL("unknown message type %u", type);
	ppp_ipc_msg_init(m, type, seq);
	while (buf_remaining(&b)) {
		uint8_t tag = buf_get_u8(&b);
		uint8_t alen = buf_get_u8(&b);
		const uint8_t *val = buf_get_ptr(&b, alen);
		const struct attr_desc *d;

		if (!val)
			FAIL("attribute %u runs past the end of the record",
			     tag);
		d = attr_get(tag, ATTR_NONE);
		if (!d)
			continue; /* a newer peer's attribute */
		switch (d->kind) {
		case ATTR_U8:
		case ATTR_U32:
			if (alen != d->max)
				FAIL("attribute %u has length %u, expected %zu",
				     tag, alen, d->max);
			ppp_ipc_set_u32(
				m, tag,
				d->kind == ATTR_U8
					? val[0]
					: (uint32_t)val[0] << 24 |
						  (uint32_t)val[1] << 16 |
						  (uint32_t)val[2] << 8 |
						  val[3]);
			break;
		case ATTR_STR:
			if (alen > d->max || memchr(val, '\0', alen))
				FAIL("string attribute %u is too long or has a "
				     "NUL byte",
				     tag);
			memcpy((uint8_t *)m + d->off, val, alen);
			((char *)m)[d->off + alen] = '\0';
			m->present |= PPP_IPC_HAS(tag);
			break;
		case ATTR_BYTES:
			if (ppp_ipc_set_bytes(m, tag, val, alen))
				FAIL("attribute %u has a bad length %u", tag,
				     alen);
			break;
		case ATTR_NONE:
			break;
		}
	}
	return 0;
}
