/*
 * test_install.c: unit tests of --install / --uninstall (src/install.c).
 *
 * The unit and environment-file texts are pure and checked line by line; the file
 * work runs against a temporary root (never the machine's own /), with a small
 * file standing in for the running binary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "install.h"

static char text[16384];

/* cfg from a command line (argv[0] added). */
static config_t cfg_of(const char *const *args)
{
    char *argv[32] = {"state-server"};
    int argc = 1;
    char err[256];
    config_t cfg;
    for (; args && args[argc - 1]; argc++)
        argv[argc] = (char *)args[argc - 1];
    assert_int_equal(config_parse(&cfg, argc, argv, NULL, err, sizeof(err)), 0);
    return cfg;
}

/* Whether text holds line as a whole line. */
static bool has_line(const char *t, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = t; (p = strstr(p, line)) != NULL; p++)
        if ((p == t || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

static void unit_default(void **state)
{
    (void)state;
    config_t cfg = cfg_of(NULL);
    int n = install_unit_text(&cfg, text, sizeof(text));
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(text));
    static const char *const want[] = {
        "[Unit]",
        "[Service]",
        "ExecStart=/usr/local/bin/state-server --db /var/lib/state-server/state.db",
        "EnvironmentFile=-/etc/default/state-server",
        "DynamicUser=yes",
        "StateDirectory=state-server",
        "StateDirectoryMode=0700",
        "Restart=on-failure",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "PrivateDevices=yes",
        "PrivateUsers=yes",
        "CapabilityBoundingSet=",
        "AmbientCapabilities=",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK",
        "MemoryDenyWriteExecute=yes",
        "SystemCallFilter=@system-service",
        "[Install]",
        "WantedBy=multi-user.target",
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (!has_line(text, want[i]))
            fail_msg("unit lacks the line \"%s\":\n%s", want[i], text);
    /* No setting leaks into the unit (they live in the 0600 environment file). */
    assert_null(strstr(text, "\nEnvironment="));
    assert_null(strstr(text, "STATE_SERVER_PORT"));
}

static void unit_low_port_gets_the_capability(void **state)
{
    (void)state;
    config_t cfg = cfg_of((const char *[]){"--port", "80", NULL});
    assert_true(install_unit_text(&cfg, text, sizeof(text)) > 0);
    assert_true(has_line(text, "CapabilityBoundingSet=CAP_NET_BIND_SERVICE"));
    assert_true(has_line(text, "AmbientCapabilities=CAP_NET_BIND_SERVICE"));
    assert_true(has_line(text, "PrivateUsers=no"));
}

static void unit_small_buffer(void **state)
{
    (void)state;
    config_t cfg = cfg_of(NULL);
    char small[64];
    assert_int_equal(install_unit_text(&cfg, small, sizeof(small)), -1);
    assert_int_equal(install_unit_text(&cfg, small, 0), -1);
}

static void env_defaults_have_no_settings(void **state)
{
    (void)state;
    config_t cfg = cfg_of(NULL);
    int settings = -1;
    int n = install_env_text(&cfg, text, sizeof(text), &settings);
    assert_true(n > 0);
    assert_int_equal(settings, 0);
    for (const char *line = text; *line; line = strchr(line, '\n') + 1)
        assert_int_equal(line[0], '#'); /* only the commented header */
    /* --db never goes to the environment file: the unit fixes it. */
    cfg = cfg_of((const char *[]){"--db", "/tmp/x.db", NULL});
    assert_true(install_env_text(&cfg, text, sizeof(text), &settings) > 0);
    assert_int_equal(settings, 0);
}

static void env_settings_and_quoting(void **state)
{
    (void)state;
    config_t cfg = cfg_of((const char *[]){"--port", "9000", "--host-token", "0123456789abcdef\"\\x", "--no-trust-loopback",
                                           "--log-level", "debug", "--durability", "normal", "--public-url",
                                           "http://scores.local:9000", "--ping-interval", "15", NULL});
    int settings = 0;
    assert_true(install_env_text(&cfg, text, sizeof(text), &settings) > 0);
    assert_int_equal(settings, 7);
    assert_true(has_line(text, "STATE_SERVER_PORT=\"9000\""));
    assert_true(has_line(text, "STATE_SERVER_HOST_TOKEN=\"0123456789abcdef\\\"\\\\x\""));
    assert_true(has_line(text, "STATE_SERVER_NO_TRUST_LOOPBACK=\"1\""));
    assert_true(has_line(text, "STATE_SERVER_LOG_LEVEL=\"debug\""));
    assert_true(has_line(text, "STATE_SERVER_DURABILITY=\"normal\""));
    assert_true(has_line(text, "STATE_SERVER_PUBLIC_URL=\"http://scores.local:9000\""));
    assert_true(has_line(text, "STATE_SERVER_PING_INTERVAL=\"15\""));
    assert_null(strstr(text, "STATE_SERVER_BIND"));
}

static void env_refuses_a_line_break(void **state)
{
    (void)state;
    config_t cfg = cfg_of(NULL);
    strcpy(cfg.tls_cert, "/etc/a\nSTATE_SERVER_PORT=1");
    strcpy(cfg.tls_key, "/etc/k");
    assert_int_equal(install_env_text(&cfg, text, sizeof(text), NULL), -1);
    char small[32];
    assert_int_equal(install_env_text(&cfg, small, sizeof(small), NULL), -1);
}

/* ---- files under a temporary root ---------------------------------------------------- */

typedef struct {
    char root[64];
    char self[96];
} fixture_t;

static int setup_root(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    strcpy(f->root, "/tmp/state-install-XXXXXX");
    if (mkdtemp(f->root) == NULL)
        return -1;
    snprintf(f->self, sizeof(f->self), "%s/self-binary", f->root);
    FILE *fp = fopen(f->self, "w");
    if (fp == NULL)
        return -1;
    fputs("\177ELF pretend binary\n", fp);
    fclose(fp);
    *state = f;
    return 0;
}

static int teardown_root(void **state)
{
    fixture_t *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static const char *under(const fixture_t *f, const char *path)
{
    static char buf[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s%s", f->root, path);
    return buf[i];
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static const char *slurp(const char *path)
{
    static char buf[16384];
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void files_install_then_uninstall(void **state)
{
    fixture_t *f = *state;
    char err[512] = "";
    mode_t old = umask(077); /* modes must not depend on the caller's umask */
    config_t cfg = cfg_of((const char *[]){"--port", "9000", NULL});
    FILE *out = tmpfile();
    int rc = install_files(&cfg, f->root, f->self, out, err, sizeof(err));
    umask(old);
    if (rc != 0)
        fail_msg("install_files: %s", err);

    assert_int_equal(mode_of(under(f, INSTALL_BIN_PATH)), 0755);
    assert_string_equal(slurp(under(f, INSTALL_BIN_PATH)), "\177ELF pretend binary\n");
    assert_int_equal(mode_of(under(f, INSTALL_UNIT_PATH)), 0644);
    assert_true(has_line(slurp(under(f, INSTALL_UNIT_PATH)), "DynamicUser=yes"));
    assert_int_equal(mode_of(under(f, INSTALL_ENV_PATH)), 0600);
    assert_true(has_line(slurp(under(f, INSTALL_ENV_PATH)), "STATE_SERVER_PORT=\"9000\""));
    assert_int_equal(mode_of(under(f, "/etc/systemd/system")), 0755);
    assert_int_equal(access(under(f, INSTALL_BIN_PATH ".new"), F_OK), -1);

    /* What systemd would have made, and a setting edited by hand. */
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && echo db > '%s/state.db' && echo 'STATE_SERVER_PORT=\"81\"' >> '%s'",
             under(f, "/var/lib/private/state-server"), under(f, "/var/lib/private/state-server"), under(f, INSTALL_ENV_PATH));
    assert_int_equal(system(cmd), 0);

    /* A re-install without settings keeps the edited file; one with settings rewrites it. */
    cfg = cfg_of(NULL);
    assert_int_equal(install_files(&cfg, f->root, f->self, out, err, sizeof(err)), 0);
    assert_true(has_line(slurp(under(f, INSTALL_ENV_PATH)), "STATE_SERVER_PORT=\"81\""));
    cfg = cfg_of((const char *[]){"--log-level", "warn", NULL});
    assert_int_equal(install_files(&cfg, f->root, f->self, out, err, sizeof(err)), 0);
    assert_false(has_line(slurp(under(f, INSTALL_ENV_PATH)), "STATE_SERVER_PORT=\"81\""));
    assert_true(has_line(slurp(under(f, INSTALL_ENV_PATH)), "STATE_SERVER_LOG_LEVEL=\"warn\""));

    assert_int_equal(install_remove_files(f->root, out, err, sizeof(err)), 0);
    assert_int_equal(access(under(f, INSTALL_UNIT_PATH), F_OK), -1);
    assert_int_equal(access(under(f, INSTALL_BIN_PATH), F_OK), -1);
    assert_int_equal(access(under(f, INSTALL_ENV_PATH), F_OK), 0);
    assert_string_equal(slurp(under(f, "/var/lib/private/state-server/state.db")), "db\n");
    /* Uninstalling twice is not an error. */
    assert_int_equal(install_remove_files(f->root, out, err, sizeof(err)), 0);
    fclose(out);
}

static void files_missing_self_is_an_error(void **state)
{
    fixture_t *f = *state;
    char err[512] = "";
    config_t cfg = cfg_of(NULL);
    assert_int_equal(install_files(&cfg, f->root, "/nonexistent/state-server", NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/state-server"));
    assert_int_equal(access(under(f, INSTALL_UNIT_PATH), F_OK), -1);
}

static void main_refuses_a_relative_root(void **state)
{
    (void)state;
    config_t cfg = cfg_of(NULL);
    setenv("STATE_SERVER_INSTALL_ROOT", "relative/root", 1);
    assert_int_equal(install_main(&cfg, false), 1);
    assert_int_equal(install_main(&cfg, true), 1);
    unsetenv("STATE_SERVER_INSTALL_ROOT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unit_default),
        cmocka_unit_test(unit_low_port_gets_the_capability),
        cmocka_unit_test(unit_small_buffer),
        cmocka_unit_test(env_defaults_have_no_settings),
        cmocka_unit_test(env_settings_and_quoting),
        cmocka_unit_test(env_refuses_a_line_break),
        cmocka_unit_test_setup_teardown(files_install_then_uninstall, setup_root, teardown_root),
        cmocka_unit_test_setup_teardown(files_missing_self_is_an_error, setup_root, teardown_root),
        cmocka_unit_test(main_refuses_a_relative_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
