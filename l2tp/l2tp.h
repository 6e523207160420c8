/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * L2TP version 2 protocol numbers (RFC 2661): header bits, control message
 * types, AVP types, and the result and error codes of StopCCN and CDN.
 * The names in words for logs are implemented in msg.c (message types,
 * result and error codes) and avp.c (AVP names).
 */
#ifndef VPNSUITE_L2TP_H
#define VPNSUITE_L2TP_H

#include <stdint.h>

#define L2TP_UDP_PORT 1701

/* RFC 2661 3.1: first 16 bits of every L2TP header. */
#define L2TP_HDR_T	   0x8000 /* control message */
#define L2TP_HDR_L	   0x4000 /* Length field present */
#define L2TP_HDR_S	   0x0800 /* Ns and Nr present */
#define L2TP_HDR_O	   0x0200 /* Offset Size present */
#define L2TP_HDR_P	   0x0100 /* priority (data messages only) */
#define L2TP_HDR_VER_MASK  0x000f
#define L2TP_HDR_RESERVED  0x34f0 /* the x bits: sent 0, ignored on receipt */
#define L2TP_VERSION	   2
#define L2TP_VERSION_L2F   1 /* RFC 2661 3.1: lets L2F packets be told apart */
#define L2TP_VERSION_3	   3 /* RFC 3931 header: not ours */
#define L2TP_HDR_CTRL_BITS (L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S | L2TP_VERSION)

/*
 * The control header we send is always 12 bytes with this fixed layout, so
 * the reliable-delivery engine can patch Length, Ns and Nr in place.
 */
#define L2TP_CTRL_HDR_LEN     12
#define L2TP_CTRL_OFF_LENGTH  2
#define L2TP_CTRL_OFF_TUNNEL  4
#define L2TP_CTRL_OFF_SESSION 6
#define L2TP_CTRL_OFF_NS      8
#define L2TP_CTRL_OFF_NR      10

/* RFC 2661 4.1: AVP header. */
#define L2TP_AVP_M	   0x8000
#define L2TP_AVP_H	   0x4000
#define L2TP_AVP_RESERVED  0x3c00
#define L2TP_AVP_LEN_MASK  0x03ff
#define L2TP_AVP_HDR_LEN   6
#define L2TP_AVP_MAX_LEN   1023
#define L2TP_AVP_MAX_VALUE (L2TP_AVP_MAX_LEN - L2TP_AVP_HDR_LEN)
/* RFC 2661 4.3: a hidden value carries its 2-byte original length first. */
#define L2TP_AVP_MAX_HIDDEN_VALUE (L2TP_AVP_MAX_VALUE - 2)
#define L2TP_VENDOR_IETF	  0

/* RFC 2661 3.2: control message types (Message Type AVP value). */
enum l2tp_msg_type {
	L2TP_MSG_ZLB = 0, /* not on the wire: a header with no AVPs (5.8) */
	L2TP_MSG_SCCRQ = 1,
	L2TP_MSG_SCCRP = 2,
	L2TP_MSG_SCCCN = 3,
	L2TP_MSG_STOPCCN = 4,
	/* 5 reserved */
	L2TP_MSG_HELLO = 6,
	L2TP_MSG_OCRQ = 7,
	L2TP_MSG_OCRP = 8,
	L2TP_MSG_OCCN = 9,
	L2TP_MSG_ICRQ = 10,
	L2TP_MSG_ICRP = 11,
	L2TP_MSG_ICCN = 12,
	/* 13 reserved */
	L2TP_MSG_CDN = 14,
	L2TP_MSG_WEN = 15,
	L2TP_MSG_SLI = 16,
	L2TP_MSG_TYPE_MAX = 16,
};

/* RFC 2661 4.4: AVP attribute types of vendor 0 (20 is unassigned). */
enum l2tp_avp_type {
	L2TP_AVP_MESSAGE_TYPE = 0,
	L2TP_AVP_RESULT_CODE = 1,
	L2TP_AVP_PROTOCOL_VERSION = 2,
	L2TP_AVP_FRAMING_CAPABILITIES = 3,
	L2TP_AVP_BEARER_CAPABILITIES = 4,
	L2TP_AVP_TIE_BREAKER = 5,
	L2TP_AVP_FIRMWARE_REVISION = 6,
	L2TP_AVP_HOST_NAME = 7,
	L2TP_AVP_VENDOR_NAME = 8,
	L2TP_AVP_ASSIGNED_TUNNEL_ID = 9,
	L2TP_AVP_RECEIVE_WINDOW_SIZE = 10,
	L2TP_AVP_CHALLENGE = 11,
	L2TP_AVP_Q931_CAUSE_CODE = 12,
	L2TP_AVP_CHALLENGE_RESPONSE = 13,
	L2TP_AVP_ASSIGNED_SESSION_ID = 14,
	L2TP_AVP_CALL_SERIAL_NUMBER = 15,
	L2TP_AVP_MINIMUM_BPS = 16,
	L2TP_AVP_MAXIMUM_BPS = 17,
	L2TP_AVP_BEARER_TYPE = 18,
	L2TP_AVP_FRAMING_TYPE = 19,
	L2TP_AVP_CALLED_NUMBER = 21,
	L2TP_AVP_CALLING_NUMBER = 22,
	L2TP_AVP_SUB_ADDRESS = 23,
	L2TP_AVP_TX_CONNECT_SPEED = 24,
	L2TP_AVP_PHYSICAL_CHANNEL_ID = 25,
	L2TP_AVP_INITIAL_RECEIVED_LCP_CONFREQ = 26,
	L2TP_AVP_LAST_SENT_LCP_CONFREQ = 27,
	L2TP_AVP_LAST_RECEIVED_LCP_CONFREQ = 28,
	L2TP_AVP_PROXY_AUTHEN_TYPE = 29,
	L2TP_AVP_PROXY_AUTHEN_NAME = 30,
	L2TP_AVP_PROXY_AUTHEN_CHALLENGE = 31,
	L2TP_AVP_PROXY_AUTHEN_ID = 32,
	L2TP_AVP_PROXY_AUTHEN_RESPONSE = 33,
	L2TP_AVP_CALL_ERRORS = 34,
	L2TP_AVP_ACCM = 35,
	L2TP_AVP_RANDOM_VECTOR = 36,
	L2TP_AVP_PRIVATE_GROUP_ID = 37,
	L2TP_AVP_RX_CONNECT_SPEED = 38,
	L2TP_AVP_SEQUENCING_REQUIRED = 39,
	L2TP_AVP_TYPE_MAX = 39,
};

/* RFC 2661 4.4.3: Framing Capabilities/Type and Bearer Capabilities/Type. */
#define L2TP_FRAMING_SYNC   0x00000001
#define L2TP_FRAMING_ASYNC  0x00000002
#define L2TP_BEARER_DIGITAL 0x00000001
#define L2TP_BEARER_ANALOG  0x00000002

/* RFC 2661 4.4.5: Proxy Authen Type values. */
enum l2tp_proxy_authen_type {
	L2TP_PROXY_AUTHEN_RESERVED = 0,
	L2TP_PROXY_AUTHEN_TEXTUAL = 1,
	L2TP_PROXY_AUTHEN_CHAP = 2,
	L2TP_PROXY_AUTHEN_PAP = 3,
	L2TP_PROXY_AUTHEN_NONE = 4,
	L2TP_PROXY_AUTHEN_MSCHAPV1 = 5,
};

/* RFC 2661 4.4.2: Result Code values in a StopCCN. */
enum l2tp_stopccn_result {
	L2TP_STOPCCN_RESULT_CLEAR = 1,
	L2TP_STOPCCN_RESULT_GENERAL_ERROR = 2,
	L2TP_STOPCCN_RESULT_ALREADY_EXISTS = 3,
	L2TP_STOPCCN_RESULT_NOT_AUTHORIZED = 4,
	L2TP_STOPCCN_RESULT_BAD_PROTOCOL_VERSION = 5,
	L2TP_STOPCCN_RESULT_SHUTTING_DOWN = 6,
	L2TP_STOPCCN_RESULT_FSM_ERROR = 7,
};

/* RFC 2661 4.4.2: Result Code values in a CDN. */
enum l2tp_cdn_result {
	L2TP_CDN_RESULT_LOST_CARRIER = 1,
	L2TP_CDN_RESULT_GENERAL_ERROR = 2,
	L2TP_CDN_RESULT_ADMIN = 3,
	L2TP_CDN_RESULT_NO_FACILITIES_TEMPORARY = 4,
	L2TP_CDN_RESULT_NO_FACILITIES_PERMANENT = 5,
	L2TP_CDN_RESULT_INVALID_DESTINATION = 6,
	L2TP_CDN_RESULT_NO_CARRIER = 7,
	L2TP_CDN_RESULT_BUSY = 8,
	L2TP_CDN_RESULT_NO_DIAL_TONE = 9,
	L2TP_CDN_RESULT_TIMEOUT = 10,
	L2TP_CDN_RESULT_NO_FRAMING = 11,
};

/*
 * RFC 2661 4.4.2: General Error Codes, carried with result code 2 of either
 * message. RFC 2661 has no code for "a required AVP is missing"; like other
 * implementations we answer that with L2TP_ERROR_VENDOR_SPECIFIC and an
 * error message naming the missing AVP.
 */
enum l2tp_error_code {
	L2TP_ERROR_NONE = 0,
	L2TP_ERROR_NO_CONTROL_CONNECTION = 1,
	L2TP_ERROR_BAD_LENGTH = 2,
	L2TP_ERROR_BAD_VALUE = 3,
	L2TP_ERROR_NO_RESOURCES = 4,
	L2TP_ERROR_BAD_SESSION_ID = 5,
	L2TP_ERROR_VENDOR_SPECIFIC = 6,
	L2TP_ERROR_TRY_ANOTHER = 7,
	L2TP_ERROR_UNKNOWN_MANDATORY_AVP = 8,
};

/* "SCCRQ", "StopCCN", ...; "unknown" for anything else. */
const char *l2tp_msg_type_name(uint16_t type);
/*
 * The RFC's words for a result code: StopCCN and CDN have different tables
 * (any other message type uses the CDN table if session-scoped, else the
 * StopCCN one). Never NULL.
 */
const char *l2tp_result_text(uint16_t msg_type, uint16_t result_code);
/* The RFC's words for a General Error Code. Never NULL. */
const char *l2tp_error_text(uint16_t error_code);

#endif
