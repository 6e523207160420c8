/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * L2TP header and control messages (RFC 2661 3.1, 4, 6): bytes <-> a typed
 * struct holding every RFC 2661 AVP. Decoding does not allocate: byte
 * values point into the packet, or into the message's own bounded store
 * when they arrived hidden.
 */
#ifndef VPNSUITE_L2TP_MSG_H
#define VPNSUITE_L2TP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "l2tp/avp.h"
#include "l2tp/l2tp.h"

/*
 * Status of header parsing, message decoding and encoding. Negative values
 * are errors; l2tp_status_text() names each one.
 */
enum l2tp_status {
	L2TP_OK = 0,
	/*
	 * RFC 2661 4.4.1: unknown Message Type without the M bit. The message
	 * is valid for reliable delivery (acknowledge it) but otherwise
	 * ignored.
	 */
	L2TP_IGNORE = 1,

	/* Header (RFC 2661 3.1). Drop the packet. */
	L2TP_ERR_TRUNCATED = -1,   /* fewer bytes than the header or
				    * Length field need */
	L2TP_ERR_BAD_LENGTH = -2,  /* Length shorter than the header */
	L2TP_ERR_BAD_VERSION = -3, /* Ver not 2 (nor 3) */
	L2TP_ERR_VERSION_3 = -4,   /* an L2TPv3 packet: not ours */
	L2TP_ERR_CTRL_FLAGS = -5,  /* control message without L or S,
				    * or with O */
	L2TP_ERR_NOT_CONTROL = -6, /* a data message given to the
				    * control decoder */

	/* Malformed control message: drop it whole. */
	L2TP_ERR_AVP_LENGTH = -10,	 /* AVP length < 6 or past the end */
	L2TP_ERR_NO_MESSAGE_TYPE = -11,	 /* first AVP not Message Type */
	L2TP_ERR_AVP_VALUE_LENGTH = -12, /* value length breaks the AVP's
					  * rule (RFC 2661 4.4) */
	L2TP_ERR_DUPLICATE_AVP = -13,	 /* a known AVP twice */
	L2TP_ERR_NOT_HIDEABLE = -14,	 /* H bit on an AVP that must not
					  * be hidden */
	L2TP_ERR_HIDDEN_NO_RANDOM_VECTOR = -15, /* H bit, no Random Vector
						 * before it (4.3) */
	L2TP_ERR_HIDDEN_NO_SECRET = -16,	/* H bit, no usable secret */
	L2TP_ERR_HIDDEN_LENGTH = -17, /* hidden original length exceeds
				       * the AVP */

	/*
	 * The message is well-formed but the peer must be told (RFC 2661
	 * 4.1): an unknown AVP with the M bit. The whole message was decoded
	 * (so the Assigned Session ID of an ICRQ is at hand); err names the
	 * first such AVP. Session-scoped messages tear down the session (CDN),
	 * tunnel-scoped ones the tunnel (StopCCN), result 2 error 8.
	 */
	L2TP_ERR_UNKNOWN_MANDATORY_AVP = -20,
	/* RFC 2661 4.4.1: unknown Message Type with M set: clear the tunnel. */
	L2TP_ERR_UNKNOWN_MESSAGE_TYPE = -21,

	/* Encoding. */
	L2TP_ERR_NO_SPACE = -30,     /* output buffer too small, or over
				      * 65535 bytes */
	L2TP_ERR_BAD_ARGUMENT = -31, /* e.g. hiding without a random
				      * source */
};

/* Words for an enum l2tp_status value. Never NULL. */
const char *l2tp_status_text(int status);

/* RFC 2661 3.1: the fields of one L2TP header, control or data. */
struct l2tp_hdr {
	uint16_t flags;	 /* the first 16 bits as received */
	bool control;	 /* T */
	bool has_length; /* L */
	bool has_seq;	 /* S */
	bool has_offset; /* O */
	bool priority;	 /* P */
	uint8_t version;
	uint16_t length; /* Length field, or bytes received without L */
	uint16_t tunnel_id;
	uint16_t session_id;
	uint16_t ns;
	uint16_t nr;
	uint16_t offset_size;
	uint16_t hdr_len; /* bytes before the payload, offset pad included */
	size_t trailing;  /* bytes received beyond Length, ignored */
};

/*
 * Parses an L2TP header starting at b's position. On L2TP_OK, b is limited
 * to the message (bytes beyond the Length field are ignored, counted in
 * h->trailing: UDP told us how much arrived, Length what the peer meant)
 * and positioned at the payload (the AVPs of a control message, the PPP
 * frame of a data message). Reserved bits are ignored (RFC 2661 3.1), as is
 * P on a control message (a queuing hint only). Returns L2TP_ERR_VERSION_3
 * for L2TPv3 so the caller can drop it without complaint.
 */
int l2tp_hdr_parse(struct buf *b, struct l2tp_hdr *h);

/*
 * Writes the 12-byte control header (T, L, S set, Ver 2) with Length, Ns and
 * Nr zero, at fixed offsets L2TP_CTRL_OFF_*, and returns the header's offset
 * in w.
 */
size_t l2tp_hdr_write_ctrl(struct wbuf *w, uint16_t tunnel_id,
			   uint16_t session_id);

/* A byte-string value: not NUL-terminated, may be empty. */
struct l2tp_bytes {
	const uint8_t *data;
	uint16_t len;
};

/* RFC 2661 4.4.2 Result Code AVP. */
struct l2tp_result_code {
	uint16_t result;
	bool has_error; /* error code present (AVP longer than 8 bytes) */
	uint16_t error;
	struct l2tp_bytes message; /* error message, may be empty */
};

/* RFC 2661 4.4.2 Q.931 Cause Code AVP. */
struct l2tp_q931_cause {
	uint16_t cause_code;
	uint8_t cause_msg;
	struct l2tp_bytes advisory;
};

/* RFC 2661 4.4.6 Call Errors AVP. */
struct l2tp_call_errors {
	uint32_t crc;
	uint32_t framing;
	uint32_t hardware_overruns;
	uint32_t buffer_overruns;
	uint32_t timeouts;
	uint32_t alignment;
};

/* Hidden byte values of one message never exceed this (no AVP repeats). */
#define L2TP_MSG_HIDDEN_STORE (12 * L2TP_AVP_MAX_HIDDEN_VALUE)

/*
 * One control message. A field is valid when its AVP's bit is set in
 * `present` (see l2tp_msg_has). Decoding fills `hdr` and `hidden` too;
 * encoding ignores them, and the Random Vector bit (the encoder makes its
 * own when it hides).
 */
struct l2tp_msg {
	struct l2tp_hdr hdr;
	uint16_t type;	  /* enum l2tp_msg_type; 0 with zlb */
	bool zlb;	  /* header only: an acknowledgement (RFC 2661 5.8) */
	uint64_t present; /* bit n: AVP type n present */
	uint64_t hidden;  /* bit n: AVP type n arrived hidden */

	struct l2tp_result_code result_code;
	uint8_t protocol_version;  /* 1 */
	uint8_t protocol_revision; /* 0 */
	uint32_t framing_capabilities;
	uint32_t bearer_capabilities;
	uint64_t tie_breaker; /* the 8 bytes big-endian: compares as on wire */
	uint16_t firmware_revision;
	struct l2tp_bytes host_name;
	struct l2tp_bytes vendor_name;
	uint16_t assigned_tunnel_id;
	uint16_t receive_window_size;
	struct l2tp_bytes challenge;
	struct l2tp_q931_cause q931_cause;
	uint8_t challenge_response[16];
	uint16_t assigned_session_id;
	uint32_t call_serial_number;
	uint32_t minimum_bps;
	uint32_t maximum_bps;
	uint32_t bearer_type;
	uint32_t framing_type;
	struct l2tp_bytes called_number;
	struct l2tp_bytes calling_number;
	struct l2tp_bytes sub_address;
	uint32_t tx_connect_speed;
	uint32_t physical_channel_id;
	struct l2tp_bytes initial_received_lcp_confreq;
	struct l2tp_bytes last_sent_lcp_confreq;
	struct l2tp_bytes last_received_lcp_confreq;
	uint16_t proxy_authen_type;
	struct l2tp_bytes proxy_authen_name;
	struct l2tp_bytes proxy_authen_challenge;
	uint8_t proxy_authen_id;
	struct l2tp_bytes proxy_authen_response;
	struct l2tp_call_errors call_errors;
	uint32_t send_accm;
	uint32_t receive_accm;
	struct l2tp_bytes private_group_id;
	uint32_t rx_connect_speed;
	/* Sequencing Required has no value: its present bit says it all. */

	/* Decoding only: unhidden byte values; not cleared between uses. */
	size_t store_used;
	uint8_t store[L2TP_MSG_HIDDEN_STORE];
};

static inline bool l2tp_msg_has(const struct l2tp_msg *m, uint16_t avp_type)
{
	return avp_type < 64 && (m->present >> avp_type & 1);
}

static inline void l2tp_msg_set(struct l2tp_msg *m, uint16_t avp_type)
{
	if (avp_type < 64)
		m->present |= (uint64_t)1 << avp_type;
}

/* Clears a message for filling in before l2tp_msg_encode. */
void l2tp_msg_init(struct l2tp_msg *m, uint16_t type);

/* What went wrong, for logs and for the answer to the peer. */
struct l2tp_decode_err {
	int status;	     /* the value returned */
	size_t offset;	     /* byte offset in the packet */
	uint16_t msg_type;   /* when known */
	uint16_t avp_type;   /* AVP errors */
	uint16_t avp_vendor; /* AVP errors */
	bool session_scoped; /* unknown M AVP: tear the session, not tunnel */
};

/*
 * Decodes one control message. `secret` (NUL-terminated, may be NULL) is
 * needed only when AVPs arrive hidden. Returns L2TP_OK (check out->zlb),
 * L2TP_IGNORE, or an error; err (may be NULL) says where. out->hdr is valid
 * whenever header parsing succeeded, so a caller can still acknowledge
 * messages it rejects for their content.
 *
 * Decisions beyond RFC 2661: a known AVP appearing twice is malformed
 * (only Random Vector may repeat, each applying to the hidden AVPs after
 * it); an AVP the RFC says must not be hidden arriving hidden is malformed;
 * a wrong M bit on a known AVP is accepted; a vendor AVP (any vendor,
 * including Microsoft's 311) is unknown: ignored without M, reported
 * with M.
 */
int l2tp_msg_decode(const uint8_t *pkt, size_t len, const char *secret,
		    struct l2tp_msg *out, struct l2tp_decode_err *err);

/* How to hide AVPs on encode (RFC 2661 4.3). */
struct l2tp_hide_opts {
	const char *secret; /* NUL-terminated, 1..L2TP_SECRET_MAX bytes */
	uint64_t avps;	    /* bit n: hide AVP type n (must be hideable) */
	size_t rv_len;	    /* Random Vector length; 0: 16 bytes */
	/* Fills out with len random bytes. */
	void (*random)(void *arg, uint8_t *out, size_t len);
	void *random_arg;
};

/*
 * Appends m as a control message at w's end: header (Ns and Nr zero, Length
 * set), Message Type first (RFC 2661 4.4.1), then the present AVPs by
 * ascending type, one Random Vector placed before the first hidden AVP.
 * A ZLB (m->zlb or type 0) is the header alone. hide may be NULL.
 * Returns L2TP_OK or a negative enum l2tp_status; a value breaking its
 * AVP's length rule is L2TP_ERR_AVP_VALUE_LENGTH, and w's length is then
 * restored.
 */
int l2tp_msg_encode(struct wbuf *w, const struct l2tp_msg *m,
		    uint16_t tunnel_id, uint16_t session_id,
		    const struct l2tp_hide_opts *hide);

/*
 * RFC 2661 6: checks that every AVP the message type requires is present.
 * Returns 0, or -1 with *missing set to the first missing AVP type (the
 * FSM answers with result 2, error L2TP_ERROR_VENDOR_SPECIFIC and a
 * message naming l2tp_avp_name(*missing)). Unknown types require nothing.
 */
int l2tp_msg_check_required(const struct l2tp_msg *m, uint16_t *missing);

/* Mask of the AVP types RFC 2661 6 requires in a message type. */
uint64_t l2tp_msg_required_avps(uint16_t type);

/*
 * RFC 2661 3.2: messages about one session (ICRQ..CDN, WEN, SLI) as
 * opposed to the tunnel (SCCRQ..StopCCN, HELLO).
 */
bool l2tp_msg_type_session_scoped(uint16_t type);

/* Type, presence and every present value equal (hdr, hidden, RV ignored). */
bool l2tp_msg_equal(const struct l2tp_msg *a, const struct l2tp_msg *b);

#endif
