/* --install and --uninstall: see install.h. */
#include "install.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---- text of the files (pure) ----------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, used;
    bool overflow;
} out_t;

static void put(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out_t *o, const char *fmt, ...)
{
    if (o->overflow)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->len - o->used) {
        o->overflow = true;
        return;
    }
    o->used += (size_t)n;
}

/* The architectures whose system calls the service may make. A 32-bit ARM binary on a
 * Pi whose kernel is 64-bit (Raspberry Pi OS 32-bit does this on a Pi 4 and 5) makes
 * compat calls, which "native" alone would refuse. */
#if defined(__arm__)
#define INSTALL_SYSCALL_ARCHS "native arm"
#elif defined(__i386__)
#define INSTALL_SYSCALL_ARCHS "native x86"
#else
#define INSTALL_SYSCALL_ARCHS "native"
#endif

int install_unit_text(const config_t *cfg, char *buf, size_t len)
{
    out_t o = {buf, len, 0, false};
    if (len == 0)
        return -1;
    buf[0] = '\0';
    /* Ports below 1024 need the one capability, which only counts outside a user
     * namespace; otherwise the service holds none and gets a user namespace too. */
    bool low_port = cfg->port > 0 && cfg->port < 1024;
    const char *caps = low_port ? "CAP_NET_BIND_SERVICE" : "";
    put(&o,
        "# Written by \"state-server --install\"; \"state-server --uninstall\" removes it.\n"
        "# Settings: " INSTALL_ENV_PATH " (STATE_SERVER_* variables, see state-server --help),\n"
        "# then \"systemctl restart state-server\". Data: " INSTALL_DATA_DIR ".\n"
        "[Unit]\n"
        "Description=State Server: scoreboard and chess clock for tabletop games\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        "ExecStart=" INSTALL_BIN_PATH " --db " INSTALL_DATA_DIR "/state.db\n"
        "EnvironmentFile=-" INSTALL_ENV_PATH "\n"
        "Restart=on-failure\n"
        "RestartSec=2s\n"
        "TimeoutStopSec=20s\n"
        "LimitNOFILE=8192\n"
        "# A user allocated when the service starts; systemd creates and owns the data directory.\n"
        "DynamicUser=yes\n"
        "StateDirectory=state-server\n"
        "StateDirectoryMode=0700\n"
        "WorkingDirectory=" INSTALL_DATA_DIR "\n"
        "UMask=0077\n"
        "# Hardening: nothing but the data directory is writable, no privileges, no devices.\n"
        "CapabilityBoundingSet=%s\n"
        "AmbientCapabilities=%s\n"
        "PrivateUsers=%s\n"
        "NoNewPrivileges=yes\n"
        "ProtectSystem=strict\n"
        "ProtectHome=yes\n"
        "PrivateTmp=yes\n"
        "PrivateDevices=yes\n"
        "PrivateMounts=yes\n"
        "DevicePolicy=closed\n"
        "ProtectKernelTunables=yes\n"
        "ProtectKernelModules=yes\n"
        "ProtectKernelLogs=yes\n"
        "ProtectControlGroups=yes\n"
        "ProtectClock=yes\n"
        "ProtectHostname=yes\n"
        "ProtectProc=invisible\n"
        "ProcSubset=pid\n"
        "# AF_NETLINK: listing the network interfaces for the address shown to phones.\n"
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK\n"
        "RestrictNamespaces=yes\n"
        "RestrictRealtime=yes\n"
        "RestrictSUIDSGID=yes\n"
        "LockPersonality=yes\n"
        "MemoryDenyWriteExecute=yes\n"
        "SystemCallArchitectures=" INSTALL_SYSCALL_ARCHS "\n"
        "SystemCallFilter=@system-service\n"
        "SystemCallFilter=~@privileged @resources\n"
        "SystemCallErrorNumber=EPERM\n"
        "\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n",
        caps, caps, low_port ? "no" : "yes");
    return o.overflow ? -1 : (int)o.used;
}

static const char *level_name(log_level_t l)
{
    switch (l) {
    case LOG_DEBUG:
        return "debug";
    case LOG_INFO:
        return "info";
    case LOG_WARN:
        return "warn";
    case LOG_ERROR:
        return "error";
    }
    return "info";
}

/* KEY="value" with backslash and double quote escaped, as systemd's EnvironmentFile=
 * reads it. Newlines cannot be written (and no flag accepts one). */
static int put_var(out_t *o, const char *key, const char *value)
{
    if (strchr(value, '\n') || strchr(value, '\r'))
        return -1;
    put(o, "%s=\"", key);
    for (const char *p = value; *p; p++)
        put(o, (*p == '"' || *p == '\\') ? "\\%c" : "%c", *p);
    put(o, "\"\n");
    return 0;
}

static int put_int(out_t *o, const char *key, int v)
{
    char s[16];
    snprintf(s, sizeof(s), "%d", v);
    return put_var(o, key, s);
}

int install_env_text(const config_t *cfg, char *buf, size_t len, int *settings)
{
    out_t o = {buf, len, 0, false};
    config_t def;
    char err[256];
    char *argv0[] = {"state-server", NULL};
    int n = 0, rc = 0;
    if (len == 0)
        return -1;
    buf[0] = '\0';
    if (config_parse(&def, 1, argv0, NULL, err, sizeof(err)) != 0)
        return -1;
    put(&o, "# Settings of the state-server service, written by \"state-server --install\".\n"
            "# One STATE_SERVER_* variable per flag (state-server --help), for example\n"
            "#   STATE_SERVER_PORT=\"80\"\n"
            "#   STATE_SERVER_HOST_TOKEN=\"at-least-16-printable-characters\"\n"
            "#   STATE_SERVER_PUBLIC_URL=\"http://scores.local:8765\"\n"
            "# Apply with: systemctl restart state-server. Mode 0600: it may hold the host token.\n");
#define SETTING(cond, expr)                                                                                                        \
    do {                                                                                                                           \
        if (cond) {                                                                                                                \
            rc |= (expr);                                                                                                          \
            n++;                                                                                                                   \
        }                                                                                                                          \
    } while (0)
    SETTING(cfg->port != def.port, put_int(&o, "STATE_SERVER_PORT", cfg->port));
    SETTING(strcmp(cfg->bind, def.bind) != 0, put_var(&o, "STATE_SERVER_BIND", cfg->bind));
    SETTING(cfg->host_token[0], put_var(&o, "STATE_SERVER_HOST_TOKEN", cfg->host_token));
    SETTING(!cfg->trust_loopback, put_var(&o, "STATE_SERVER_NO_TRUST_LOOPBACK", "1"));
    SETTING(cfg->ping_interval_s != def.ping_interval_s, put_int(&o, "STATE_SERVER_PING_INTERVAL", cfg->ping_interval_s));
    SETTING(cfg->ping_timeout_s != def.ping_timeout_s, put_int(&o, "STATE_SERVER_PING_TIMEOUT", cfg->ping_timeout_s));
    SETTING(cfg->max_connections != def.max_connections, put_int(&o, "STATE_SERVER_MAX_CONNECTIONS", cfg->max_connections));
    SETTING(cfg->public_url[0], put_var(&o, "STATE_SERVER_PUBLIC_URL", cfg->public_url));
    SETTING(cfg->log_level != def.log_level, put_var(&o, "STATE_SERVER_LOG_LEVEL", level_name(cfg->log_level)));
    SETTING(cfg->durability != def.durability,
            put_var(&o, "STATE_SERVER_DURABILITY", cfg->durability == CONFIG_DURABILITY_NORMAL ? "normal" : "full"));
    SETTING(cfg->tls_cert[0], put_var(&o, "STATE_SERVER_TLS_CERT", cfg->tls_cert));
    SETTING(cfg->tls_key[0], put_var(&o, "STATE_SERVER_TLS_KEY", cfg->tls_key));
#undef SETTING
    if (settings)
        *settings = n;
    return rc != 0 || o.overflow ? -1 : (int)o.used;
}

/* ---- files ------------------------------------------------------------------------ */

static int fail(char *err, size_t errlen, const char *what, const char *path)
{
    snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
    return -1;
}

/* root + path, where root "/" adds nothing. */
static int join(char out[PATH_MAX], const char *root, const char *path, char *err, size_t errlen)
{
    size_t rl = strlen(root);
    while (rl > 0 && root[rl - 1] == '/')
        rl--;
    if (rl + strlen(path) + 1 > PATH_MAX) {
        snprintf(err, errlen, "path too long under %s", root);
        return -1;
    }
    memcpy(out, root, rl);
    strcpy(out + rl, path);
    return 0;
}

/* Creates dir with mode 0755 whatever the umask (an existing one is left alone). */
static int make_dir(const char *dir)
{
    if (mkdir(dir, 0755) == 0)
        return chmod(dir, 0755);
    return errno == EEXIST ? 0 : -1;
}

/* mkdir -p of the directory part of path (the part after root is created 0755). */
static int make_parents(const char *path, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (make_dir(dir) != 0)
            return fail(err, errlen, "cannot create", dir);
        *p = '/';
    }
    if (make_dir(dir) != 0)
        return fail(err, errlen, "cannot create", dir);
    return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Syncs the directory holding path, so a rename in it survives a power cut. */
static void sync_parent(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        return;
    *(slash == dir ? slash + 1 : slash) = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Writes path atomically with the given mode: from data, or (data NULL) a copy of src. */
static int put_file(const char *path, const char *data, size_t len, const char *src, mode_t mode, char *err, size_t errlen)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp)) {
        snprintf(err, errlen, "path too long: %s", path);
        return -1;
    }
    if (make_parents(path, err, errlen) != 0)
        return -1;
    int in = -1;
    if (src != NULL && (in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
        return fail(err, errlen, "cannot read", src);
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        int e = errno;
        if (in >= 0)
            close(in);
        errno = e;
        return fail(err, errlen, "cannot write", tmp);
    }
    int rc = 0;
    if (src == NULL) {
        rc = write_all(fd, data, len);
    } else {
        char chunk[65536];
        ssize_t n;
        while (rc == 0 && (n = read(in, chunk, sizeof(chunk))) != 0) {
            if (n < 0 && errno == EINTR)
                continue;
            rc = n < 0 ? -1 : write_all(fd, chunk, (size_t)n);
        }
        close(in);
    }
    /* The umask must not narrow the mode (a 0755 binary under umask 077). */
    if (rc == 0)
        rc = fchmod(fd, mode);
    if (rc == 0)
        rc = fsync(fd);
    int e = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
        e = errno;
    }
    if (rc != 0) {
        unlink(tmp);
        errno = e;
        return fail(err, errlen, "cannot write", path);
    }
    sync_parent(path);
    return 0;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int install_files(const config_t *cfg, const char *root, const char *self_path, FILE *out, char *err, size_t errlen)
{
    char path[PATH_MAX];
    static char text[16384];
    int settings = 0;

    if (join(path, root, INSTALL_BIN_PATH, err, errlen) != 0)
        return -1;
    if (same_file(self_path, path)) {
        if (out)
            fprintf(out, "binary: %s is the running binary; left as it is\n", INSTALL_BIN_PATH);
    } else {
        if (put_file(path, NULL, 0, self_path, 0755, err, errlen) != 0)
            return -1;
        if (out)
            fprintf(out, "binary: copied to %s\n", INSTALL_BIN_PATH);
    }

    int n = install_unit_text(cfg, text, sizeof(text));
    if (n < 0) {
        snprintf(err, errlen, "the unit does not fit in %zu bytes", sizeof(text));
        return -1;
    }
    if (join(path, root, INSTALL_UNIT_PATH, err, errlen) != 0 || put_file(path, text, (size_t)n, NULL, 0644, err, errlen) != 0)
        return -1;
    if (out)
        fprintf(out, "unit: wrote %s\n", INSTALL_UNIT_PATH);

    n = install_env_text(cfg, text, sizeof(text), &settings);
    if (n < 0) {
        snprintf(err, errlen, "a setting cannot be written to %s (a line break in a value?)", INSTALL_ENV_PATH);
        return -1;
    }
    if (join(path, root, INSTALL_ENV_PATH, err, errlen) != 0)
        return -1;
    if (settings == 0 && access(path, F_OK) == 0) {
        if (out)
            fprintf(out, "settings: kept %s (no settings given with --install)\n", INSTALL_ENV_PATH);
    } else {
        if (put_file(path, text, (size_t)n, NULL, 0600, err, errlen) != 0)
            return -1;
        if (out)
            fprintf(out, "settings: wrote %s (%d setting%s)\n", INSTALL_ENV_PATH, settings, settings == 1 ? "" : "s");
    }
    return 0;
}

int install_remove_files(const char *root, FILE *out, char *err, size_t errlen)
{
    static const char *const paths[] = {INSTALL_UNIT_PATH, INSTALL_BIN_PATH};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        if (join(path, root, paths[i], err, errlen) != 0)
            return -1;
        if (unlink(path) == 0) {
            sync_parent(path);
            if (out)
                fprintf(out, "removed %s\n", paths[i]);
        } else if (errno == ENOENT) {
            if (out)
                fprintf(out, "%s was not there\n", paths[i]);
        } else {
            return fail(err, errlen, "cannot remove", path);
        }
    }
    if (out)
        fprintf(out, "kept the data in %s and the settings in %s\n", INSTALL_DATA_DIR, INSTALL_ENV_PATH);
    return 0;
}

/* ---- systemd ---------------------------------------------------------------------- */

/* systemctl can do its work only where systemd is the running init. */
static bool systemd_running(void)
{
    struct stat st;
    return stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

/* Runs systemctl with the given arguments (NULL-terminated); returns its exit status. */
static int systemctl(const char *a1, const char *a2, const char *a3)
{
    char *argv[] = {"systemctl", (char *)a1, (char *)a2, (char *)a3, NULL};
    pid_t pid;
    int status;
    fprintf(stdout, "running: systemctl %s%s%s%s%s\n", a1, a2 ? " " : "", a2 ? a2 : "", a3 ? " " : "", a3 ? a3 : "");
    fflush(stdout);
    if (posix_spawnp(&pid, "systemctl", NULL, NULL, argv, environ) != 0)
        return -1;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Makes a relative path absolute against the working directory (the service runs
 * elsewhere); leaves it alone when empty or already absolute. */
static int absolute(char *path, size_t size, const char *flag)
{
    char cwd[PATH_MAX], joined[PATH_MAX * 2];
    if (path[0] == '\0' || path[0] == '/')
        return 0;
    if (getcwd(cwd, sizeof(cwd)) == NULL)
        return -1;
    snprintf(joined, sizeof(joined), "%s/%s", cwd, path);
    if (strlen(joined) >= size) {
        fprintf(stderr, "state-server: %s: path too long\n", flag);
        return -1;
    }
    strcpy(path, joined);
    return 0;
}

int install_main(const config_t *cfg_in, bool uninstall)
{
    const char *root = getenv("STATE_SERVER_INSTALL_ROOT");
    char err[PATH_MAX + 256];
    if (root == NULL || root[0] == '\0')
        root = "/";
    if (root[0] != '/') {
        fprintf(stderr, "state-server: STATE_SERVER_INSTALL_ROOT must be an absolute path\n");
        return 1;
    }
    bool real_root = strspn(root, "/") == strlen(root);
    const char *verb = uninstall ? "--uninstall" : "--install";
    if (real_root && geteuid() != 0) {
        fprintf(stderr, "state-server: %s needs root: sudo ./state-server %s\n", verb, verb);
        return 1;
    }
    bool live = real_root && systemd_running();
    if (!real_root)
        printf("root: %s (STATE_SERVER_INSTALL_ROOT)\n", root);

    if (uninstall) {
        if (live && systemctl("disable", "--now", INSTALL_SERVICE) != 0)
            printf("systemctl disable --now failed (was the service installed?); removing the files anyway\n");
        if (install_remove_files(root, stdout, err, sizeof(err)) != 0) {
            fprintf(stderr, "state-server: %s\n", err);
            return 1;
        }
        if (live)
            systemctl("daemon-reload", NULL, NULL);
        else
            printf("systemctl skipped (%s): run \"systemctl disable --now state-server; systemctl daemon-reload\" "
                   "where it is installed\n",
                   real_root ? "systemd is not running here" : "not the real root");
        return 0;
    }

    config_t cfg = *cfg_in;
    if (absolute(cfg.tls_cert, sizeof(cfg.tls_cert), "--tls-cert") != 0 ||
        absolute(cfg.tls_key, sizeof(cfg.tls_key), "--tls-key") != 0)
        return 1;
    if (strcmp(cfg.db, "./state.db") != 0)
        printf("note: the service keeps its database in %s/state.db; --db is not carried over "
               "(copy a database there while the service is stopped)\n",
               INSTALL_DATA_DIR);
    if (strncmp(cfg.tls_cert, "/home/", 6) == 0 || strncmp(cfg.tls_cert, "/root/", 6) == 0 ||
        strncmp(cfg.tls_key, "/home/", 6) == 0 || strncmp(cfg.tls_key, "/root/", 6) == 0)
        printf("note: the service cannot see /home or /root (ProtectHome=yes); put the certificate and key "
               "under /etc\n");

    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        fprintf(stderr, "state-server: cannot find the running binary (/proc/self/exe): %s\n", strerror(errno));
        return 1;
    }
    self[n] = '\0';
    if (install_files(&cfg, root, self, stdout, err, sizeof(err)) != 0) {
        fprintf(stderr, "state-server: %s\n", err);
        return 1;
    }
    if (!live) {
        printf("systemctl skipped (%s): run \"systemctl daemon-reload; systemctl enable --now state-server\" "
               "where it is installed\n",
               real_root ? "systemd is not running here" : "not the real root");
        return 0;
    }
    if (systemctl("daemon-reload", NULL, NULL) != 0 || systemctl("enable", INSTALL_SERVICE, NULL) != 0 ||
        systemctl("restart", INSTALL_SERVICE, NULL) != 0) {
        fprintf(stderr, "state-server: systemctl failed; see: systemctl status state-server\n");
        return 1;
    }
    printf("started. The address for phones and the host token: journalctl -u state-server\n");
    return 0;
}
