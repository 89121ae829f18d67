/* touch: taps from a Linux touchscreen (PROTOCOL.md section 14). Owns the decoding of
 * evdev records (struct input_event, the bytes a /dev/input/eventN device delivers) into
 * taps in screen pixels, and finding and opening the device.
 *
 * The decoder is pure: bytes in, taps out; time is the events' own timestamps. It reads
 * multitouch (type B: ABS_MT_SLOT, ABS_MT_TRACKING_ID, ABS_MT_POSITION_X/Y) and
 * single-touch (ABS_X/Y with BTN_TOUCH) devices; a contact counts when SYN_REPORT closes
 * its frame. A tap is a contact that lifts within TOUCH_TAP_MS of touching down and never
 * strays more than TOUCH_TAP_PX screen pixels from where it touched; it is reported at the
 * touch-down point. Device coordinates are scaled from the axis ranges to the screen.
 *
 * Ownership: touch_t is a plain value the caller owns; touch_open returns a file
 * descriptor the caller closes. */
#ifndef STATE_TOUCH_H
#define STATE_TOUCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/input.h>

#define TOUCH_SLOTS 10   /* contacts followed at once; more are ignored */
#define TOUCH_TAP_MS 600 /* longer than this is a press, not a tap */
#define TOUCH_TAP_PX 30  /* farther than this is a swipe, not a tap */
#define TOUCH_RECORD sizeof(struct input_event)

/** An axis's range in device units (EVIOCGABS), min < max. */
typedef struct {
    int32_t min, max;
} touch_axis_t;

/** A tap at (x, y) in screen pixels. */
typedef struct {
    int x, y;
} touch_tap_t;

typedef struct {
    int32_t id;     /* tracking id as the records left it; -1: no contact */
    int32_t x, y;   /* device units, latest */
    int32_t x0, y0; /* where it touched down */
    int64_t t0_us;  /* when */
    bool down;      /* a contact as of the last SYN_REPORT */
    bool far;       /* strayed beyond TOUCH_TAP_PX */
} touch_slot_t;

/** The decoder's state. Set up with touch_init. */
typedef struct {
    touch_axis_t ax, ay;
    int w, h; /* the screen */
    int slot;
    bool mt;  /* multitouch records seen: BTN_TOUCH is then ignored */
    bool btn; /* single-touch: BTN_TOUCH as of the last record */
    touch_slot_t s[TOUCH_SLOTS];
    bool dropped;               /* SYN_DROPPED: the contacts of this frame make no tap */
    uint8_t part[TOUCH_RECORD]; /* a record split across reads */
    size_t npart;
} touch_t;

/** A decoder for a screen of w x h pixels and a device with these x and y ranges. */
void touch_init(touch_t *t, touch_axis_t ax, touch_axis_t ay, int w, int h);

/**
 * Decodes len bytes of input_event records (a record may be split across calls) and writes
 * the taps they complete to taps[0..cap). Returns the number of taps (more than cap are
 * dropped).
 */
int touch_feed(touch_t *t, const uint8_t *buf, size_t len, touch_tap_t *taps, int cap);

/**
 * Opens the touch input: "auto" scans /dev/input/event* for the first device that reports
 * ABS_MT_POSITION_X (else ABS_X with BTN_TOUCH); any other value is a path, an evdev device,
 * a FIFO or a regular file of records. Returns a nonblocking fd, or -1 with a one-line
 * reason in err. *ax and *ay get the device's ranges; for a path that is not an evdev device
 * (a FIFO or a file replaying records) they are the screen's pixels, 0..w-1 and 0..h-1.
 * *is_file is set for a regular file (it cannot be polled, only read as it grows).
 */
int touch_open(const char *spec, int w, int h, touch_axis_t *ax, touch_axis_t *ay, bool *is_file, char *name, size_t namelen,
               char *err, size_t errlen);

#endif
