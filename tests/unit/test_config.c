/* The command line: defaults, flags, environment, and every usage error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"

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

static void test_defaults(void **state)
{
    (void)state;
    config_t c;
    char err[256];
    const char *argv[] = {"state-server"};
    assert_int_equal(parse(&c, NULL, 1, argv, err), 0);
    assert_int_equal(c.action, CONFIG_RUN);
    assert_int_equal(c.port, 8765);
    assert_string_equal(c.bind, "0.0.0.0");
    assert_string_equal(c.db, "./state.db");
    assert_true(c.trust_loopback);
    assert_int_equal(c.ping_interval_s, 30);
    assert_int_equal(c.ping_timeout_s, 10);
    assert_int_equal(c.max_connections, 4096);
    assert_int_equal(c.log_level, LOG_INFO);
    assert_int_equal(c.durability, CONFIG_DURABILITY_FULL);
    assert_string_equal(c.host_token, "");
    assert_int_equal(c.screen, CONFIG_SCREEN_OFF);
    assert_int_equal(c.screen_w, 1920);
    assert_int_equal(c.screen_h, 1080);
    assert_string_equal(c.screen_game, "");
}

static void test_screen(void **state)
{
    (void)state;
    config_t c;
    char err[256];
    const char *png[] = {"s", "--screen", "png:/tmp/a b.png", "--screen-size", "1280x720", "--screen-game=g-1"};
    assert_int_equal(parse(&c, NULL, 6, png, err), 0);
    assert_int_equal(c.screen, CONFIG_SCREEN_PNG);
    assert_string_equal(c.screen_path, "/tmp/a b.png");
    assert_int_equal(c.screen_w, 1280);
    assert_int_equal(c.screen_h, 720);
    assert_string_equal(c.screen_game, "g-1");
    const char *fb[] = {"s", "--screen", "fb"};
    assert_int_equal(parse(&c, NULL, 3, fb, err), 0);
    assert_int_equal(c.screen, CONFIG_SCREEN_FB);
    assert_string_equal(c.screen_path, ""); /* the default device */
    const char *fb1[] = {"s", "--screen=fb:/dev/fb1", "--screen-size", "480x800"};
    assert_int_equal(parse(&c, NULL, 4, fb1, err), 0);
    assert_int_equal(c.screen, CONFIG_SCREEN_FB);
    assert_string_equal(c.screen_path, "/dev/fb1");
    assert_int_equal(c.screen_w, 480);
    assert_int_equal(c.screen_h, 800);
    const char *drm[] = {"s", "--screen", "drm:/dev/dri/card1"};
    assert_int_equal(parse(&c, NULL, 3, drm, err), 0);
    assert_int_equal(c.screen, CONFIG_SCREEN_DRM);
    assert_string_equal(c.screen_path, "/dev/dri/card1");
    const char *drm0[] = {"s", "--screen=drm"};
    assert_int_equal(parse(&c, NULL, 2, drm0, err), 0);
    assert_int_equal(c.screen, CONFIG_SCREEN_DRM);
    assert_string_equal(c.screen_path, ""); /* the default card */
    /* The environment, and the flag over it. */
    const char *env[] = {"STATE_SERVER_SCREEN", "png:x.png", "STATE_SERVER_SCREEN_SIZE", "800x480",
                         "STATE_SERVER_SCREEN_GAME", "t3", NULL};
    const char *none[] = {"s"};
    assert_int_equal(parse(&c, env, 1, none, err), 0);
    assert_int_equal(c.screen, CONFIG_SCREEN_PNG);
    assert_string_equal(c.screen_path, "x.png");
    assert_int_equal(c.screen_w, 800);
    assert_int_equal(c.screen_h, 480);
    assert_string_equal(c.screen_game, "t3");
    const char *off[] = {"s", "--screen", "off"};
    assert_int_equal(parse(&c, env, 3, off, err), 0);
    assert_int_equal(c.screen, CONFIG_SCREEN_OFF);
}

static void test_flags_and_env(void **state)
{
    (void)state;
    config_t c;
    char err[256];
    const char *env[] = {"STATE_SERVER_PORT", "9000", "STATE_SERVER_DB", "/data/x.db", "STATE_SERVER_NO_TRUST_LOOPBACK", "1",
                         "STATE_SERVER_LOG_LEVEL", "debug", NULL};
    const char *argv[] = {"s", "--port", "0", "--bind=::1", "--durability", "normal", "--max-connections", "10",
                          "--host-token", "0123456789abcdef", "--public-url", "http://10.0.0.2:8765"};
    assert_int_equal(parse(&c, env, 12, argv, err), 0);
    assert_int_equal(c.port, 0);                /* the flag wins over the environment */
    assert_string_equal(c.db, "/data/x.db");    /* from the environment */
    assert_false(c.trust_loopback);
    assert_int_equal(c.log_level, LOG_DEBUG);
    assert_string_equal(c.bind, "::1");
    assert_int_equal(c.durability, CONFIG_DURABILITY_NORMAL);
    assert_int_equal(c.max_connections, 10);
    assert_string_equal(c.host_token, "0123456789abcdef");
    assert_string_equal(c.follow, "");
    const char *argv3[] = {"s", "--follow", "http://10.0.0.2:8765", "--host-token", "0123456789abcdef"};
    assert_int_equal(parse(&c, NULL, 5, argv3, err), 0);
    assert_string_equal(c.follow, "http://10.0.0.2:8765");
    const char *env2[] = {"STATE_SERVER_NO_TRUST_LOOPBACK", "0", NULL};
    const char *argv2[] = {"s"};
    assert_int_equal(parse(&c, env2, 1, argv2, err), 0);
    assert_true(c.trust_loopback);
}

static void test_actions(void **state)
{
    (void)state;
    config_t c;
    char err[256];
    const char *v[] = {"s", "--version"};
    assert_int_equal(parse(&c, NULL, 2, v, err), 0);
    assert_int_equal(c.action, CONFIG_VERSION);
    const char *h[] = {"s", "--help"};
    assert_int_equal(parse(&c, NULL, 2, h, err), 0);
    assert_int_equal(c.action, CONFIG_HELP);
    const char *both[] = {"s", "--install", "--uninstall"};
    assert_int_equal(parse(&c, NULL, 3, both, err), -1);
    assert_non_null(strstr(err, "cannot be combined"));
}

static void test_usage_errors(void **state)
{
    (void)state;
    static const struct {
        int argc;
        const char *argv[4];
        const char *says;
    } cases[] = {
        {2, {"s", "--nope"}, "unknown option"},
        {2, {"s", "positional"}, "unexpected argument"},
        {2, {"s", "--port"}, "needs a value"},
        {3, {"s", "--port", "65536"}, "0 to 65535"},
        {3, {"s", "--port", "12x"}, "whole number"},
        {3, {"s", "--port", ""}, "whole number"},
        {3, {"s", "--ping-interval", "0"}, "1 to 3600"},
        {3, {"s", "--log-level", "loud"}, "debug, info"},
        {3, {"s", "--durability", "maybe"}, "full or normal"},
        {3, {"s", "--bind", "localhost"}, "numeric"},
        {3, {"s", "--tls-cert", "c.pem"}, "go together"},
        {3, {"s", "--host-token", "short"}, "at least 16"},
        {3, {"s", "--host-token", "has space in it 123"}, "printable"},
        {3, {"s", "--public-url", "ftp://x"}, "http://"},
        {3, {"s", "--follow", "http://10.0.0.2:8765"}, "--host-token"},
        {4, {"s", "--follow", "https://a", "--host-token=0123456789abcdef"}, "http:// URL"},
        {3, {"s", "--db", ""}, "empty"},
        {2, {"s", "--version=1"}, "takes no value"},
        {3, {"s", "--screen", "hdmi"}, "expected off, png:FILE"},
        {3, {"s", "--screen", "png"}, "needs a path"},
        {3, {"s", "--screen", "png:"}, "needs a path"},
        {3, {"s", "--screen", "fb:"}, "needs a path"},
        {3, {"s", "--screen", "off:x"}, "expected off"},
        {3, {"s", "--screen", "pngx:a"}, "expected off"},
        {3, {"s", "--screen", ""}, "expected off"},
        {3, {"s", "--screen-size", "1920"}, "WIDTHxHEIGHT"},
        {3, {"s", "--screen-size", "1920x"}, "WIDTHxHEIGHT"},
        {3, {"s", "--screen-size", "x1080"}, "WIDTHxHEIGHT"},
        {3, {"s", "--screen-size", "100x100"}, "240 to 4096"},
        {3, {"s", "--screen-size", "5000x1080"}, "240 to 4096"},
        {3, {"s", "--screen-size", "1920x1080x2"}, "WIDTHxHEIGHT"},
        {3, {"s", "--screen-size", "1920X1080"}, "WIDTHxHEIGHT"},
        {3, {"s", "--screen-size", "-800x480"}, "WIDTHxHEIGHT"},
        {3, {"s", "--screen-game", "a/b"}, "game id"},
        {3, {"s", "--screen-game", "0123456789012345678901234567890123456789x"}, "too long"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        config_t c;
        char err[256] = "";
        if (parse(&c, NULL, cases[i].argc, (const char **)(uintptr_t)cases[i].argv, err) != -1)
            fail_msg("case %zu accepted", i);
        if (strstr(err, cases[i].says) == NULL)
            fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, cases[i].says);
        assert_null(strchr(err, '\n')); /* one line */
    }
    const char *env[] = {"STATE_SERVER_PORT", "http", NULL};
    const char *argv[] = {"s"};
    config_t c;
    char err[256];
    assert_int_equal(parse(&c, env, 1, argv, err), -1);
    assert_non_null(strstr(err, "environment"));
}

/* --touch: auto with a screen and off without one by default; a path or off when given;
 * refused without a screen, since its targets are drawn there. */
static void test_touch(void **state)
{
    (void)state;
    config_t c;
    char err[256];
    const char *none[] = {"s"};
    assert_int_equal(parse(&c, NULL, 1, none, err), 0);
    assert_string_equal(c.touch, "off");
    const char *screen[] = {"s", "--screen", "png:x.png"};
    assert_int_equal(parse(&c, NULL, 3, screen, err), 0);
    assert_string_equal(c.touch, "auto");
    const char *path[] = {"s", "--screen", "fb", "--touch", "/dev/input/event3"};
    assert_int_equal(parse(&c, NULL, 5, path, err), 0);
    assert_string_equal(c.touch, "/dev/input/event3");
    const char *env[] = {"STATE_SERVER_TOUCH", "off", NULL};
    assert_int_equal(parse(&c, env, 3, screen, err), 0);
    assert_string_equal(c.touch, "off");
    const char *alone[] = {"s", "--touch", "auto"};
    assert_int_equal(parse(&c, NULL, 3, alone, err), -1);
    assert_non_null(strstr(err, "--touch"));
    const char *empty[] = {"s", "--screen", "png:x.png", "--touch="};
    assert_int_equal(parse(&c, NULL, 4, empty, err), 0);
    assert_string_equal(c.touch, "auto");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults), cmocka_unit_test(test_flags_and_env), cmocka_unit_test(test_actions),
        cmocka_unit_test(test_usage_errors), cmocka_unit_test(test_screen), cmocka_unit_test(test_touch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
