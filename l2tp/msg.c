// SPDX-License-Identifier: GPL-2.0-or-later
#include "l2tp/msg.h"

#include <string.h>

#define BIT(n) ((uint64_t)1 << (n))

/* ------------------------------------------------------------------ */
/* Names in words                                                       */

static const char *const msg_type_names[L2TP_MSG_TYPE_MAX + 1] = {
	[L2TP_MSG_ZLB] = "ZLB",		[L2TP_MSG_SCCRQ] = "SCCRQ",
	[L2TP_MSG_SCCRP] = "SCCRP",	[L2TP_MSG_SCCCN] = "SCCCN",
	[L2TP_MSG_STOPCCN] = "StopCCN", [L2TP_MSG_HELLO] = "HELLO",
	[L2TP_MSG_OCRQ] = "OCRQ",	[L2TP_MSG_OCRP] = "OCRP",
	[L2TP_MSG_OCCN] = "OCCN",	[L2TP_MSG_ICRQ] = "ICRQ",
	[L2TP_MSG_ICRP] = "ICRP",	[L2TP_MSG_ICCN] = "ICCN",
	[L2TP_MSG_CDN] = "CDN",		[L2TP_MSG_WEN] = "WEN",
	[L2TP_MSG_SLI] = "SLI",
};

const char *l2tp_msg_type_name(uint16_t type)
{
	if (type > L2TP_MSG_TYPE_MAX || !msg_type_names[type])
		return "unknown";
	return msg_type_names[type];
}

static bool msg_type_known(uint16_t type)
{
	return type != L2TP_MSG_ZLB && type <= L2TP_MSG_TYPE_MAX &&
	       msg_type_names[type];
}

bool l2tp_msg_type_session_scoped(uint16_t type)
{
	switch (type) {
	case L2TP_MSG_OCRQ:
	case L2TP_MSG_OCRP:
	case L2TP_MSG_OCCN:
	case L2TP_MSG_ICRQ:
	case L2TP_MSG_ICRP:
	case L2TP_MSG_ICCN:
	case L2TP_MSG_CDN:
	case L2TP_MSG_WEN:
	case L2TP_MSG_SLI:
		return true;
	default:
		return false;
	}
}

/* RFC 2661 4.4.2, Result Code AVP in a StopCCN. */
static const char *const stopccn_results[] = {
	[0] = "Reserved",
	[L2TP_STOPCCN_RESULT_CLEAR] =
		"General request to clear control connection",
	[L2TP_STOPCCN_RESULT_GENERAL_ERROR] =
		"General error, Error Code indicates the problem",
	[L2TP_STOPCCN_RESULT_ALREADY_EXISTS] = "Control channel already exists",
	[L2TP_STOPCCN_RESULT_NOT_AUTHORIZED] =
		"Requester is not authorized to establish a control channel",
	[L2TP_STOPCCN_RESULT_BAD_PROTOCOL_VERSION] =
		"The protocol version of the requester is not supported",
	[L2TP_STOPCCN_RESULT_SHUTTING_DOWN] = "Requester is being shut down",
	[L2TP_STOPCCN_RESULT_FSM_ERROR] = "Finite State Machine error",
};

/* RFC 2661 4.4.2, Result Code AVP in a CDN. */
static const char *const cdn_results[] = {
	[0] = "Reserved",
	[L2TP_CDN_RESULT_LOST_CARRIER] =
		"Call disconnected due to loss of carrier",
	[L2TP_CDN_RESULT_GENERAL_ERROR] =
		"Call disconnected for the reason indicated in error code",
	[L2TP_CDN_RESULT_ADMIN] =
		"Call disconnected for administrative reasons",
	[L2TP_CDN_RESULT_NO_FACILITIES_TEMPORARY] =
		"Call failed due to lack of appropriate facilities being "
		"available (temporary condition)",
	[L2TP_CDN_RESULT_NO_FACILITIES_PERMANENT] =
		"Call failed due to lack of appropriate facilities being "
		"available (permanent condition)",
	[L2TP_CDN_RESULT_INVALID_DESTINATION] = "Invalid destination",
	[L2TP_CDN_RESULT_NO_CARRIER] = "Call failed due to no carrier detected",
	[L2TP_CDN_RESULT_BUSY] =
		"Call failed due to detection of a busy signal",
	[L2TP_CDN_RESULT_NO_DIAL_TONE] =
		"Call failed due to lack of a dial tone",
	[L2TP_CDN_RESULT_TIMEOUT] =
		"Call was not established within time allotted by LAC",
	[L2TP_CDN_RESULT_NO_FRAMING] =
		"Call was connected but no appropriate framing was detected",
};

/* RFC 2661 4.4.2, General Error Codes. */
static const char *const error_texts[] = {
	[L2TP_ERROR_NONE] = "No general error",
	[L2TP_ERROR_NO_CONTROL_CONNECTION] =
		"No control connection exists yet for this LAC-LNS pair",
	[L2TP_ERROR_BAD_LENGTH] = "Length is wrong",
	[L2TP_ERROR_BAD_VALUE] = "One of the field values was out of range or "
				 "reserved field was non-zero",
	[L2TP_ERROR_NO_RESOURCES] =
		"Insufficient resources to handle this operation now",
	[L2TP_ERROR_BAD_SESSION_ID] =
		"The Session ID is invalid in this context",
	[L2TP_ERROR_VENDOR_SPECIFIC] =
		"A generic vendor-specific error occurred",
	[L2TP_ERROR_TRY_ANOTHER] = "Try another LNS",
	[L2TP_ERROR_UNKNOWN_MANDATORY_AVP] =
		"Session or tunnel was shutdown due to receipt of an unknown "
		"AVP with the M-bit set",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *l2tp_result_text(uint16_t msg_type, uint16_t result_code)
{
	bool cdn = msg_type == L2TP_MSG_CDN ||
		   l2tp_msg_type_session_scoped(msg_type);

	if (cdn)
		return result_code < ARRAY_SIZE(cdn_results)
			       ? cdn_results[result_code]
			       : "unknown result code";
	return result_code < ARRAY_SIZE(stopccn_results)
		       ? stopccn_results[result_code]
		       : "unknown result code";
}

const char *l2tp_error_text(uint16_t error_code)
{
	return error_code < ARRAY_SIZE(error_texts) ? error_texts[error_code]
						    : "unknown error code";
}

const char *l2tp_status_text(int status)
{
	switch (status) {
	case L2TP_OK:
		return "ok";
	case L2TP_IGNORE:
		return "unknown message type without M bit, ignored";
	case L2TP_ERR_TRUNCATED:
		return "packet shorter than its header or Length field";
	case L2TP_ERR_BAD_LENGTH:
		return "Length field shorter than the header";
	case L2TP_ERR_BAD_VERSION:
		return "unsupported L2TP version";
	case L2TP_ERR_VERSION_3:
		return "L2TPv3 packet";
	case L2TP_ERR_CTRL_FLAGS:
		return "control message without L and S bits or with O bit";
	case L2TP_ERR_NOT_CONTROL:
		return "data message where a control message was expected";
	case L2TP_ERR_AVP_LENGTH:
		return "AVP length below 6 or past the end of the message";
	case L2TP_ERR_NO_MESSAGE_TYPE:
		return "first AVP is not Message Type";
	case L2TP_ERR_AVP_VALUE_LENGTH:
		return "AVP value has the wrong length";
	case L2TP_ERR_DUPLICATE_AVP:
		return "AVP appears twice";
	case L2TP_ERR_NOT_HIDEABLE:
		return "hidden AVP that must not be hidden";
	case L2TP_ERR_HIDDEN_NO_RANDOM_VECTOR:
		return "hidden AVP without a Random Vector before it";
	case L2TP_ERR_HIDDEN_NO_SECRET:
		return "hidden AVP but no usable tunnel secret";
	case L2TP_ERR_HIDDEN_LENGTH:
		return "hidden AVP original length exceeds the AVP "
		       "(wrong secret?)";
	case L2TP_ERR_UNKNOWN_MANDATORY_AVP:
		return "unknown AVP with the M bit set";
	case L2TP_ERR_UNKNOWN_MESSAGE_TYPE:
		return "unknown message type with the M bit set";
	case L2TP_ERR_NO_SPACE:
		return "message does not fit";
	case L2TP_ERR_BAD_ARGUMENT:
		return "invalid argument";
	default:
		return "unknown status";
	}
}

/* ------------------------------------------------------------------ */
/* Header                                                               */

int l2tp_hdr_parse(struct buf *b, struct l2tp_hdr *h)
{
	size_t start = b->pos, avail = buf_remaining(b), length;
	struct buf r = *b;

	memset(h, 0, sizeof(*h));
	if (avail < 2)
		return L2TP_ERR_TRUNCATED;
	h->flags = buf_get_u16(&r);
	h->control = h->flags & L2TP_HDR_T;
	h->has_length = h->flags & L2TP_HDR_L;
	h->has_seq = h->flags & L2TP_HDR_S;
	h->has_offset = h->flags & L2TP_HDR_O;
	h->priority = h->flags & L2TP_HDR_P;
	h->version = h->flags & L2TP_HDR_VER_MASK;
	if (h->version == L2TP_VERSION_3)
		return L2TP_ERR_VERSION_3;
	if (h->version != L2TP_VERSION)
		return L2TP_ERR_BAD_VERSION;
	/* RFC 2661 3.1: L and S MUST be 1, O MUST be 0 on control messages. */
	if (h->control && (!h->has_length || !h->has_seq || h->has_offset))
		return L2TP_ERR_CTRL_FLAGS;
	if (h->has_length)
		h->length = buf_get_u16(&r);
	h->tunnel_id = buf_get_u16(&r);
	h->session_id = buf_get_u16(&r);
	if (h->has_seq) {
		h->ns = buf_get_u16(&r);
		h->nr = buf_get_u16(&r);
	}
	if (h->has_offset) {
		h->offset_size = buf_get_u16(&r);
		buf_skip(&r, h->offset_size);
	}
	if (!buf_ok(&r))
		return L2TP_ERR_TRUNCATED;
	h->hdr_len = (uint16_t)(r.pos - start);

	if (h->has_length) {
		length = h->length;
		if (length < h->hdr_len)
			return L2TP_ERR_BAD_LENGTH;
		if (length > avail)
			return L2TP_ERR_TRUNCATED;
	} else {
		if (avail > UINT16_MAX)
			return L2TP_ERR_BAD_LENGTH;
		length = avail;
		h->length = (uint16_t)avail;
	}
	h->trailing = avail - length;
	b->pos = start + h->hdr_len;
	b->len = start + length;
	return L2TP_OK;
}

size_t l2tp_hdr_write_ctrl(struct wbuf *w, uint16_t tunnel_id,
			   uint16_t session_id)
{
	size_t off = w->len;

	wbuf_put_u16(w, L2TP_HDR_CTRL_BITS);
	wbuf_put_u16(w, 0); /* Length, set when the message is complete */
	wbuf_put_u16(w, tunnel_id);
	wbuf_put_u16(w, session_id);
	wbuf_put_u16(w, 0); /* Ns and Nr: the reliable-delivery engine's */
	wbuf_put_u16(w, 0);
	return off;
}

/* ------------------------------------------------------------------ */
/* Required AVPs (RFC 2661 6)                                           */

#define REQ(t) BIT(L2TP_AVP_##t)

uint64_t l2tp_msg_required_avps(uint16_t type)
{
	uint64_t mt = REQ(MESSAGE_TYPE);

	switch (type) {
	case L2TP_MSG_SCCRQ: /* 6.1 */
	case L2TP_MSG_SCCRP: /* 6.2 */
		return mt | REQ(PROTOCOL_VERSION) | REQ(HOST_NAME) |
		       REQ(FRAMING_CAPABILITIES) | REQ(ASSIGNED_TUNNEL_ID);
	case L2TP_MSG_SCCCN: /* 6.3 */
	case L2TP_MSG_HELLO: /* 6.5 */
		return mt;
	case L2TP_MSG_STOPCCN: /* 6.4 */
		return mt | REQ(ASSIGNED_TUNNEL_ID) | REQ(RESULT_CODE);
	case L2TP_MSG_ICRQ: /* 6.6 */
		return mt | REQ(ASSIGNED_SESSION_ID) | REQ(CALL_SERIAL_NUMBER);
	case L2TP_MSG_ICRP: /* 6.7 */
	case L2TP_MSG_OCRP: /* 6.10 */
		return mt | REQ(ASSIGNED_SESSION_ID);
	case L2TP_MSG_ICCN: /* 6.8 */
	case L2TP_MSG_OCCN: /* 6.11 */
		return mt | REQ(TX_CONNECT_SPEED) | REQ(FRAMING_TYPE);
	case L2TP_MSG_OCRQ: /* 6.9 */
		return mt | REQ(ASSIGNED_SESSION_ID) | REQ(CALL_SERIAL_NUMBER) |
		       REQ(MINIMUM_BPS) | REQ(MAXIMUM_BPS) | REQ(BEARER_TYPE) |
		       REQ(FRAMING_TYPE) | REQ(CALLED_NUMBER);
	case L2TP_MSG_CDN: /* 6.12 */
		return mt | REQ(RESULT_CODE) | REQ(ASSIGNED_SESSION_ID);
	case L2TP_MSG_WEN: /* 6.13 */
		return mt | REQ(CALL_ERRORS);
	case L2TP_MSG_SLI: /* 6.14 */
		return mt | REQ(ACCM);
	default:
		return 0;
	}
}

int l2tp_msg_check_required(const struct l2tp_msg *m, uint16_t *missing)
{
	uint64_t lacking = l2tp_msg_required_avps(m->type) & ~m->present;

	if (!lacking)
		return 0;
	if (missing)
		*missing = (uint16_t)__builtin_ctzll(lacking);
	return -1;
}

void l2tp_msg_init(struct l2tp_msg *m, uint16_t type)
{
	memset(m, 0, offsetof(struct l2tp_msg, store));
	m->type = type;
	m->zlb = type == L2TP_MSG_ZLB;
	if (!m->zlb)
		l2tp_msg_set(m, L2TP_AVP_MESSAGE_TYPE);
}

/* ------------------------------------------------------------------ */
/* Decoding                                                             */

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

struct decoder {
	struct l2tp_msg *m;
	const char *secret;
	int secret_len; /* -1 until first needed */
	const uint8_t *rv;
	size_t rv_len;
	uint8_t plain[L2TP_AVP_MAX_VALUE];
};

/* Hidden values live in the message's store so they outlive decoding. */
static int set_bytes(struct l2tp_msg *m, struct l2tp_bytes *field,
		     const uint8_t *v, size_t len, bool hidden)
{
	if (hidden) {
		if (len > sizeof(m->store) - m->store_used)
			return L2TP_ERR_AVP_VALUE_LENGTH;
		memcpy(m->store + m->store_used, v, len);
		v = m->store + m->store_used;
		m->store_used += len;
	}
	field->data = v;
	field->len = (uint16_t)len;
	return L2TP_OK;
}

/* Fills the field of one known AVP; v/len already checked against table. */
static int set_value(struct l2tp_msg *m, uint16_t type, const uint8_t *v,
		     size_t len, bool hidden)
{
	switch (type) {
	case L2TP_AVP_RESULT_CODE:
		/* RFC 2661 4.4.2: error code and message are optional. */
		if (len == 3)
			return L2TP_ERR_AVP_VALUE_LENGTH;
		m->result_code.result = get16(v);
		if (len >= 4) {
			m->result_code.has_error = true;
			m->result_code.error = get16(v + 2);
			return set_bytes(m, &m->result_code.message, v + 4,
					 len - 4, hidden);
		}
		return L2TP_OK;
	case L2TP_AVP_PROTOCOL_VERSION:
		m->protocol_version = v[0];
		m->protocol_revision = v[1];
		return L2TP_OK;
	case L2TP_AVP_FRAMING_CAPABILITIES:
		m->framing_capabilities = get32(v);
		return L2TP_OK;
	case L2TP_AVP_BEARER_CAPABILITIES:
		m->bearer_capabilities = get32(v);
		return L2TP_OK;
	case L2TP_AVP_TIE_BREAKER:
		m->tie_breaker = (uint64_t)get32(v) << 32 | get32(v + 4);
		return L2TP_OK;
	case L2TP_AVP_FIRMWARE_REVISION:
		m->firmware_revision = get16(v);
		return L2TP_OK;
	case L2TP_AVP_HOST_NAME:
		return set_bytes(m, &m->host_name, v, len, hidden);
	case L2TP_AVP_VENDOR_NAME:
		return set_bytes(m, &m->vendor_name, v, len, hidden);
	case L2TP_AVP_ASSIGNED_TUNNEL_ID:
		m->assigned_tunnel_id = get16(v);
		return L2TP_OK;
	case L2TP_AVP_RECEIVE_WINDOW_SIZE:
		m->receive_window_size = get16(v);
		return L2TP_OK;
	case L2TP_AVP_CHALLENGE:
		return set_bytes(m, &m->challenge, v, len, hidden);
	case L2TP_AVP_Q931_CAUSE_CODE:
		m->q931_cause.cause_code = get16(v);
		m->q931_cause.cause_msg = v[2];
		return set_bytes(m, &m->q931_cause.advisory, v + 3, len - 3,
				 hidden);
	case L2TP_AVP_CHALLENGE_RESPONSE:
		memcpy(m->challenge_response, v, 16);
		return L2TP_OK;
	case L2TP_AVP_ASSIGNED_SESSION_ID:
		m->assigned_session_id = get16(v);
		return L2TP_OK;
	case L2TP_AVP_CALL_SERIAL_NUMBER:
		m->call_serial_number = get32(v);
		return L2TP_OK;
	case L2TP_AVP_MINIMUM_BPS:
		m->minimum_bps = get32(v);
		return L2TP_OK;
	case L2TP_AVP_MAXIMUM_BPS:
		m->maximum_bps = get32(v);
		return L2TP_OK;
	case L2TP_AVP_BEARER_TYPE:
		m->bearer_type = get32(v);
		return L2TP_OK;
	case L2TP_AVP_FRAMING_TYPE:
		m->framing_type = get32(v);
		return L2TP_OK;
	case L2TP_AVP_CALLED_NUMBER:
		return set_bytes(m, &m->called_number, v, len, hidden);
	case L2TP_AVP_CALLING_NUMBER:
		return set_bytes(m, &m->calling_number, v, len, hidden);
	case L2TP_AVP_SUB_ADDRESS:
		return set_bytes(m, &m->sub_address, v, len, hidden);
	case L2TP_AVP_TX_CONNECT_SPEED:
		m->tx_connect_speed = get32(v);
		return L2TP_OK;
	case L2TP_AVP_PHYSICAL_CHANNEL_ID:
		m->physical_channel_id = get32(v);
		return L2TP_OK;
	case L2TP_AVP_INITIAL_RECEIVED_LCP_CONFREQ:
		return set_bytes(m, &m->initial_received_lcp_confreq, v, len,
				 hidden);
	case L2TP_AVP_LAST_SENT_LCP_CONFREQ:
		return set_bytes(m, &m->last_sent_lcp_confreq, v, len, hidden);
	case L2TP_AVP_LAST_RECEIVED_LCP_CONFREQ:
		return set_bytes(m, &m->last_received_lcp_confreq, v, len,
				 hidden);
	case L2TP_AVP_PROXY_AUTHEN_TYPE:
		m->proxy_authen_type = get16(v);
		return L2TP_OK;
	case L2TP_AVP_PROXY_AUTHEN_NAME:
		return set_bytes(m, &m->proxy_authen_name, v, len, hidden);
	case L2TP_AVP_PROXY_AUTHEN_CHALLENGE:
		return set_bytes(m, &m->proxy_authen_challenge, v, len, hidden);
	case L2TP_AVP_PROXY_AUTHEN_ID:
		m->proxy_authen_id = v[1]; /* v[0] is reserved */
		return L2TP_OK;
	case L2TP_AVP_PROXY_AUTHEN_RESPONSE:
		return set_bytes(m, &m->proxy_authen_response, v, len, hidden);
	case L2TP_AVP_CALL_ERRORS:
		/* Two reserved bytes first (RFC 2661 4.4.6). */
		m->call_errors.crc = get32(v + 2);
		m->call_errors.framing = get32(v + 6);
		m->call_errors.hardware_overruns = get32(v + 10);
		m->call_errors.buffer_overruns = get32(v + 14);
		m->call_errors.timeouts = get32(v + 18);
		m->call_errors.alignment = get32(v + 22);
		return L2TP_OK;
	case L2TP_AVP_ACCM:
		m->send_accm = get32(v + 2);
		m->receive_accm = get32(v + 6);
		return L2TP_OK;
	case L2TP_AVP_PRIVATE_GROUP_ID:
		return set_bytes(m, &m->private_group_id, v, len, hidden);
	case L2TP_AVP_RX_CONNECT_SPEED:
		m->rx_connect_speed = get32(v);
		return L2TP_OK;
	case L2TP_AVP_SEQUENCING_REQUIRED:
		return L2TP_OK;
	default:
		return L2TP_ERR_BAD_ARGUMENT; /* table and switch disagree */
	}
}

static bool decoder_secret(struct decoder *d)
{
	if (d->secret_len < 0)
		d->secret_len =
			d->secret ? (int)strnlen(d->secret, L2TP_SECRET_MAX + 1)
				  : 0;
	return d->secret_len >= 1 && d->secret_len <= L2TP_SECRET_MAX;
}

/* One AVP after Message Type (RFC 2661 4.1, 4.3). */
static int decode_avp(struct decoder *d, const struct l2tp_avp *avp)
{
	const struct l2tp_avp_info *info =
		l2tp_avp_info(avp->vendor, avp->type);
	struct l2tp_msg *m = d->m;
	const uint8_t *v = avp->value;
	size_t len = avp->value_len;
	int rc;

	if (avp->type == L2TP_AVP_RANDOM_VECTOR) {
		/* Applies to every hidden AVP after it, up to the next one. */
		if (avp->hidden)
			return L2TP_ERR_NOT_HIDEABLE;
		if (len < info->min_len)
			return L2TP_ERR_AVP_VALUE_LENGTH;
		d->rv = v;
		d->rv_len = len;
		l2tp_msg_set(m, avp->type);
		return L2TP_OK;
	}
	if (l2tp_msg_has(m, avp->type))
		return L2TP_ERR_DUPLICATE_AVP;
	if (avp->hidden) {
		if (!info->may_hide)
			return L2TP_ERR_NOT_HIDEABLE;
		if (!d->rv)
			return L2TP_ERR_HIDDEN_NO_RANDOM_VECTOR;
		if (!decoder_secret(d))
			return L2TP_ERR_HIDDEN_NO_SECRET;
		rc = l2tp_avp_unhide(avp->type, (const uint8_t *)d->secret,
				     (size_t)d->secret_len, d->rv, d->rv_len, v,
				     len, d->plain, &v, &len);
		if (rc == L2TP_UNHIDE_BAD_LENGTH)
			return L2TP_ERR_HIDDEN_LENGTH;
		if (rc)
			return L2TP_ERR_HIDDEN_NO_SECRET;
		m->hidden |= BIT(avp->type);
	}
	if (len < info->min_len || len > info->max_len)
		return L2TP_ERR_AVP_VALUE_LENGTH;
	rc = set_value(m, avp->type, v, len, avp->hidden);
	if (rc)
		return rc;
	l2tp_msg_set(m, avp->type);
	return L2TP_OK;
}

static int decode_fail(struct l2tp_decode_err *err, int status, size_t off,
		       const struct l2tp_avp *avp)
{
	err->status = status;
	err->offset = off;
	if (avp) {
		err->avp_type = avp->type;
		err->avp_vendor = avp->vendor;
	}
	return status;
}

int l2tp_msg_decode(const uint8_t *pkt, size_t len, const char *secret,
		    struct l2tp_msg *out, struct l2tp_decode_err *err)
{
	struct l2tp_decode_err spare;
	struct l2tp_avp avp;
	struct decoder d;
	bool unknown_m = false;
	struct buf b;
	size_t off;
	int rc;

	if (!err)
		err = &spare;
	memset(err, 0, sizeof(*err));
	memset(out, 0, offsetof(struct l2tp_msg, store));
	buf_init(&b, pkt, len);
	rc = l2tp_hdr_parse(&b, &out->hdr);
	if (rc)
		return decode_fail(err, rc, 0, NULL);
	if (!out->hdr.control)
		return decode_fail(err, L2TP_ERR_NOT_CONTROL, 0, NULL);
	if (!buf_remaining(&b)) {
		out->zlb = true;
		return L2TP_OK;
	}

	/* RFC 2661 4.4.1: Message Type first, never hidden. */
	off = b.pos;
	if (l2tp_avp_next(&b, &avp))
		return decode_fail(err, L2TP_ERR_AVP_LENGTH, off, NULL);
	if (avp.vendor != L2TP_VENDOR_IETF ||
	    avp.type != L2TP_AVP_MESSAGE_TYPE || avp.reserved || avp.hidden)
		return decode_fail(err, L2TP_ERR_NO_MESSAGE_TYPE, off, &avp);
	if (avp.value_len != 2)
		return decode_fail(err, L2TP_ERR_AVP_VALUE_LENGTH, off, &avp);
	out->type = get16(avp.value);
	l2tp_msg_set(out, L2TP_AVP_MESSAGE_TYPE);
	err->msg_type = out->type;
	err->session_scoped = l2tp_msg_type_session_scoped(out->type);
	/* Here the M bit says what to do with an unknown message. */
	if (!msg_type_known(out->type))
		return decode_fail(err,
				   avp.mandatory ? L2TP_ERR_UNKNOWN_MESSAGE_TYPE
						 : L2TP_IGNORE,
				   off, &avp);

	d.m = out;
	d.secret = secret;
	d.secret_len = -1;
	d.rv = NULL;
	d.rv_len = 0;
	while (buf_remaining(&b)) {
		off = b.pos;
		if (l2tp_avp_next(&b, &avp))
			return decode_fail(err, L2TP_ERR_AVP_LENGTH, off, NULL);
		if (!l2tp_avp_known(&avp)) {
			/*
			 * RFC 2661 4.1: ignore it without M; with M the
			 * session or tunnel goes. Keep decoding so the
			 * caller has the IDs to address its answer.
			 */
			if (avp.mandatory && !unknown_m) {
				unknown_m = true;
				decode_fail(err, L2TP_ERR_UNKNOWN_MANDATORY_AVP,
					    off, &avp);
			}
			continue;
		}
		rc = decode_avp(&d, &avp);
		if (rc)
			return decode_fail(err, rc, off, &avp);
	}
	return unknown_m ? err->status : L2TP_OK;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                             */

struct encoder {
	struct wbuf *w;
	const struct l2tp_hide_opts *hide;
	size_t secret_len;
	const uint8_t *rv; /* set once the Random Vector is written */
	size_t rv_len;
	uint8_t rv_mem[L2TP_AVP_MAX_VALUE];
};

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v & 0xff;
}

/* Copies a byte value after a fixed prefix of `at` bytes into v. */
static int cat_bytes(uint8_t *v, size_t at, const struct l2tp_bytes *b,
		     size_t *len)
{
	if (b->len && !b->data)
		return L2TP_ERR_BAD_ARGUMENT;
	if (b->len > L2TP_AVP_MAX_VALUE - at)
		return L2TP_ERR_AVP_VALUE_LENGTH;
	if (b->len)
		memcpy(v + at, b->data, b->len);
	*len = at + b->len;
	return L2TP_OK;
}

/* Serializes the value of one present AVP into v (RFC 2661 4.4). */
static int encode_value(const struct l2tp_msg *m, uint16_t type, uint8_t *v,
			size_t *len)
{
	const struct l2tp_call_errors *ce = &m->call_errors;

	switch (type) {
	case L2TP_AVP_RESULT_CODE:
		put16(v, m->result_code.result);
		if (!m->result_code.has_error && !m->result_code.message.len) {
			*len = 2;
			return L2TP_OK;
		}
		put16(v + 2, m->result_code.error);
		return cat_bytes(v, 4, &m->result_code.message, len);
	case L2TP_AVP_PROTOCOL_VERSION:
		v[0] = m->protocol_version;
		v[1] = m->protocol_revision;
		*len = 2;
		return L2TP_OK;
	case L2TP_AVP_FRAMING_CAPABILITIES:
		put32(v, m->framing_capabilities);
		*len = 4;
		return L2TP_OK;
	case L2TP_AVP_BEARER_CAPABILITIES:
		put32(v, m->bearer_capabilities);
		*len = 4;
		return L2TP_OK;
	case L2TP_AVP_TIE_BREAKER:
		put32(v, (uint32_t)(m->tie_breaker >> 32));
		put32(v + 4, (uint32_t)m->tie_breaker);
		*len = 8;
		return L2TP_OK;
	case L2TP_AVP_FIRMWARE_REVISION:
		put16(v, m->firmware_revision);
		*len = 2;
		return L2TP_OK;
	case L2TP_AVP_HOST_NAME:
		return cat_bytes(v, 0, &m->host_name, len);
	case L2TP_AVP_VENDOR_NAME:
		return cat_bytes(v, 0, &m->vendor_name, len);
	case L2TP_AVP_ASSIGNED_TUNNEL_ID:
		put16(v, m->assigned_tunnel_id);
		*len = 2;
		return L2TP_OK;
	case L2TP_AVP_RECEIVE_WINDOW_SIZE:
		put16(v, m->receive_window_size);
		*len = 2;
		return L2TP_OK;
	case L2TP_AVP_CHALLENGE:
		return cat_bytes(v, 0, &m->challenge, len);
	case L2TP_AVP_Q931_CAUSE_CODE:
		put16(v, m->q931_cause.cause_code);
		v[2] = m->q931_cause.cause_msg;
		return cat_bytes(v, 3, &m->q931_cause.advisory, len);
	case L2TP_AVP_CHALLENGE_RESPONSE:
		memcpy(v, m->challenge_response, 16);
		*len = 16;
		return L2TP_OK;
	case L2TP_AVP_ASSIGNED_SESSION_ID:
		put16(v, m->assigned_session_id);
		*len = 2;
		return L2TP_OK;
	case L2TP_AVP_CALL_SERIAL_NUMBER:
		put32(v, m->call_serial_number);
		*len = 4;
		return L2TP_OK;
	case L2TP_AVP_MINIMUM_BPS:
		put32(v, m->minimum_bps);
		*len = 4;
		return L2TP_OK;
	case L2TP_AVP_MAXIMUM_BPS:
		put32(v, m->maximum_bps);
		*len = 4;
		return L2TP_OK;
	case L2TP_AVP_BEARER_TYPE:
		put32(v, m->bearer_type);
		*len = 4;
		return L2TP_OK;
	case L2TP_AVP_FRAMING_TYPE:
		put32(v, m->framing_type);
		*len = 4;
		return L2TP_OK;
	case L2TP_AVP_CALLED_NUMBER:
		return cat_bytes(v, 0, &m->called_number, len);
	case L2TP_AVP_CALLING_NUMBER:
		return cat_bytes(v, 0, &m->calling_number, len);
	case L2TP_AVP_SUB_ADDRESS:
		return cat_bytes(v, 0, &m->sub_address, len);
	case L2TP_AVP_TX_CONNECT_SPEED:
		put32(v, m->tx_connect_speed);
		*len = 4;
		return L2TP_OK;
	case L2TP_AVP_PHYSICAL_CHANNEL_ID:
		put32(v, m->physical_channel_id);
		*len = 4;
		return L2TP_OK;
	case L2TP_AVP_INITIAL_RECEIVED_LCP_CONFREQ:
		return cat_bytes(v, 0, &m->initial_received_lcp_confreq, len);
	case L2TP_AVP_LAST_SENT_LCP_CONFREQ:
		return cat_bytes(v, 0, &m->last_sent_lcp_confreq, len);
	case L2TP_AVP_LAST_RECEIVED_LCP_CONFREQ:
		return cat_bytes(v, 0, &m->last_received_lcp_confreq, len);
	case L2TP_AVP_PROXY_AUTHEN_TYPE:
		put16(v, m->proxy_authen_type);
		*len = 2;
		return L2TP_OK;
	case L2TP_AVP_PROXY_AUTHEN_NAME:
		return cat_bytes(v, 0, &m->proxy_authen_name, len);
	case L2TP_AVP_PROXY_AUTHEN_CHALLENGE:
		return cat_bytes(v, 0, &m->proxy_authen_challenge, len);
	case L2TP_AVP_PROXY_AUTHEN_ID:
		v[0] = 0;
		v[1] = m->proxy_authen_id;
		*len = 2;
		return L2TP_OK;
	case L2TP_AVP_PROXY_AUTHEN_RESPONSE:
		return cat_bytes(v, 0, &m->proxy_authen_response, len);
	case L2TP_AVP_CALL_ERRORS:
		put16(v, 0);
		put32(v + 2, ce->crc);
		put32(v + 6, ce->framing);
		put32(v + 10, ce->hardware_overruns);
		put32(v + 14, ce->buffer_overruns);
		put32(v + 18, ce->timeouts);
		put32(v + 22, ce->alignment);
		*len = 26;
		return L2TP_OK;
	case L2TP_AVP_ACCM:
		put16(v, 0);
		put32(v + 2, m->send_accm);
		put32(v + 6, m->receive_accm);
		*len = 10;
		return L2TP_OK;
	case L2TP_AVP_PRIVATE_GROUP_ID:
		return cat_bytes(v, 0, &m->private_group_id, len);
	case L2TP_AVP_RX_CONNECT_SPEED:
		put32(v, m->rx_connect_speed);
		*len = 4;
		return L2TP_OK;
	case L2TP_AVP_SEQUENCING_REQUIRED:
		*len = 0;
		return L2TP_OK;
	default:
		return L2TP_ERR_BAD_ARGUMENT;
	}
}

/* RFC 2661 4.3: one Random Vector before the first hidden AVP. */
static int encoder_random_vector(struct encoder *e)
{
	const struct l2tp_hide_opts *h = e->hide;
	size_t n = h->rv_len ? h->rv_len : L2TP_RANDOM_VECTOR_LEN;

	if (e->rv)
		return L2TP_OK;
	if (!h->random || n > L2TP_AVP_MAX_VALUE)
		return L2TP_ERR_BAD_ARGUMENT;
	h->random(h->random_arg, e->rv_mem, n);
	l2tp_avp_put(e->w, L2TP_AVP_RANDOM_VECTOR, e->rv_mem, n);
	e->rv = e->rv_mem;
	e->rv_len = n;
	return L2TP_OK;
}

static int encode_avp(struct encoder *e, const struct l2tp_msg *m,
		      uint16_t type)
{
	const struct l2tp_avp_info *info = l2tp_avp_info(0, type);
	uint8_t v[L2TP_AVP_MAX_VALUE], hidden[L2TP_AVP_MAX_VALUE];
	bool hide = e->hide && (e->hide->avps & BIT(type));
	size_t len = 0;
	int rc;

	rc = encode_value(m, type, v, &len);
	if (rc)
		return rc;
	if (len < info->min_len || len > info->max_len ||
	    (hide && len > L2TP_AVP_MAX_HIDDEN_VALUE))
		return L2TP_ERR_AVP_VALUE_LENGTH;
	if (!hide) {
		l2tp_avp_put(e->w, type, v, len);
		return L2TP_OK;
	}
	if (!info->may_hide)
		return L2TP_ERR_NOT_HIDEABLE;
	rc = encoder_random_vector(e);
	if (rc)
		return rc;
	if (l2tp_avp_hide(type, (const uint8_t *)e->hide->secret, e->secret_len,
			  e->rv, e->rv_len, v, len, hidden))
		return L2TP_ERR_HIDDEN_NO_SECRET;
	l2tp_avp_put_raw(e->w, (info->mandatory ? L2TP_AVP_M : 0) | L2TP_AVP_H,
			 L2TP_VENDOR_IETF, type, hidden, len + 2);
	return L2TP_OK;
}

int l2tp_msg_encode(struct wbuf *w, const struct l2tp_msg *m,
		    uint16_t tunnel_id, uint16_t session_id,
		    const struct l2tp_hide_opts *hide)
{
	size_t start = w->len, total;
	struct encoder e;
	uint8_t mt[2];
	int rc = L2TP_OK;
	uint16_t type;

	if (!wbuf_ok(w))
		return L2TP_ERR_NO_SPACE;
	e.w = w;
	e.hide = hide && (hide->avps & m->present) ? hide : NULL;
	e.rv = NULL;
	e.rv_len = 0;
	e.secret_len = 0;
	if (e.hide) {
		e.secret_len = hide->secret ? strnlen(hide->secret,
						      L2TP_SECRET_MAX + 1)
					    : 0;
		if (!e.secret_len || e.secret_len > L2TP_SECRET_MAX)
			return L2TP_ERR_HIDDEN_NO_SECRET;
	}

	l2tp_hdr_write_ctrl(w, tunnel_id, session_id);
	if (!m->zlb && m->type != L2TP_MSG_ZLB) {
		put16(mt, m->type);
		l2tp_avp_put(w, L2TP_AVP_MESSAGE_TYPE, mt, sizeof(mt));
		for (type = 1; type <= L2TP_AVP_TYPE_MAX; type++) {
			if (type == L2TP_AVP_RANDOM_VECTOR ||
			    !l2tp_msg_has(m, type) || !l2tp_avp_info(0, type))
				continue;
			rc = encode_avp(&e, m, type);
			if (rc)
				goto err_undo;
		}
	}
	total = w->len - start;
	if (!wbuf_ok(w) || total > UINT16_MAX) {
		rc = L2TP_ERR_NO_SPACE;
		goto err_undo;
	}
	wbuf_set_u16(w, start + L2TP_CTRL_OFF_LENGTH, (uint16_t)total);
	return L2TP_OK;

err_undo:
	w->len = start;
	w->err = false;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Comparison                                                           */

static bool bytes_eq(const struct l2tp_bytes *a, const struct l2tp_bytes *b)
{
	return a->len == b->len &&
	       (!a->len || !memcmp(a->data, b->data, a->len));
}

/* An error message implies an error code on the wire. */
static bool result_code_eq(const struct l2tp_result_code *a,
			   const struct l2tp_result_code *b)
{
	bool a_err = a->has_error || a->message.len;
	bool b_err = b->has_error || b->message.len;

	if (a->result != b->result || a_err != b_err)
		return false;
	return !a_err ||
	       (a->error == b->error && bytes_eq(&a->message, &b->message));
}

static bool value_eq(const struct l2tp_msg *a, const struct l2tp_msg *b,
		     uint16_t type)
{
	switch (type) {
	case L2TP_AVP_MESSAGE_TYPE:
	case L2TP_AVP_RANDOM_VECTOR:
	case L2TP_AVP_SEQUENCING_REQUIRED:
		return true;
	case L2TP_AVP_RESULT_CODE:
		return result_code_eq(&a->result_code, &b->result_code);
	case L2TP_AVP_PROTOCOL_VERSION:
		return a->protocol_version == b->protocol_version &&
		       a->protocol_revision == b->protocol_revision;
	case L2TP_AVP_FRAMING_CAPABILITIES:
		return a->framing_capabilities == b->framing_capabilities;
	case L2TP_AVP_BEARER_CAPABILITIES:
		return a->bearer_capabilities == b->bearer_capabilities;
	case L2TP_AVP_TIE_BREAKER:
		return a->tie_breaker == b->tie_breaker;
	case L2TP_AVP_FIRMWARE_REVISION:
		return a->firmware_revision == b->firmware_revision;
	case L2TP_AVP_HOST_NAME:
		return bytes_eq(&a->host_name, &b->host_name);
	case L2TP_AVP_VENDOR_NAME:
		return bytes_eq(&a->vendor_name, &b->vendor_name);
	case L2TP_AVP_ASSIGNED_TUNNEL_ID:
		return a->assigned_tunnel_id == b->assigned_tunnel_id;
	case L2TP_AVP_RECEIVE_WINDOW_SIZE:
		return a->receive_window_size == b->receive_window_size;
	case L2TP_AVP_CHALLENGE:
		return bytes_eq(&a->challenge, &b->challenge);
	case L2TP_AVP_Q931_CAUSE_CODE:
		return a->q931_cause.cause_code == b->q931_cause.cause_code &&
		       a->q931_cause.cause_msg == b->q931_cause.cause_msg &&
		       bytes_eq(&a->q931_cause.advisory,
				&b->q931_cause.advisory);
	case L2TP_AVP_CHALLENGE_RESPONSE:
		return !memcmp(a->challenge_response, b->challenge_response,
			       16);
	case L2TP_AVP_ASSIGNED_SESSION_ID:
		return a->assigned_session_id == b->assigned_session_id;
	case L2TP_AVP_CALL_SERIAL_NUMBER:
		return a->call_serial_number == b->call_serial_number;
	case L2TP_AVP_MINIMUM_BPS:
		return a->minimum_bps == b->minimum_bps;
	case L2TP_AVP_MAXIMUM_BPS:
		return a->maximum_bps == b->maximum_bps;
	case L2TP_AVP_BEARER_TYPE:
		return a->bearer_type == b->bearer_type;
	case L2TP_AVP_FRAMING_TYPE:
		return a->framing_type == b->framing_type;
	case L2TP_AVP_CALLED_NUMBER:
		return bytes_eq(&a->called_number, &b->called_number);
	case L2TP_AVP_CALLING_NUMBER:
		return bytes_eq(&a->calling_number, &b->calling_number);
	case L2TP_AVP_SUB_ADDRESS:
		return bytes_eq(&a->sub_address, &b->sub_address);
	case L2TP_AVP_TX_CONNECT_SPEED:
		return a->tx_connect_speed == b->tx_connect_speed;
	case L2TP_AVP_PHYSICAL_CHANNEL_ID:
		return a->physical_channel_id == b->physical_channel_id;
	case L2TP_AVP_INITIAL_RECEIVED_LCP_CONFREQ:
		return bytes_eq(&a->initial_received_lcp_confreq,
				&b->initial_received_lcp_confreq);
	case L2TP_AVP_LAST_SENT_LCP_CONFREQ:
		return bytes_eq(&a->last_sent_lcp_confreq,
				&b->last_sent_lcp_confreq);
	case L2TP_AVP_LAST_RECEIVED_LCP_CONFREQ:
		return bytes_eq(&a->last_received_lcp_confreq,
				&b->last_received_lcp_confreq);
	case L2TP_AVP_PROXY_AUTHEN_TYPE:
		return a->proxy_authen_type == b->proxy_authen_type;
	case L2TP_AVP_PROXY_AUTHEN_NAME:
		return bytes_eq(&a->proxy_authen_name, &b->proxy_authen_name);
	case L2TP_AVP_PROXY_AUTHEN_CHALLENGE:
		return bytes_eq(&a->proxy_authen_challenge,
				&b->proxy_authen_challenge);
	case L2TP_AVP_PROXY_AUTHEN_ID:
		return a->proxy_authen_id == b->proxy_authen_id;
	case L2TP_AVP_PROXY_AUTHEN_RESPONSE:
		return bytes_eq(&a->proxy_authen_response,
				&b->proxy_authen_response);
	case L2TP_AVP_CALL_ERRORS:
		return !memcmp(&a->call_errors, &b->call_errors,
			       sizeof(a->call_errors));
	case L2TP_AVP_ACCM:
		return a->send_accm == b->send_accm &&
		       a->receive_accm == b->receive_accm;
	case L2TP_AVP_PRIVATE_GROUP_ID:
		return bytes_eq(&a->private_group_id, &b->private_group_id);
	case L2TP_AVP_RX_CONNECT_SPEED:
		return a->rx_connect_speed == b->rx_connect_speed;
	default:
		return true;
	}
}

bool l2tp_msg_equal(const struct l2tp_msg *a, const struct l2tp_msg *b)
{
	uint64_t mask = ~BIT(L2TP_AVP_RANDOM_VECTOR);
	uint16_t type;

	if (a->type != b->type || a->zlb != b->zlb ||
	    (a->present & mask) != (b->present & mask))
		return false;
	for (type = 0; type <= L2TP_AVP_TYPE_MAX; type++)
		if (l2tp_msg_has(a, type) && !value_eq(a, b, type))
			return false;
	return true;
}
