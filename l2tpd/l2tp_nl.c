// SPDX-License-Identifier: GPL-2.0-or-later
#include "l2tpd/l2tp_nl.h"
#include "lib/errbuf.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/l2tp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/nl.h"

struct l2tp_nl {
	struct nl_sock nl;
	uint16_t family;
};

static struct nlmsghdr *genl_start(void *buf, uint16_t type, uint16_t flags,
				   uint32_t seq, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *l2tp_nl_build_tunnel_create(void *buf, uint16_t family,
					     uint32_t seq, uint16_t tunnel_id,
					     uint16_t peer_tunnel_id,
					     int udp_fd)
{
	struct nlmsghdr *nlh =
		genl_start(buf, family, NLM_F_ACK, seq, L2TP_CMD_TUNNEL_CREATE,
			   L2TP_GENL_VERSION);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tunnel_id);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_CONN_ID, peer_tunnel_id);
	mnl_attr_put_u8(nlh, L2TP_ATTR_PROTO_VERSION, 2);
	mnl_attr_put_u16(nlh, L2TP_ATTR_ENCAP_TYPE, L2TP_ENCAPTYPE_UDP);
	mnl_attr_put_u32(nlh, L2TP_ATTR_FD, (uint32_t)udp_fd);
	return nlh;
}

struct nlmsghdr *l2tp_nl_build_session_create(void *buf, uint16_t family,
					      uint32_t seq, uint16_t tunnel_id,
					      uint16_t session_id,
					      uint16_t peer_session_id)
{
	struct nlmsghdr *nlh =
		genl_start(buf, family, NLM_F_ACK, seq, L2TP_CMD_SESSION_CREATE,
			   L2TP_GENL_VERSION);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tunnel_id);
	mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, session_id);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_SESSION_ID, peer_session_id);
	mnl_attr_put_u16(nlh, L2TP_ATTR_PW_TYPE, L2TP_PWTYPE_PPP);
	return nlh;
}

struct nlmsghdr *l2tp_nl_build_id_request(void *buf, uint16_t family,
					  uint32_t seq, uint8_t cmd,
					  uint16_t tunnel_id,
					  uint16_t session_id)
{
	struct nlmsghdr *nlh =
		genl_start(buf, family, NLM_F_ACK, seq, cmd, L2TP_GENL_VERSION);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tunnel_id);
	if (cmd == L2TP_CMD_SESSION_DELETE || cmd == L2TP_CMD_SESSION_GET)
		mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, session_id);
	return nlh;
}

static int stats_attr_cb(const struct nlattr *attr, void *data)
{
	struct l2tp_nl_stats *st = data;
	uint64_t *field = NULL;

	switch (mnl_attr_get_type(attr)) {
	case L2TP_ATTR_TX_PACKETS:
		field = &st->tx_packets;
		break;
	case L2TP_ATTR_TX_BYTES:
		field = &st->tx_bytes;
		break;
	case L2TP_ATTR_TX_ERRORS:
		field = &st->tx_errors;
		break;
	case L2TP_ATTR_RX_PACKETS:
		field = &st->rx_packets;
		break;
	case L2TP_ATTR_RX_BYTES:
		field = &st->rx_bytes;
		break;
	case L2TP_ATTR_RX_ERRORS:
		field = &st->rx_errors;
		break;
	case L2TP_ATTR_RX_SEQ_DISCARDS:
		field = &st->rx_seq_discards;
		break;
	case L2TP_ATTR_RX_OOS_PACKETS:
		field = &st->rx_oos_packets;
		break;
	default:
		return MNL_CB_OK;
	}
	if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
		return MNL_CB_ERROR;
	*field = mnl_attr_get_u64(attr);
	return MNL_CB_OK;
}

static int top_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) != L2TP_ATTR_STATS)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return MNL_CB_ERROR;
	return mnl_attr_parse_nested(attr, stats_attr_cb, data);
}

int l2tp_nl_parse_stats(const struct nlmsghdr *nlh, struct l2tp_nl_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)))
		return -1;
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), top_attr_cb,
			      st) == MNL_CB_ERROR
		       ? -1
		       : 0;
}

struct session_ids {
	const struct nlattr *tunnel, *session;
};

static int ids_attr_cb(const struct nlattr *attr, void *data)
{
	struct session_ids *ids = data;

	switch (mnl_attr_get_type(attr)) {
	case L2TP_ATTR_CONN_ID:
		ids->tunnel = attr;
		break;
	case L2TP_ATTR_SESSION_ID:
		ids->session = attr;
		break;
	default:
		return MNL_CB_OK;
	}
	return mnl_attr_validate(attr, MNL_TYPE_U32) < 0 ? MNL_CB_ERROR
							 : MNL_CB_OK;
}

int l2tp_nl_parse_session(const struct nlmsghdr *nlh, uint16_t *tunnel_id,
			  uint16_t *session_id, struct l2tp_nl_stats *st)
{
	struct session_ids ids = {0};
	uint32_t t, s;

	if (l2tp_nl_parse_stats(nlh, st) ||
	    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), ids_attr_cb, &ids) ==
		    MNL_CB_ERROR ||
	    !ids.tunnel || !ids.session)
		return -1;
	t = mnl_attr_get_u32(ids.tunnel);
	s = mnl_attr_get_u32(ids.session);
	if (!t || !s || t > UINT16_MAX || s > UINT16_MAX)
		return 1;
	*tunnel_id = (uint16_t)t;
	*session_id = (uint16_t)s;
	return 0;
}

struct dump_ctx {
	l2tp_nl_stats_fn fn;
	void *arg;
};

/* Never an error inside the dump: the rest of it would be left unread. */
static int data_cb_dump(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *c = data;
	struct l2tp_nl_stats st;
	uint16_t t, s;

	if (l2tp_nl_parse_session(nlh, &t, &s, &st) == 0)
		c->fn(c->arg, t, s, &st);
	return MNL_CB_OK;
}

static int data_cb_stats(const struct nlmsghdr *nlh, void *data)
{
	return l2tp_nl_parse_stats(nlh, data) ? MNL_CB_ERROR : MNL_CB_OK;
}

static int family_cb_attr(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
		*(uint16_t *)data = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_cb_attr, data);
	return MNL_CB_OK;
}

struct l2tp_nl *l2tp_nl_open(char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct l2tp_nl *nl = calloc(1, sizeof(*nl));
	uint16_t family = 0;
	int r;

	if (!nl) {
		errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	if (nl_sock_open(&nl->nl, NETLINK_GENERIC, err, errlen))
		goto err_free;
	nlh = genl_start(buf, GENL_ID_CTRL, NLM_F_ACK, ++nl->nl.seq,
			 CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L2TP_GENL_NAME);
	r = nl_sock_transact(&nl->nl, nlh, family_cb, &family);
	if (r < 0 || !family) {
		errbuf_set(err, errlen,
			   "the kernel has no L2TP netlink family (%s): load "
			   "the l2tp_netlink and l2tp_ppp modules",
			   r < 0 ? strerror(-r) : "not found");
		goto err_close;
	}
	nl->family = family;
	return nl;

err_close:
	nl_sock_close(&nl->nl);
err_free:
	free(nl);
	return NULL;
}

void l2tp_nl_close(struct l2tp_nl *nl)
{
	if (!nl)
		return;
	nl_sock_close(&nl->nl);
	free(nl);
}

static int report(int r, char *err, size_t errlen, const char *what,
		  unsigned tunnel_id, unsigned session_id)
{
	if (r >= 0)
		return 0;
	if (session_id)
		errbuf_set(err, errlen,
			   "kernel %s of session %u in tunnel %u: %s", what,
			   session_id, tunnel_id, strerror(-r));
	else
		errbuf_set(err, errlen, "kernel %s of tunnel %u: %s", what,
			   tunnel_id, strerror(-r));
	errno = -r;
	return -1;
}

int l2tp_nl_tunnel_create(struct l2tp_nl *nl, uint16_t tunnel_id,
			  uint16_t peer_tunnel_id, int udp_fd, char *err,
			  size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh =
		l2tp_nl_build_tunnel_create(buf, nl->family, ++nl->nl.seq,
					    tunnel_id, peer_tunnel_id, udp_fd);

	return report(nl_sock_transact(&nl->nl, nlh, NULL, NULL), err, errlen,
		      "creation", tunnel_id, 0);
}

int l2tp_nl_tunnel_delete(struct l2tp_nl *nl, uint16_t tunnel_id, char *err,
			  size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh =
		l2tp_nl_build_id_request(buf, nl->family, ++nl->nl.seq,
					 L2TP_CMD_TUNNEL_DELETE, tunnel_id, 0);

	return report(nl_sock_transact(&nl->nl, nlh, NULL, NULL), err, errlen,
		      "deletion", tunnel_id, 0);
}

int l2tp_nl_session_create(struct l2tp_nl *nl, uint16_t tunnel_id,
			   uint16_t session_id, uint16_t peer_session_id,
			   char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = l2tp_nl_build_session_create(
		buf, nl->family, ++nl->nl.seq, tunnel_id, session_id,
		peer_session_id);

	return report(nl_sock_transact(&nl->nl, nlh, NULL, NULL), err, errlen,
		      "creation", tunnel_id, session_id);
}

int l2tp_nl_session_delete(struct l2tp_nl *nl, uint16_t tunnel_id,
			   uint16_t session_id, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = l2tp_nl_build_id_request(
		buf, nl->family, ++nl->nl.seq, L2TP_CMD_SESSION_DELETE,
		tunnel_id, session_id);

	return report(nl_sock_transact(&nl->nl, nlh, NULL, NULL), err, errlen,
		      "deletion", tunnel_id, session_id);
}

struct nlmsghdr *l2tp_nl_build_session_dump(void *buf, uint16_t family,
					    uint32_t seq)
{
	return genl_start(buf, family, NLM_F_DUMP, seq, L2TP_CMD_SESSION_GET,
			  L2TP_GENL_VERSION);
}

int l2tp_nl_session_stats_all(struct l2tp_nl *nl, l2tp_nl_stats_fn fn,
			      void *arg, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_ctx c = {fn, arg};
	struct nlmsghdr *nlh =
		l2tp_nl_build_session_dump(buf, nl->family, ++nl->nl.seq);
	int r = nl_sock_transact(&nl->nl, nlh, data_cb_dump, &c);

	if (r >= 0)
		return 0;
	errno = -r;
	return errbuf_set(err, errlen, "kernel session statistics: %s",
			  strerror(-r));
}

int l2tp_nl_session_stats(struct l2tp_nl *nl, uint16_t tunnel_id,
			  uint16_t session_id, struct l2tp_nl_stats *st,
			  char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = l2tp_nl_build_id_request(
		buf, nl->family, ++nl->nl.seq, L2TP_CMD_SESSION_GET, tunnel_id,
		session_id);

	memset(st, 0, sizeof(*st));
	return report(nl_sock_transact(&nl->nl, nlh, data_cb_stats, st), err,
		      errlen, "statistics", tunnel_id, session_id);
}
