// The host's list of games, pushed by the server over the view's socket
// (subscribe_games) instead of fetched on a timer.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api';
import type { Connection } from '../lib/connection';
import type { GameSummary } from '../lib/protocol';

/** How long to wait for the first push before asking over REST instead. */
export const PUSH_WAIT_MS = 3000;

/**
 * The games on this server, newest-updated first, or null until known. A server
 * without the subscription never pushes: then the list is fetched every `pollMs`.
 */
export function useGameList(conn: Connection, token: string | null, pollMs: number): GameSummary[] | null {
  const [games, setGames] = useState<GameSummary[] | null>(null);
  useEffect(() => {
    let alive = true;
    let pushed = false;
    let poll: ReturnType<typeof setInterval> | null = null;
    const stop = conn.watchGames((list) => {
      pushed = true;
      if (poll) clearInterval(poll);
      poll = null;
      setGames(list);
    });
    const fetchList = () => api.listGames(token).then((l) => alive && !pushed && setGames(l), () => undefined);
    const wait = setTimeout(() => {
      if (pushed) return;
      fetchList();
      poll = setInterval(fetchList, pollMs);
    }, PUSH_WAIT_MS);
    return () => {
      alive = false;
      stop();
      clearTimeout(wait);
      if (poll) clearInterval(poll);
    };
  }, []);
  return games;
}
