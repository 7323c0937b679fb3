/*
 * tls.c - the TLS server context for the TURN-over-TLS listeners.
 *
 * Builds an SSL_CTX from the configured certificate chain and key with the
 * settings RFC 8656 §3.1 and current practice (RFC 9325) ask for: TLS 1.2
 * as the floor, forward-secret AEAD suites for 1.2 (OpenSSL's defaults for
 * 1.3), no renegotiation, no compression.  The context is reference
 * counted by OpenSSL; tcp.c holds one reference per listener.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tls.h"

#define TLS_CIPHERS_12		"ECDHE+AESGCM:ECDHE+CHACHA20"
#define TLS_SESSION_CACHE	1024	/* server-side sessions kept */

/* "what path: cannot load: reason" from the OpenSSL error queue. */
static void
tls_error(char *err, size_t errlen, const char *what, const char *path,
    const char *step)
{
	const char *reason = NULL;
	char buf[256];
	unsigned long e;

	/*
	 * The oldest error is the cause ("No such file or directory", "no
	 * start line"); later ones only say which layer passed it on.
	 */
	e = ERR_peek_error();
	if (e != 0 && ERR_SYSTEM_ERROR(e))	/* an errno, without text */
		reason = strerror(ERR_GET_REASON(e));
	if (e != 0 && reason == NULL &&
	    (reason = ERR_reason_error_string(e)) == NULL) {
		ERR_error_string_n(e, buf, sizeof(buf));
		reason = buf;
	}
	snprintf(err, errlen, "%s %s: %s: %s", what, path, step,
	    reason != NULL ? reason : "unknown error");
	ERR_clear_error();
}

/* A server context for cert and key; NULL with err. */
struct ssl_ctx_st *
tls_ctx_new(const char *cert, const char *key, char *err, size_t errlen)
{
	SSL_CTX *ctx;

	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		tls_error(err, errlen, "tls-cert", cert, "cannot set up TLS");
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, TLS_CIPHERS_12) != 1) {
		tls_error(err, errlen, "tls-cert", cert, "cannot set up TLS");
		goto fail;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* Idle TURN connections are the common case: free their buffers. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_sess_set_cache_size(ctx, TLS_SESSION_CACHE);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		tls_error(err, errlen, "tls-cert", cert, "cannot load");
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		tls_error(err, errlen, "tls-key", key, "cannot load");
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		tls_error(err, errlen, "tls-key", key,
		    "does not match tls-cert");
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* Drop a reference. */
void
tls_ctx_free(struct ssl_ctx_st *ctx)
{
	SSL_CTX_free(ctx);
}
