/*
 * Host tests of the capability table (kernel/src/object/cnode.c): cap_lookup and decode_cnode.
 *
 * A fake thread owns a 16-slot cspace; slot 2 holds a CNODE cap to that cspace and slot 10 a CNODE
 * cap to a second, 8-slot cnode. Invocations are made as the syscall layer makes them: an
 * invocation_t naming the thread, the invoked cap (in the thread's cspace), the label and MRs.
 * Every failing call is checked to change nothing (both cnodes and the thread are compared whole).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <object/cnode.h>

enum { OWN_BITS = 4, OTHER_BITS = 3, NOWN = 1 << OWN_BITS, NOTHER = 1 << OTHER_BITS };
enum { S_TCB = 1, S_CNODE = 2, S_EP = 3, S_NTFN = 4, S_EP_BADGED = 5, S_UNTYPED = 6, S_REPLY = 7,
       S_FRAME = 8, S_OTHER_CNODE = 10, S_IRQ = 11, S_FREE = 12 /* 9, 12..15 are empty */ };
#define RALL (PSN_RIGHT_R | PSN_RIGHT_W | PSN_RIGHT_X | PSN_RIGHT_G)

typedef struct world {
    tcb_t t, caller;
    cap_t own[NOWN], other[NOTHER];
    endpoint_t ep;
    notification_t ntfn;
    uint8_t untyped_mem[64], frame[64];
} world_t;

static world_t *w;

static int setup(void **state)
{
    (void)state;
    w = calloc(1, sizeof(*w));
    if (!w) return -1;
    w->t.cspace = (cnode_ref_t){ w->own, OWN_BITS };
    w->t.state = TS_RUNNING;
    w->own[S_TCB] = (cap_t){ .type = PSN_OBJ_TCB, .rights = RALL, .obj = &w->t };
    w->own[S_CNODE] = (cap_t){ .type = PSN_OBJ_CNODE, .rights = RALL, .obj = w->own, .extra = OWN_BITS };
    w->own[S_EP] = (cap_t){ .type = PSN_OBJ_ENDPOINT, .rights = RALL, .obj = &w->ep };
    w->own[S_NTFN] = (cap_t){ .type = PSN_OBJ_NOTIFICATION, .rights = PSN_RIGHT_R | PSN_RIGHT_W, .obj = &w->ntfn };
    w->own[S_EP_BADGED] = (cap_t){ .type = PSN_OBJ_ENDPOINT, .rights = PSN_RIGHT_W, .badge = 0x555, .obj = &w->ep };
    w->own[S_UNTYPED] = (cap_t){ .type = PSN_OBJ_UNTYPED, .rights = RALL, .badge = 0x20, .obj = w->untyped_mem, .extra = 6 };
    w->own[S_REPLY] = (cap_t){ .type = PSN_OBJ_REPLY, .rights = PSN_RIGHT_W, .obj = &w->caller, .extra = 3 };
    w->own[S_FRAME] = (cap_t){ .type = PSN_OBJ_FRAME, .rights = PSN_RIGHT_R | PSN_RIGHT_W, .obj = w->frame };
    w->own[S_OTHER_CNODE] = (cap_t){ .type = PSN_OBJ_CNODE, .rights = RALL, .obj = w->other, .extra = OTHER_BITS };
    w->own[S_IRQ] = (cap_t){ .type = PSN_OBJ_IRQ_HANDLER, .rights = RALL, .badge = 7 };
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(w);
    w = NULL;
    return 0;
}

static long invoke(word_t cnode_slot, word_t label, word_t m0, word_t m1, word_t m2, word_t m3)
{
    invocation_t inv;
    memset(&inv, 0, sizeof(inv));
    inv.t = &w->t;
    inv.cap = &w->own[cnode_slot];
    inv.label = label;
    inv.len = 4;
    inv.mr[0] = m0; inv.mr[1] = m1; inv.mr[2] = m2; inv.mr[3] = m3;
    long r = decode_cnode(&inv);
    assert_int_equal(inv.out_len, 0);
    return r;
}

/* A call that must fail with err and leave the whole world (both cnodes, both threads) unchanged. */
static void expect_fail(long err, word_t cnode_slot, word_t label, word_t m0, word_t m1, word_t m2, word_t m3)
{
    world_t *before = malloc(sizeof(*before));
    assert_non_null(before);
    memcpy(before, w, sizeof(*w));
    long r = invoke(cnode_slot, label, m0, m1, m2, m3);
    if (r != err)
        fail_msg("label %lu via slot %lu (%lu, %lu, %#lx, %#lx): got %ld, expected %ld", label, cnode_slot, m0, m1, m2, m3, r, err);
    if (memcmp(before, w, sizeof(*w))) fail_msg("label %lu (%lu, %lu): failed call changed state", label, m0, m1);
    free(before);
}

static bool is_null(const cap_t *c)
{
    static const cap_t zero;
    return !memcmp(c, &zero, sizeof(zero));
}

/* ---- cap_lookup ----------------------------------------------------------------------------- */

static void test_lookup(void **state)
{
    (void)state;
    assert_ptr_equal(cap_lookup(&w->t, S_EP, 0), &w->own[S_EP]);
    assert_ptr_equal(cap_lookup(&w->t, S_EP, PSN_OBJ_ENDPOINT), &w->own[S_EP]);
    assert_null(cap_lookup(&w->t, S_EP, PSN_OBJ_NOTIFICATION));
    assert_null(cap_lookup(&w->t, 0, 0));        /* empty */
    assert_null(cap_lookup(&w->t, S_FREE, 0));
    assert_null(cap_lookup(&w->t, NOWN, 0));     /* out of range */
    assert_null(cap_lookup(&w->t, NOWN + 1, 0));
    assert_null(cap_lookup(&w->t, 1ul << 32, 0));
    assert_null(cap_lookup(&w->t, ~0ul, 0));
    assert_null(cap_lookup(&w->t, NOWN - 1, 0)); /* slot 15 is empty */
    w->own[NOWN - 1] = w->own[S_FRAME];
    assert_ptr_equal(cap_lookup(&w->t, NOWN - 1, PSN_OBJ_FRAME), &w->own[NOWN - 1]);
    /* a one-slot cspace (a NULL cspace is not tested: cnode.h says a running thread always has one) */
    w->t.cspace = (cnode_ref_t){ &w->own[S_EP], 0 };
    assert_ptr_equal(cap_lookup(&w->t, 0, 0), &w->own[S_EP]);
    assert_null(cap_lookup(&w->t, 1, 0));
}

/* ---- argument checks ------------------------------------------------------------------------ */

static const word_t labels[] = { PSN_M_CNODE_COPY, PSN_M_CNODE_MINT, PSN_M_CNODE_MOVE, PSN_M_CNODE_DELETE,
                                 PSN_M_CNODE_SAVE_CALLER };

static void test_dest_out_of_range(void **state)
{
    (void)state;
    static const word_t bad[] = { NOWN, NOWN + 1, 1ul << 32, ~0ul };
    for (size_t l = 0; l < ARRAY_SIZE(labels); l++) {
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) expect_fail(-EINVAL, S_CNODE, labels[l], bad[i], S_EP, RALL, 1);
        /* the other cnode has 8 slots */
        expect_fail(-EINVAL, S_OTHER_CNODE, labels[l], NOTHER, S_EP, RALL, 1);
    }
}

static void test_source_bad(void **state)
{
    (void)state;
    static const word_t bad[] = { 0, 9, S_FREE, NOWN, NOWN + 3, ~0ul }; /* empty or out of range */
    static const word_t src_labels[] = { PSN_M_CNODE_COPY, PSN_M_CNODE_MINT, PSN_M_CNODE_MOVE };
    for (size_t l = 0; l < ARRAY_SIZE(src_labels); l++)
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
            expect_fail(-EBADF, S_CNODE, src_labels[l], S_FREE, bad[i], RALL, 1);
            expect_fail(-EBADF, S_OTHER_CNODE, src_labels[l], 1, bad[i], RALL, 1);
        }
}

static void test_unknown_label(void **state)
{
    (void)state;
    static const word_t bad[] = { 0, PSN_M_UNTYPED_RETYPE, PSN_M_TCB_CONFIGURE, 99, ~0ul };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) expect_fail(-ENOSYS, S_CNODE, bad[i], S_FREE, S_EP, RALL, 1);
}

/* ---- COPY ----------------------------------------------------------------------------------- */

static void test_copy(void **state)
{
    (void)state;
    word_t d = 0;
    for (word_t s = 1; s < NOWN; s++) {
        cap_t *src = &w->own[s];
        if (src->type == PSN_OBJ_NULL || !cap_copyable(src)) continue;
        cap_t saved = *src;
        assert_true(d < NOTHER);
        assert_int_equal(invoke(S_OTHER_CNODE, PSN_M_CNODE_COPY, d, s, 0xff, 0), 0);
        assert_memory_equal(&w->other[d], &saved, sizeof(cap_t)); /* identical, badge kept */
        assert_memory_equal(src, &saved, sizeof(cap_t));          /* source untouched */
        d++;
    }
    assert_int_equal(d, 8); /* tcb, cnode, ep, ntfn, badged ep, frame, other cnode, irq handler */
    /* within the same cnode */
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_COPY, S_FREE, S_EP, RALL, 0), 0);
    assert_memory_equal(&w->own[S_FREE], &w->own[S_EP], sizeof(cap_t));
    /* a copy of a cnode cap works as the original */
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_COPY, 13, S_OTHER_CNODE, RALL, 0), 0);
    memset(&w->other[0], 0, sizeof(cap_t));
    assert_int_equal(invoke(13, PSN_M_CNODE_COPY, 0, S_NTFN, RALL, 0), 0);
    assert_memory_equal(&w->other[0], &w->own[S_NTFN], sizeof(cap_t));
}

static void test_copy_rights_only_reduce(void **state)
{
    (void)state;
    static const word_t masks[] = { 0, PSN_RIGHT_R, PSN_RIGHT_W, PSN_RIGHT_G, PSN_RIGHT_R | PSN_RIGHT_X, 0xff, 0xf0,
                                    0x100, 0x1ff, ~0ul, (word_t)PSN_RIGHT_R << 8 };
    for (size_t i = 0; i < ARRAY_SIZE(masks); i++) {
        memset(&w->other[1], 0, sizeof(cap_t));
        memset(&w->other[2], 0, sizeof(cap_t));
        /* from a cap with all rights: exactly the mask's rights bits */
        assert_int_equal(invoke(S_OTHER_CNODE, PSN_M_CNODE_COPY, 1, S_EP, masks[i], 0), 0);
        assert_int_equal(w->other[1].rights, RALL & (uint8_t)masks[i]);
        /* from a cap with W only: never more than W */
        assert_int_equal(invoke(S_OTHER_CNODE, PSN_M_CNODE_COPY, 2, S_EP_BADGED, masks[i], 0), 0);
        assert_int_equal(w->other[2].rights, PSN_RIGHT_W & masks[i]);
        assert_true((w->other[2].rights & ~w->own[S_EP_BADGED].rights) == 0);
        assert_int_equal(w->other[2].badge, 0x555);
    }
    /* a chain of copies with different masks ends with their intersection */
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_COPY, 9, S_EP, PSN_RIGHT_R | PSN_RIGHT_W | PSN_RIGHT_G, 0), 0);
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_COPY, 12, 9, PSN_RIGHT_W | PSN_RIGHT_G | PSN_RIGHT_X, 0), 0);
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_COPY, 13, 12, RALL, 0), 0);
    assert_int_equal(w->own[13].rights, PSN_RIGHT_W | PSN_RIGHT_G);
}

static void test_copy_into_occupied(void **state)
{
    (void)state;
    expect_fail(-EEXIST, S_CNODE, PSN_M_CNODE_COPY, S_NTFN, S_EP, RALL, 0);
    expect_fail(-EEXIST, S_CNODE, PSN_M_CNODE_COPY, S_EP, S_EP, RALL, 0); /* onto itself */
    expect_fail(-EEXIST, S_CNODE, PSN_M_CNODE_COPY, S_CNODE, S_EP, RALL, 0);
    w->other[3] = w->own[S_FRAME];
    expect_fail(-EEXIST, S_OTHER_CNODE, PSN_M_CNODE_COPY, 3, S_EP, RALL, 0);
}

static void test_copy_uncopyable(void **state)
{
    (void)state;
    expect_fail(-EPERM, S_CNODE, PSN_M_CNODE_COPY, S_FREE, S_UNTYPED, RALL, 0);
    expect_fail(-EPERM, S_CNODE, PSN_M_CNODE_COPY, S_FREE, S_REPLY, RALL, 0);
    expect_fail(-EPERM, S_OTHER_CNODE, PSN_M_CNODE_COPY, 0, S_UNTYPED, 0, 0);
    expect_fail(-EPERM, S_CNODE, PSN_M_CNODE_MINT, S_FREE, S_UNTYPED, RALL, 1);
    expect_fail(-EPERM, S_CNODE, PSN_M_CNODE_MINT, S_FREE, S_REPLY, RALL, 1);
}

/* ---- MINT ----------------------------------------------------------------------------------- */

static void test_mint(void **state)
{
    (void)state;
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_MINT, S_FREE, S_EP, PSN_RIGHT_W | PSN_RIGHT_G, 0x1234), 0);
    cap_t *c = &w->own[S_FREE];
    assert_int_equal(c->type, PSN_OBJ_ENDPOINT);
    assert_ptr_equal(c->obj, &w->ep);
    assert_int_equal(c->badge, 0x1234);
    assert_int_equal(c->rights, PSN_RIGHT_W | PSN_RIGHT_G);
    assert_int_equal(w->own[S_EP].badge, 0); /* source keeps no badge */
    assert_int_equal(w->own[S_EP].rights, RALL);

    assert_int_equal(invoke(S_OTHER_CNODE, PSN_M_CNODE_MINT, 7, S_NTFN, 0xff, ~0ul), 0);
    assert_int_equal(w->other[7].type, PSN_OBJ_NOTIFICATION);
    assert_int_equal(w->other[7].badge, ~0ul);
    assert_int_equal(w->other[7].rights, PSN_RIGHT_R | PSN_RIGHT_W); /* no rights gained */

    /* a minted cap is badged: it can be copied (badge kept) but not minted again */
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_COPY, 13, S_FREE, RALL, 0), 0);
    assert_int_equal(w->own[13].badge, 0x1234);
    expect_fail(-EPERM, S_CNODE, PSN_M_CNODE_MINT, 14, S_FREE, RALL, 0x99);
    expect_fail(-EPERM, S_CNODE, PSN_M_CNODE_MINT, 14, 13, RALL, 0x99);
    expect_fail(-EPERM, S_CNODE, PSN_M_CNODE_MINT, 14, S_EP_BADGED, RALL, 0x99);
    expect_fail(-EPERM, S_OTHER_CNODE, PSN_M_CNODE_MINT, 1, 7, RALL, 0x99);
}

static void test_mint_only_ep_ntfn(void **state)
{
    (void)state;
    static const word_t slots[] = { S_TCB, S_CNODE, S_UNTYPED, S_REPLY, S_FRAME, S_OTHER_CNODE, S_IRQ };
    for (size_t i = 0; i < ARRAY_SIZE(slots); i++) {
        expect_fail(-EPERM, S_CNODE, PSN_M_CNODE_MINT, S_FREE, slots[i], RALL, 0x42);
        expect_fail(-EPERM, S_CNODE, PSN_M_CNODE_MINT, S_FREE, slots[i], RALL, 0);
    }
    expect_fail(-EEXIST, S_CNODE, PSN_M_CNODE_MINT, S_NTFN, S_EP, RALL, 0x42); /* occupied */
}

/* ---- MOVE ----------------------------------------------------------------------------------- */

static void test_move(void **state)
{
    (void)state;
    word_t d = 0;
    cap_t *ut = NULL, *reply = NULL;
    for (word_t s = 1; s < NOWN; s++) {
        if (s == S_CNODE || s == S_OTHER_CNODE || w->own[s].type == PSN_OBJ_NULL) continue;
        cap_t saved = w->own[s];
        assert_true(d < NOTHER);
        if (saved.type == PSN_OBJ_UNTYPED) ut = &w->other[d];
        if (saved.type == PSN_OBJ_REPLY) reply = &w->other[d];
        assert_int_equal(invoke(S_OTHER_CNODE, PSN_M_CNODE_MOVE, d, s, 0, 0), 0);
        assert_memory_equal(&w->other[d], &saved, sizeof(cap_t)); /* rights and badge intact */
        assert_true(is_null(&w->own[s]));                         /* source emptied */
        assert_null(cap_lookup(&w->t, s, 0));
        d++;
    }
    /* untyped and reply caps, which cannot be copied, did move */
    assert_non_null(ut); assert_non_null(reply);
    assert_int_equal(ut->type, PSN_OBJ_UNTYPED);
    assert_int_equal(reply->type, PSN_OBJ_REPLY);
}

static void test_move_errors(void **state)
{
    (void)state;
    expect_fail(-EEXIST, S_CNODE, PSN_M_CNODE_MOVE, S_NTFN, S_EP, 0, 0);
    expect_fail(-EEXIST, S_CNODE, PSN_M_CNODE_MOVE, S_EP, S_UNTYPED, 0, 0);
    expect_fail(-EBADF, S_CNODE, PSN_M_CNODE_MOVE, S_EP, S_FREE, 0, 0);
    expect_fail(-EBADF, S_CNODE, PSN_M_CNODE_MOVE, S_FREE, S_FREE, 0, 0);
    /* onto itself: succeeds and changes nothing */
    expect_fail(0, S_CNODE, PSN_M_CNODE_MOVE, S_UNTYPED, S_UNTYPED, 0, 0);
}

/* Moving within one cnode, then moving the invoked cnode cap itself elsewhere. */
static void test_move_chain(void **state)
{
    (void)state;
    cap_t ut = w->own[S_UNTYPED];
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_MOVE, 9, S_UNTYPED, 0, 0), 0);
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_MOVE, S_FREE, 9, 0, 0), 0);
    assert_memory_equal(&w->own[S_FREE], &ut, sizeof(cap_t));
    assert_true(is_null(&w->own[9]) && is_null(&w->own[S_UNTYPED]));
    cap_t cn = w->own[S_CNODE];
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_MOVE, 13, S_CNODE, 0, 0), 0);
    assert_memory_equal(&w->own[13], &cn, sizeof(cap_t));
    assert_true(is_null(&w->own[S_CNODE]));
    assert_int_equal(invoke(13, PSN_M_CNODE_COPY, 9, S_EP, RALL, 0), 0);
    assert_int_equal(w->own[9].type, PSN_OBJ_ENDPOINT);
}

/* ---- DELETE --------------------------------------------------------------------------------- */

static void test_delete(void **state)
{
    (void)state;
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_DELETE, S_EP, 0, 0, 0), 0);
    assert_true(is_null(&w->own[S_EP]));
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_DELETE, S_UNTYPED, 0, 0, 0), 0);
    assert_true(is_null(&w->own[S_UNTYPED]));
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_DELETE, S_REPLY, 0, 0, 0), 0);
    assert_true(is_null(&w->own[S_REPLY]));
    /* an empty slot: nothing to do, not an error */
    world_t *before = malloc(sizeof(*before));
    assert_non_null(before);
    memcpy(before, w, sizeof(*w));
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_DELETE, S_FREE, 0, 0, 0), 0);
    assert_memory_equal(before, w, sizeof(*w));
    free(before);
    /* in another cnode */
    w->other[5] = w->own[S_FRAME];
    assert_int_equal(invoke(S_OTHER_CNODE, PSN_M_CNODE_DELETE, 5, 0, 0, 0), 0);
    assert_true(is_null(&w->other[5]));
    assert_int_equal(w->own[S_FRAME].type, PSN_OBJ_FRAME);
    /* the cap to the other cnode, through the own cnode */
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_DELETE, S_OTHER_CNODE, 0, 0, 0), 0);
    assert_true(is_null(&w->own[S_OTHER_CNODE]));
}

static void test_delete_own_cap_busy(void **state)
{
    (void)state;
    expect_fail(-EBUSY, S_CNODE, PSN_M_CNODE_DELETE, S_CNODE, 0, 0, 0);
    /* through a copy of the cnode cap, the original may go, but not the copy being invoked */
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_COPY, 13, S_CNODE, RALL, 0), 0);
    expect_fail(-EBUSY, S_CNODE, PSN_M_CNODE_DELETE, S_CNODE, 0, 0, 0);
    expect_fail(-EBUSY, 13, PSN_M_CNODE_DELETE, 13, 0, 0, 0);
    assert_int_equal(invoke(13, PSN_M_CNODE_DELETE, S_CNODE, 0, 0, 0), 0);
    assert_true(is_null(&w->own[S_CNODE]));
    assert_int_equal(w->own[13].type, PSN_OBJ_CNODE);
}

/* ---- SAVE_CALLER ---------------------------------------------------------------------------- */

static void test_save_caller(void **state)
{
    (void)state;
    w->caller.state = TS_BLOCKED_REPLY;
    w->caller.reply_gen = 42;
    w->t.caller = &w->caller;
    expect_fail(-EEXIST, S_CNODE, PSN_M_CNODE_SAVE_CALLER, S_EP, 0, 0, 0);
    assert_int_equal(invoke(S_OTHER_CNODE, PSN_M_CNODE_SAVE_CALLER, 4, 0, 0, 0), 0);
    cap_t *c = &w->other[4];
    assert_int_equal(c->type, PSN_OBJ_REPLY);
    assert_int_equal(c->rights, PSN_RIGHT_W);
    assert_ptr_equal(c->obj, &w->caller);
    assert_int_equal(c->extra, 42);
    assert_int_equal(c->badge, 0);
    assert_null(w->t.caller); /* the implicit reply right is used up */
    expect_fail(-ENOENT, S_CNODE, PSN_M_CNODE_SAVE_CALLER, S_FREE, 0, 0, 0);
    /* a reply cap is unique: no copy, no mint; it can be moved */
    w->own[9] = *c;
    expect_fail(-EPERM, S_CNODE, PSN_M_CNODE_COPY, S_FREE, 9, RALL, 0);
    assert_int_equal(invoke(S_CNODE, PSN_M_CNODE_MOVE, S_FREE, 9, 0, 0), 0);
    /* a caller that no longer waits for the reply */
    w->t.caller = &w->caller;
    for (int st = TS_INACTIVE; st <= TS_BLOCKED_NTFN; st++) {
        if (st == TS_BLOCKED_REPLY) continue;
        w->caller.state = (uint8_t)st;
        expect_fail(-ENOENT, S_CNODE, PSN_M_CNODE_SAVE_CALLER, 13, 0, 0, 0);
    }
}

/* ---- random sequences ----------------------------------------------------------------------- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

/*
 * Random calls, with random arguments, through any cnode cap present. After each: a failed call
 * changed nothing; every cap has at most the rights of the original cap to its object; untyped and
 * reply caps are never duplicated; only endpoint/notification caps gain a badge; types never change.
 */
static void check_invariants(void)
{
    const cap_t *all[NOWN + NOTHER];
    for (int i = 0; i < NOWN; i++) all[i] = &w->own[i];
    for (int i = 0; i < NOTHER; i++) all[NOWN + i] = &w->other[i];
    int n_ut = 0;
    for (int i = 0; i < NOWN + NOTHER; i++) {
        const cap_t *c = all[i];
        if (c->type == PSN_OBJ_NULL) { assert_true(is_null(c)); continue; }
        n_ut += c->type == PSN_OBJ_UNTYPED;
        if (c->type == PSN_OBJ_REPLY) /* one reply cap per reply generation */
            for (int j = i + 1; j < NOWN + NOTHER; j++)
                assert_false(all[j]->type == PSN_OBJ_REPLY && all[j]->extra == c->extra);
        switch (c->type) {
        case PSN_OBJ_ENDPOINT:
            assert_ptr_equal(c->obj, &w->ep);
            if (c->badge == 0x555) assert_true((c->rights & ~PSN_RIGHT_W) == 0); /* from the W-only cap */
            break;
        case PSN_OBJ_NOTIFICATION:
            assert_ptr_equal(c->obj, &w->ntfn);
            assert_true((c->rights & ~(PSN_RIGHT_R | PSN_RIGHT_W)) == 0);
            break;
        case PSN_OBJ_UNTYPED:
            assert_ptr_equal(c->obj, w->untyped_mem);
            assert_int_equal(c->rights, RALL); assert_int_equal(c->badge, 0x20); assert_int_equal(c->extra, 6);
            break;
        case PSN_OBJ_REPLY:
            assert_ptr_equal(c->obj, &w->caller);
            assert_int_equal(c->rights, PSN_RIGHT_W); assert_int_equal(c->badge, 0);
            break;
        case PSN_OBJ_FRAME:
            assert_ptr_equal(c->obj, w->frame);
            assert_true((c->rights & ~(PSN_RIGHT_R | PSN_RIGHT_W)) == 0); assert_int_equal(c->badge, 0);
            break;
        case PSN_OBJ_CNODE:
            assert_true((c->obj == w->own && c->extra == OWN_BITS) || (c->obj == w->other && c->extra == OTHER_BITS));
            assert_int_equal(c->badge, 0);
            break;
        case PSN_OBJ_TCB:
            assert_ptr_equal(c->obj, &w->t); assert_int_equal(c->badge, 0);
            break;
        case PSN_OBJ_IRQ_HANDLER:
            assert_int_equal(c->badge, 7);
            break;
        default:
            fail_msg("slot %d: unexpected type %d", i, c->type);
        }
    }
    assert_true(n_ut <= 1);
}

static void test_random_sequences(void **state)
{
    (void)state;
    rng_state = 0x0123456789abcdefULL;
    static const word_t lab[] = { PSN_M_CNODE_COPY, PSN_M_CNODE_MINT, PSN_M_CNODE_MOVE, PSN_M_CNODE_DELETE,
                                  PSN_M_CNODE_SAVE_CALLER, 0, 7 };
    long ok = 0, failed = 0;
    world_t *before = malloc(sizeof(*before)), *pristine = malloc(sizeof(*pristine));
    assert_non_null(before); assert_non_null(pristine);
    memcpy(pristine, w, sizeof(*w));
    for (int round = 0; round < 300; round++) {
        memcpy(w, pristine, sizeof(*w));
        w->caller.reply_gen = 100;
        for (int step = 0; step < 60; step++) {
            /* invoke through a random cnode cap of the thread's cspace */
            word_t cn[NOWN];
            int ncn = 0;
            for (int i = 0; i < NOWN; i++) if (w->own[i].type == PSN_OBJ_CNODE) cn[ncn++] = (word_t)i;
            if (!ncn) break;
            uint64_t r = rnd();
            word_t slot = cn[r % (uint64_t)ncn];
            word_t label = lab[(r >> 8) % ARRAY_SIZE(lab)];
            word_t m0 = (r >> 16) % (NOWN + 2), m1 = (r >> 24) % (NOWN + 2);
            word_t m2 = (r >> 32) & 0xff, m3 = (r >> 40) & 3 ? (r >> 40) & 0xff : 0;
            if ((r >> 48) % 4 == 0) { /* sometimes a caller waits for a reply */
                w->t.caller = &w->caller;
                w->caller.state = (r >> 50) & 1 ? TS_BLOCKED_REPLY : TS_BLOCKED_SEND;
            }
            memcpy(before, w, sizeof(*w));
            bool self_delete = label == PSN_M_CNODE_DELETE && w->own[slot].obj == w->own && m0 == slot;
            long res = invoke(slot, label, m0, m1, m2, m3);
            if (res) {
                failed++;
                assert_true(res == -EINVAL || res == -EBADF || res == -EEXIST || res == -EPERM || res == -EBUSY ||
                            res == -ENOENT || res == -ENOSYS);
                if (memcmp(before, w, sizeof(*w)))
                    fail_msg("round %d step %d: label %lu (%lu, %lu) failed with %ld but changed state", round, step,
                             label, m0, m1, res);
            } else {
                ok++;
                assert_false(self_delete);
            }
            if (self_delete) assert_true(res == -EBUSY || res == -EPERM); /* EPERM: a cnode cap without W */
            check_invariants();
            if (res == 0 && label == PSN_M_CNODE_SAVE_CALLER) w->caller.reply_gen++; /* a new call later */
        }
    }
    free(before);
    free(pristine);
    print_message("      random sequences: %ld calls succeeded, %ld failed\n", ok, failed);
    assert_true(ok > 1000 && failed > 1000);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        T(test_lookup),
        T(test_dest_out_of_range),
        T(test_source_bad),
        T(test_unknown_label),
        T(test_copy),
        T(test_copy_rights_only_reduce),
        T(test_copy_into_occupied),
        T(test_copy_uncopyable),
        T(test_mint),
        T(test_mint_only_ep_ntfn),
        T(test_move),
        T(test_move_errors),
        T(test_move_chain),
        T(test_delete),
        T(test_delete_own_cap_busy),
        T(test_save_caller),
        T(test_random_sequences),
    };
    return cmocka_run_group_tests_name("cnode", tests, NULL, NULL);
}
