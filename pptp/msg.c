// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PPTP control message codec. Every message body is a fixed sequence of
 * integer, reserved and string fields (RFC 2637 2.1-2.15), so one table per
 * message type drives both encoding and decoding.
 */
#include "pptp/msg.h"

#include <string.h>

enum field_kind {
	F_U8,
	F_U16,
	F_U32,
	F_RSV8, /* "Reserved1: MUST be 0" */
	F_RSV16,
	F_STR, /* fixed-size, NUL-padded */
};

struct field {
	uint8_t kind;
	uint8_t len; /* F_STR: wire size */
	uint16_t off;
};

#define FLD(k, member)                                                         \
	{                                                                      \
		k, 0, offsetof(struct pptp_msg, member)                        \
	}
#define U8(m)  FLD(F_U8, m)
#define U16(m) FLD(F_U16, m)
#define U32(m) FLD(F_U32, m)
#define RSV8                                                                   \
	{                                                                      \
		F_RSV8, 0, 0                                                   \
	}
#define RSV16                                                                  \
	{                                                                      \
		F_RSV16, 0, 0                                                  \
	}
#define STR(m, n)                                                              \
	{                                                                      \
		F_STR, n, offsetof(struct pptp_msg, m)                         \
	}

static const struct field sccrq_fields[] = {
	U16(sccrq.version),	  RSV16,
	U32(sccrq.framing_caps),  U32(sccrq.bearer_caps),
	U16(sccrq.max_channels),  U16(sccrq.firmware_rev),
	STR(sccrq.host_name, 64), STR(sccrq.vendor, 64),
};

static const struct field sccrp_fields[] = {
	U16(sccrp.version),	 U8(sccrp.result),
	U8(sccrp.error),	 U32(sccrp.framing_caps),
	U32(sccrp.bearer_caps),	 U16(sccrp.max_channels),
	U16(sccrp.firmware_rev), STR(sccrp.host_name, 64),
	STR(sccrp.vendor, 64),
};

static const struct field stopccrq_fields[] = {
	U8(stopccrq.reason),
	RSV8,
	RSV16,
};

static const struct field stopccrp_fields[] = {
	U8(stopccrp.result),
	U8(stopccrp.error),
	RSV16,
};

static const struct field echo_request_fields[] = {
	U32(echo_request.id),
};

static const struct field echo_reply_fields[] = {
	U32(echo_reply.id),
	U8(echo_reply.result),
	U8(echo_reply.error),
	RSV16,
};

static const struct field ocrq_fields[] = {
	U16(ocrq.call_id),	    U16(ocrq.call_serial),
	U32(ocrq.min_bps),	    U32(ocrq.max_bps),
	U32(ocrq.bearer_type),	    U32(ocrq.framing_type),
	U16(ocrq.recv_window),	    U16(ocrq.processing_delay),
	U16(ocrq.phone_number_len), RSV16,
	STR(ocrq.phone_number, 64), STR(ocrq.subaddress, 64),
};

static const struct field ocrp_fields[] = {
	U16(ocrp.call_id),
	U16(ocrp.peer_call_id),
	U8(ocrp.result),
	U8(ocrp.error),
	U16(ocrp.cause),
	U32(ocrp.connect_speed),
	U16(ocrp.recv_window),
	U16(ocrp.processing_delay),
	U32(ocrp.physical_channel),
};

static const struct field icrq_fields[] = {
	U16(icrq.call_id),	     U16(icrq.call_serial),
	U32(icrq.bearer_type),	     U32(icrq.physical_channel),
	U16(icrq.dialed_number_len), U16(icrq.dialing_number_len),
	STR(icrq.dialed_number, 64), STR(icrq.dialing_number, 64),
	STR(icrq.subaddress, 64),
};

static const struct field icrp_fields[] = {
	U16(icrp.call_id),
	U16(icrp.peer_call_id),
	U8(icrp.result),
	U8(icrp.error),
	U16(icrp.recv_window),
	U16(icrp.transmit_delay),
	RSV16,
};

static const struct field iccn_fields[] = {
	U16(iccn.peer_call_id),	  RSV16,
	U32(iccn.connect_speed),  U16(iccn.recv_window),
	U16(iccn.transmit_delay), U32(iccn.framing_type),
};

static const struct field ccrq_fields[] = {
	U16(ccrq.call_id),
	RSV16,
};

static const struct field cdn_fields[] = {
	U16(cdn.call_id), U8(cdn.result), U8(cdn.error),
	U16(cdn.cause),	  RSV16,	  STR(cdn.call_stats, 128),
};

static const struct field wen_fields[] = {
	U16(wen.peer_call_id),	    RSV16,
	U32(wen.crc_errors),	    U32(wen.framing_errors),
	U32(wen.hardware_overruns), U32(wen.buffer_overruns),
	U32(wen.timeout_errors),    U32(wen.alignment_errors),
};

static const struct field sli_fields[] = {
	U16(sli.peer_call_id),
	RSV16,
	U32(sli.send_accm),
	U32(sli.recv_accm),
};

struct msg_desc {
	const char *name;
	const char *abbrev;
	uint16_t size;
	uint8_t nfields;
	const struct field *fields;
};

#define DESC(n, a, sz, f)                                                      \
	{                                                                      \
		n, a, sz, sizeof(f) / sizeof((f)[0]), f                        \
	}

/* Sizes from the message layouts of RFC 2637 2.1-2.15, header included. */
static const struct msg_desc msg_descs[PPTP_MSG_TYPE_MAX + 1] = {
	[PPTP_SCCRQ] = DESC("Start-Control-Connection-Request", "SCCRQ", 156,
			    sccrq_fields),
	[PPTP_SCCRP] = DESC("Start-Control-Connection-Reply", "SCCRP", 156,
			    sccrp_fields),
	[PPTP_STOPCCRQ] = DESC("Stop-Control-Connection-Request", "StopCCRQ",
			       16, stopccrq_fields),
	[PPTP_STOPCCRP] = DESC("Stop-Control-Connection-Reply", "StopCCRP", 16,
			       stopccrp_fields),
	[PPTP_ECHO_REQUEST] =
		DESC("Echo-Request", "Echo-Request", 16, echo_request_fields),
	[PPTP_ECHO_REPLY] =
		DESC("Echo-Reply", "Echo-Reply", 20, echo_reply_fields),
	[PPTP_OCRQ] = DESC("Outgoing-Call-Request", "OCRQ", 168, ocrq_fields),
	[PPTP_OCRP] = DESC("Outgoing-Call-Reply", "OCRP", 32, ocrp_fields),
	[PPTP_ICRQ] = DESC("Incoming-Call-Request", "ICRQ", 220, icrq_fields),
	[PPTP_ICRP] = DESC("Incoming-Call-Reply", "ICRP", 24, icrp_fields),
	[PPTP_ICCN] = DESC("Incoming-Call-Connected", "ICCN", 28, iccn_fields),
	[PPTP_CCRQ] = DESC("Call-Clear-Request", "CCRQ", 16, ccrq_fields),
	[PPTP_CDN] = DESC("Call-Disconnect-Notify", "CDN", 148, cdn_fields),
	[PPTP_WEN] = DESC("WAN-Error-Notify", "WEN", 40, wen_fields),
	[PPTP_SLI] = DESC("Set-Link-Info", "SLI", 24, sli_fields),
};

static const struct msg_desc *msg_desc(unsigned int type)
{
	if (type == 0 || type > PPTP_MSG_TYPE_MAX)
		return NULL;
	return &msg_descs[type];
}

size_t pptp_msg_size(unsigned int type)
{
	const struct msg_desc *d = msg_desc(type);

	return d ? d->size : 0;
}

const char *pptp_msg_type_name(unsigned int type)
{
	const struct msg_desc *d = msg_desc(type);

	return d ? d->name : "unknown message type";
}

const char *pptp_msg_type_abbrev(unsigned int type)
{
	const struct msg_desc *d = msg_desc(type);

	return d ? d->abbrev : "unknown";
}

#define NAME_LOOKUP(fn, table)                                                 \
	const char *fn(unsigned int v)                                         \
	{                                                                      \
		if (v < sizeof(table) / sizeof(table[0]) && table[v])          \
			return table[v];                                       \
		return "unknown";                                              \
	}

static const char *const sccrp_result_names[] = {
	[PPTP_SCCRP_SUCCESS] = "successful channel establishment",
	[PPTP_SCCRP_GENERAL_ERROR] = "general error",
	[PPTP_SCCRP_CHANNEL_EXISTS] = "command channel already exists",
	[PPTP_SCCRP_NOT_AUTHORIZED] =
		"requester is not authorized to establish a command channel",
	[PPTP_SCCRP_BAD_VERSION] = "protocol version not supported",
};
NAME_LOOKUP(pptp_sccrp_result_name, sccrp_result_names)

static const char *const stopccrq_reason_names[] = {
	[PPTP_STOP_NONE] = "general request to clear control connection",
	[PPTP_STOP_PROTOCOL] = "cannot support peer's version of the protocol",
	[PPTP_STOP_LOCAL_SHUTDOWN] = "requester is being shut down",
};
NAME_LOOKUP(pptp_stopccrq_reason_name, stopccrq_reason_names)

static const char *const stopccrp_result_names[] = {
	[PPTP_STOPCCRP_OK] = "control connection closed",
	[PPTP_STOPCCRP_GENERAL_ERROR] = "general error",
};
NAME_LOOKUP(pptp_stopccrp_result_name, stopccrp_result_names)

static const char *const echo_result_names[] = {
	[PPTP_ECHO_OK] = "ok",
	[PPTP_ECHO_GENERAL_ERROR] = "general error",
};
NAME_LOOKUP(pptp_echo_result_name, echo_result_names)

static const char *const ocrp_result_names[] = {
	[PPTP_OCRP_CONNECTED] = "connected",
	[PPTP_OCRP_GENERAL_ERROR] = "general error",
	[PPTP_OCRP_NO_CARRIER] = "no carrier",
	[PPTP_OCRP_BUSY] = "busy",
	[PPTP_OCRP_NO_DIAL_TONE] = "no dial tone",
	[PPTP_OCRP_TIMEOUT] = "time-out",
	[PPTP_OCRP_DO_NOT_ACCEPT] = "do not accept",
};
NAME_LOOKUP(pptp_ocrp_result_name, ocrp_result_names)

static const char *const icrp_result_names[] = {
	[PPTP_ICRP_CONNECT] = "connect",
	[PPTP_ICRP_GENERAL_ERROR] = "general error",
	[PPTP_ICRP_DO_NOT_ACCEPT] = "do not accept",
};
NAME_LOOKUP(pptp_icrp_result_name, icrp_result_names)

static const char *const cdn_result_names[] = {
	[PPTP_CDN_LOST_CARRIER] = "lost carrier",
	[PPTP_CDN_GENERAL_ERROR] = "general error",
	[PPTP_CDN_ADMIN_SHUTDOWN] = "administrative shutdown",
	[PPTP_CDN_REQUEST] = "call-clear-request received",
};
NAME_LOOKUP(pptp_cdn_result_name, cdn_result_names)

static const char *const error_names[] = {
	[PPTP_ERROR_NONE] = "no general error",
	[PPTP_ERROR_NOT_CONNECTED] = "no control connection exists yet",
	[PPTP_ERROR_BAD_FORMAT] = "length is wrong or magic cookie incorrect",
	[PPTP_ERROR_BAD_VALUE] =
		"field value out of range or reserved field non-zero",
	[PPTP_ERROR_NO_RESOURCE] = "insufficient resources",
	[PPTP_ERROR_BAD_CALL_ID] = "call ID invalid in this context",
	[PPTP_ERROR_PAC_ERROR] = "vendor-specific PAC error",
};
NAME_LOOKUP(pptp_error_name, error_names)

const char *pptp_msg_strerror(int status)
{
	switch (status) {
	case PPTP_MSG_OK:
		return "ok";
	case PPTP_MSG_ETRUNCATED:
		return "message shorter than its Length field";
	case PPTP_MSG_ELENGTH:
		return "Length does not match the message type";
	case PPTP_MSG_EMSGTYPE:
		return "PPTP Message Type is not 1 (control)";
	case PPTP_MSG_ECOOKIE:
		return "bad Magic Cookie";
	case PPTP_MSG_EUNKNOWN:
		return "unknown Control Message Type";
	case PPTP_MSG_ERESERVED:
		return "reserved field is not zero";
	case PPTP_MSG_ENOSPACE:
		return "no room in output buffer";
	}
	return "unknown status";
}

int pptp_msg_encode(const struct pptp_msg *m, struct wbuf *w)
{
	const struct msg_desc *d = msg_desc(m->type);
	const uint8_t *base = (const uint8_t *)m;
	size_t start = w->len;
	uint16_t v16;
	uint32_t v32;

	if (!d)
		return PPTP_MSG_EUNKNOWN;
	if (w->err || w->cap - w->len < d->size)
		return PPTP_MSG_ENOSPACE;

	wbuf_put_u16(w, d->size);
	wbuf_put_u16(w, PPTP_MESSAGE_CONTROL);
	wbuf_put_u32(w, PPTP_MAGIC_COOKIE);
	wbuf_put_u16(w, m->type);
	wbuf_put_u16(w, 0);
	for (unsigned int i = 0; i < d->nfields; i++) {
		const struct field *f = &d->fields[i];

		switch (f->kind) {
		case F_U8:
			wbuf_put_u8(w, base[f->off]);
			break;
		case F_U16:
			memcpy(&v16, base + f->off, sizeof(v16));
			wbuf_put_u16(w, v16);
			break;
		case F_U32:
			memcpy(&v32, base + f->off, sizeof(v32));
			wbuf_put_u32(w, v32);
			break;
		case F_RSV8:
			wbuf_put_u8(w, 0);
			break;
		case F_RSV16:
			wbuf_put_u16(w, 0);
			break;
		case F_STR: {
			size_t n = strnlen((const char *)base + f->off, f->len);

			wbuf_put_bytes(w, base + f->off, n);
			wbuf_put_zeros(w, f->len - n);
			break;
		}
		}
	}
	/* The size check above makes these internal consistency checks. */
	if (!wbuf_ok(w) || w->len - start != d->size) {
		w->len = start;
		return PPTP_MSG_ENOSPACE;
	}
	return PPTP_MSG_OK;
}

int pptp_msg_decode(const void *data, size_t len, struct pptp_msg *m)
{
	const struct msg_desc *d;
	uint8_t *base = (uint8_t *)m;
	uint16_t length, msg_type, type, v16;
	uint32_t cookie, v32;
	struct buf b;
	bool reserved_ok = true;

	memset(m, 0, sizeof(*m));
	buf_init(&b, data, len);
	length = buf_get_u16(&b);
	msg_type = buf_get_u16(&b);
	cookie = buf_get_u32(&b);
	type = buf_get_u16(&b);
	if (buf_get_u16(&b) != 0)
		reserved_ok = false;
	if (!buf_ok(&b))
		return PPTP_MSG_ETRUNCATED;
	m->type = type;
	if (length > len)
		return PPTP_MSG_ETRUNCATED;
	if (length < len)
		return PPTP_MSG_ELENGTH;
	if (msg_type != PPTP_MESSAGE_CONTROL)
		return PPTP_MSG_EMSGTYPE;
	if (cookie != PPTP_MAGIC_COOKIE)
		return PPTP_MSG_ECOOKIE;
	d = msg_desc(type);
	if (!d)
		return PPTP_MSG_EUNKNOWN;
	if (length != d->size)
		return PPTP_MSG_ELENGTH;

	for (unsigned int i = 0; i < d->nfields; i++) {
		const struct field *f = &d->fields[i];

		switch (f->kind) {
		case F_U8:
			base[f->off] = buf_get_u8(&b);
			break;
		case F_U16:
			v16 = buf_get_u16(&b);
			memcpy(base + f->off, &v16, sizeof(v16));
			break;
		case F_U32:
			v32 = buf_get_u32(&b);
			memcpy(base + f->off, &v32, sizeof(v32));
			break;
		case F_RSV8:
			if (buf_get_u8(&b) != 0)
				reserved_ok = false;
			break;
		case F_RSV16:
			if (buf_get_u16(&b) != 0)
				reserved_ok = false;
			break;
		case F_STR: {
			char *s = (char *)base + f->off;
			size_t n;

			/* The struct field is f->len + 1 bytes. */
			buf_get_bytes(&b, s, f->len);
			s[f->len] = '\0';
			n = strlen(s);
			memset(s + n, 0, f->len - n);
			break;
		}
		}
	}
	if (!buf_ok(&b) || buf_remaining(&b) != 0)
		goto err_length;
	if (!reserved_ok)
		goto err_reserved;
	return PPTP_MSG_OK;

err_reserved:
	memset(m, 0, sizeof(*m));
	m->type = type;
	return PPTP_MSG_ERESERVED;
err_length:
	memset(m, 0, sizeof(*m));
	m->type = type;
	return PPTP_MSG_ELENGTH;
}

void pptp_framer_init(struct pptp_framer *f)
{
	f->have = 0;
	f->failed = false;
}

static size_t take(struct pptp_framer *f, size_t want, const uint8_t **data,
		   size_t *len)
{
	size_t n = want - f->have;

	if (n > *len)
		n = *len;
	memcpy(f->buf + f->have, *data, n);
	f->have += n;
	*data += n;
	*len -= n;
	return f->have;
}

enum pptp_frame_status pptp_framer_next(struct pptp_framer *f,
					const uint8_t **data, size_t *len,
					const uint8_t **msg, size_t *msg_len)
{
	size_t length;

	if (f->failed)
		return PPTP_FRAME_ERROR;
	/* A message handed out by the previous call is done with now. */
	if (f->have >= 2) {
		length = (size_t)f->buf[0] << 8 | f->buf[1];
		if (f->have == length)
			f->have = 0;
	}
	if (f->have < 2 && take(f, 2, data, len) < 2)
		return PPTP_FRAME_NEED_MORE;
	length = (size_t)f->buf[0] << 8 | f->buf[1];
	/*
	 * Every control message has a fixed size between 16 and 220 bytes;
	 * anything outside the header size and the largest message can never
	 * become valid, and waiting for it would let a peer hold memory.
	 */
	if (length < PPTP_HEADER_LEN || length > PPTP_MAX_MSG_LEN) {
		f->failed = true;
		return PPTP_FRAME_ERROR;
	}
	if (take(f, length, data, len) < length)
		return PPTP_FRAME_NEED_MORE;
	*msg = f->buf;
	*msg_len = length;
	return PPTP_FRAME_MESSAGE;
}
