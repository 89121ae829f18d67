// The host's list of games, pushed by the server over the view's socket
// (subscribe_games): at once, and again after every change, creation or deletion
// of a game. No timer asks for it.

import { useEffect, useState } from 'preact/hooks';
import type { Connection } from '../lib/connection';
import type { GameSummary } from '../lib/protocol';

/** The games on this server, newest-updated first, or null until the first push. */
export function useGameList(conn: Connection): GameSummary[] | null {
  const [games, setGames] = useState<GameSummary[] | null>(null);
  useEffect(() => conn.watchGames(setGames), []);
  return games;
}
