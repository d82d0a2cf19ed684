/* UDP socket options, multicast membership and addresses; each needs the socket to exist. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static int hf__opt_set(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value) < 0 ? -errno : 0;
}

static int hf__opt_get(int fd, int level, int name) {
  int value = 0;
  socklen_t len = sizeof value;
  return getsockopt(fd, level, name, &value, &len) < 0 ? -errno : value;
}

/* The level and name of an option for the socket's family; 0 when it has none. */
static int hf__opt_name(int option, int v6, int *level, int *name) {
  switch (option) {
    case HF_UDP_OPT_BROADCAST:
      *level = SOL_SOCKET, *name = SO_BROADCAST;
      return 1;
    case HF_UDP_OPT_TTL:
      *level = v6 ? IPPROTO_IPV6 : IPPROTO_IP, *name = v6 ? IPV6_UNICAST_HOPS : IP_TTL;
      return 1;
    case HF_UDP_OPT_MULTICAST_TTL:
      *level = v6 ? IPPROTO_IPV6 : IPPROTO_IP, *name = v6 ? IPV6_MULTICAST_HOPS : IP_MULTICAST_TTL;
      return 1;
    case HF_UDP_OPT_MULTICAST_LOOP:
      *level = v6 ? IPPROTO_IPV6 : IPPROTO_IP, *name = v6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP;
      return 1;
    case HF_UDP_OPT_SNDBUF:
      *level = SOL_SOCKET, *name = SO_SNDBUF;
      return 1;
    case HF_UDP_OPT_RCVBUF:
      *level = SOL_SOCKET, *name = SO_RCVBUF;
      return 1;
    default:
      return 0;
  }
}

HF__EXPORT int hf_udp_set_option(hf_loop_t *loop, hf_token_t token, int option, int value) {
  int err;
  hf__handle_t *h = hf__udp_socket_lookup(loop, token, &err);
  if (h == NULL) return err;
  int v6 = h->udp_family == AF_INET6;
  switch (option) {
    case HF_UDP_OPT_BROADCAST:
    case HF_UDP_OPT_MULTICAST_LOOP:
      value = value != 0;
      break;
    case HF_UDP_OPT_TTL:
      if (value < 1 || value > 255) return HF_EINVAL;
      break;
    case HF_UDP_OPT_MULTICAST_TTL:
      if (value < 0 || value > 255) return HF_EINVAL;
      break;
    case HF_UDP_OPT_SNDBUF:
    case HF_UDP_OPT_RCVBUF:
      if (value <= 0) return HF_EINVAL;
      break;
    case HF_UDP_OPT_MULTICAST_IF:
      if (value < 0) return HF_EINVAL;
      if (v6) return hf__opt_set(h->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, value);
      /* By index (ip_mreqn), as IPv6 does, instead of by one of the interface's addresses. */
      struct ip_mreqn mr;
      memset(&mr, 0, sizeof mr);
      mr.imr_ifindex = value;
      return setsockopt(h->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof mr) < 0 ? -errno : 0;
    default:
      return HF_EINVAL;
  }
  int level = 0, name = 0;
  hf__opt_name(option, v6, &level, &name);
  return hf__opt_set(h->fd, level, name, value);
}

HF__EXPORT int hf_udp_get_option(hf_loop_t *loop, hf_token_t token, int option) {
  int err;
  hf__handle_t *h = hf__udp_socket_lookup(loop, token, &err);
  if (h == NULL) return err;
  int level = 0, name = 0;
  if (!hf__opt_name(option, h->udp_family == AF_INET6, &level, &name)) return HF_EINVAL;
  return hf__opt_get(h->fd, level, name);
}

static size_t hf__sockaddr_size(int family) {
  return family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

HF__EXPORT int hf_udp_membership(hf_loop_t *loop, hf_token_t token, const struct sockaddr *group,
                                 socklen_t group_len, const struct sockaddr *source,
                                 socklen_t source_len, uint32_t ifindex, int join) {
  int err;
  hf__handle_t *h = hf__udp_socket_lookup(loop, token, &err);
  if (h == NULL) return err;
  int family = hf__udp_family(group, group_len);
  if (family < 0) return family;
  /* The protocol-independent requests take an interface index for both families. */
  int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
  if (source == NULL) {
    struct group_req gr;
    memset(&gr, 0, sizeof gr);
    gr.gr_interface = ifindex;
    memcpy(&gr.gr_group, group, hf__sockaddr_size(family));
    int name = join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP;
    return setsockopt(h->fd, level, name, &gr, sizeof gr) < 0 ? -errno : 0;
  }
  int source_family = hf__udp_family(source, source_len);
  if (source_family < 0) return source_family;
  if (source_family != family) return HF_EINVAL;
  struct group_source_req gsr;
  memset(&gsr, 0, sizeof gsr);
  gsr.gsr_interface = ifindex;
  memcpy(&gsr.gsr_group, group, hf__sockaddr_size(family));
  memcpy(&gsr.gsr_source, source, hf__sockaddr_size(family));
  int name = join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP;
  return setsockopt(h->fd, level, name, &gsr, sizeof gsr) < 0 ? -errno : 0;
}

HF__EXPORT int hf_udp_address(hf_loop_t *loop, hf_token_t token, int peer, struct sockaddr *out,
                              socklen_t capacity) {
  int err;
  hf__handle_t *h = hf__udp_socket_lookup(loop, token, &err);
  if (h == NULL) return err;
  if (peer && !(h->flags & HF__U_CONNECTED)) return HF_ENOTCONN;
  socklen_t len = capacity;
  int rc = peer ? getpeername(h->fd, out, &len) : getsockname(h->fd, out, &len);
  return rc < 0 ? -errno : (int)len;
}
