/*
 * sock.c - socket helpers shared by the UDP and TCP listeners.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sock.h"

#define SOCK_BACKLOG	128
#define SOCK_UDP_BUFFER	(4 << 20)	/* bytes, each way */

/*
 * The shared UDP port carries every client's traffic: give it room for
 * bursts while the loop is busy elsewhere (SOCK_UDP_BUFFER, about 20 ms
 * at 100,000 small datagrams/s).  SO_RCVBUFFORCE needs CAP_NET_ADMIN;
 * without it the kernel caps SO_RCVBUF at net.core.rmem_max, which the
 * operating guide says how to raise.  Failure only leaves the default.
 */
static void
sock_buffers(int fd)
{
	int size = SOCK_UDP_BUFFER;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size,
	    sizeof(size)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

/* Open, configure and bind one listening socket. */
int
sock_bind(const struct conf_addr *addr, unsigned port, int type, char *name,
    size_t namelen, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	const char *proto = type == SOCK_DGRAM ? "udp" : "tcp";
	const char *step;
	int fd, on = 1;

	memcpy(&ss, &addr->ss, sizeof(ss));
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
	step = "socket";
	fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	step = "setsockopt";
	if (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto fail;
	if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &on, sizeof(on)) == -1)
		goto fail;
	if (type == SOCK_DGRAM)
		sock_buffers(fd);
	step = "bind";
	if (bind(fd, (struct sockaddr *)&ss, addr->len) == -1)
		goto fail;
	step = "listen";
	if (type == SOCK_STREAM && listen(fd, SOCK_BACKLOG) == -1)
		goto fail;
	sock_name(fd, name, namelen);
	return fd;
fail:
	snprintf(err, errlen, "%s %s port %u: %s: %s", proto, addr->text, port,
	    step, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

/* Text of a socket's local address. */
void
sock_name(int fd, char *out, size_t outlen)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		snprintf(out, outlen, "?");
		return;
	}
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(out, outlen, "%s:%u", host, ntohs(sin->sin_port));
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(out, outlen, "[%s]:%u", host, ntohs(sin6->sin6_port));
	}
}

/* Port of a socket's local address. */
unsigned
sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}
