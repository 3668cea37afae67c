/* Ticket triage: parses the rules language of data/triage.rules into one Aho-Corasick
 * automaton over folded literals (util/text.c does the folding), then classifies a ticket in a
 * single linear pass: literal hits mark "atoms" (a named set or one literal), "A ~N B" clauses
 * are checked online from the last position of each atom, and rules are AND/OR/NOT over those.
 * Used by desk/ticket code when a ticket arrives without category/priority, and by sealctl. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/buf.h"
#include "sealdesk/enum.h"
#include "sealdesk/redact.h"
#include "sealdesk/text.h"
#include "sealdesk/tmodel.h"
#include "sealdesk/triage.h"
#include "text/tstruct.h"
#include "util/err_int.h"

/* the BIP-39 English list (data/bip39-english.txt, embedded by cmake/embed.cmake) */
extern const unsigned char sd_bip39_english[];
extern const size_t sd_bip39_english_len;

/* Embedded by the build from data/triage.rules (cmake/embed.cmake). */
extern const unsigned char sd_default_triage_rules[];
extern const size_t sd_default_triage_rules_len;

#define NONE          UINT32_MAX
#define LIT_LB        1u /* literal must start at a word boundary (ASCII letters/digits) */
#define LIT_RB        2u /* literal must end at a word boundary */
/* Internal capacity limits derived from the public ones; they bound every array below. */
#define MAX_NODES     ((size_t)SD_TRIAGE_MAX_LITERALS * SD_TRIAGE_MAX_LITERAL_BYTES)
#define MAX_ATOMS     ((size_t)SD_TRIAGE_MAX_SETS + SD_TRIAGE_MAX_LITERALS)
#define MAX_ATOM_LITS ((size_t)SD_TRIAGE_MAX_SETS * SD_TRIAGE_MAX_SET_SIZE + MAX_ATOMS)
#define MAX_PARTS_ALL ((size_t)SD_TRIAGE_MAX_RULES * SD_TRIAGE_MAX_TERMS)

enum rule_kind {
    RK_FUND,
    RK_CAT,
    RK_PRIO,
    RK_PUBLIC_HEX, /* the text says the 64-hex token the redactor took for a key is a txid */
    RK_CALM        /* the text reads as a denial, an ignored scam or a retraction: the model
                    * may not raise it to fund safety (fund_safety rules still may) */
};
enum part_kind {
    PK_ATOM,
    PK_NEAR
};

struct node {
    uint32_t child;   /* first child, NONE if leaf */
    uint32_t sibling; /* next child of the same parent */
    uint32_t fail;    /* Aho-Corasick failure link */
    uint32_t dict;    /* nearest node on the failure chain that ends a literal, or NONE */
    uint32_t lit;     /* first literal ending here (chained by lit.next_same), or NONE */
    uint8_t byte;
    uint8_t hashed; /* its children are in node_edges (it has many) */
};

/* Typo repair: a trie of the ASCII words (runs of a-z, TYPO_MIN..TYPO_MAX letters) that occur in
 * the literals. A ticket word of that length that neither is one nor starts with one of at least
 * TYPO_PREFIX letters is replaced by the first vocabulary word one edit away that keeps its first
 * letter: two adjacent letters swapped, one letter too many or one missing ("acconut",
 * "withdrawl", "accout"). Substitutions are not repaired: they turn real words into others. */
#define TYPO_MIN    5
#define TYPO_MAX    32
#define TYPO_PREFIX 6

/* Two further kinds, repaired only when exactly one vocabulary word (same first letter) is close
 * enough and the ticket word is not itself a common English word (a word of the BIP-39 list,
 * 2048 common words every build embeds) nor a vocabulary word:
 * - a word of TYPO_SHORT letters with two letters swapped or one missing inside it ("lgin",
 *   "cdes"); not one missing at the end: real short words plus a letter are other words
 *   ("here" -> "heres", "even" -> "event"). The vocabulary keeps words of VOCAB_MIN letters for
 *   this (longer ticket words never reach them);
 * - a word of TYPO_FAR_MIN letters or more with no one-edit repair, with two letters swapped and
 *   at most one more swap, missing or extra letter ("wtihrawal", "compelte"). Two edits of other
 *   kinds turn real long words into others ("expected" -> "executed", "panicked" -> "picked"). */
#define VOCAB_MIN    4
#define TYPO_SHORT   4
#define TYPO_FAR_MIN 8

struct vnode {
    uint32_t child;
    uint32_t sibling;
    uint8_t byte;
    uint8_t end;    /* a vocabulary word ends here */
    uint8_t hashed; /* its children are in vocab_edges (it has many) */
};

/* The edges (node, byte) -> child of a trie's nodes with more than EDGES_MIN children, in an
 * open-addressed table, for the per-ticket walks: a shallow node has dozens of children, and
 * walking its sibling list was a third of the rule scan; a deep node has one or two, and the
 * list is faster than a hash. Built once the trie is complete; the sibling lists stay (building,
 * listing children, the nodes with few children). */
#define EDGES_MIN 4

struct edge {
    uint32_t key; /* (node << 8 | byte) + 1; 0: an empty slot */
    uint32_t child;
};

struct edges {
    struct edge *slot; /* 1 << bits slots, at most half of them used */
    unsigned bits;
};

struct lit {
    uint32_t next_same; /* same bytes, other boundary flags */
    uint32_t atoms_off; /* into lit_atoms */
    uint32_t n_atoms;
    uint32_t len;
    uint32_t flags;
};

struct atom {
    uint32_t lits_off; /* into atom_lits */
    uint32_t n_lits;
    uint32_t near_off; /* into atom_near */
    uint32_t n_near;
    uint32_t rules_off; /* into key_rules: the rules with a term keyed by this atom */
    uint32_t n_rules;
};

enum near_mode {
    NM_NEAR,    /* "A ~N B": A and B end at most N characters apart */
    NM_ORDERED, /* "A ~>N B": the same, B ending after A */
    NM_OUTSIDE  /* "A ^N B": some A has no B ending within N characters before or after it */
};

struct near {
    uint32_t a;
    uint32_t b;
    uint32_t dist;
    uint32_t mode;      /* enum near_mode */
    uint32_t rules_off; /* into key_rules: the rules with a term keyed by this clause */
    uint32_t n_rules;
};

struct part {
    uint32_t idx; /* atom or near index */
    uint32_t kind;
    uint32_t neg;
};

struct term {
    uint32_t parts_off;
    uint32_t n_parts;
};

struct rule {
    uint32_t terms_off;
    uint32_t n_terms;
    enum rule_kind kind;
    enum sd_category cat; /* RK_CAT */
    int weight;           /* RK_CAT */
    int prio;             /* RK_PRIO */
    uint32_t scope;       /* RK_PRIO: bit per category */
    char signal[48];
};

struct set {
    char name[SD_TRIAGE_MAX_NAME + 1];
    uint32_t atom;
};

/* Typed views of the sd_buf arrays below (malloc'd, so suitably aligned). */
#define ARR(b, T) ((T *)(void *)(b).data)
#define CNT(b, T) ((b).len / sizeof(T))

struct sd_triage_rules {
    struct sd_buf nodes;      /* struct node; node 0 is the root */
    struct sd_buf lits;       /* struct lit */
    struct sd_buf atoms;      /* struct atom */
    struct sd_buf atom_lits;  /* uint32_t literal ids, per atom */
    struct sd_buf lit_atoms;  /* uint32_t atom ids, per literal (built after parsing) */
    struct sd_buf nears;      /* struct near */
    struct sd_buf atom_near;  /* uint32_t near ids, per atom (built after parsing) */
    struct sd_buf key_rules;  /* uint32_t rule ids, per atom and near clause (key_part) */
    struct sd_buf parts;      /* struct part */
    struct sd_buf terms;      /* struct term */
    struct sd_buf rules;      /* struct rule */
    struct sd_buf vocab;      /* struct vnode; node 0 is the root (typo repair) */
    uint32_t root_next[256];  /* root transitions, for speed */
    struct edges node_edges;  /* the literal trie's edges (scan_text) */
    struct edges vocab_edges; /* the vocabulary trie's edges (repair_word) */
    int defaults[SD_CAT_COUNT];
    enum sd_category order[SD_CAT_COUNT]; /* tie-break order, first wins */
    struct sd_tmodel *model;              /* owned: the statistical model (src/tmodel), or NULL */
};

struct parse_ctx {
    struct sd_triage_rules *r;
    struct sd_buf sets;       /* struct set */
    struct sd_buf lit_inline; /* uint32_t per literal: its single-literal atom, or NONE */
    struct sd_buf fold;       /* scratch */
};

static const char *const cat_names[SD_CAT_COUNT] = {
    "account", "deposit", "withdrawal", "trading", "security", "technical", "compliance", "general",
};

const char *
sd_category_name(enum sd_category c)
{
    return sd_enum_name(cat_names, SD_ENUM_N(cat_names), (int)c);
}

static sd_err
cat_parse_n(enum sd_category *out, const char *s, size_t n)
{
    int v = 0;

    if(sd_enum_parse_n(cat_names, SD_ENUM_N(cat_names), s, n, &v) != SD_OK)
        return SD_E_INVALID;
    *out = (enum sd_category)v;
    return SD_OK;
}

sd_err
sd_category_parse(enum sd_category *out, const char *s)
{
    if(!out || !s)
        return SD_E_INVALID;
    return cat_parse_n(out, s, strlen(s));
}

/* ---- small helpers ------------------------------------------------------------------------ */

static sd_err
push(struct sd_buf *b, const void *elem, size_t size, size_t max_count)
{
    if(b->len / size >= max_count)
        return SD_E_LIMIT;
    return sd_buf_append(b, elem, size);
}

static sd_err
push_u32(struct sd_buf *b, uint32_t v, size_t max_count)
{
    return push(b, &v, sizeof(v), max_count);
}

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_word(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_name_char(char c)
{
    return is_word((uint8_t)c) || c == '_';
}

/* Trim ASCII blanks from both ends of s[0..*n); returns the new start. */
static const char *
trim(const char *s, size_t *n)
{
    while(*n > 0 && is_space(s[0])) {
        s++;
        (*n)--;
    }
    while(*n > 0 && is_space(s[*n - 1]))
        (*n)--;
    return s;
}

/* Is p[i..n) a Hangul syllable (U+AC00..U+D7A3) or compatibility jamo (U+3131..U+318E, the
 * ㅠ ㅋ people type)? UTF-8 is valid here (folded text). */
static bool
hangul_at(const uint8_t *p, size_t n, size_t i)
{
    uint32_t cp;

    if(i + 3 > n || (p[i] & 0xf0) != 0xe0 || (p[i + 1] & 0xc0) != 0x80 || (p[i + 2] & 0xc0) != 0x80)
        return false;
    cp = ((uint32_t)(p[i] & 0x0f) << 12) | ((uint32_t)(p[i + 1] & 0x3f) << 6) |
         (uint32_t)(p[i + 2] & 0x3f);
    return (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x3131 && cp <= 0x318e);
}

static bool
is_letter(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of an apostrophe (' or U+2019) at p[i..n) between two ASCII letters, else 0. */
static size_t
inner_apostrophe(const uint8_t *p, size_t n, size_t o, size_t i)
{
    size_t k = 0;

    if(p[i] == '\'')
        k = 1;
    else if(i + 3 <= n && p[i] == 0xe2 && p[i + 1] == 0x80 && p[i + 2] == 0x99)
        k = 3;
    return k && o > 0 && is_letter(p[o - 1]) && i + k < n && is_letter(p[i + k]) ? k : 0;
}

/* Cantonese written forms and their Mandarin equivalents (each three UTF-8 bytes, so folding
 * keeps every position): Hong Kong customers write "我冇改过", "我俾咗助记词佢" for
 * "我没改过", "我给了助记词他". Only characters that are not also ordinary Mandarin words. */
static const char canto_fold[][2][4] = {
    {"\xe5\x86\x87", "\xe6\xb2\xa1"}, /* mou5 -> mei2 (not) */
    {"\xe5\x92\x97", "\xe4\xba\x86"}, /* zo2 -> le (perfective) */
    {"\xe4\xbf\xbe", "\xe7\xbb\x99"}, /* bei2 -> gei3 (give) */
    {"\xe7\x95\x80", "\xe7\xbb\x99"}, /* bei2 (variant) -> gei3 */
    {"\xe5\x98\x85", "\xe7\x9a\x84"}, /* ge3 -> de (possessive) */
    {"\xe4\xbd\xa2", "\xe4\xbb\x96"}, /* keoi5 -> ta1 (he/she) */
    {"\xe5\x96\xba", "\xe5\x9c\xa8"}, /* hai2 -> zai4 (at) */
    {"\xe5\x94\x94", "\xe4\xb8\x8d"}, /* m4 -> bu4 (not) */
    {"\xe5\x93\x8b", "\xe4\xbb\xac"}, /* dei6 -> men (plural) */
    {"\xe5\x9a\x9f", "\xe6\x9d\xa5"}, /* lai4 -> lai2 (come) */
    {"\xe7\x9d\x87", "\xe7\x9c\x8b"}, /* tai2 -> kan4 (look) */
    {"\xe5\x95\xb1", "\xe5\x88\x9a"}, /* ngaam1 -> gang1 (just now) */
    {"\xe6\x94\x9e", "\xe6\x8b\xbf"}, /* lo2 -> na2 (take) */
    {"\xe6\x90\xb5", "\xe6\x89\xbe"}, /* wan2 -> zhao3 (find) */
    {"\xe6\x8f\xbe", "\xe6\x89\xbe"}, /* wan2 (simplified) -> zhao3 */
    {"\xe5\x97\xb0", "\xe9\x82\xa3"}, /* go2 -> na4 (that) */
};

/* The Mandarin equivalent of the Cantonese character at p[0..3), or NULL. */
static const char *
canto_at(const uint8_t *p, size_t left)
{
    if(left < 3 || p[0] < 0xe4 || p[0] > 0xe7)
        return NULL;
    for(size_t k = 0; k < sizeof(canto_fold) / sizeof(canto_fold[0]); k++) {
        if(memcmp(p, canto_fold[k][0], 3) == 0)
            return canto_fold[k][1];
    }
    return NULL;
}

/* The Hangul syllable (U+AC00..U+D7A3) at p[0..3), or 0. */
static uint32_t
hangul_cp(const uint8_t *p, size_t left)
{
    uint32_t cp;

    if(left < 3 || p[0] < 0xea || p[0] > 0xed || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
        return 0;
    cp = ((uint32_t)(p[0] & 0x0f) << 12) | ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
    return cp >= 0xac00 && cp <= 0xd7a3 ? cp : 0;
}

/* Casual Korean typing drops the doubled final consonant before an ending: "입력햇어요",
 * "보냇는데", "잇어요" for 했/냈/있, "업음" for 없음. A syllable with the final ㅅ (or 업)
 * directly before one of these endings is read with ㅆ (or 없); the syllable after it stays.
 * Returns the syllable to write instead of cp, or cp. */
#define HANGUL_T(cp) (((cp)-0xac00u) % 28u)
static uint32_t
ko_spell(uint32_t cp, uint32_t next)
{
    static const uint32_t endings[] = {0xc5b4 /* 어 */, 0xc2b5 /* 습 */, 0xb2e4 /* 다 */,
                                       0xace0 /* 고 */, 0xb124 /* 네 */, 0xc74c /* 음 */,
                                       0xc5ec /* 여 */, 0xb294 /* 는 */};
    bool ending = false;

    for(size_t k = 0; k < sizeof(endings) / sizeof(endings[0]); k++)
        ending = ending || next == endings[k];
    if(!ending || cp == 0xac83 /* 것 */)
        return cp;
    if(HANGUL_T(cp) == 19) /* final ㅅ -> ㅆ */
        return cp + 1;
    if(cp == 0xc5c5) /* 업 -> 없 */
        return cp + 1;
    return cp;
}

/* Collapse runs of blanks to one space and trim, in place; returns the new length. An
 * apostrophe between two letters is dropped ("don't" and "dont", "it's" and "its" are written
 * alike by customers), Cantonese particles become their Mandarin equivalents (canto_fold) and
 * casual Korean finals are read as typed for (ko_spell), in the text and in the literals
 * alike. Every replacement has the same length, so positions do not move. */
static size_t
squeeze(uint8_t *p, size_t n)
{
    size_t o = 0;
    bool blank = false;

    for(size_t i = 0; i < n; i++) {
        size_t k;

        if(is_space((char)p[i])) {
            blank = o > 0;
            continue;
        }
        /* Most bytes: no blank to write, not an apostrophe (' or the lead byte 0xe2 of U+2019)
         * and below every Cantonese (0xe4..) and Hangul (0xea..) lead byte: copied as is, the
         * same as the steps below would. */
        if(!blank && p[i] < 0xe4 && p[i] != '\'' && p[i] != 0xe2) {
            p[o++] = p[i];
            continue;
        }
        if(!blank && (k = inner_apostrophe(p, n, o, i)) > 0) {
            i += k - 1;
            continue;
        }
        /* Korean is written with and without spaces ("잔고가 0", "잔고가0"): no blank next
         * to a Hangul character, in the text and in the literals alike. */
        if(blank && !hangul_at(p, n, i) && !(o >= 3 && hangul_at(p, o, o - 3)))
            p[o++] = ' ';
        blank = false;
        {
            const char *m = canto_at(p + i, n - i);
            uint32_t cp = hangul_cp(p + i, n - i), fix;

            if(cp && (fix = ko_spell(cp, hangul_cp(p + i + 3, n - i - 3))) != cp) {
                p[o++] = (uint8_t)(0xe0 | (fix >> 12));
                p[o++] = (uint8_t)(0x80 | ((fix >> 6) & 0x3f));
                p[o++] = (uint8_t)(0x80 | (fix & 0x3f));
                i += 2;
                continue;
            }
            if(m) {
                memcpy(p + o, m, 3); /* o <= i: the source bytes were read by canto_at */
                o += 3;
                i += 2;
                continue;
            }
        }
        p[o++] = p[i];
    }
    return o;
}

/* Blank out redaction markers ("[REDACTED:seed_phrase]", written by text/redact.c before
 * tickets are triaged; folded to lower case here) so their kind names ("card_number",
 * "otp_code") are not matched as ticket words. */
static void
mask_markers(uint8_t *p, size_t n)
{
    static const char mark[] = "[redacted:";
    const size_t ml = sizeof(mark) - 1;
    size_t i = 0;

    while(i + ml <= n) {
        const uint8_t *b = memchr(p + i, '[', n - ml + 1 - i); /* a marker starts with '[' */
        size_t j;

        if(!b)
            break;
        i = (size_t)(b - p);
        if(memcmp(p + i, mark, ml) != 0) {
            i++;
            continue;
        }
        for(j = i + ml; j < n && j - i < 64 && p[j] != ']'; j++)
            ;
        if(j >= n || p[j] != ']') {
            i++;
            continue;
        }
        memset(p + i, ' ', j + 1 - i);
        i = j + 1;
    }
}

/* Next token of s[0..n) separated by blanks (into tok, tlen); returns bytes consumed. */
static size_t
next_token(const char *s, size_t n, const char **tok, size_t *tlen)
{
    size_t i = 0;
    size_t st;

    while(i < n && is_space(s[i]))
        i++;
    st = i;
    while(i < n && !is_space(s[i]))
        i++;
    *tok = s + st;
    *tlen = i - st;
    return i;
}

static bool
valid_name(const char *s, size_t n)
{
    if(n == 0 || n > SD_TRIAGE_MAX_NAME)
        return false;
    for(size_t i = 0; i < n; i++) {
        if(!is_name_char(s[i]))
            return false;
    }
    return true;
}

static bool
parse_int(const char *s, size_t n, long lo, long hi, long *out)
{
    long v = 0;
    bool neg = false;
    size_t i = 0;

    if(n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if(i >= n || n - i > 6)
        return false;
    for(; i < n; i++) {
        if(s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if(neg)
        v = -v;
    if(v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Split s[0..n) at the first `sep`: returns the length of the first piece (n if absent). */
static size_t
span_to(const char *s, size_t n, char sep)
{
    const char *p = memchr(s, sep, n);

    return p ? (size_t)(p - s) : n;
}

/* ---- trie edge tables ------------------------------------------------------------------------ */

static uint32_t
edge_key(uint32_t u, uint8_t c)
{
    return (u << 8 | c) + 1; /* u < MAX_NODES < 2^24 */
}

static size_t
edge_home(const struct edges *m, uint32_t key)
{
    return (uint32_t)(key * UINT32_C(0x9E3779B1)) >> (32 - m->bits); /* Fibonacci hashing */
}

/* Room for n edges at a load of at most one half. */
static sd_err
edges_init(struct edges *m, size_t n)
{
    unsigned bits = 4;

    _Static_assert(MAX_NODES < ((size_t)1 << 24), "a node id and a byte fit an edge key");
    while(((size_t)1 << bits) < 2 * n)
        bits++;
    m->slot = calloc((size_t)1 << bits, sizeof(*m->slot));
    if(!m->slot)
        return SD_E_NOMEM;
    m->bits = bits;
    return SD_OK;
}

static void
edges_put(struct edges *m, uint32_t u, uint8_t c, uint32_t child)
{
    uint32_t key = edge_key(u, c);
    size_t mask = ((size_t)1 << m->bits) - 1;
    size_t i = edge_home(m, key);

    while(m->slot[i].key != 0 && m->slot[i].key != key)
        i = (i + 1) & mask;
    m->slot[i].key = key;
    m->slot[i].child = child;
}

/* The child of u by byte c, NONE if none (or no table: an empty trie). */
static uint32_t
edges_get(const struct edges *m, uint32_t u, uint8_t c)
{
    uint32_t key = edge_key(u, c);
    size_t mask;
    size_t i;

    if(!m->slot)
        return NONE;
    mask = ((size_t)1 << m->bits) - 1;
    for(i = edge_home(m, key); m->slot[i].key != 0; i = (i + 1) & mask) {
        if(m->slot[i].key == key)
            return m->slot[i].child;
    }
    return NONE;
}

static void
edges_free(struct edges *m)
{
    free(m->slot);
    m->slot = NULL;
}

/* Where a trie's links are in its node struct (struct node, struct vnode): edges_build reads
 * either trie through it. child and sibling are uint32_t, byte and hashed uint8_t. */
struct trie_layout {
    size_t size;                         /* of one node */
    size_t child, sibling, byte, hashed; /* offsetof each field */
};

static const struct trie_layout node_layout = {
    sizeof(struct node), offsetof(struct node, child), offsetof(struct node, sibling),
    offsetof(struct node, byte), offsetof(struct node, hashed)};
static const struct trie_layout vnode_layout = {
    sizeof(struct vnode), offsetof(struct vnode, child), offsetof(struct vnode, sibling),
    offsetof(struct vnode, byte), offsetof(struct vnode, hashed)};

_Static_assert(sizeof(((struct node *)NULL)->child) == 4 &&
                   sizeof(((struct node *)NULL)->sibling) == 4 &&
                   sizeof(((struct node *)NULL)->byte) == 1 &&
                   sizeof(((struct node *)NULL)->hashed) == 1 &&
                   sizeof(((struct vnode *)NULL)->child) == 4 &&
                   sizeof(((struct vnode *)NULL)->sibling) == 4 &&
                   sizeof(((struct vnode *)NULL)->byte) == 1 &&
                   sizeof(((struct vnode *)NULL)->hashed) == 1,
               "edges_build reads child and sibling as uint32_t, byte and hashed as uint8_t");

/* The uint32_t at offset off of node u. */
static uint32_t
trie_u32(const uint8_t *nodes, const struct trie_layout *lay, uint32_t u, size_t off)
{
    uint32_t v;

    memcpy(&v, nodes + (size_t)u * lay->size + off, sizeof(v));
    return v;
}

/* Build m for a complete trie of n nodes (laid out as lay says): every node but the root is one
 * edge, so the table has room for all; a node with more than EDGES_MIN children is marked hashed
 * and its edges put. */
static sd_err
edges_build(struct edges *m, void *nodes, size_t n, const struct trie_layout *lay)
{
    uint8_t *base = nodes;
    sd_err err;

    err = edges_init(m, n);
    if(err != SD_OK)
        return err;
    for(uint32_t u = 0; u < n; u++) {
        size_t k = 0;

        for(uint32_t v = trie_u32(base, lay, u, lay->child); v != NONE;
            v = trie_u32(base, lay, v, lay->sibling))
            k++;
        base[(size_t)u * lay->size + lay->hashed] = k > EDGES_MIN;
        if(k <= EDGES_MIN)
            continue;
        for(uint32_t v = trie_u32(base, lay, u, lay->child); v != NONE;
            v = trie_u32(base, lay, v, lay->sibling))
            edges_put(m, u, base[(size_t)v * lay->size + lay->byte], v);
    }
    return SD_OK;
}

/* ---- literal trie --------------------------------------------------------------------------- */

static sd_err
node_new(struct sd_triage_rules *r, uint8_t byte, uint32_t *out)
{
    struct node nd = {NONE, NONE, 0, NONE, NONE, byte, 0};
    size_t id = CNT(r->nodes, struct node);
    sd_err err = push(&r->nodes, &nd, sizeof(nd), MAX_NODES);

    if(err == SD_OK)
        *out = (uint32_t)id;
    return err;
}

static uint32_t
node_child(const struct sd_triage_rules *r, uint32_t u, uint8_t c)
{
    const struct node *nd = ARR(r->nodes, const struct node);
    uint32_t v = nd[u].child;

    while(v != NONE && nd[v].byte != c)
        v = nd[v].sibling;
    return v;
}

/* Insert folded literal p[0..n) with boundary flags; *out is its (deduplicated) id. */
static sd_err
lit_insert(struct sd_triage_rules *r, const uint8_t *p, size_t n, uint32_t flags, uint32_t *out)
{
    sd_err err = SD_OK;
    uint32_t u = 0;
    uint32_t l;

    for(size_t i = 0; i < n; i++) {
        uint32_t v = node_child(r, u, p[i]);

        if(v == NONE) {
            SD_TRY(node_new(r, p[i], &v));
            ARR(r->nodes, struct node)[v].sibling = ARR(r->nodes, struct node)[u].child;
            ARR(r->nodes, struct node)[u].child = v;
        }
        u = v;
    }
    for(l = ARR(r->nodes, struct node)[u].lit; l != NONE;) {
        const struct lit *li = &ARR(r->lits, const struct lit)[l];

        if(li->flags == flags) {
            *out = l;
            goto out;
        }
        l = li->next_same;
    }
    {
        struct lit li = {ARR(r->nodes, struct node)[u].lit, 0, 0, (uint32_t)n, flags};
        size_t id = CNT(r->lits, struct lit);

        SD_TRY(push(&r->lits, &li, sizeof(li), SD_TRIAGE_MAX_LITERALS));
        ARR(r->nodes, struct node)[u].lit = (uint32_t)id;
        *out = (uint32_t)id;
    }
out:
    return err;
}

static bool
is_lower(uint8_t c)
{
    return c >= 'a' && c <= 'z';
}

static uint32_t
vocab_child(const struct vnode *vn, uint32_t u, uint8_t c)
{
    uint32_t v = vn[u].child;

    while(v != NONE && vn[v].byte != c)
        v = vn[v].sibling;
    return v;
}

/* Add every run of VOCAB_MIN..TYPO_MAX letters a-z in the folded literal p[0..n) to the vocabulary. */
static sd_err
vocab_add(struct sd_triage_rules *r, const uint8_t *p, size_t n)
{
    sd_err err = SD_OK;

    if(r->vocab.len == 0) {
        struct vnode root = {NONE, NONE, 0, 0, 0};

        SD_TRY(push(&r->vocab, &root, sizeof(root), MAX_NODES));
    }
    for(size_t i = 0; i < n;) {
        size_t j = i;
        uint32_t u = 0;

        while(j < n && is_lower(p[j]))
            j++;
        if(j == i) {
            i++;
            continue;
        }
        if(j - i < VOCAB_MIN || j - i > TYPO_MAX) {
            i = j;
            continue;
        }
        for(size_t k = i; k < j; k++) {
            uint32_t v = vocab_child(ARR(r->vocab, struct vnode), u, p[k]);

            if(v == NONE) {
                struct vnode nd = {NONE, ARR(r->vocab, struct vnode)[u].child, p[k], 0, 0};

                v = (uint32_t)CNT(r->vocab, struct vnode);
                SD_TRY(push(&r->vocab, &nd, sizeof(nd), MAX_NODES));
                ARR(r->vocab, struct vnode)[u].child = v;
            }
            u = v;
        }
        ARR(r->vocab, struct vnode)[u].end = 1;
        i = j;
    }
out:
    return err;
}

/* Parse one literal token (optionally "quoted" at either end for word boundaries), fold it and
 * insert it. */
static sd_err
parse_literal(struct parse_ctx *pc, const char *s, size_t n, uint32_t *out)
{
    sd_err err = SD_OK;
    uint32_t flags = 0;
    size_t flen;

    s = trim(s, &n);
    if(n > 0 && s[0] == '"') {
        flags |= LIT_LB;
        s++;
        n--;
    }
    if(n > 0 && s[n - 1] == '"') {
        flags |= LIT_RB;
        n--;
    }
    s = trim(s, &n);
    SD_CHECK_ARG(n > 0);
    for(size_t i = 0; i < n; i++)
        SD_CHECK_ARG(!strchr("|&~^!@\"", s[i]));
    sd_buf_reset(&pc->fold);
    SD_TRY(sd_text_fold(&pc->fold, s, n));
    flen = squeeze(pc->fold.data, pc->fold.len);
    SD_CHECK_ARG(flen > 0);
    SD_ENSURE(flen <= SD_TRIAGE_MAX_LITERAL_BYTES, SD_E_LIMIT);
    SD_TRY(lit_insert(pc->r, pc->fold.data, flen, flags, out));
    SD_TRY(vocab_add(pc->r, (const uint8_t *)pc->fold.data, flen));
out:
    return err;
}

static const struct set *
set_find(const struct parse_ctx *pc, const char *s, size_t n)
{
    const struct set *st = ARR(pc->sets, const struct set);
    size_t cnt = CNT(pc->sets, struct set);

    for(size_t i = 0; i < cnt; i++) {
        if(strlen(st[i].name) == n && memcmp(st[i].name, s, n) == 0)
            return &st[i];
    }
    return NULL;
}

/* An operand: "@SET" or a literal; *atom is its atom id (one atom per distinct literal). */
static sd_err
parse_operand(struct parse_ctx *pc, const char *s, size_t n, uint32_t *atom)
{
    sd_err err = SD_OK;
    const struct set *st;
    uint32_t l;
    uint32_t *inl;

    s = trim(s, &n);
    if(n > 0 && s[0] == '@') {
        st = set_find(pc, s + 1, n - 1);
        SD_CHECK_ARG(st);
        *atom = st->atom;
        goto out;
    }
    SD_TRY(parse_literal(pc, s, n, &l));
    while(CNT(pc->lit_inline, uint32_t) <= l)
        SD_TRY(push_u32(&pc->lit_inline, NONE, SD_TRIAGE_MAX_LITERALS));
    inl = ARR(pc->lit_inline, uint32_t);
    if(inl[l] == NONE) {
        struct atom a = {(uint32_t)CNT(pc->r->atom_lits, uint32_t), 1, 0, 0, 0, 0};
        size_t id = CNT(pc->r->atoms, struct atom);

        SD_TRY(push_u32(&pc->r->atom_lits, l, MAX_ATOM_LITS));
        SD_TRY(push(&pc->r->atoms, &a, sizeof(a), MAX_ATOMS));
        ARR(pc->lit_inline, uint32_t)[l] = (uint32_t)id;
    }
    *atom = ARR(pc->lit_inline, uint32_t)[l];
out:
    return err;
}

/* "set NAME: alt | alt ..." where alt is a literal or @EARLIER_SET. */
static sd_err
parse_set(struct parse_ctx *pc, const char *name, size_t nlen, const char *body, size_t blen)
{
    sd_err err = SD_OK;
    struct sd_triage_rules *r = pc->r;
    struct set st;
    struct atom a = {(uint32_t)CNT(r->atom_lits, uint32_t), 0, 0, 0, 0, 0};

    SD_CHECK_ARG(valid_name(name, nlen) && !set_find(pc, name, nlen));
    for(;;) {
        size_t k = span_to(body, blen, '|');
        const char *alt = body;
        size_t alen = k;

        alt = trim(alt, &alen);
        SD_CHECK_ARG(alen > 0);
        if(alt[0] == '@') {
            const struct set *inc = set_find(pc, alt + 1, alen - 1);
            struct atom ia;

            SD_CHECK_ARG(inc);
            ia = ARR(r->atoms, struct atom)[inc->atom];
            for(uint32_t i = 0; i < ia.n_lits; i++) {
                uint32_t l = ARR(r->atom_lits, uint32_t)[ia.lits_off + i];

                SD_ENSURE(a.n_lits < SD_TRIAGE_MAX_SET_SIZE, SD_E_LIMIT);
                SD_TRY(push_u32(&r->atom_lits, l, MAX_ATOM_LITS));
                a.n_lits++;
            }
        } else {
            uint32_t l;

            SD_TRY(parse_literal(pc, alt, alen, &l));
            SD_ENSURE(a.n_lits < SD_TRIAGE_MAX_SET_SIZE, SD_E_LIMIT);
            SD_TRY(push_u32(&r->atom_lits, l, MAX_ATOM_LITS));
            a.n_lits++;
        }
        if(k == blen)
            break;
        body += k + 1;
        blen -= k + 1;
    }
    memset(&st, 0, sizeof(st));
    memcpy(st.name, name, nlen);
    st.atom = (uint32_t)CNT(r->atoms, struct atom);
    SD_ENSURE(CNT(pc->sets, struct set) < SD_TRIAGE_MAX_SETS, SD_E_LIMIT);
    SD_TRY(push(&r->atoms, &a, sizeof(a), MAX_ATOMS));
    SD_TRY(push(&pc->sets, &st, sizeof(st), SD_TRIAGE_MAX_SETS));
out:
    return err;
}

/* One "&" part: [!] operand [~N operand], [!] operand [~>N operand] or
 * [!] operand [^N operand]. */
static sd_err
parse_part(struct parse_ctx *pc, const char *s, size_t n, struct part *pt)
{
    sd_err err = SD_OK;
    size_t k;

    s = trim(s, &n);
    pt->neg = 0;
    if(n > 0 && s[0] == '!') {
        pt->neg = 1;
        s++;
        n--;
    }
    k = span_to(s, n, '~');
    if(k == n)
        k = span_to(s, n, '^');
    if(k == n) {
        pt->kind = PK_ATOM;
        SD_TRY(parse_operand(pc, s, n, &pt->idx));
    } else {
        struct near nr = {0};
        const char *rest = s + k + 1;
        size_t rlen = n - k - 1;
        size_t d = 0;
        long dist;

        nr.mode = s[k] == '^' ? NM_OUTSIDE : NM_NEAR;
        if(nr.mode == NM_NEAR && rlen > 0 && rest[0] == '>') {
            nr.mode = NM_ORDERED;
            rest++;
            rlen--;
        }
        while(d < rlen && rest[d] >= '0' && rest[d] <= '9')
            d++;
        SD_CHECK_ARG(parse_int(rest, d, 1, SD_TRIAGE_MAX_NEAR, &dist));
        SD_TRY(parse_operand(pc, s, k, &nr.a));
        SD_TRY(parse_operand(pc, rest + d, rlen - d, &nr.b));
        nr.dist = (uint32_t)dist;
        pt->kind = PK_NEAR;
        pt->idx = (uint32_t)CNT(pc->r->nears, struct near);
        SD_TRY(push(&pc->r->nears, &nr, sizeof(nr), MAX_PARTS_ALL));
    }
out:
    return err;
}

/* "alt | alt ..." where alt is "part & part ...". Fills rl->terms_off/n_terms. */
static sd_err
parse_expr(struct parse_ctx *pc, const char *s, size_t n, struct rule *rl)
{
    sd_err err = SD_OK;
    struct sd_triage_rules *r = pc->r;

    rl->terms_off = (uint32_t)CNT(r->terms, struct term);
    rl->n_terms = 0;
    for(;;) {
        size_t k = span_to(s, n, '|');
        const char *alt = s;
        size_t alen = k;
        struct term t = {(uint32_t)CNT(r->parts, struct part), 0};
        bool positive = false;

        SD_ENSURE(rl->n_terms < SD_TRIAGE_MAX_TERMS, SD_E_LIMIT);
        alt = trim(alt, &alen);
        SD_CHECK_ARG(alen > 0);
        for(;;) {
            size_t j = span_to(alt, alen, '&');
            struct part pt;

            SD_ENSURE(t.n_parts < SD_TRIAGE_MAX_PARTS, SD_E_LIMIT);
            SD_TRY(parse_part(pc, alt, j, &pt));
            positive = positive || !pt.neg;
            SD_TRY(push(&r->parts, &pt, sizeof(pt), MAX_PARTS_ALL));
            t.n_parts++;
            if(j == alen)
                break;
            alt += j + 1;
            alen -= j + 1;
        }
        /* An all-negative alternative would fire on empty text: almost surely a typo. */
        SD_CHECK_ARG(positive);
        SD_TRY(push(&r->terms, &t, sizeof(t), MAX_PARTS_ALL));
        rl->n_terms++;
        if(k == n)
            break;
        s += k + 1;
        n -= k + 1;
    }
out:
    return err;
}

static sd_err
add_rule(struct parse_ctx *pc, struct rule *rl, const char *body, size_t blen)
{
    sd_err err = SD_OK;
    struct sd_triage_rules *r = pc->r;
    const struct rule *all = ARR(r->rules, const struct rule);
    size_t cnt = CNT(r->rules, struct rule);

    for(size_t i = 0; i < cnt; i++)
        SD_CHECK_ARG(strcmp(all[i].signal, rl->signal) != 0);
    SD_ENSURE(cnt < SD_TRIAGE_MAX_RULES, SD_E_LIMIT);
    SD_TRY(parse_expr(pc, body, blen, rl));
    SD_TRY(push(&r->rules, rl, sizeof(*rl), SD_TRIAGE_MAX_RULES));
out:
    return err;
}

static sd_err
parse_line(struct parse_ctx *pc, const char *s, size_t n)
{
    sd_err err = SD_OK;
    struct sd_triage_rules *r = pc->r;
    const char *tok[4];
    size_t tlen[4];
    size_t ntok = 0;
    const char *kw;
    size_t kwlen;
    size_t hlen;
    size_t used;
    const char *body = NULL;
    size_t blen = 0;
    struct rule rl;
    enum sd_category cat;
    long v;

    SD_CHECK_ARG(sd_text_valid(s, n));
    s = trim(s, &n);
    if(n == 0 || s[0] == '#')
        goto out;
    used = next_token(s, n, &kw, &kwlen);
    if(kwlen == 8 && memcmp(kw, "tiebreak", 8) == 0) {
        bool listed[SD_CAT_COUNT] = {false};
        size_t k = 0;

        s += used;
        n -= used;
        for(;;) {
            const char *t;
            size_t tl;

            used = next_token(s, n, &t, &tl);
            if(tl == 0)
                break;
            SD_CHECK_ARG(cat_parse_n(&cat, t, tl) == SD_OK && !listed[cat]);
            listed[cat] = true;
            r->order[k++] = cat;
            s += used;
            n -= used;
        }
        SD_CHECK_ARG(k > 0);
        for(size_t c = 0; c < SD_CAT_COUNT; c++) {
            if(!listed[c])
                r->order[k++] = (enum sd_category)c;
        }
        goto out;
    }
    if(kwlen == 7 && memcmp(kw, "default", 7) == 0) {
        const char *t;
        size_t tl;

        s += used;
        n -= used;
        used = next_token(s, n, &t, &tl);
        SD_CHECK_ARG(cat_parse_n(&cat, t, tl) == SD_OK);
        s += used;
        n -= used;
        used = next_token(s, n, &t, &tl);
        SD_CHECK_ARG(parse_int(t, tl, 1, 4, &v));
        s += used;
        n -= used;
        (void)trim(s, &n);
        SD_CHECK_ARG(n == 0); /* nothing after the priority */
        r->defaults[cat] = (int)v;
        goto out;
    }
    /* The rest have "header: body"; the header never contains ':'. */
    hlen = span_to(s, n, ':');
    SD_CHECK_ARG(hlen < n && used <= hlen);
    body = s + hlen + 1;
    blen = n - hlen - 1;
    s += used;
    hlen -= used;
    for(;;) {
        const char *t;
        size_t tl;

        used = next_token(s, hlen, &t, &tl);
        if(tl == 0)
            break;
        SD_CHECK_ARG(ntok < 4);
        tok[ntok] = t;
        tlen[ntok] = tl;
        ntok++;
        s += used;
        hlen -= used;
    }
    memset(&rl, 0, sizeof(rl));
    if(kwlen == 3 && memcmp(kw, "set", 3) == 0) {
        SD_CHECK_ARG(ntok == 1);
        SD_TRY(parse_set(pc, tok[0], tlen[0], body, blen));
    } else if(kwlen == 11 && memcmp(kw, "fund_safety", 11) == 0) {
        SD_CHECK_ARG(ntok == 1 && valid_name(tok[0], tlen[0]));
        rl.kind = RK_FUND;
        snprintf(rl.signal, sizeof(rl.signal), "fund_safety:%.*s", (int)tlen[0], tok[0]);
        SD_TRY(add_rule(pc, &rl, body, blen));
    } else if(kwlen == 10 && memcmp(kw, "public_hex", 10) == 0) {
        SD_CHECK_ARG(ntok == 1 && valid_name(tok[0], tlen[0]));
        rl.kind = RK_PUBLIC_HEX;
        snprintf(rl.signal, sizeof(rl.signal), "public_hex:%.*s", (int)tlen[0], tok[0]);
        SD_TRY(add_rule(pc, &rl, body, blen));
    } else if(kwlen == 4 && memcmp(kw, "calm", 4) == 0) {
        SD_CHECK_ARG(ntok == 1 && valid_name(tok[0], tlen[0]));
        rl.kind = RK_CALM;
        snprintf(rl.signal, sizeof(rl.signal), "calm:%.*s", (int)tlen[0], tok[0]);
        SD_TRY(add_rule(pc, &rl, body, blen));
    } else if(kwlen == 3 && memcmp(kw, "cat", 3) == 0) {
        SD_CHECK_ARG(ntok == 3 && valid_name(tok[2], tlen[2]));
        SD_CHECK_ARG(cat_parse_n(&cat, tok[0], tlen[0]) == SD_OK);
        SD_CHECK_ARG(parse_int(tok[1], tlen[1], -100, 100, &v) && v != 0);
        rl.kind = RK_CAT;
        rl.cat = cat;
        rl.weight = (int)v;
        snprintf(rl.signal, sizeof(rl.signal), "cat:%s:%.*s", cat_names[cat], (int)tlen[2], tok[2]);
        SD_TRY(add_rule(pc, &rl, body, blen));
    } else if(kwlen == 4 && memcmp(kw, "prio", 4) == 0) {
        const char *sc;
        size_t sclen;

        SD_CHECK_ARG(ntok == 3 && valid_name(tok[2], tlen[2]));
        SD_CHECK_ARG(parse_int(tok[0], tlen[0], 1, 4, &v));
        rl.kind = RK_PRIO;
        rl.prio = (int)v;
        sc = tok[1];
        sclen = tlen[1];
        if(sclen == 1 && sc[0] == '*') {
            rl.scope = (1u << SD_CAT_COUNT) - 1;
        } else {
            for(;;) {
                size_t k = span_to(sc, sclen, ',');

                SD_CHECK_ARG(cat_parse_n(&cat, sc, k) == SD_OK);
                rl.scope |= 1u << cat;
                if(k == sclen)
                    break;
                sc += k + 1;
                sclen -= k + 1;
            }
        }
        snprintf(rl.signal, sizeof(rl.signal), "prio:%d:%.*s", rl.prio, (int)tlen[2], tok[2]);
        SD_TRY(add_rule(pc, &rl, body, blen));
    } else {
        SD_CHECK_ARG(false);
    }
out:
    return err;
}

/* ---- post-processing: reverse indexes and failure links ----------------------------------- */

/* The key of a term: its first positive part (parse_expr refuses a term without one). A term
 * holds only when its key does, so a rule can fire only when the key of one of its terms was
 * seen (an atom) or satisfied (a near clause): classification evaluates those rules only. */
static const struct part *
key_part(const struct sd_triage_rules *r, const struct term *tm)
{
    const struct part *parts = ARR(r->parts, const struct part);

    for(uint32_t k = 0; k < tm->n_parts; k++) {
        if(!parts[tm->parts_off + k].neg)
            return &parts[tm->parts_off + k];
    }
    return NULL;
}

/* The count of key_rules entries of part pt's atom or clause (by kind). */
static uint32_t *
key_count(struct sd_triage_rules *r, const struct part *pt)
{
    return pt->kind == PK_ATOM ? &ARR(r->atoms, struct atom)[pt->idx].n_rules
                               : &ARR(r->nears, struct near)[pt->idx].n_rules;
}

/* key -> rules (atom and near clause lists in key_rules): count, prefix sums, fill; a rule
 * is listed once per key however many of its terms share it. */
static sd_err
build_key_rules(struct sd_triage_rules *r)
{
    size_t na = CNT(r->atoms, struct atom);
    size_t nn = CNT(r->nears, struct near);
    size_t nr = CNT(r->rules, struct rule);
    const struct rule *rules = ARR(r->rules, const struct rule);
    const struct term *terms = ARR(r->terms, const struct term);
    struct atom *atoms = ARR(r->atoms, struct atom);
    struct near *nears = ARR(r->nears, struct near);
    uint32_t off = 0, *kr;
    sd_err err = SD_OK;

    for(int fill = 0; fill < 2; fill++) {
        for(size_t i = 0; i < nr; i++) {
            for(uint32_t t = 0; t < rules[i].n_terms; t++) {
                const struct part *pt = key_part(r, &terms[rules[i].terms_off + t]);
                uint32_t *cnt, o;
                bool dup = false;

                SD_ENSURE(pt, SD_E_INVALID);
                cnt = key_count(r, pt);
                o = pt->kind == PK_ATOM ? atoms[pt->idx].rules_off : nears[pt->idx].rules_off;
                if(fill) {
                    kr = ARR(r->key_rules, uint32_t);
                    for(uint32_t j = 0; j < *cnt && !dup; j++)
                        dup = kr[o + j] == (uint32_t)i;
                    if(!dup)
                        kr[o + (*cnt)++] = (uint32_t)i;
                } else {
                    (*cnt)++; /* an upper bound (duplicates counted) */
                }
            }
        }
        if(fill)
            break;
        for(size_t a = 0; a < na; a++) {
            atoms[a].rules_off = off;
            off += atoms[a].n_rules;
            atoms[a].n_rules = 0;
        }
        for(size_t c = 0; c < nn; c++) {
            nears[c].rules_off = off;
            off += nears[c].n_rules;
            nears[c].n_rules = 0;
        }
        SD_TRY(sd_buf_reserve(&r->key_rules, off * sizeof(uint32_t)));
        r->key_rules.len = off * sizeof(uint32_t);
        atoms = ARR(r->atoms, struct atom); /* (no reallocation above: the same arrays) */
        nears = ARR(r->nears, struct near);
    }
out:
    return err;
}

static sd_err
build_indexes(struct sd_triage_rules *r)
{
    sd_err err = SD_OK;
    size_t nl = CNT(r->lits, struct lit);
    size_t na = CNT(r->atoms, struct atom);
    size_t nn = CNT(r->nears, struct near);
    struct lit *lits;
    struct atom *atoms;
    const struct near *nears;
    uint32_t off = 0;

    /* literal -> atoms: count, prefix sums, fill (n_atoms reused as a cursor). */
    SD_TRY(sd_buf_reserve(&r->lit_atoms, r->atom_lits.len));
    r->lit_atoms.len = r->atom_lits.len;
    lits = ARR(r->lits, struct lit);
    atoms = ARR(r->atoms, struct atom);
    for(size_t a = 0; a < na; a++) {
        for(uint32_t i = 0; i < atoms[a].n_lits; i++)
            lits[ARR(r->atom_lits, uint32_t)[atoms[a].lits_off + i]].n_atoms++;
    }
    for(size_t l = 0; l < nl; l++) {
        lits[l].atoms_off = off;
        off += lits[l].n_atoms;
        lits[l].n_atoms = 0;
    }
    for(size_t a = 0; a < na; a++) {
        for(uint32_t i = 0; i < atoms[a].n_lits; i++) {
            struct lit *li = &lits[ARR(r->atom_lits, uint32_t)[atoms[a].lits_off + i]];

            ARR(r->lit_atoms, uint32_t)[li->atoms_off + li->n_atoms++] = (uint32_t)a;
        }
    }
    /* atom -> near clauses. */
    SD_TRY(sd_buf_reserve(&r->atom_near, 2 * nn * sizeof(uint32_t)));
    atoms = ARR(r->atoms, struct atom);
    nears = ARR(r->nears, const struct near);
    for(size_t c = 0; c < nn; c++) {
        atoms[nears[c].a].n_near++;
        if(nears[c].b != nears[c].a)
            atoms[nears[c].b].n_near++;
    }
    off = 0;
    for(size_t a = 0; a < na; a++) {
        atoms[a].near_off = off;
        off += atoms[a].n_near;
        atoms[a].n_near = 0;
    }
    r->atom_near.len = off * sizeof(uint32_t);
    for(size_t c = 0; c < nn; c++) {
        struct atom *x = &atoms[nears[c].a];
        struct atom *y = &atoms[nears[c].b];

        ARR(r->atom_near, uint32_t)[x->near_off + x->n_near++] = (uint32_t)c;
        if(y != x)
            ARR(r->atom_near, uint32_t)[y->near_off + y->n_near++] = (uint32_t)c;
    }
    SD_TRY(build_key_rules(r));
out:
    return err;
}

static sd_err
build_automaton(struct sd_triage_rules *r)
{
    sd_err err = SD_OK;
    size_t nn = CNT(r->nodes, struct node);
    uint32_t *queue = NULL;
    struct node *nd = ARR(r->nodes, struct node);
    size_t head = 0;
    size_t tail = 0;

    queue = malloc(nn * sizeof(*queue));
    SD_ENSURE(queue, SD_E_NOMEM);
    for(size_t c = 0; c < 256; c++)
        r->root_next[c] = 0;
    for(uint32_t v = nd[0].child; v != NONE; v = nd[v].sibling) {
        nd[v].fail = 0;
        nd[v].dict = NONE;
        r->root_next[nd[v].byte] = v;
        queue[tail++] = v;
    }
    while(head < tail) {
        uint32_t u = queue[head++];

        for(uint32_t v = nd[u].child; v != NONE; v = nd[v].sibling) {
            uint32_t f = nd[u].fail;
            uint32_t w;

            for(;;) {
                w = node_child(r, f, nd[v].byte);
                if(w != NONE || f == 0)
                    break;
                f = nd[f].fail;
            }
            nd[v].fail = w == NONE ? 0 : w;
            nd[v].dict = nd[nd[v].fail].lit != NONE ? nd[v].fail : nd[nd[v].fail].dict;
            queue[tail++] = v;
        }
    }
    SD_TRY(edges_build(&r->node_edges, nd, nn, &node_layout));
    if(r->vocab.len)
        SD_TRY(edges_build(&r->vocab_edges, r->vocab.data, CNT(r->vocab, struct vnode),
                           &vnode_layout));
out:
    free(queue);
    return err;
}

void
sd_triage_rules_free(struct sd_triage_rules *r)
{
    if(!r)
        return;
    sd_buf_free(&r->nodes);
    sd_buf_free(&r->lits);
    sd_buf_free(&r->atoms);
    sd_buf_free(&r->atom_lits);
    sd_buf_free(&r->lit_atoms);
    sd_buf_free(&r->nears);
    sd_buf_free(&r->atom_near);
    sd_buf_free(&r->key_rules);
    sd_buf_free(&r->parts);
    sd_buf_free(&r->terms);
    sd_buf_free(&r->rules);
    sd_buf_free(&r->vocab);
    edges_free(&r->node_edges);
    edges_free(&r->vocab_edges);
    sd_tmodel_free(r->model);
    free(r);
}

void
sd_triage_rules_set_model(struct sd_triage_rules *r, struct sd_tmodel *m)
{
    sd_tmodel_free(r->model);
    r->model = m;
}

sd_err
sd_triage_rules_parse(struct sd_triage_rules **out, const char *text, size_t len, size_t *errline)
{
    sd_err err = SD_OK;
    struct parse_ctx pc;
    struct sd_triage_rules *r = NULL;
    size_t line = 0;
    size_t pos = 0;
    uint32_t root;

    memset(&pc, 0, sizeof(pc));
    if(errline)
        *errline = 0;
    SD_CHECK_ARG(out);
    *out = NULL;
    SD_CHECK_ARG(text || len == 0);
    SD_ENSURE(len <= SD_TRIAGE_RULES_MAX_BYTES, SD_E_LIMIT);
    r = calloc(1, sizeof(*r));
    SD_ENSURE(r, SD_E_NOMEM);
    pc.r = r;
    for(size_t c = 0; c < SD_CAT_COUNT; c++) {
        r->defaults[c] = c == SD_CAT_GENERAL ? 4 : 3;
        r->order[c] = (enum sd_category)c;
    }
    SD_TRY(node_new(r, 0, &root));
    while(pos < len) {
        size_t n = span_to(text + pos, len - pos, '\n');

        line++;
        SD_ENSURE(n <= SD_TRIAGE_MAX_LINE, SD_E_LIMIT);
        SD_TRY(parse_line(&pc, text + pos, n));
        pos += n + (pos + n < len ? 1 : 0);
    }
    line = 0;
    SD_TRY(build_indexes(r));
    SD_TRY(build_automaton(r));
    *out = r;
    r = NULL;
out:
    if(err != SD_OK && errline)
        *errline = line;
    sd_triage_rules_free(r);
    sd_buf_free(&pc.sets);
    sd_buf_free(&pc.lit_inline);
    sd_buf_free(&pc.fold);
    return err;
}

sd_err
sd_triage_rules_load_file(struct sd_triage_rules **out, const char *path, size_t *errline)
{
    FILE *f = NULL;
    char *text = NULL;
    size_t n = 0;
    sd_err err = SD_OK;

    if(errline)
        *errline = 0;
    SD_CHECK_ARG(out && path);
    *out = NULL;
    f = fopen(path, "rb");
    SD_ENSURE(f || (errno != ENOENT && errno != ENOTDIR), SD_E_NOTFOUND);
    SD_ENSURE(f, SD_E_IO);
    text = malloc(SD_TRIAGE_RULES_MAX_BYTES + 1);
    SD_ENSURE(text, SD_E_NOMEM);
    /* one byte more than the limit: a larger file is refused, not parsed cut short */
    n = fread(text, 1, SD_TRIAGE_RULES_MAX_BYTES + 1, f);
    SD_ENSURE(!ferror(f), SD_E_IO);
    SD_ENSURE(n <= SD_TRIAGE_RULES_MAX_BYTES, SD_E_LIMIT);
    SD_TRY(sd_triage_rules_parse(out, text, n, errline));
out:
    free(text);
    if(f)
        (void)fclose(f); /* read-only: nothing to flush */
    return err;
}

sd_err
sd_triage_rules_default(struct sd_triage_rules **out)
{
    size_t line;
    sd_err err = sd_triage_rules_parse(out, (const char *)sd_default_triage_rules,
                                       sd_default_triage_rules_len, &line);

    if(err == SD_OK && (err = sd_tmodel_default(&(*out)->model)) != SD_OK) {
        sd_triage_rules_free(*out);
        *out = NULL;
    }
    return err;
}

/* ---- classification ------------------------------------------------------------------------ */

/* The scan's state. The per-atom and per-clause arrays are sized by the rules, but only the
 * entries the text touches are visited afterwards: the lists name them, so the work after the
 * scan depends on the text, not on the number of rules. */
struct scan {
    uint8_t *seen;       /* per atom */
    uint32_t *last;      /* per atom: character position of the last hit's end (valid when seen) */
    uint8_t *sat;        /* per near clause */
    uint32_t *pend;      /* per "A ^N B" clause: end of the earliest A not yet cleared of a B
                          * (0: none; positions start at 1) */
    uint8_t *touched;    /* per near clause: in near_list */
    uint32_t *atom_list; /* the atoms seen, each once (capacity: the number of atoms) */
    size_t n_atom_list;
    uint32_t *near_list; /* the near clauses a hit visited, each once (capacity: their number) */
    size_t n_near_list;
};

/* "A ^N B" (NM_OUTSIDE) online: an A hit with a B ending at most N characters before it is
 * in B's scope; otherwise it is pending until a B ends within N characters after it (then
 * every pending A is in scope: they all end at or after the earliest) or the scan moves more
 * than N characters past it (then it is outside: the clause holds). */
static void
outside_hit(const struct near *c, struct scan *sc, uint32_t ci, uint32_t atom, uint32_t pos)
{
    if(sc->sat[ci])
        return;
    if(sc->pend[ci] && pos - sc->pend[ci] > c->dist) {
        sc->sat[ci] = 1;
        return;
    }
    if(atom == c->b && atom != c->a) {
        sc->pend[ci] = 0;
        return;
    }
    if(sc->seen[c->b] && pos - sc->last[c->b] <= c->dist)
        return;
    if(!sc->pend[ci])
        sc->pend[ci] = pos;
}

static void
hit(const struct sd_triage_rules *r, struct scan *sc, uint32_t l, uint32_t pos)
{
    const struct lit *li = &ARR(r->lits, const struct lit)[l];
    const uint32_t *la = ARR(r->lit_atoms, const uint32_t) + li->atoms_off;
    const struct atom *atoms = ARR(r->atoms, const struct atom);
    const struct near *nears = ARR(r->nears, const struct near);

    for(uint32_t i = 0; i < li->n_atoms; i++) {
        if(!sc->seen[la[i]]) {
            sc->seen[la[i]] = 1;
            sc->atom_list[sc->n_atom_list++] = la[i];
        }
        sc->last[la[i]] = pos;
    }
    for(uint32_t i = 0; i < li->n_atoms; i++) {
        const struct atom *a = &atoms[la[i]];
        const uint32_t *an = ARR(r->atom_near, const uint32_t) + a->near_off;

        for(uint32_t j = 0; j < a->n_near; j++) {
            const struct near *c = &nears[an[j]];
            uint32_t other = c->a == la[i] ? c->b : c->a;

            if(!sc->touched[an[j]]) {
                sc->touched[an[j]] = 1;
                sc->near_list[sc->n_near_list++] = an[j];
            }

            if(c->mode == NM_OUTSIDE) {
                outside_hit(c, sc, an[j], la[i], pos);
                continue;
            }
            /* An ordered clause is only completed by its second operand. */
            if(c->mode == NM_ORDERED && c->b != la[i])
                continue;
            if(c->mode == NM_ORDERED)
                other = c->a;
            /* Hits arrive in order of end position, so last[other] <= pos. */
            if(sc->seen[other] && pos - sc->last[other] <= c->dist)
                sc->sat[an[j]] = 1;
        }
    }
}

/* Continue a vocabulary walk from node u (depth d) over s[0..n): true if the word so far plus s
 * is a vocabulary word or starts with one of at least TYPO_PREFIX letters. */
static bool
vocab_rest(const struct vnode *vn, const struct edges *ve, uint32_t u, size_t d, const uint8_t *s,
           size_t n)
{
    for(size_t i = 0; i < n; i++) {
        u = vn[u].hashed ? edges_get(ve, u, s[i]) : vocab_child(vn, u, s[i]);
        if(u == NONE)
            return false;
        d++;
        if(vn[u].end && d >= TYPO_PREFIX)
            return true;
    }
    return vn[u].end != 0;
}

/* Repair the word w[0..n) (TYPO_MIN..TYPO_MAX letters a-z) into fix (n + 1 bytes); returns its
 * new length, or 0 when the word is known or no single swap, extra or missing letter after the
 * first makes it one. */
static size_t
repair_word(const struct vnode *vn, const struct edges *ve, const uint8_t *w, size_t n,
            uint8_t *fix)
{
    uint32_t u = 0;

    if(vocab_rest(vn, ve, 0, 0, w, n))
        return 0;
    for(size_t i = 0; i < n && u != NONE; i++) {
        if(i >= 1) {
            /* swap w[i] and w[i+1] */
            if(i + 1 < n) {
                memcpy(fix, w, n);
                fix[i] = w[i + 1];
                fix[i + 1] = w[i];
                if(vocab_rest(vn, ve, u, i, fix + i, n - i))
                    return n;
            }
            /* w[i] is one letter too many */
            if(n - 1 >= TYPO_MIN && vocab_rest(vn, ve, u, i, w + i + 1, n - i - 1)) {
                memcpy(fix, w, i);
                memcpy(fix + i, w + i + 1, n - i - 1);
                return n - 1;
            }
            /* a letter is missing before w[i] */
            for(uint32_t c = vn[u].child; c != NONE; c = vn[c].sibling) {
                if(vocab_rest(vn, ve, c, i + 1, w + i, n - i)) {
                    memcpy(fix, w, i);
                    fix[i] = vn[c].byte;
                    memcpy(fix + i + 1, w + i, n - i);
                    return n + 1;
                }
            }
        }
        u = vn[u].hashed ? edges_get(ve, u, w[i]) : vocab_child(vn, u, w[i]);
    }
    /* a letter is missing at the end */
    for(uint32_t c = u != NONE ? vn[u].child : NONE; c != NONE; c = vn[c].sibling) {
        if(vn[c].end) {
            memcpy(fix, w, n);
            fix[n] = vn[c].byte;
            return n + 1;
        }
    }
    return 0;
}

/* Is w[0..n) a word of the embedded BIP-39 list (sorted, one word a line)? A binary search over
 * its bytes: each probe backs up to the start of its line. */
static bool
common_word(const uint8_t *w, size_t n)
{
    const unsigned char *p = sd_bip39_english;
    size_t lo = 0;
    size_t hi = sd_bip39_english_len;

    while(lo < hi) {
        size_t a = lo + (hi - lo) / 2;
        size_t b;
        int c;

        while(a > lo && p[a - 1] != '\n')
            a--;
        b = a;
        while(b < hi && p[b] != '\n')
            b++;
        c = memcmp(w, p + a, n < b - a ? n : b - a);
        if(c == 0 && n == b - a)
            return true;
        if(c < 0 || (c == 0 && n < b - a))
            hi = a;
        else
            lo = b + 1;
    }
    return false;
}

/* A bounded walk of the vocabulary trie for repair_far: the rows of an edit distance (missing,
 * extra and swapped letters) between the word and each trie path, cut where every entry of a row
 * exceeds the bound. */
struct far {
    const struct vnode *vn;
    const uint8_t *w;
    size_t n;
    uint8_t k;                                /* at most this many edits (after a swap) */
    uint8_t rows[TYPO_MAX + 1][TYPO_MAX + 1]; /* rows[d][j]: path[0..d) against w[0..j) */
    uint8_t path[TYPO_MAX];
    size_t found; /* vocabulary words within k edits (stops at 2) */
    size_t best_len;
    uint8_t best[TYPO_MAX];
};

/* Walk below node u (at depth d: path[0..d) spelled, rows[d] filled). The depth is at most
 * TYPO_MAX (vocabulary words are not longer), so the recursion is bounded. */
static void
far_walk(struct far *f, uint32_t u, size_t d)
{
    const struct vnode *vn = f->vn;

    if(d >= TYPO_MAX || d >= f->n + f->k)
        return;
    for(uint32_t c = vn[u].child; c != NONE && f->found < 2; c = vn[c].sibling) {
        const uint8_t *prev = f->rows[d];
        uint8_t *row = f->rows[d + 1];
        uint8_t a = vn[c].byte;
        uint8_t low;

        if(d == 0 && a != f->w[0])
            continue; /* the first letter is kept */
        row[0] = (uint8_t)(d + 1);
        low = row[0];
        for(size_t j = 1; j <= f->n; j++) {
            uint8_t v = (uint8_t)(prev[j] + 1); /* the word misses letter a */

            if(row[j - 1] + 1 < v)
                v = (uint8_t)(row[j - 1] + 1); /* the word has w[j-1] too many */
            if(a == f->w[j - 1] && prev[j - 1] < v)
                v = prev[j - 1];
            if(d >= 1 && j >= 2 && a == f->w[j - 2] && f->path[d - 1] == f->w[j - 1] &&
               f->rows[d - 1][j - 2] + 1 < v)
                v = (uint8_t)(f->rows[d - 1][j - 2] + 1); /* two letters swapped */
            row[j] = v;
            if(v < low)
                low = v;
        }
        if(low > f->k)
            continue;
        f->path[d] = a;
        /* (a short word plus a letter at its end is not a repair) */
        if(vn[c].end && row[f->n] <= f->k &&
           !(f->n == TYPO_SHORT && d + 1 == f->n + 1 && memcmp(f->path, f->w, f->n) == 0) &&
           (f->found == 0 || f->best_len != d + 1 || memcmp(f->best, f->path, d + 1) != 0) &&
           ++f->found == 1) {
            memcpy(f->best, f->path, d + 1);
            f->best_len = d + 1;
        }
        far_walk(f, c, d + 1);
    }
}

/* Repair w[0..n) (TYPO_SHORT letters, or TYPO_FAR_MIN..TYPO_MAX) into fix (TYPO_MAX bytes) when
 * exactly one vocabulary word is within reach (see TYPO_SHORT) and w is neither a vocabulary word
 * nor a common one; returns the new length, or 0. */
static size_t
repair_far(const struct vnode *vn, const struct edges *ve, const uint8_t *w, size_t n, uint8_t *fix)
{
    struct far f;
    uint8_t sw[TYPO_MAX];

    if(n > TYPO_MAX || vocab_rest(vn, ve, 0, 0, w, n) || common_word(w, n))
        return 0;
    memset(&f, 0, sizeof(f));
    f.vn = vn;
    f.n = n;
    f.k = 1;
    for(size_t j = 0; j <= n; j++)
        f.rows[0][j] = (uint8_t)j;
    if(n == TYPO_SHORT) {
        f.w = w;
        far_walk(&f, 0, 0);
    } else {
        /* one swap after the first letter, then one edit of any kind; the candidates found
         * after every swap together must be a single word */
        f.w = sw;
        for(size_t i = 1; i + 1 < n && f.found < 2; i++) {
            if(w[i] == w[i + 1])
                continue;
            memcpy(sw, w, n);
            sw[i] = w[i + 1];
            sw[i + 1] = w[i];
            far_walk(&f, 0, 0);
        }
    }
    if(f.found != 1)
        return 0;
    memcpy(fix, f.best, f.best_len);
    return f.best_len;
}

/* Copy the folded text p[0..n) to out with every unknown word of a-z letters that is not next to
 * a digit or another ASCII letter repaired by repair_word or repair_far. */
static sd_err
repair_typos(const struct sd_triage_rules *r, const uint8_t *p, size_t n, struct sd_buf *out)
{
    sd_err err = SD_OK;
    const struct vnode *vn = ARR(r->vocab, const struct vnode);
    uint8_t fix[TYPO_MAX + 1];
    size_t i = 0;
    size_t copied = 0; /* p[0..copied) is in out */

    /* Text is copied in stretches between repaired words, into one allocation (a repair grows a
     * word of TYPO_SHORT letters or more, followed by a separator or the end, by at most one
     * letter). */
    SD_TRY(sd_buf_reserve(out, n + n / TYPO_SHORT + 1));
    while(i < n) {
        size_t j = i;
        size_t m = 0;

        while(j < n && is_lower(p[j]))
            j++;
        if(j == i) {
            while(j < n && !is_lower(p[j]))
                j++;
            i = j;
            continue;
        }
        if(vn && j - i >= TYPO_SHORT && j - i <= TYPO_MAX && (i == 0 || !is_word(p[i - 1])) &&
           (j == n || !is_word(p[j]))) {
            if(j - i >= TYPO_MIN)
                m = repair_word(vn, &r->vocab_edges, p + i, j - i, fix);
            if(m == 0 && (j - i == TYPO_SHORT || j - i >= TYPO_FAR_MIN))
                m = repair_far(vn, &r->vocab_edges, p + i, j - i, fix);
        }
        if(m > 0) {
            SD_TRY(sd_buf_append(out, p + copied, i - copied));
            SD_TRY(sd_buf_append(out, fix, m));
            copied = j;
        }
        i = j;
    }
    SD_TRY(sd_buf_append(out, p + copied, n - copied));
out:
    sodium_memzero(fix, sizeof(fix));
    return err;
}

static void
scan_text(const struct sd_triage_rules *r, struct scan *sc, const uint8_t *p, size_t n)
{
    const struct node *nd = ARR(r->nodes, const struct node);
    const struct lit *lits = ARR(r->lits, const struct lit);
    uint32_t st = 0;
    uint32_t cpos = 0;

    for(size_t i = 0; i < n; i++) {
        uint8_t c = p[i];

        if((c & 0xc0) != 0x80)
            cpos++;
        for(;;) {
            uint32_t v = st == 0         ? r->root_next[c]
                         : nd[st].hashed ? edges_get(&r->node_edges, st, c)
                                         : node_child(r, st, c);

            if(v != NONE && v != 0) {
                st = v;
                break;
            }
            if(st == 0)
                break;
            st = nd[st].fail;
        }
        for(uint32_t u = nd[st].lit != NONE ? st : nd[st].dict; u != NONE; u = nd[u].dict) {
            for(uint32_t l = nd[u].lit; l != NONE; l = lits[l].next_same) {
                size_t start = i + 1 - lits[l].len;

                if((lits[l].flags & LIT_LB) && start > 0 && is_word(p[start - 1]))
                    continue;
                if((lits[l].flags & LIT_RB) && i + 1 < n && is_word(p[i + 1]))
                    continue;
                hit(r, sc, l, cpos);
            }
        }
    }
}

static bool
rule_fired(const struct sd_triage_rules *r, const struct scan *sc, const struct rule *rl)
{
    const struct term *terms = ARR(r->terms, const struct term);
    const struct part *parts = ARR(r->parts, const struct part);

    for(uint32_t t = 0; t < rl->n_terms; t++) {
        const struct term *tm = &terms[rl->terms_off + t];
        bool all = true;

        for(uint32_t k = 0; k < tm->n_parts && all; k++) {
            const struct part *pt = &parts[tm->parts_off + k];
            bool m = pt->kind == PK_ATOM ? sc->seen[pt->idx] != 0 : sc->sat[pt->idx] != 0;

            all = pt->neg ? !m : m;
        }
        if(all)
            return true;
    }
    return false;
}

/* True when the rules alone (category scores score, the fired rules fl[0..nf) in rule order)
 * decide security or P1: the floor the learned adjustment must leave alone. The same decision
 * as below. */
static bool
rules_floor(const struct sd_triage_rules *r, const int *score, const uint32_t *fl, size_t nf)
{
    const struct rule *rules = ARR(r->rules, const struct rule);
    enum sd_category cat = SD_CAT_GENERAL;
    int best = 0, prio = 0;

    for(size_t k = 0; k < SD_CAT_COUNT; k++) {
        if(score[r->order[k]] > best) {
            best = score[r->order[k]];
            cat = r->order[k];
        }
    }
    for(size_t f = 0; f < nf; f++) {
        const struct rule *rl = &rules[fl[f]];

        if(rl->kind == RK_PRIO && (rl->scope & (1u << cat)) && (prio == 0 || rl->prio < prio))
            prio = rl->prio;
    }
    return cat == SD_CAT_SECURITY || (prio ? prio : r->defaults[cat]) == 1;
}

static void
add_signal(struct sd_triage_result *out, const char *sig, size_t cap)
{
    if(out->n_signals >= cap)
        return;
    snprintf(out->signals[out->n_signals], sizeof(out->signals[0]), "%s", sig);
    out->n_signals++;
}

/* Kinds of pasted secret that put funds at risk now (TRIAGE.md "a pasted secret is an
 * emergency"): whoever saw the text can empty the wallet, or pass the account's 2FA for
 * good (a TOTP secret, backup codes). The paste itself is the evidence: no other rule (a
 * prevention question, a calm rule) lowers it. A one-time code or a card number is not by
 * itself a loss of control over crypto funds. */
#define FUND_SECRETS                                                 \
    ((1u << SD_REDACT_SEED_PHRASE) | (1u << SD_REDACT_PRIVATE_KEY) | \
     (1u << SD_REDACT_TOTP_SECRET) | (1u << SD_REDACT_BACKUP_CODES))

/* Bits (1u << enum sd_redact_kind) of the secrets the redactor finds in s[0..n). The
 * redacted copy is scratch: wiped and freed here. */
static sd_err
secrets_in(const char *s, size_t n, unsigned *bits)
{
    sd_err err = SD_OK;
    struct sd_buf scratch = SD_BUF_INIT;
    struct sd_redact_report rep;

    if(n == 0)
        return SD_OK;
    SD_TRY(sd_redact(&scratch, s, n, &rep));
    for(int k = 0; k < SD_REDACT_KIND_COUNT; k++) {
        if(rep.count[k])
            *bits |= 1u << k;
    }
out:
    sd_buf_wipe_free(&scratch);
    return err;
}

/* An API secret pasted after its label ("secret: 9Fk2...", "api key ... and secret Pq7x...",
 * "secret 707Cw...", "시크릿 Tlp..."): a folded label ("secret", 시크릿, 密钥) followed by at most API_SECRET_GAP separators
 * (blanks, ':', '=', quotes) and a run of at least API_SECRET_MIN letters and digits with at
 * least one of each. TRIAGE.md: an API secret handed over is security P1; the redactor has no
 * kind for it (API secrets have no fixed shape), so the label decides. */
#define API_SECRET_MIN       20
#define API_SECRET_GAP       3
#define API_SECRET_LABEL_MAX 9 /* bytes of the longest label (시크릿) */
static bool
api_secret_in(const uint8_t *p, size_t n)
{
    /* "secret", "시크릿", "密钥" (folded); no label is a prefix of another and their first
     * bytes differ, so the first byte picks the one label to compare (the scan costs one
     * test a byte, not three string compares) */
    static const struct {
        const char *s;
        size_t n;
    } labels[] = {{"secret", sizeof("secret") - 1},
                  {"\xec\x8b\x9c\xed\x81\xac\xeb\xa6\xbf",
                   sizeof("\xec\x8b\x9c\xed\x81\xac\xeb\xa6\xbf") - 1},
                  {"\xe5\xaf\x86\xe9\x92\xa5", sizeof("\xe5\xaf\x86\xe9\x92\xa5") - 1}};
    _Static_assert(sizeof("\xec\x8b\x9c\xed\x81\xac\xeb\xa6\xbf") - 1 == API_SECRET_LABEL_MAX,
                   "API_SECRET_LABEL_MAX is the longest label");

    for(size_t i = 0; i < n; i++) {
        size_t j = 0, gap = 0, run = 0, k;
        bool digit = false, alpha = false;

        switch(p[i]) {
        case 's':
            k = 0;
            break;
        case 0xec:
            k = 1;
            break;
        case 0xe5:
            k = 2;
            break;
        default:
            continue;
        }
        if(labels[k].n > n - i || memcmp(p + i, labels[k].s, labels[k].n) != 0)
            continue;
        j = i + labels[k].n;
        while(j < n && gap < API_SECRET_GAP && p[j] != '\0' && strchr(" :=\"'", p[j])) {
            j++;
            gap++;
        }
        while(j < n && (is_lower(p[j]) || (p[j] >= '0' && p[j] <= '9'))) {
            digit = digit || (p[j] >= '0' && p[j] <= '9');
            alpha = alpha || is_lower(p[j]);
            j++;
            run++;
        }
        if(run >= API_SECRET_MIN && digit && alpha)
            return true;
        /* A label that starts inside what was just read and ends before its end (j) is
         * followed by a suffix of the same run, which cannot qualify either: look again only
         * where a label could end at j or later (linear; "secretsecret..." was quadratic). */
        if(j > i + API_SECRET_LABEL_MAX + 1)
            i = j - API_SECRET_LABEL_MAX - 1; /* the loop's i++ makes it j - LABEL_MAX */
    }
    return false;
}

sd_err
sd_triage_classify(const struct sd_triage_rules *r, const char *subject, size_t slen,
                   const char *body, size_t blen, bool vip, struct sd_triage_result *out)
{
    sd_err err = SD_OK;
    unsigned secrets = 0;

    SD_CHECK_ARG(r && out);
    SD_CHECK_ARG((subject || slen == 0) && (body || blen == 0));
    SD_ENSURE(slen <= SD_TRIAGE_MAX_TEXT && blen <= SD_TRIAGE_MAX_TEXT - slen, SD_E_LIMIT);
    SD_CHECK_ARG(sd_text_valid(subject, slen) && sd_text_valid(body, blen));
    SD_TRY(secrets_in(subject, slen, &secrets));
    SD_TRY(secrets_in(body, blen, &secrets));
    err = sd_triage_classify_found(r, subject, slen, body, blen, vip, secrets, out);
out:
    return err;
}

sd_err
sd_triage_classify_found(const struct sd_triage_rules *r, const char *subject, size_t slen,
                         const char *body, size_t blen, bool vip, unsigned secrets,
                         struct sd_triage_result *out)
{
    return sd_triage_classify_learned(r, subject, slen, body, blen, vip, secrets, NULL, out);
}

sd_err
sd_triage_classify_learned(const struct sd_triage_rules *r, const char *subject, size_t slen,
                           const char *body, size_t blen, bool vip, unsigned secrets,
                           const struct sd_triage_learned *learned, struct sd_triage_result *out)
{
    sd_err err = SD_OK;
    struct sd_buf text = SD_BUF_INIT;

    SD_CHECK_ARG(r && out);
    SD_CHECK_ARG((subject || slen == 0) && (body || blen == 0));
    SD_ENSURE(slen <= SD_TRIAGE_MAX_TEXT && blen <= SD_TRIAGE_MAX_TEXT - slen, SD_E_LIMIT);
    SD_CHECK_ARG(sd_text_valid(subject, slen) && sd_text_valid(body, blen));
    /* Fold the two parts separately (each is <= SD_TEXT_MAX) and join them with a blank. */
    SD_TRY(sd_text_fold(&text, subject, slen));
    SD_TRY(sd_buf_append_byte(&text, ' '));
    SD_TRY(sd_text_fold(&text, body, blen));
    err = sd_triage_classify_folded_learned(r, (const char *)text.data, text.len, vip, secrets,
                                            learned, out);
out:
    sd_buf_wipe_free(&text);
    return err;
}

sd_err
sd_triage_classify_folded(const struct sd_triage_rules *r, const char *folded, size_t flen,
                          bool vip, unsigned secrets, struct sd_triage_result *out)
{
    return sd_triage_classify_folded_learned(r, folded, flen, vip, secrets, NULL, out);
}

/* A fired P4 priority rule scoped to security (the rules read the text as a question) or a
 * fired calm rule (a denial, an ignored scam, a retraction): the model may not
 * raise such a text to fund safety. */
static bool
raise_vetoed(const struct rule *rules, const uint32_t *fl, size_t nf)
{
    for(size_t f = 0; f < nf; f++) {
        const struct rule *rl = &rules[fl[f]];

        if(rl->kind == RK_CALM ||
           (rl->kind == RK_PRIO && rl->prio == 4 && (rl->scope & (1u << SD_CAT_SECURITY))))
            return true;
    }
    return false;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

sd_err
sd_triage_classify_folded_learned(const struct sd_triage_rules *r, const char *folded, size_t flen,
                                  bool vip, unsigned secrets,
                                  const struct sd_triage_learned *learned,
                                  struct sd_triage_result *out)
{
    int rule_score[SD_CAT_COUNT], rule_prio = 0;
    bool learn = learned && learned->active; /* src/learn's bounded part; see below */
    sd_err err = SD_OK;
    struct sd_buf text = SD_BUF_INIT;
    struct sd_buf fixed = SD_BUF_INIT;
    struct sd_buf view = SD_BUF_INIT;
    struct scan sc = {0};
    uint8_t *cand = NULL; /* per rule: in fl (below) */
    uint32_t *fl = NULL;  /* the candidate rules, then the fired ones, in rule order */
    size_t nf = 0;
    void *scan_mem = NULL;
    size_t na;
    size_t nrules;
    size_t nnear;
    const struct rule *rules;
    int score[SD_CAT_COUNT] = {0};
    struct sd_tmodel_out mo = {0};
    bool fund = false;
    enum sd_category cat = SD_CAT_GENERAL;
    int prio = 0;
    bool public_hex = false;
    bool api_secret = false;
    size_t cap = SD_TRIAGE_MAX_SIGNALS - (vip ? 1 : 0);

    SD_CHECK_ARG(r && out && (folded || flen == 0));
    /* folding may grow text a little (NFKC expansions): allow twice the raw limit */
    SD_ENSURE(flen <= 2 * SD_TRIAGE_MAX_TEXT, SD_E_LIMIT);
    /* What triage reads of a mail, form or phone note (tstruct.h): the customer's new words
     * without quoted history, signatures, disclaimers and the customer-chosen category; the
     * rules and the model both read this view. */
    SD_TRY(sd_tstruct_view(&view, folded, flen));
    folded = (const char *)view.data;
    flen = view.len;
    /* a private copy: markers are masked and blanks squeezed in place */
    SD_TRY(sd_buf_append(&text, folded, flen));
    SD_TRY(sd_buf_terminate(&text));
    mask_markers(text.data, text.len);
    text.len = squeeze(text.data, text.len);
    SD_TRY(repair_typos(r, text.data, text.len, &fixed));

    na = CNT(r->atoms, struct atom);
    nnear = CNT(r->nears, struct near);
    nrules = CNT(r->rules, struct rule);
    /* the scan state in one block: the uint32_t arrays first, then the byte arrays (sizes are
     * bounded by the rules' limits, so no overflow). Only what is read before it is written is
     * zeroed: last[] is read only for a seen atom, the lists only below their counts. */
    scan_mem = malloc((2 * (na + 1) + 2 * (nnear + 1) + (nrules + 1)) * sizeof(uint32_t) +
                      (na + 1) + 2 * (nnear + 1) + (nrules + 1));
    SD_ENSURE(scan_mem, SD_E_NOMEM);
    sc.last = (uint32_t *)scan_mem;
    sc.atom_list = sc.last + na + 1;
    sc.pend = sc.atom_list + na + 1;
    sc.near_list = sc.pend + nnear + 1;
    fl = sc.near_list + nnear + 1;
    sc.seen = (uint8_t *)(fl + nrules + 1);
    sc.sat = sc.seen + na + 1;
    sc.touched = sc.sat + nnear + 1;
    cand = sc.touched + nnear + 1;
    memset(sc.pend, 0, (nnear + 1) * sizeof(uint32_t));
    memset(sc.seen, 0, (na + 1) + 2 * (nnear + 1) + (nrules + 1));
    scan_text(r, &sc, fixed.data, fixed.len);
    /* An A still pending at the end of the text has no B after it: outside B's scope. (Only a
     * clause a hit visited can be pending or satisfied.) */
    for(size_t k = 0; k < sc.n_near_list; k++) {
        if(sc.pend[sc.near_list[k]])
            sc.sat[sc.near_list[k]] = 1;
    }

    rules = ARR(r->rules, const struct rule);
    /* the candidates: rules with a term whose key was seen or satisfied (build_key_rules),
     * each once, then in rule order (the signals below are added in rule order) */
    {
        const struct atom *atoms = ARR(r->atoms, const struct atom);
        const struct near *nears = ARR(r->nears, const struct near);
        const uint32_t *kr = ARR(r->key_rules, const uint32_t);

        for(size_t k = 0; k < sc.n_atom_list; k++) {
            const struct atom *a = &atoms[sc.atom_list[k]];

            for(uint32_t j = 0; j < a->n_rules; j++) {
                uint32_t i = kr[a->rules_off + j];

                if(!cand[i]) {
                    cand[i] = 1;
                    fl[nf++] = i;
                }
            }
        }
        for(size_t k = 0; k < sc.n_near_list; k++) {
            const struct near *c = &nears[sc.near_list[k]];

            for(uint32_t j = 0; sc.sat[sc.near_list[k]] && j < c->n_rules; j++) {
                uint32_t i = kr[c->rules_off + j];

                if(!cand[i]) {
                    cand[i] = 1;
                    fl[nf++] = i;
                }
            }
        }
        qsort(fl, nf, sizeof(*fl), cmp_u32);
    }
    {
        size_t kept = 0;

        for(size_t f = 0; f < nf; f++) {
            const struct rule *rl = &rules[fl[f]];

            if(!rule_fired(r, &sc, rl))
                continue;
            fl[kept++] = fl[f];
            if(rl->kind == RK_FUND)
                fund = true;
            else if(rl->kind == RK_CAT)
                score[rl->cat] += rl->weight;
            else if(rl->kind == RK_PUBLIC_HEX)
                public_hex = true;
        }
        nf = kept;
    }
    /* The redactor blanks every 64-hex token it cannot place as a txid (over-redacting is
     * safe), so a private key alone is a pasted secret unless a public_hex rule says the text
     * is about a transaction ("completed", "tronscan says success"). Seed phrases always are. */
    if(public_hex && (secrets & FUND_SECRETS) == (1u << SD_REDACT_PRIVATE_KEY))
        secrets &= ~(1u << SD_REDACT_PRIVATE_KEY);
    else
        public_hex = false;
    if(secrets & FUND_SECRETS)
        fund = true;
    api_secret = api_secret_in(fixed.data, fixed.len);
    fund = fund || api_secret;
    memcpy(rule_score, score, sizeof(score));
    /* The model never touches the fund-safety floor: not after a fund-safety signal, nor when
     * the rules alone choose security or a P1 (a category move would drop its P1 rule). */
    learn = learn && !fund && !rules_floor(r, score, fl, nf);
    for(size_t k = 0; learn && k < SD_CAT_COUNT; k++)
        score[k] += learned->cat[k];
    /* The statistical model (src/tmodel): a bounded term per category unless the rules alone
     * chose security or P1; it may raise to fund safety (security P1), never lower it. */
    if(r->model)
        SD_TRY(sd_tmodel_predict(r->model, folded, flen, &mo));
    mo.applied = r->model && !fund && !rules_floor(r, rule_score, fl, nf);
    /* now: the model raised it. Not when a security-scoped P4 rule fired: that is the rules'
     * explicit reading of the text as a question or a condition ("if my account got hacked,
     * would you cover it?", TRIAGE.md: prevention questions are P4), a scope the model's
     * features do not see (its negation features cover negators, not conditions); nor when a
     * calm rule fired (the rules' reading of a denial, an ignored scam or a retraction:
     * unseen writers' alarming words without a loss pushed the model to P1, round 8). */
    /* Fund safety first where money leaves (round 11, data/triage/README.md "Round 11, brief
     * F"): when a withdrawal rule fired (the rules read money moving out) the model's lower
     * money-leaving bar is enough; on writers the rules had not seen this caught P1s the
     * general bar missed for fewer false P1s than lowering that bar everywhere. */
    /* A veto yields to near certainty (round 13, data/triage/README.md "Round 13, brief F"):
     * the model's fund head over veto_raise with its P1 head agreeing (mo.veto_over; off in a
     * model text without the param). On the blind folds the calm and question rules held back
     * five takeovers the model was sure of, and no non-P1 ticket was over that bar. */
    mo.fund_raise = r->model && !fund &&
                    (mo.fund_raise || (mo.money_raise && rule_score[SD_CAT_WITHDRAWAL] > 0)) &&
                    (mo.veto_over || !raise_vetoed(rules, fl, nf));
    for(size_t k = 0; mo.applied && k < SD_CAT_COUNT; k++)
        score[k] += mo.cat_adj[k];
    fund = fund || mo.fund_raise;
    if(fund) {
        cat = SD_CAT_SECURITY;
        prio = 1;
    } else {
        int best = 0;

        for(size_t k = 0; k < SD_CAT_COUNT; k++) {
            enum sd_category c = r->order[k];

            if(score[c] > best) {
                best = score[c];
                cat = c;
            }
        }
        for(size_t f = 0; f < nf; f++) {
            const struct rule *rl = &rules[fl[f]];

            if(rl->kind == RK_PRIO && (rl->scope & (1u << cat)) && (prio == 0 || rl->prio < prio))
                prio = rl->prio;
        }
        if(prio == 0)
            prio = r->defaults[cat];
        rule_prio = prio;
        if(mo.applied && mo.prio_target && prio != 1) /* the model's, when confident */
            prio = mo.prio_target;
        /* Then this desk's corrections (src/learn), one level towards their priority; P1 stays.
         * After the shipped model, not before: a confident model vote used to overwrite what the
         * desk's agents taught (round 9, when the model became confident more often). */
        if(learn && learned->prio && prio != 1)
            prio += learned->prio < prio ? -1 : learned->prio > prio ? 1 : 0;
    }

    memset(out, 0, sizeof(*out));
    out->category = cat;
    out->fund_safety = fund;
    if(secrets & FUND_SECRETS)
        add_signal(out, "fund_safety:pasted_secret", cap);
    if(api_secret)
        add_signal(out, "fund_safety:pasted_api_secret", cap);
    for(size_t f = 0; f < nf && public_hex; f++) {
        const struct rule *rl = &rules[fl[f]];

        if(rl->kind == RK_PUBLIC_HEX)
            add_signal(out, rl->signal, cap);
    }
    if(mo.fund_raise)
        add_signal(out, "fund_safety:model", cap);
    for(size_t f = 0; f < nf; f++) {
        const struct rule *rl = &rules[fl[f]];

        if(rl->kind == RK_FUND)
            add_signal(out, rl->signal, cap);
    }
    for(size_t f = 0; f < nf; f++) {
        const struct rule *rl = &rules[fl[f]];

        if(rl->kind == RK_CAT && rl->cat == cat)
            add_signal(out, rl->signal, cap);
    }
    for(size_t f = 0; f < nf && !fund; f++) {
        const struct rule *rl = &rules[fl[f]];

        if(rl->kind == RK_PRIO && (rl->scope & (1u << cat)))
            add_signal(out, rl->signal, cap);
    }
    for(size_t f = 0; f < nf; f++) {
        const struct rule *rl = &rules[fl[f]];

        if(rl->kind == RK_CAT && rl->cat != cat)
            add_signal(out, rl->signal, cap);
    }
    for(size_t f = 0; f < nf && !fund; f++) {
        const struct rule *rl = &rules[fl[f]];

        if(rl->kind == RK_CALM)
            add_signal(out, rl->signal, cap);
    }
    if(vip && prio > 1) {
        prio--;
        add_signal(out, "vip_raise", SD_TRIAGE_MAX_SIGNALS);
    }
    out->priority = prio;
    memcpy(out->rule_score, rule_score, sizeof(rule_score));
    out->rule_priority = fund ? 1 : rule_prio;
    out->model = mo;
    if(learned) {
        out->learned = *learned;
        out->learned.active = learn;
        out->learned.floor = learned->active && !learn;
    }
out:
    sd_buf_wipe_free(&text);
    sd_buf_wipe_free(&fixed);
    sd_buf_wipe_free(&view);
    free(scan_mem);
    return err;
}
