/* touch: evdev records to taps, and finding the touchscreen. */
#include "touch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef input_event_sec
#define input_event_sec time.tv_sec
#define input_event_usec time.tv_usec
#endif

void touch_init(touch_t *t, touch_axis_t ax, touch_axis_t ay, int w, int h)
{
    memset(t, 0, sizeof(*t));
    t->ax = ax.max > ax.min ? ax : (touch_axis_t){0, w - 1};
    t->ay = ay.max > ay.min ? ay : (touch_axis_t){0, h - 1};
    t->w = w;
    t->h = h;
    for (int i = 0; i < TOUCH_SLOTS; i++)
        t->s[i].id = -1;
}

static int touch_scale(int32_t v, touch_axis_t a, int side)
{
    int64_t p = ((int64_t)v - a.min) * (side - 1) / ((int64_t)a.max - a.min);
    return p < 0 ? 0 : p >= side ? side - 1 : (int)p;
}

/* A frame is complete: contacts that lifted within the limits are taps. */
static int touch_frame(touch_t *t, int64_t now_us, touch_tap_t *taps, int cap, int n)
{
    for (int i = 0; i < TOUCH_SLOTS; i++) {
        touch_slot_t *s = &t->s[i];
        if (s->id >= 0 && !s->down) {
            s->down = true;
            s->far = t->dropped;
            s->x0 = s->x;
            s->y0 = s->y;
            s->t0_us = now_us;
            continue;
        }
        if (!s->down)
            continue;
        int dx = touch_scale(s->x, t->ax, t->w) - touch_scale(s->x0, t->ax, t->w);
        int dy = touch_scale(s->y, t->ay, t->h) - touch_scale(s->y0, t->ay, t->h);
        if (t->dropped || dx * dx + dy * dy > TOUCH_TAP_PX * TOUCH_TAP_PX)
            s->far = true;
        if (s->id >= 0)
            continue;
        s->down = false;
        if (!s->far && now_us - s->t0_us <= (int64_t)TOUCH_TAP_MS * 1000) {
            if (n < cap)
                taps[n] = (touch_tap_t){touch_scale(s->x0, t->ax, t->w), touch_scale(s->y0, t->ay, t->h)};
            n++;
        }
    }
    t->dropped = false;
    return n;
}

static int touch_record(touch_t *t, const struct input_event *ev, touch_tap_t *taps, int cap, int n)
{
    touch_slot_t *s = t->slot >= 0 && t->slot < TOUCH_SLOTS ? &t->s[t->slot] : NULL;
    if (ev->type == EV_ABS) {
        switch (ev->code) {
        case ABS_MT_SLOT:
            t->slot = ev->value;
            t->mt = true;
            break;
        case ABS_MT_TRACKING_ID:
            t->mt = true;
            if (s)
                s->id = ev->value < 0 ? -1 : ev->value;
            break;
        case ABS_MT_POSITION_X:
            t->mt = true;
            if (s)
                s->x = ev->value;
            break;
        case ABS_MT_POSITION_Y:
            t->mt = true;
            if (s)
                s->y = ev->value;
            break;
        case ABS_X:
            if (!t->mt)
                t->s[0].x = ev->value;
            break;
        case ABS_Y:
            if (!t->mt)
                t->s[0].y = ev->value;
            break;
        default:
            break;
        }
    } else if (ev->type == EV_KEY && ev->code == BTN_TOUCH && !t->mt) {
        t->s[0].id = ev->value ? 0 : -1;
    } else if (ev->type == EV_SYN && ev->code == SYN_DROPPED) {
        t->dropped = true;
    } else if (ev->type == EV_SYN && ev->code == SYN_REPORT) {
        int64_t us = (int64_t)ev->input_event_sec * 1000000 + (int64_t)ev->input_event_usec;
        n = touch_frame(t, us, taps, cap, n);
    }
    return n;
}

int touch_feed(touch_t *t, const uint8_t *buf, size_t len, touch_tap_t *taps, int cap)
{
    int n = 0;
    struct input_event ev;
    while (len > 0) {
        size_t take = TOUCH_RECORD - t->npart < len ? TOUCH_RECORD - t->npart : len;
        memcpy(t->part + t->npart, buf, take);
        t->npart += take;
        buf += take;
        len -= take;
        if (t->npart < TOUCH_RECORD)
            break;
        memcpy(&ev, t->part, sizeof(ev));
        t->npart = 0;
        n = touch_record(t, &ev, taps, cap, n);
    }
    return n < cap ? n : cap;
}

#define BITS_LONG (8 * sizeof(long))
static bool touch_bit(const unsigned long *bits, int i)
{
    return (bits[i / BITS_LONG] >> (i % BITS_LONG)) & 1;
}

/* The x and y codes a device's position comes in, or -1 when it is no touchscreen. */
static int touch_probe(int fd, touch_axis_t *ax, touch_axis_t *ay)
{
    unsigned long abs[ABS_CNT / BITS_LONG + 1] = {0}, key[KEY_CNT / BITS_LONG + 1] = {0};
    if (ioctl(fd, EVIOCGBIT(EV_ABS, sizeof(abs)), abs) < 0)
        return -1;
    int cx, cy;
    if (touch_bit(abs, ABS_MT_POSITION_X) && touch_bit(abs, ABS_MT_POSITION_Y)) {
        cx = ABS_MT_POSITION_X;
        cy = ABS_MT_POSITION_Y;
    } else if (touch_bit(abs, ABS_X) && touch_bit(abs, ABS_Y) && ioctl(fd, EVIOCGBIT(EV_KEY, sizeof(key)), key) >= 0 &&
               touch_bit(key, BTN_TOUCH)) {
        cx = ABS_X;
        cy = ABS_Y;
    } else {
        return -1;
    }
    struct input_absinfo x, y;
    if (ioctl(fd, EVIOCGABS(cx), &x) < 0 || ioctl(fd, EVIOCGABS(cy), &y) < 0 || x.maximum <= x.minimum || y.maximum <= y.minimum)
        return -1;
    *ax = (touch_axis_t){x.minimum, x.maximum};
    *ay = (touch_axis_t){y.minimum, y.maximum};
    return 0;
}

static int touch_is_event(const struct dirent *d)
{
    return strncmp(d->d_name, "event", 5) == 0;
}

int touch_open(const char *spec, int w, int h, touch_axis_t *ax, touch_axis_t *ay, bool *is_file, char *name, size_t namelen,
               char *err, size_t errlen)
{
    *is_file = false;
    *ax = (touch_axis_t){0, w - 1};
    *ay = (touch_axis_t){0, h - 1};
    if (strcmp(spec, "auto") == 0) {
        struct dirent **list;
        int n = scandir("/dev/input", &list, touch_is_event, alphasort), fd = -1;
        for (int i = 0; i < n; i++) {
            char path[300];
            snprintf(path, sizeof(path), "/dev/input/%s", list[i]->d_name);
            if (fd < 0) {
                int f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                if (f >= 0 && touch_probe(f, ax, ay) == 0) {
                    fd = f;
                    snprintf(name, namelen, "%s", path);
                } else if (f >= 0) {
                    close(f);
                }
            }
            free(list[i]);
        }
        free(n >= 0 ? list : NULL);
        if (fd < 0)
            snprintf(err, errlen, "touch: no touchscreen under /dev/input");
        return fd;
    }
    snprintf(name, namelen, "%s", spec);
    struct stat st;
    if (stat(spec, &st) != 0) {
        snprintf(err, errlen, "touch: cannot open %s: %s", spec, strerror(errno));
        return -1;
    }
    /* A FIFO is opened for writing too, so it never reads as ended between writers. */
    int fd = open(spec, (S_ISFIFO(st.st_mode) ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "touch: cannot open %s: %s", spec, strerror(errno));
        return -1;
    }
    if (S_ISCHR(st.st_mode) && touch_probe(fd, ax, ay) != 0) {
        snprintf(err, errlen, "touch: %s is not a touchscreen (no ABS_MT_POSITION_X or ABS_X with BTN_TOUCH)", spec);
        close(fd);
        return -1;
    }
    *is_file = S_ISREG(st.st_mode);
    return fd;
}
