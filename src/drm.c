#include "drm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* The kernel's uapi headers: <drm/...> from the kernel headers package of a cross
 * sysroot; Debian's host package leaves them to libdrm-dev (headers only, no library). */
#if __has_include(<drm/drm_mode.h>)
#include <drm/drm.h>
#include <drm/drm_mode.h>
#else
#include <libdrm/drm.h>
#include <libdrm/drm_mode.h>
#endif

#include "mem.h"

#define DRM_MAX_ITEMS 32 /* connectors, encoders, CRTCs, modes looked at */

struct drm {
    int fd;
    uint32_t fb_id, handle, crtc_id, conn_id;
    uint32_t pitch;
    uint64_t size;
    uint8_t *map;
    int w, h;
    bool no_dirty; /* the driver said it needs no DIRTYFB */
};

/* ioctl, again when a signal interrupted it (as the kernel asks DRM clients to). */
static int drm_ioctl(int fd, unsigned long req, void *arg)
{
    int rc;
    do
        rc = ioctl(fd, req, arg);
    while (rc == -1 && (errno == EINTR || errno == EAGAIN));
    return rc;
}

static uint64_t drm_ptr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* The CRTC for a connector: its current encoder's, else the first free one an encoder
 * it can use may drive. 0 when none. */
static uint32_t drm_crtc_for(int fd, const struct drm_mode_get_connector *c, const uint32_t *encs, const uint32_t *crtcs,
                             uint32_t ncrtcs)
{
    if (c->encoder_id) {
        struct drm_mode_get_encoder e = {.encoder_id = c->encoder_id};
        if (drm_ioctl(fd, DRM_IOCTL_MODE_GETENCODER, &e) == 0 && e.crtc_id)
            return e.crtc_id;
    }
    for (uint32_t i = 0; i < c->count_encoders && i < DRM_MAX_ITEMS; i++) {
        struct drm_mode_get_encoder e = {.encoder_id = encs[i]};
        if (drm_ioctl(fd, DRM_IOCTL_MODE_GETENCODER, &e) != 0)
            continue;
        for (uint32_t k = 0; k < ncrtcs && k < 32; k++)
            if (e.possible_crtcs & (1u << k))
                return crtcs[k];
    }
    return 0;
}

/* Finds the first connected connector with a mode; fills mode, conn and crtc. */
static int drm_pick(drm_t *d, struct drm_mode_modeinfo *mode, const char *dev, char *err, size_t errlen)
{
    uint32_t conns[DRM_MAX_ITEMS], crtcs[DRM_MAX_ITEMS], fbs[DRM_MAX_ITEMS], encs0[DRM_MAX_ITEMS];
    struct drm_mode_card_res res = {0};
    if (drm_ioctl(d->fd, DRM_IOCTL_MODE_GETRESOURCES, &res) != 0) {
        snprintf(err, errlen, "screen drm: %s is not a modesetting card: %s", dev, strerror(errno));
        return -1;
    }
    /* Second call with room for the ids; counts above the room are cut to it. */
    res.count_connectors = res.count_connectors < DRM_MAX_ITEMS ? res.count_connectors : DRM_MAX_ITEMS;
    res.count_crtcs = res.count_crtcs < DRM_MAX_ITEMS ? res.count_crtcs : DRM_MAX_ITEMS;
    res.count_fbs = res.count_fbs < DRM_MAX_ITEMS ? res.count_fbs : DRM_MAX_ITEMS;
    res.count_encoders = res.count_encoders < DRM_MAX_ITEMS ? res.count_encoders : DRM_MAX_ITEMS;
    res.connector_id_ptr = drm_ptr(conns);
    res.crtc_id_ptr = drm_ptr(crtcs);
    res.fb_id_ptr = drm_ptr(fbs);
    res.encoder_id_ptr = drm_ptr(encs0);
    if (drm_ioctl(d->fd, DRM_IOCTL_MODE_GETRESOURCES, &res) != 0) {
        snprintf(err, errlen, "screen drm: cannot read %s's resources: %s", dev, strerror(errno));
        return -1;
    }
    uint32_t nconn = res.count_connectors < DRM_MAX_ITEMS ? res.count_connectors : DRM_MAX_ITEMS;
    uint32_t ncrtc = res.count_crtcs < DRM_MAX_ITEMS ? res.count_crtcs : DRM_MAX_ITEMS;
    for (uint32_t i = 0; i < nconn; i++) {
        /* The first call (no room for modes) makes the driver probe the display. */
        struct drm_mode_get_connector c = {.connector_id = conns[i]};
        if (drm_ioctl(d->fd, DRM_IOCTL_MODE_GETCONNECTOR, &c) != 0)
            continue;
        if (c.connection != 1 || c.count_modes == 0)
            continue; /* 1: connected */
        struct drm_mode_modeinfo modes[DRM_MAX_ITEMS];
        uint32_t encs[DRM_MAX_ITEMS];
        c.count_modes = c.count_modes < DRM_MAX_ITEMS ? c.count_modes : DRM_MAX_ITEMS;
        c.count_encoders = c.count_encoders < DRM_MAX_ITEMS ? c.count_encoders : DRM_MAX_ITEMS;
        c.count_props = 0;
        c.modes_ptr = drm_ptr(modes);
        c.encoders_ptr = drm_ptr(encs);
        c.props_ptr = 0;
        c.prop_values_ptr = 0;
        uint32_t room = c.count_modes;
        if (drm_ioctl(d->fd, DRM_IOCTL_MODE_GETCONNECTOR, &c) != 0 || c.count_modes == 0)
            continue;
        uint32_t nmodes = c.count_modes < room ? c.count_modes : room;
        uint32_t best = 0;
        for (uint32_t m = 0; m < nmodes; m++)
            if (modes[m].type & DRM_MODE_TYPE_PREFERRED) {
                best = m;
                break;
            }
        uint32_t crtc = drm_crtc_for(d->fd, &c, encs, crtcs, ncrtc);
        if (crtc == 0)
            continue;
        *mode = modes[best];
        d->conn_id = c.connector_id;
        d->crtc_id = crtc;
        return 0;
    }
    snprintf(err, errlen, "screen drm: %s has no connected display", dev);
    return -1;
}

drm_t *drm_open(const char *dev, char *err, size_t errlen)
{
    drm_t *d = mem_zalloc(sizeof(*d));
    d->fd = open(dev, O_RDWR | O_CLOEXEC);
    if (d->fd < 0) {
        snprintf(err, errlen, "screen drm: cannot open %s: %s", dev, strerror(errno));
        free(d);
        return NULL;
    }
    struct drm_mode_modeinfo mode;
    if (drm_pick(d, &mode, dev, err, errlen) != 0) {
        drm_close(d);
        return NULL;
    }
    d->w = mode.hdisplay;
    d->h = mode.vdisplay;
    struct drm_mode_create_dumb cd = {.width = mode.hdisplay, .height = mode.vdisplay, .bpp = 32};
    if (drm_ioctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd) != 0) {
        snprintf(err, errlen, "screen drm: cannot make a %dx%d buffer on %s: %s", d->w, d->h, dev, strerror(errno));
        drm_close(d);
        return NULL;
    }
    d->handle = cd.handle;
    d->pitch = cd.pitch;
    d->size = cd.size;
    /* depth 24, 32 bits a pixel: DRM_FORMAT_XRGB8888 */
    struct drm_mode_fb_cmd fb = {
        .width = cd.width, .height = cd.height, .pitch = cd.pitch, .bpp = 32, .depth = 24, .handle = cd.handle};
    if (drm_ioctl(d->fd, DRM_IOCTL_MODE_ADDFB, &fb) != 0) {
        snprintf(err, errlen, "screen drm: cannot add a framebuffer on %s: %s", dev, strerror(errno));
        drm_close(d);
        return NULL;
    }
    d->fb_id = fb.fb_id;
    struct drm_mode_map_dumb md = {.handle = cd.handle};
    if (drm_ioctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &md) != 0) {
        snprintf(err, errlen, "screen drm: cannot map the buffer on %s: %s", dev, strerror(errno));
        drm_close(d);
        return NULL;
    }
    void *p = mmap(NULL, (size_t)d->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, (off_t)md.offset);
    if (p == MAP_FAILED) {
        snprintf(err, errlen, "screen drm: cannot map the buffer on %s: %s", dev, strerror(errno));
        drm_close(d);
        return NULL;
    }
    d->map = p;
    memset(d->map, 0, (size_t)d->size);
    struct drm_mode_crtc sc = {.set_connectors_ptr = drm_ptr(&d->conn_id),
                               .count_connectors = 1,
                               .crtc_id = d->crtc_id,
                               .fb_id = d->fb_id,
                               .mode_valid = 1,
                               .mode = mode};
    if (drm_ioctl(d->fd, DRM_IOCTL_MODE_SETCRTC, &sc) != 0) {
        /* EACCES/EPERM: another process (a compositor) is the display's master. */
        snprintf(err, errlen, "screen drm: cannot show %dx%d on %s: %s%s", d->w, d->h, dev, strerror(errno),
                 errno == EACCES || errno == EPERM ? " (another program holds the display)" : "");
        drm_close(d);
        return NULL;
    }
    return d;
}

void drm_close(drm_t *d)
{
    if (d == NULL)
        return;
    if (d->map)
        munmap(d->map, (size_t)d->size);
    /* Removing the shown framebuffer turns the CRTC off; closing the card then lets
     * the console take the display back. */
    if (d->fb_id)
        drm_ioctl(d->fd, DRM_IOCTL_MODE_RMFB, &d->fb_id);
    if (d->handle) {
        struct drm_mode_destroy_dumb dd = {.handle = d->handle};
        drm_ioctl(d->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd);
    }
    if (d->fd >= 0)
        close(d->fd);
    free(d);
}

int drm_width(const drm_t *d)
{
    return d->w;
}

int drm_height(const drm_t *d)
{
    return d->h;
}

uint8_t *drm_pixels(const drm_t *d, size_t *pitch)
{
    *pitch = d->pitch;
    return d->map;
}

int drm_dirty(drm_t *d, const drm_rect_t *rects, int n)
{
    if (d->no_dirty || n <= 0)
        return 0;
    struct drm_clip_rect clips[16];
    int k = 0;
    for (int i = 0; i < n; i++) {
        int x1 = rects[i].x < 0 ? 0 : rects[i].x, y1 = rects[i].y < 0 ? 0 : rects[i].y;
        int x2 = rects[i].x + rects[i].w, y2 = rects[i].y + rects[i].h;
        x2 = x2 > d->w ? d->w : x2;
        y2 = y2 > d->h ? d->h : y2;
        if (x1 >= x2 || y1 >= y2)
            continue;
        if (k == (int)(sizeof(clips) / sizeof(clips[0]))) {
            k = -1; /* more than fit: no clips means the whole buffer */
            break;
        }
        clips[k++] = (struct drm_clip_rect){(unsigned short)x1, (unsigned short)y1, (unsigned short)x2, (unsigned short)y2};
    }
    if (k == 0)
        return 0;
    if (k < 0)
        k = 0;
    struct drm_mode_fb_dirty_cmd cmd = {.fb_id = d->fb_id, .num_clips = (uint32_t)k, .clips_ptr = drm_ptr(clips)};
    if (drm_ioctl(d->fd, DRM_IOCTL_MODE_DIRTYFB, &cmd) == 0)
        return 0;
    if (errno == ENOSYS) {
        d->no_dirty = true;
        return 0;
    }
    return -errno;
}
