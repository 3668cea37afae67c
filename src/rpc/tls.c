/* Server-side TLS with OpenSSL: TLS 1.3 only, ALPN "h2" only, certificate and key from PEM,
 * optional client-certificate verification. Each connection runs over two memory BIOs, so the
 * event loop in src/server does all socket I/O itself (non-blocking, MSG_NOSIGNAL) and always
 * knows how many bytes are buffered. h2.c never sees TLS; this file never sees HTTP/2. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "rpc/rpc_int.h"
#include "sealdesk/log.h"
#include "util/err_int.h"

/* A subject longer than this is refused rather than truncated (it names the caller). */
#define SUBJECT_MAX 1024

struct sd_tls_ctx {
    SSL_CTX *ssl;
};

struct sd_tls {
    SSL *ssl;
    BIO *rbio; /* ciphertext from the peer (owned by ssl) */
    BIO *wbio; /* ciphertext for the peer (owned by ssl) */
    char *subject;
    char fingerprint[65]; /* hex SHA-256 of the verified client certificate, or "" */
};

static const unsigned char alpn_h2[] = {2, 'h', '2'};

/* Log the first queued OpenSSL error (library text only, never peer data) and clear. */
static void
log_ssl_error(const char *what)
{
    char msg[256];
    unsigned long e = ERR_get_error();

    ERR_error_string_n(e, msg, sizeof(msg));
    sd_log(SD_LOG_ERROR, "tls_setup", "step=%s openssl=\"%s\"", what, e ? msg : "none");
    ERR_clear_error();
}

static int
select_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
            unsigned int inlen, void *arg)
{
    unsigned char *sel = NULL;

    (void)ssl;
    (void)arg;
    if(SSL_select_next_proto(&sel, outlen, alpn_h2, sizeof(alpn_h2), in, inlen) !=
       OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL; /* no_application_protocol: h2 or nothing */
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
}

sd_err
sd_tls_ctx_new(struct sd_tls_ctx **out, const struct sd_tls_ctx_opts *o)
{
    sd_err err = SD_OK;
    struct sd_tls_ctx *c = NULL;
    STACK_OF(X509_NAME) *cas = NULL;
    bool mtls;

    SD_CHECK_ARG(out && o && o->cert_file && o->key_file);
    *out = NULL;
    mtls = o->client_ca_file && o->client_ca_file[0];
    SD_CHECK_ARG(mtls || !o->require_client_cert);
    c = calloc(1, sizeof(*c));
    SD_ENSURE(c, SD_E_NOMEM);
    ERR_clear_error();
    c->ssl = SSL_CTX_new(TLS_server_method());
    SD_ENSURE(c->ssl, SD_E_NOMEM);
    if(SSL_CTX_set_min_proto_version(c->ssl, TLS1_3_VERSION) != 1) {
        log_ssl_error("min_proto_version");
        SD_ENSURE(false, SD_E_CRYPTO);
    }
    SSL_CTX_set_options(c->ssl, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
    /* No resumption: every connection does a full handshake (and client verification). */
    SSL_CTX_set_num_tickets(c->ssl, 0);
    SSL_CTX_set_session_cache_mode(c->ssl, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(c->ssl, SSL_MODE_RELEASE_BUFFERS);
    if(SSL_CTX_use_certificate_chain_file(c->ssl, o->cert_file) != 1) {
        log_ssl_error("certificate");
        SD_ENSURE(false, SD_E_CRYPTO);
    }
    if(SSL_CTX_use_PrivateKey_file(c->ssl, o->key_file, SSL_FILETYPE_PEM) != 1 ||
       SSL_CTX_check_private_key(c->ssl) != 1) {
        log_ssl_error("private_key");
        SD_ENSURE(false, SD_E_CRYPTO);
    }
    SSL_CTX_set_alpn_select_cb(c->ssl, select_alpn, NULL);
    if(mtls) {
        if(SSL_CTX_load_verify_locations(c->ssl, o->client_ca_file, NULL) != 1) {
            log_ssl_error("client_ca");
            SD_ENSURE(false, SD_E_CRYPTO);
        }
        cas = SSL_load_client_CA_file(o->client_ca_file);
        if(!cas) {
            log_ssl_error("client_ca_list");
            SD_ENSURE(false, SD_E_CRYPTO);
        }
        SSL_CTX_set_client_CA_list(c->ssl, cas); /* takes ownership */
        cas = NULL;
        SSL_CTX_set_verify(
            c->ssl,
            SSL_VERIFY_PEER | (o->require_client_cert ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
        SSL_CTX_set_verify_depth(c->ssl, 4);
    }
    *out = c;
    c = NULL;
out:
    sd_tls_ctx_free(c);
    return err;
}

void
sd_tls_ctx_free(struct sd_tls_ctx *c)
{
    if(!c)
        return;
    SSL_CTX_free(c->ssl);
    free(c);
}

sd_err
sd_tls_new(struct sd_tls **out, struct sd_tls_ctx *c)
{
    sd_err err = SD_OK;
    struct sd_tls *t = NULL;
    BIO *rbio = NULL;
    BIO *wbio = NULL;

    SD_CHECK_ARG(out && c);
    *out = NULL;
    t = calloc(1, sizeof(*t));
    SD_ENSURE(t, SD_E_NOMEM);
    t->ssl = SSL_new(c->ssl);
    rbio = BIO_new(BIO_s_mem());
    wbio = BIO_new(BIO_s_mem());
    SD_ENSURE(t->ssl && rbio && wbio, SD_E_NOMEM);
    /* An empty read BIO means "retry later", never EOF: the loop reports EOF itself. */
    BIO_set_mem_eof_return(rbio, -1);
    BIO_set_mem_eof_return(wbio, -1);
    SSL_set_bio(t->ssl, rbio, wbio); /* ssl owns both now */
    t->rbio = rbio;
    t->wbio = wbio;
    rbio = wbio = NULL;
    SSL_set_accept_state(t->ssl);
    *out = t;
    t = NULL;
out:
    BIO_free(rbio);
    BIO_free(wbio);
    sd_tls_free(t);
    return err;
}

void
sd_tls_free(struct sd_tls *t)
{
    if(!t)
        return;
    SSL_free(t->ssl);
    free(t->subject);
    free(t);
}

sd_err
sd_tls_feed(struct sd_tls *t, const uint8_t *p, size_t n)
{
    while(n > 0) {
        int chunk = n > 65536 ? 65536 : (int)n;
        int w = BIO_write(t->rbio, p, chunk);

        if(w <= 0)
            return SD_E_NOMEM;
        p += w;
        n -= (size_t)w;
    }
    return SD_OK;
}

/* Record the verified client certificate's subject in RFC 2253 form. */
static sd_err
take_subject(struct sd_tls *t)
{
    sd_err err = SD_OK;
    X509 *peer = NULL;
    BIO *mem = NULL;
    char *p;
    long n;

    peer = SSL_get1_peer_certificate(t->ssl);
    if(!peer || SSL_get_verify_result(t->ssl) != X509_V_OK)
        goto out; /* no certificate (mTLS optional): no subject */
    mem = BIO_new(BIO_s_mem());
    SD_ENSURE(mem, SD_E_NOMEM);
    SD_ENSURE(X509_NAME_print_ex(mem, X509_get_subject_name(peer), 0, XN_FLAG_RFC2253) >= 0,
              SD_E_CRYPTO);
    n = BIO_get_mem_data(mem, &p);
    SD_ENSURE(n >= 0 && n < SUBJECT_MAX, SD_E_CRYPTO);
    t->subject = malloc((size_t)n + 1);
    SD_ENSURE(t->subject, SD_E_NOMEM);
    if(n > 0)
        memcpy(t->subject, p, (size_t)n);
    t->subject[n] = 0;
    {
        /* SHA-256 of the DER certificate, for session binding (authz). */
        uint8_t md[EVP_MAX_MD_SIZE];
        unsigned mdlen = 0;

        SD_ENSURE(X509_digest(peer, EVP_sha256(), md, &mdlen) == 1 && mdlen == 32, SD_E_CRYPTO);
        sd_hex_encode(t->fingerprint, md, 32);
    }
out:
    BIO_free(mem);
    X509_free(peer);
    return err;
}

sd_err
sd_tls_handshake(struct sd_tls *t)
{
    sd_err err = SD_OK;
    const unsigned char *alpn = NULL;
    unsigned int alpn_len = 0;
    int r;

    ERR_clear_error();
    r = SSL_do_handshake(t->ssl);
    if(r != 1) {
        int e = SSL_get_error(t->ssl, r);

        /* With memory BIOs WANT_WRITE cannot happen; treat both as "feed me more". */
        SD_ENSURE(e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE, SD_E_EMPTY);
        ERR_clear_error();
        SD_ENSURE(false, SD_E_CRYPTO);
    }
    SSL_get0_alpn_selected(t->ssl, &alpn, &alpn_len);
    /* A client that offered no ALPN at all gets here without h2: refuse it too. */
    SD_ENSURE(alpn && alpn_len == 2 && memcmp(alpn, "h2", 2) == 0, SD_E_DENIED);
    SD_TRY(take_subject(t));
out:
    return err;
}

sd_err
sd_tls_read(struct sd_tls *t, uint8_t *p, size_t cap, size_t *got)
{
    sd_err err = SD_OK;
    size_t n = 0;
    int r;

    *got = 0;
    ERR_clear_error();
    r = SSL_read_ex(t->ssl, p, cap, &n);
    if(r != 1) {
        int e = SSL_get_error(t->ssl, r);

        SD_ENSURE(e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE, SD_E_EMPTY);
        SD_ENSURE(e != SSL_ERROR_ZERO_RETURN, SD_E_IO);
        ERR_clear_error();
        SD_ENSURE(false, SD_E_CRYPTO);
    }
    *got = n;
out:
    return err;
}

sd_err
sd_tls_write(struct sd_tls *t, const uint8_t *p, size_t n)
{
    size_t done = 0;

    ERR_clear_error();
    while(done < n) {
        size_t w = 0;

        /* A memory BIO grows as needed, so a write completes or fails; it never blocks. */
        if(SSL_write_ex(t->ssl, p + done, n - done, &w) != 1) {
            ERR_clear_error();
            return SD_E_CRYPTO;
        }
        done += w;
    }
    return SD_OK;
}

sd_err
sd_tls_take_out(struct sd_tls *t, struct sd_buf *out)
{
    sd_err err = SD_OK;
    size_t pending = BIO_ctrl_pending(t->wbio);

    while(pending > 0) {
        size_t got = 0;

        SD_TRY(sd_buf_reserve(out, pending));
        SD_ENSURE(BIO_read_ex(t->wbio, out->data + out->len, pending, &got) == 1 && got > 0,
                  SD_E_INTERNAL);
        out->len += got;
        pending = BIO_ctrl_pending(t->wbio);
    }
out:
    return err;
}

const char *
sd_tls_peer_subject(const struct sd_tls *t)
{
    return t->subject;
}

const char *
sd_tls_peer_fingerprint(const struct sd_tls *t)
{
    return t->subject && t->fingerprint[0] ? t->fingerprint : NULL;
}
