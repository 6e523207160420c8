/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IPC protocol between a daemon and the vpnsuite pppd plugin.
 *
 * One message per SOCK_SEQPACKET record (so records never merge or split):
 *
 *   u8  version   PPP_IPC_VERSION
 *   u8  type      enum ppp_ipc_type
 *   u16 length    of the whole record, header included
 *   u32 seq       a request's number, echoed by its reply
 *   attributes    u8 tag, u8 length, value; unknown tags are skipped so
 *                 either side may add attributes without breaking the other
 *
 * The plugin reports (HELLO, PHASE, IP_UP, IP_DOWN, EXIT) and asks (AUTH,
 * PASSWD); the daemon answers the questions. The daemon is the single source
 * of truth for sessions: user, addresses, interface, state.
 *
 * Both sides are shared code: the plugin links ppp/pppd/ipc.c and
 * lib/buf.c, nothing else of lib/ or ppp/.
 */
#ifndef VPNSUITE_PPP_IPC_H
#define VPNSUITE_PPP_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PPP_IPC_VERSION	      1
#define PPP_IPC_MAX_RECORD    1024
#define PPP_IPC_HDR_LEN	      8
#define PPP_IPC_MAX_NAME      255 /* user names, passwords, messages */
#define PPP_IPC_MAX_IFNAME    15
#define PPP_IPC_MAX_CHALLENGE 64
#define PPP_IPC_MAX_RESPONSE  255 /* PAP passwords up to pppd's limit */
#define PPP_IPC_KEY_LEN	      16

enum ppp_ipc_type {
	PPP_IPC_HELLO = 1,	/* plugin -> daemon: pid */
	PPP_IPC_PHASE,		/* plugin -> daemon: phase */
	PPP_IPC_IP_UP,		/* plugin -> daemon: ifname, local, remote */
	PPP_IPC_IP_DOWN,	/* plugin -> daemon */
	PPP_IPC_EXIT,		/* plugin -> daemon: status, message */
	PPP_IPC_AUTH_REQUEST,	/* plugin -> daemon: method, user, ... */
	PPP_IPC_AUTH_REPLY,	/* daemon -> plugin: result, message, keys */
	PPP_IPC_PASSWD_REQUEST, /* plugin -> daemon: user (client side) */
	PPP_IPC_PASSWD_REPLY,	/* daemon -> plugin: user, password */
	PPP_IPC_TYPE_MAX,
};

enum ppp_ipc_auth_method {
	PPP_IPC_AUTH_PAP = 1,
	PPP_IPC_AUTH_CHAP_MD5,
	PPP_IPC_AUTH_MSCHAPV2,
};

/* Attribute tags. */
enum ppp_ipc_tag {
	PPP_IPC_T_PID = 1,     /* u32 */
	PPP_IPC_T_PHASE,       /* u32 */
	PPP_IPC_T_IFNAME,      /* string */
	PPP_IPC_T_LOCAL_ADDR,  /* u32, IPv4 host order */
	PPP_IPC_T_REMOTE_ADDR, /* u32, IPv4 host order */
	PPP_IPC_T_STATUS,      /* u32: pppd exit status */
	PPP_IPC_T_MESSAGE,     /* string */
	PPP_IPC_T_METHOD,      /* u8: enum ppp_ipc_auth_method */
	PPP_IPC_T_USER,	       /* string */
	PPP_IPC_T_CHAP_ID,     /* u8 */
	PPP_IPC_T_CHALLENGE,   /* bytes */
	PPP_IPC_T_RESPONSE,    /* bytes (PAP: the password) */
	PPP_IPC_T_RESULT,      /* u8: 0 success, 1 failure */
	PPP_IPC_T_SEND_KEY,    /* 16 bytes: MPPE send start key */
	PPP_IPC_T_RECV_KEY,    /* 16 bytes: MPPE receive start key */
	PPP_IPC_T_PASSWORD,    /* string */
	PPP_IPC_T_OURNAME,     /* string: our CHAP name */
};

/* Presence bits for struct ppp_ipc_msg. */
#define PPP_IPC_HAS(tag) (1u << (tag))

struct ppp_ipc_msg {
	uint8_t type;
	uint32_t seq;
	uint32_t present; /* PPP_IPC_HAS(tag) bits */
	uint32_t pid;
	uint32_t phase;
	uint32_t status;
	uint32_t local_addr;
	uint32_t remote_addr;
	uint8_t method;
	uint8_t chap_id;
	uint8_t result;
	uint8_t challenge_len;
	uint8_t response_len;
	char ifname[PPP_IPC_MAX_IFNAME + 1];
	char message[PPP_IPC_MAX_NAME + 1];
	char user[PPP_IPC_MAX_NAME + 1];
	char ourname[PPP_IPC_MAX_NAME + 1];
	char password[PPP_IPC_MAX_NAME + 1];
	uint8_t challenge[PPP_IPC_MAX_CHALLENGE];
	uint8_t response[PPP_IPC_MAX_RESPONSE];
	uint8_t send_key[PPP_IPC_KEY_LEN];
	uint8_t recv_key[PPP_IPC_KEY_LEN];
};

void ppp_ipc_msg_init(struct ppp_ipc_msg *m, enum ppp_ipc_type type,
		      uint32_t seq);
/* Setters mark the attribute present; strings longer than the field fail. */
int ppp_ipc_set_u32(struct ppp_ipc_msg *m, enum ppp_ipc_tag tag, uint32_t v);
int ppp_ipc_set_str(struct ppp_ipc_msg *m, enum ppp_ipc_tag tag, const char *s);
int ppp_ipc_set_bytes(struct ppp_ipc_msg *m, enum ppp_ipc_tag tag,
		      const void *p, size_t len);
static inline bool ppp_ipc_has(const struct ppp_ipc_msg *m,
			       enum ppp_ipc_tag tag)
{
	return m->present & PPP_IPC_HAS(tag);
}

/* Encodes into out; returns the record length or -1 if it does not fit. */
int ppp_ipc_encode(const struct ppp_ipc_msg *m, uint8_t *out, size_t cap);
/*
 * Decodes one record. Returns 0, or -1 with a reason in err: wrong version,
 * length field disagreeing with the record, unknown type, an attribute
 * running past the end or of the wrong size for its tag.
 */
int ppp_ipc_decode(const uint8_t *rec, size_t len, struct ppp_ipc_msg *m,
		   char *err, size_t errlen);
const char *ppp_ipc_type_name(unsigned type);

#endif
