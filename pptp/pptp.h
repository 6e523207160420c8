/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PPTP (RFC 2637) protocol constants: control message types, result and
 * error codes, with names in words for log lines.
 */
#ifndef VPNSUITE_PPTP_H
#define VPNSUITE_PPTP_H

#include <stdint.h>

#define PPTP_TCP_PORT	  1723
#define PPTP_MAGIC_COOKIE 0x1A2B3C4Du
/* RFC 2637 2.1: PPTP Message Type 1 is control, 2 (management) is unused. */
#define PPTP_MESSAGE_CONTROL	1
#define PPTP_MESSAGE_MANAGEMENT 2
/* Version 1, revision 0 (RFC 2637 2.1). */
#define PPTP_PROTOCOL_VERSION 0x0100

#define PPTP_HEADER_LEN 12
/* Incoming-Call-Request is the longest control message. */
#define PPTP_MAX_MSG_LEN 220
/* The shortest message that is answered: Echo-Request. */
#define PPTP_MIN_ANSWERED_LEN 16

#define PPTP_HOST_NAME_LEN  64
#define PPTP_VENDOR_LEN	    64
#define PPTP_PHONE_LEN	    64
#define PPTP_SUBADDRESS_LEN 64
#define PPTP_CALL_STATS_LEN 128

/* Control Message Type (RFC 2637 1.4). */
enum pptp_msg_type {
	PPTP_SCCRQ = 1,
	PPTP_SCCRP = 2,
	PPTP_STOPCCRQ = 3,
	PPTP_STOPCCRP = 4,
	PPTP_ECHO_REQUEST = 5,
	PPTP_ECHO_REPLY = 6,
	PPTP_OCRQ = 7,
	PPTP_OCRP = 8,
	PPTP_ICRQ = 9,
	PPTP_ICRP = 10,
	PPTP_ICCN = 11,
	PPTP_CCRQ = 12,
	PPTP_CDN = 13,
	PPTP_WEN = 14,
	PPTP_SLI = 15,
};
#define PPTP_MSG_TYPE_MAX PPTP_SLI

/* Framing and bearer capabilities / types (RFC 2637 2.1, 2.7). */
#define PPTP_FRAMING_ASYNC  1
#define PPTP_FRAMING_SYNC   2
#define PPTP_FRAMING_ANY    3
#define PPTP_BEARER_ANALOG  1
#define PPTP_BEARER_DIGITAL 2
#define PPTP_BEARER_ANY	    3

/* Start-Control-Connection-Reply Result Code (RFC 2637 2.2). */
enum pptp_sccrp_result {
	PPTP_SCCRP_SUCCESS = 1,
	PPTP_SCCRP_GENERAL_ERROR = 2,
	PPTP_SCCRP_CHANNEL_EXISTS = 3,
	PPTP_SCCRP_NOT_AUTHORIZED = 4,
	PPTP_SCCRP_BAD_VERSION = 5,
};

/* Stop-Control-Connection-Request Reason (RFC 2637 2.3). */
enum pptp_stopccrq_reason {
	PPTP_STOP_NONE = 1,
	PPTP_STOP_PROTOCOL = 2,
	PPTP_STOP_LOCAL_SHUTDOWN = 3,
};

/* Stop-Control-Connection-Reply Result Code (RFC 2637 2.4). */
enum pptp_stopccrp_result {
	PPTP_STOPCCRP_OK = 1,
	PPTP_STOPCCRP_GENERAL_ERROR = 2,
};

/* Echo-Reply Result Code (RFC 2637 2.6). */
enum pptp_echo_result {
	PPTP_ECHO_OK = 1,
	PPTP_ECHO_GENERAL_ERROR = 2,
};

/* Outgoing-Call-Reply Result Code (RFC 2637 2.8). */
enum pptp_ocrp_result {
	PPTP_OCRP_CONNECTED = 1,
	PPTP_OCRP_GENERAL_ERROR = 2,
	PPTP_OCRP_NO_CARRIER = 3,
	PPTP_OCRP_BUSY = 4,
	PPTP_OCRP_NO_DIAL_TONE = 5,
	PPTP_OCRP_TIMEOUT = 6,
	PPTP_OCRP_DO_NOT_ACCEPT = 7,
};

/* Incoming-Call-Reply Result Code (RFC 2637 2.10). */
enum pptp_icrp_result {
	PPTP_ICRP_CONNECT = 1,
	PPTP_ICRP_GENERAL_ERROR = 2,
	PPTP_ICRP_DO_NOT_ACCEPT = 3,
};

/* Call-Disconnect-Notify Result Code (RFC 2637 2.13). */
enum pptp_cdn_result {
	PPTP_CDN_LOST_CARRIER = 1,
	PPTP_CDN_GENERAL_ERROR = 2,
	PPTP_CDN_ADMIN_SHUTDOWN = 3,
	PPTP_CDN_REQUEST = 4,
};

/* General Error Codes (RFC 2637 2.16). */
enum pptp_error {
	PPTP_ERROR_NONE = 0,
	PPTP_ERROR_NOT_CONNECTED = 1,
	PPTP_ERROR_BAD_FORMAT = 2,
	PPTP_ERROR_BAD_VALUE = 3,
	PPTP_ERROR_NO_RESOURCE = 4,
	PPTP_ERROR_BAD_CALL_ID = 5,
	PPTP_ERROR_PAC_ERROR = 6,
};

/*
 * Names for log lines. Every function returns a string for any value; codes
 * outside the RFC's table read "unknown".
 */
const char *pptp_msg_type_name(unsigned int type);
/* Short form used in logs: "SCCRQ", "OCRP", ... */
const char *pptp_msg_type_abbrev(unsigned int type);
const char *pptp_sccrp_result_name(unsigned int result);
const char *pptp_stopccrq_reason_name(unsigned int reason);
const char *pptp_stopccrp_result_name(unsigned int result);
const char *pptp_echo_result_name(unsigned int result);
const char *pptp_ocrp_result_name(unsigned int result);
const char *pptp_icrp_result_name(unsigned int result);
const char *pptp_cdn_result_name(unsigned int result);
const char *pptp_error_name(unsigned int error);

#endif
