/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PPTP control messages (RFC 2637 section 2): one typed struct per message,
 * encoding to and decoding from the fixed-size wire layout, and a framer
 * that cuts the TCP byte stream into whole messages.
 *
 * Strings are the fixed-size, NUL-padded fields of the RFC. Decoded strings
 * are always NUL-terminated (the structs hold one byte more than the wire
 * field), also when the peer filled the field to the last byte.
 */
#ifndef VPNSUITE_PPTP_MSG_H
#define VPNSUITE_PPTP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "pptp/pptp.h"

struct pptp_sccrq {
	uint16_t version;
	uint32_t framing_caps;
	uint32_t bearer_caps;
	uint16_t max_channels;
	uint16_t firmware_rev;
	char host_name[PPTP_HOST_NAME_LEN + 1];
	char vendor[PPTP_VENDOR_LEN + 1];
};

struct pptp_sccrp {
	uint16_t version;
	uint8_t result;
	uint8_t error;
	uint32_t framing_caps;
	uint32_t bearer_caps;
	uint16_t max_channels;
	uint16_t firmware_rev;
	char host_name[PPTP_HOST_NAME_LEN + 1];
	char vendor[PPTP_VENDOR_LEN + 1];
};

struct pptp_stopccrq {
	uint8_t reason;
};

struct pptp_stopccrp {
	uint8_t result;
	uint8_t error;
};

struct pptp_echo_request {
	uint32_t id;
};

struct pptp_echo_reply {
	uint32_t id;
	uint8_t result;
	uint8_t error;
};

struct pptp_ocrq {
	uint16_t call_id;
	uint16_t call_serial;
	uint32_t min_bps;
	uint32_t max_bps;
	uint32_t bearer_type;
	uint32_t framing_type;
	uint16_t recv_window;
	uint16_t processing_delay;
	uint16_t phone_number_len;
	char phone_number[PPTP_PHONE_LEN + 1];
	char subaddress[PPTP_SUBADDRESS_LEN + 1];
};

struct pptp_ocrp {
	uint16_t call_id;
	uint16_t peer_call_id;
	uint8_t result;
	uint8_t error;
	uint16_t cause;
	uint32_t connect_speed;
	uint16_t recv_window;
	uint16_t processing_delay;
	uint32_t physical_channel;
};

struct pptp_icrq {
	uint16_t call_id;
	uint16_t call_serial;
	uint32_t bearer_type;
	uint32_t physical_channel;
	uint16_t dialed_number_len;
	uint16_t dialing_number_len;
	char dialed_number[PPTP_PHONE_LEN + 1];
	char dialing_number[PPTP_PHONE_LEN + 1];
	char subaddress[PPTP_SUBADDRESS_LEN + 1];
};

struct pptp_icrp {
	uint16_t call_id;
	uint16_t peer_call_id;
	uint8_t result;
	uint8_t error;
	uint16_t recv_window;
	uint16_t transmit_delay;
};

struct pptp_iccn {
	uint16_t peer_call_id;
	uint32_t connect_speed;
	uint16_t recv_window;
	uint16_t transmit_delay;
	uint32_t framing_type;
};

struct pptp_ccrq {
	uint16_t call_id;
};

struct pptp_cdn {
	uint16_t call_id;
	uint8_t result;
	uint8_t error;
	uint16_t cause;
	char call_stats[PPTP_CALL_STATS_LEN + 1];
};

struct pptp_wen {
	uint16_t peer_call_id;
	uint32_t crc_errors;
	uint32_t framing_errors;
	uint32_t hardware_overruns;
	uint32_t buffer_overruns;
	uint32_t timeout_errors;
	uint32_t alignment_errors;
};

struct pptp_sli {
	uint16_t peer_call_id;
	uint32_t send_accm;
	uint32_t recv_accm;
};

struct pptp_msg {
	uint16_t type; /* enum pptp_msg_type */
	union {
		struct pptp_sccrq sccrq;
		struct pptp_sccrp sccrp;
		struct pptp_stopccrq stopccrq;
		struct pptp_stopccrp stopccrp;
		struct pptp_echo_request echo_request;
		struct pptp_echo_reply echo_reply;
		struct pptp_ocrq ocrq;
		struct pptp_ocrp ocrp;
		struct pptp_icrq icrq;
		struct pptp_icrp icrp;
		struct pptp_iccn iccn;
		struct pptp_ccrq ccrq;
		struct pptp_cdn cdn;
		struct pptp_wen wen;
		struct pptp_sli sli;
	};
};

/* Why a message was refused; all negative so callers may test `< 0`. */
enum pptp_msg_status {
	PPTP_MSG_OK = 0,
	PPTP_MSG_ETRUNCATED = -1, /* fewer bytes than the Length field */
	PPTP_MSG_ELENGTH = -2,	  /* Length disagrees with type or input */
	PPTP_MSG_EMSGTYPE = -3,	  /* PPTP Message Type is not 1 (control) */
	PPTP_MSG_ECOOKIE = -4,	  /* Magic Cookie is not 0x1A2B3C4D */
	PPTP_MSG_EUNKNOWN = -5,	  /* unknown Control Message Type */
	PPTP_MSG_ERESERVED = -6,  /* a Reserved field is not zero */
	PPTP_MSG_ENOSPACE = -7,	  /* encode: output buffer too small */
};

const char *pptp_msg_strerror(int status);

/* Exact wire size of a control message type, 0 for an unknown type. */
size_t pptp_msg_size(unsigned int type);

/*
 * Appends the encoded message (header included) to w. Returns PPTP_MSG_OK,
 * PPTP_MSG_EUNKNOWN for a bad m->type or PPTP_MSG_ENOSPACE (w unchanged).
 * Reserved fields are written as zero; strings are cut at their field size.
 */
int pptp_msg_encode(const struct pptp_msg *m, struct wbuf *w);

/*
 * Decodes one whole message of exactly len bytes (as the framer yields it).
 * RFC 2637 2.1-2.15: the Length must equal both len and the fixed size of
 * the type, the cookie must match, Reserved fields must be zero.
 * On error *m is left zeroed apart from m->type when it was readable.
 */
int pptp_msg_decode(const void *data, size_t len, struct pptp_msg *m);

/*
 * Stream framer. TCP hands over bytes in arbitrary pieces; the framer keeps
 * at most one partial message (PPTP_MAX_MSG_LEN bytes) and yields whole ones.
 */
struct pptp_framer {
	uint8_t buf[PPTP_MAX_MSG_LEN];
	size_t have;
	bool failed;
};

enum pptp_frame_status {
	PPTP_FRAME_NEED_MORE = 0, /* all input consumed, no whole message */
	PPTP_FRAME_MESSAGE = 1,	  /* *msg / *msg_len hold one message */
	PPTP_FRAME_ERROR = -1,	  /* impossible Length: close the connection */
};

void pptp_framer_init(struct pptp_framer *f);

/*
 * Consumes bytes from *data / *len (advancing them) until one message is
 * complete. The message stays valid until the next call. Once an error was
 * returned, every later call returns it again: the stream cannot resync.
 */
enum pptp_frame_status pptp_framer_next(struct pptp_framer *f,
					const uint8_t **data, size_t *len,
					const uint8_t **msg, size_t *msg_len);

#endif
