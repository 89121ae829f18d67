/*
 * board: what the box's own screen shows, laid out and drawn on a raster_t.
 *
 * Three pictures, chosen by the number of games in the input (PROTOCOL.md section 14):
 *   - one game, as the web app's display page shows it: names and factions, totals
 *     large, primary, secondary and CP, both clocks, round, whose turn, status, a judge
 *     call, and QR cards (invites not yet used, the Wi-Fi) beside or below it;
 *   - the hall, with several games: a row per table with names, scores, round, status
 *     and clocks, and the round timer of a running event;
 *   - where to connect, with none: big QR cards (Wi-Fi and the address).
 * Landscape and portrait, 320x240 up to 4096x4096 (800x480 to 3840x2160 are the targets).
 *
 * Inputs are plain values (board_input_t) that the caller fills, for a game with
 * board_game_from(): the board knows nothing of time, sockets or the store. Clocks are
 * given as remaining milliseconds at the moment of the frame.
 *
 * Damage. The layout is a list of regions, each showing one thing (a name, a total, a
 * clock, a QR card). The board remembers a digest of what each region shows; a render
 * redraws only the regions whose digest changed and reports their rectangles, so a
 * frame where nothing changed draws nothing and a clock tick redraws the clock regions
 * only. When the layout itself changes (the picture, the size, a turn highlight, the
 * set of QR cards), the whole screen is redrawn and reported as one rectangle.
 *
 * Ownership: board_new() allocates the canvas and the font, board_free() frees them.
 * The input is read during board_render() only. One thread.
 */
#ifndef STATE_BOARD_H
#define STATE_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "game.h"
#include "qr.h"
#include "raster.h"

#define BOARD_GAMES_MAX 16  /* games the hall shows; more are counted, not shown */
#define BOARD_QR_MAX 4      /* QR cards: the Wi-Fi and three invites (player 1, player 2, watch) */
#define BOARD_LABEL_SIZE 161 /* a card's title or caption, a table label: 40 characters of UTF-8 */
#define BOARD_REASON_SIZE 801 /* a judge call's reason: 200 characters of UTF-8 */
#define BOARD_REGIONS_MAX 256

/** One player as shown. */
typedef struct {
    char name[GAME_NAME_SIZE];
    char faction[GAME_NAME_SIZE];
    int primary, secondary, cp;
    int64_t remaining_ms; /* as of the frame; shown rounded up to whole seconds */
    bool running, flagged;
} board_player_t;

/** One game as shown. */
typedef struct {
    char table[BOARD_LABEL_SIZE]; /* the hall's label of the row ("Table 3"); empty: the game id */
    char id[GAME_ID_MAX + 1];
    game_status_t status;
    int round, rounds;
    int current_turn, attacker, winner; /* 0, 1 or 2 */
    bool draw;
    board_player_t players[2];
    bool judge;                             /* a judge call is open */
    char judge_by[BOARD_LABEL_SIZE];        /* who called: a name or "Host" */
    char judge_reason[BOARD_REASON_SIZE];   /* may be empty */
} board_game_t;

/** A QR card: a symbol with a title above its caption ("Join Wi-Fi" / the SSID). */
typedef struct {
    char title[BOARD_LABEL_SIZE];
    char caption[BOARD_LABEL_SIZE];
    char payload[QR_MAX_BYTES + 1]; /* the text encoded; a card whose payload does not encode shows its words only */
} board_qr_t;

/** Everything a frame shows. Zero it, then fill what applies. */
typedef struct {
    int ngames; /* 0: where to connect; 1: that game; more: the hall */
    board_game_t games[BOARD_GAMES_MAX];
    int more_games; /* games in play beyond the BOARD_GAMES_MAX shown */
    int nqr;        /* cards shown with one game and on the connect screen (not in the hall) */
    board_qr_t qr[BOARD_QR_MAX];
    char title[BOARD_LABEL_SIZE]; /* the hall's or the connect screen's heading; empty: a default */
    bool event_timer;             /* the hall shows a round timer */
    int64_t event_remaining_ms;
    bool event_running;
    bool touch; /* draw the host's touch targets (board_controls) in a strip at the bottom */
} board_input_t;

/* Touch targets (section 14): what a tap on the box's screen does, as the host. */
typedef enum {
    BOARD_ACT_NONE,
    BOARD_ACT_CLOCK,    /* start, pause or resume, by the game's status */
    BOARD_ACT_END_TURN,
    BOARD_ACT_UNDO,
    BOARD_ACT_PAIR,     /* show a host pairing code */
    BOARD_ACT_PRIMARY_DOWN,
    BOARD_ACT_PRIMARY_UP,
    BOARD_ACT_SECONDARY_DOWN,
    BOARD_ACT_SECONDARY_UP,
    BOARD_ACT_CP_DOWN,
    BOARD_ACT_CP_UP,
} board_act_t;

/* The smallest side of a touch target in pixels: the phones' 44 CSS px at the 1.1 scale
 * an 800x480 7-inch panel has next to a phone. */
#define BOARD_TARGET_MIN 48
#define BOARD_CONTROLS_MAX 16

/** A touch target: its action, the player it acts for (0 for none) and its rectangle. */
typedef struct {
    board_act_t act;
    int player;
    raster_rect_t r;
} board_control_t;

typedef struct board board_t;

/** Fills *out from a game at monotonic time now_ms (clocks as of then), its judge call included; no table label. */
void board_game_from(const game_t *g, int64_t now_ms, board_game_t *out);

/**
 * A board of w x h pixels (each 1..RASTER_SIDE_MAX); the first render draws everything.
 * NULL if the size is out of range or the embedded font does not load.
 */
board_t *board_new(int w, int h);

/** Frees the board, its canvas and font. NULL is accepted. */
void board_free(board_t *b);

/** The canvas the board draws on (valid until board_free). */
const raster_t *board_raster(const board_t *b);

/**
 * Draws the frame for `in` and writes the rectangles it changed to damage[0..cap) (a
 * full redraw is one rectangle, the screen). Returns the number of damaged rectangles,
 * 0 when the frame did not change. With more damaged regions than cap, the last
 * rectangle returned covers the rest (the union of the remaining ones).
 */
int board_render(board_t *b, const board_input_t *in, raster_rect_t *damage, int cap);

/** Makes the next render a full redraw (e.g. after the display was lost and found again). */
void board_invalidate(board_t *b);

/**
 * The rectangle of a named region of the last layout, for tests and touch targets:
 * "p1.name", "p1.faction", "p1.total", "p1.primary", "p1.secondary", "p1.cp", "p1.clock",
 * the same with "p2.", "headline", "judge", "qr0".."qr3", and in the hall "row3.p1clock"
 * and so on (see board.c). Returns 0, or -1 if the last layout has no such region.
 */
int board_region(const board_t *b, const char *name, raster_rect_t *out);

/**
 * The touch targets of a w x h screen, with a game's buttons when game is set, into
 * out[0..BOARD_CONTROLS_MAX); returns how many. A strip along the bottom of rows of height
 * rh = max(BOARD_TARGET_MIN, round(0.11 * min(w, h))), each row split into equal cells
 * (cell i of n spans x from i*w/n to (i+1)*w/n):
 *   - with a game and w/12 >= BOARD_TARGET_MIN, two rows: at y = h - 2*rh, player 1's
 *     primary -1, +1, secondary -1, +1, CP -1, +1, then player 2's the same (12 cells);
 *     at y = h - rh, start/pause/resume, end turn, undo, pair (4 cells);
 *   - with a game on a narrower screen, three rows: player 1's six, player 2's six, the four;
 *   - without a game, one row at y = h - rh with the pair target in the last of 4 cells.
 */
int board_controls(int w, int h, bool game, board_control_t *out);

/** The touch target of the last render at (x, y) and its player in *player; BOARD_ACT_NONE if none. */
board_act_t board_hit(const board_t *b, int x, int y, int *player);

/** Copies the rectangles of every region of the last layout to out[0..cap); returns how many there are. */
int board_regions(const board_t *b, raster_rect_t *out, int cap);

/** The clock text the board shows for ms: "1:29:59", "59:59", "0:09" (seconds rounded up), into out. */
void board_clock_text(int64_t ms, char out[16]);

#endif
