/* The broker URL and the MQTT flags (PROTOCOL.md section 13): what is accepted, what
 * is refused with a usage error, and that no message repeats a password. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "mqtturl.h"

static void test_url_accepted(void **state)
{
    (void)state;
    static const struct {
        const char *url;
        bool tls;
        const char *host;
        int port;
        const char *user, *password;
        bool has_password;
    } ok[] = {
        {"mqtt://127.0.0.1", false, "127.0.0.1", 1883, "", "", false},
        {"mqtt://broker.local:1884", false, "broker.local", 1884, "", "", false},
        {"mqtts://broker", true, "broker", 8883, "", "", false},
        {"mqtt://box@10.0.0.2/", false, "10.0.0.2", 1883, "box", "", false},
        {"mqtt://box:pa%3Ass%40w@[::1]:2000", false, "::1", 2000, "box", "pa:ss@w", true},
        {"mqtts://u:@h:1", true, "h", 1, "u", "", true},
        {"mqtt://u:p@ss@h", false, "h", 1883, "u", "p@ss", true}, /* the last @ ends the credentials */
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        mqtturl_t u;
        char err[200] = "";
        assert_int_equal(mqtturl_parse(ok[i].url, &u, err, sizeof(err)), 0);
        assert_int_equal(u.tls, ok[i].tls);
        assert_string_equal(u.host, ok[i].host);
        assert_int_equal(u.port, ok[i].port);
        assert_string_equal(u.user, ok[i].user);
        assert_string_equal(u.password, ok[i].password);
        assert_int_equal(u.has_password, ok[i].has_password);
    }
}

static void test_url_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "http://h", "mqtt:/h", "mqtt://", "mqtt://:1883", "mqtt://h:0", "mqtt://h:65536", "mqtt://h:12x",
        "mqtt://h:", "mqtt://h/path", "mqtt://h?q=1", "mqtt://h#f", "mqtt://h h", "mqtt://[::1", "mqtt://[]:1",
        "mqtt://:secretpw@h", "mqtt://u:secretpw%4@h", "mqtt://u:secretpw%zz@h", "mqtt://h%41", "mqtt://u:secretpw@",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        mqtturl_t u;
        char err[200] = "";
        assert_int_equal(mqtturl_parse(bad[i], &u, err, sizeof(err)), -1);
        assert_true(strncmp(err, "--mqtt: ", 8) == 0);
        assert_null(strstr(err, "secretpw"));
    }
}

static void test_topics(void **state)
{
    (void)state;
    assert_true(mqtturl_topic_ok("state-server/box-1"));
    assert_true(mqtturl_topic_ok("a"));
    assert_false(mqtturl_topic_ok(""));
    assert_false(mqtturl_topic_ok("/a"));
    assert_false(mqtturl_topic_ok("a/"));
    assert_false(mqtturl_topic_ok("a//b"));
    assert_false(mqtturl_topic_ok("a/+"));
    assert_false(mqtturl_topic_ok("a/#"));
    assert_true(mqtturl_filter_ok("state-server/+"));
    assert_true(mqtturl_filter_ok("+/+"));
    assert_false(mqtturl_filter_ok("state-server/a+"));
    assert_false(mqtturl_filter_ok("state-server/#"));
    assert_false(mqtturl_filter_ok("+a"));
}

static const char *const *fake_env;

static const char *env_get(const char *name)
{
    for (const char *const *e = fake_env; e && *e; e += 2)
        if (strcmp(e[0], name) == 0)
            return e[1];
    return NULL;
}

static int parse(config_t *c, const char *const *env, int argc, const char **argv, char *err)
{
    fake_env = env;
    return config_parse(c, argc, (char **)argv, env_get, err, 256);
}

static void test_flags(void **state)
{
    (void)state;
    config_t c;
    char err[256];
    const char *none[] = {"state-server"};
    assert_int_equal(parse(&c, NULL, 1, none, err), 0);
    assert_string_equal(c.mqtt, "");
    assert_false(c.mqtt_discovery);

    const char *argv[] = {"state-server", "--mqtt", "mqtts://u:p@h", "--mqtt-prefix", "venue/room-2", "--mqtt-hall", "venue/+",
                          "--mqtt-ca", "/etc/ca.pem", "--mqtt-discovery"};
    assert_int_equal(parse(&c, NULL, 10, argv, err), 0);
    assert_string_equal(c.mqtt, "mqtts://u:p@h");
    assert_string_equal(c.mqtt_prefix, "venue/room-2");
    assert_string_equal(c.mqtt_hall, "venue/+");
    assert_string_equal(c.mqtt_ca, "/etc/ca.pem");
    assert_true(c.mqtt_discovery);

    /* Every flag from the environment too; the hall's default. */
    const char *env[] = {"STATE_SERVER_MQTT", "mqtt://127.0.0.1", "STATE_SERVER_MQTT_PREFIX", "p/q", "STATE_SERVER_MQTT_DISCOVERY", "1",
                         NULL};
    assert_int_equal(parse(&c, env, 1, none, err), 0);
    assert_string_equal(c.mqtt, "mqtt://127.0.0.1");
    assert_string_equal(c.mqtt_prefix, "p/q");
    assert_string_equal(c.mqtt_hall, "state-server/+");
    assert_true(c.mqtt_discovery);
    const char *env_off[] = {"STATE_SERVER_MQTT", "mqtt://127.0.0.1", "STATE_SERVER_MQTT_DISCOVERY", "0", NULL};
    assert_int_equal(parse(&c, env_off, 1, none, err), 0);
    assert_false(c.mqtt_discovery);
}

static void test_flag_errors(void **state)
{
    (void)state;
    static const struct {
        int argc;
        const char *argv[6];
        const char *says;
    } bad[] = {
        {3, {"s", "--mqtt", "tcp://u:secretpw@h"}, "--mqtt: the URL must start"},
        {3, {"s", "--mqtt-prefix", "a"}, "need --mqtt"},
        {2, {"s", "--mqtt-discovery"}, "need --mqtt"},
        {5, {"s", "--mqtt", "mqtt://u:secretpw@h", "--mqtt-ca", "/ca.pem"}, "--mqtt-ca: only for an mqtts"},
        {5, {"s", "--mqtt", "mqtt://h", "--mqtt-prefix", "a/+/b"}, "--mqtt-prefix"},
        {5, {"s", "--mqtt", "mqtt://h", "--mqtt-hall", "a/#"}, "--mqtt-hall"},
        {4, {"s", "--mqtt", "mqtt://h", "--mqtt-discovery=1"}, "takes no value"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        config_t c;
        char err[256] = "";
        const char *argv[6];
        memcpy(argv, bad[i].argv, sizeof(argv));
        assert_int_equal(parse(&c, NULL, bad[i].argc, argv, err), -1);
        if (strstr(err, bad[i].says) == NULL)
            fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, bad[i].says);
        assert_null(strstr(err, "secretpw"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_accepted), cmocka_unit_test(test_url_refused), cmocka_unit_test(test_topics),
        cmocka_unit_test(test_flags),        cmocka_unit_test(test_flag_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
