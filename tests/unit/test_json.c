/* JSON reader and writer: what jsmn accepts loosely we refuse, and what we
 * write reads back the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"
#include "utf8.h"

static int parse(const char *s, json_doc_t *d, jsmntok_t *t, int n)
{
    return json_parse(d, s, strlen(s), t, n);
}

static void test_valid_documents(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "{}", "[]", "0", "-1", "1.5e10", "-0.0E-2", "true", "false", "null", "\"\"", "\"a\\u00e9\\ud83d\\ude00\"",
        " { \"a\" : [ 1 , { \"b\" : null } ] } ", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "\"\xc3\xa9\xf0\x9f\x98\x80\"",
    };
    jsmntok_t t[64];
    json_doc_t d;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (parse(ok[i], &d, t, 64) != 0)
            fail_msg("refused valid JSON: %s", ok[i]);
    }
}

static void test_invalid_documents(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", " ", "{", "}", "[1,]", "{\"a\"}", "{\"a\":}", "{1:2}", "{\"a\" \"b\"}", "tru", "nul", "truex", "01", "1.", ".5",
        "1e", "-", "+1", "0x10", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\nb\"",
        "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xff\"", "{} {}", "[] x", "\"\\u0000\"", "[\"a\":1]",
        "{\"a\":1,}", "{\"a\":\"b\":\"c\"}", "[1 2]", "{\"a\":1 \"b\":2}", "[,1]", "{,\"a\":1}", "[1,,2]", "{\"a\"::1}",
    };
    jsmntok_t t[64];
    json_doc_t d;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(bad[i], &d, t, 64) == 0)
            fail_msg("accepted invalid JSON #%zu: %s", i, bad[i]);
    }
}

static void test_too_many_tokens(void **state)
{
    (void)state;
    jsmntok_t t[4];
    json_doc_t d;
    assert_int_equal(parse("[1,2,3,4,5]", &d, t, 4), JSON_E_TOO_DEEP);
}

static void test_accessors(void **state)
{
    (void)state;
    jsmntok_t t[64];
    json_doc_t d;
    const char *s = "{\"n\":-42,\"big\":9223372036854775807,\"over\":9223372036854775808,\"f\":1.5,\"b\":true,"
                    "\"s\":\"caf\\u00e9\",\"o\":{\"x\":[1,2]},\"dup\":1,\"dup\":2,\"k\\u0065y\":3}";
    assert_int_equal(parse(s, &d, t, 64), 0);
    int64_t v;
    assert_int_equal(json_int(&d, json_get(&d, 0, "n"), &v), 0);
    assert_int_equal(v, -42);
    assert_int_equal(json_int(&d, json_get(&d, 0, "big"), &v), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(json_int(&d, json_get(&d, 0, "over"), &v), -1);
    assert_int_equal(json_int(&d, json_get(&d, 0, "f"), &v), -1);
    assert_int_equal(json_int(&d, json_get(&d, 0, "s"), &v), -1);
    bool b = false;
    assert_int_equal(json_bool(&d, json_get(&d, 0, "b"), &b), 0);
    assert_true(b);
    char out[16];
    assert_int_equal(json_str(&d, json_get(&d, 0, "s"), out, sizeof(out)), 5);
    assert_string_equal(out, "caf\xc3\xa9");
    assert_int_equal(json_str(&d, json_get(&d, 0, "s"), out, 5), -1); /* does not fit */
    assert_int_equal(json_type(&d, json_get(&d, 0, "o")), JSON_OBJECT);
    assert_int_equal(json_get(&d, 0, "missing"), -1);
    assert_int_equal(json_get(&d, json_get(&d, 0, "n"), "x"), -1); /* not an object */
    assert_int_equal(json_int(&d, json_get(&d, 0, "dup"), &v), 0);
    assert_int_equal(v, 2); /* the last duplicate wins */
    assert_int_equal(json_int(&d, json_get(&d, 0, "key"), &v), 0); /* escaped key matches */
    assert_int_equal(v, 3);
    int o = json_get(&d, 0, "o");
    assert_true(json_str_eq(&d, json_next(&d, o), "dup")); /* the key after o's subtree */
}

static void test_writer_round_trip(void **state)
{
    (void)state;
    const char in[] = "quote\" back\\ nl\n tab\t ctl\x01 caf\xc3\xa9 bad\xff end";
    buf_t b;
    buf_init(&b);
    json_put_str(&b, in, sizeof(in) - 1);
    assert_string_equal(b.data, "\"quote\\\" back\\\\ nl\\n tab\\t ctl\\u0001 caf\xc3\xa9 bad\xef\xbf\xbd end\"");
    jsmntok_t t[4];
    json_doc_t d;
    assert_int_equal(json_parse(&d, b.data, b.len, t, 4), 0);
    char out[64];
    assert_true(json_str(&d, 0, out, sizeof(out)) > 0);
    assert_string_equal(out, "quote\" back\\ nl\n tab\t ctl\x01 caf\xc3\xa9 bad\xef\xbf\xbd end");
    buf_free(&b);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(utf8_valid("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10));
    assert_false(utf8_valid("\xc3", 1));
    assert_false(utf8_valid("\xe0\x80\x80", 3)); /* overlong */
    assert_false(utf8_valid("\xed\xbf\xbf", 3)); /* surrogate */
    assert_int_equal(utf8_chars("a\xc3\xa9\xf0\x9f\x98\x80", 7), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_documents), cmocka_unit_test(test_invalid_documents), cmocka_unit_test(test_too_many_tokens),
        cmocka_unit_test(test_accessors),       cmocka_unit_test(test_writer_round_trip), cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
