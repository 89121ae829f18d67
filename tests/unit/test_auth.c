/* Tokens, join codes and the join limiter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "auth.h"

static void test_tokens(void **state)
{
    (void)state;
    char a[AUTH_TOKEN_LEN + 1], b[AUTH_TOKEN_LEN + 1];
    assert_int_equal(auth_new_token(a), 0);
    assert_int_equal(auth_new_token(b), 0);
    assert_int_equal(strlen(a), 32); /* 128 bits in hex */
    assert_int_equal(strspn(a, "0123456789abcdef"), 32);
    assert_string_not_equal(a, b);
}

static void test_codes(void **state)
{
    (void)state;
    int seen[256] = {0};
    for (int i = 0; i < 2000; i++) {
        char c[AUTH_CODE_LEN + 1];
        assert_int_equal(auth_new_code(c), 0);
        assert_int_equal(strlen(c), AUTH_CODE_LEN);
        for (int k = 0; k < AUTH_CODE_LEN; k++) {
            assert_non_null(strchr(AUTH_CODE_ALPHABET, c[k]));
            seen[(unsigned char)c[k]]++;
        }
    }
    /* 12,000 draws over 31 characters: every one appears, none dominates. */
    for (const char *p = AUTH_CODE_ALPHABET; *p; p++) {
        assert_true(seen[(unsigned char)*p] > 200);
        assert_true(seen[(unsigned char)*p] < 600);
    }
}

static void test_code_normalize(void **state)
{
    (void)state;
    char a[] = "abc-23 4";
    assert_true(auth_code_normalize(a));
    assert_string_equal(a, "ABC234");
    char b[] = "ABC23O"; /* O is not in the alphabet (looks like 0) */
    assert_false(auth_code_normalize(b));
    char c[] = "ABC23";
    assert_false(auth_code_normalize(c));
    char d[] = "ABC2345";
    assert_false(auth_code_normalize(d));
    char e[] = "AB1234"; /* 1 is excluded too */
    assert_false(auth_code_normalize(e));
}

static void test_hash_and_equal(void **state)
{
    (void)state;
    char h[AUTH_HASH_LEN + 1];
    auth_hash("abc", 3, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_true(auth_equal("abcdef", "abcdef", 6));
    assert_false(auth_equal("abcdef", "abcdeg", 6));
    assert_false(auth_equal("xbcdef", "abcdef", 6));
}

static void test_roles(void **state)
{
    (void)state;
    auth_role_t r;
    assert_int_equal(auth_role_parse("player", &r), 0);
    assert_int_equal(r, AUTH_PLAYER);
    assert_int_equal(auth_role_parse("observer", &r), 0);
    assert_int_equal(r, AUTH_OBSERVER);
    assert_int_equal(auth_role_parse("host", &r), -1); /* invites never make hosts */
    assert_string_equal(auth_role_name(AUTH_NONE), "none");
}

static void test_limiter(void **state)
{
    (void)state;
    auth_limiter_t *l = auth_limiter_new(10, 6000);
    int64_t t = 1000000;
    for (int i = 0; i < 10; i++) {
        assert_true(auth_limiter_allow(l, "192.0.2.1", t));
        auth_limiter_fail(l, "192.0.2.1", t);
    }
    assert_false(auth_limiter_allow(l, "192.0.2.1", t));
    assert_true(auth_limiter_allow(l, "192.0.2.2", t)); /* per address */
    int64_t wait = auth_limiter_retry_after(l, "192.0.2.1", t);
    assert_true(wait > 5000 && wait <= 6001);
    assert_false(auth_limiter_allow(l, "192.0.2.1", t + 5000));
    assert_true(auth_limiter_allow(l, "192.0.2.1", t + 6000)); /* one more every 6 s */
    auth_limiter_fail(l, "192.0.2.1", t + 6000);
    assert_false(auth_limiter_allow(l, "192.0.2.1", t + 6001));
    /* After a quiet minute the bucket is full and the entry is forgotten. */
    assert_true(auth_limiter_allow(l, "192.0.2.1", t + 120000));
    auth_limiter_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens), cmocka_unit_test(test_codes),   cmocka_unit_test(test_code_normalize),
        cmocka_unit_test(test_hash_and_equal), cmocka_unit_test(test_roles), cmocka_unit_test(test_limiter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
