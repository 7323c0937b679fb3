/*
 * tls.h - the TLS server context for the TURN-over-TLS listeners.
 *
 * One SSL_CTX holds the certificate chain and key; listeners keep their
 * own reference, so a SIGHUP can build a new one and hand it over while
 * open connections finish on the old.
 */
#ifndef CHORUSD_TLS_H
#define CHORUSD_TLS_H

#include <stddef.h>

struct ssl_ctx_st;

/*
 * A server context from a PEM certificate chain and private key: TLS 1.2
 * or later, no renegotiation, no compression.  NULL with err naming the
 * file that could not be used ("tls-cert PATH: cannot load: why").
 */
struct ssl_ctx_st	*tls_ctx_new(const char *cert, const char *key,
			    char *err, size_t errlen);
/* Drop this reference; NULL is fine. */
void			 tls_ctx_free(struct ssl_ctx_st *);

#endif
