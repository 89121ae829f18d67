// Keep the screen on while a game view is open. The Wake Lock API needs a
// secure context, which http:// on a LAN address is not, so the usual path on
// the phones is the fallback: a tiny muted looping inline video.

import { AWAKE_MP4 } from './awake-video';

interface WakeLockSentinelLike {
  release(): Promise<void>;
  addEventListener(type: 'release', fn: () => void): void;
}

type WakeLockNav = Navigator & { wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> } };

/** Start keeping the screen awake; returns a function that stops it. */
export function keepAwake(): () => void {
  let stopped = false;
  let sentinel: WakeLockSentinelLike | null = null;
  let video: HTMLVideoElement | null = null;
  const nav = navigator as WakeLockNav;
  const hasApi = typeof window !== 'undefined' && window.isSecureContext && !!nav.wakeLock;

  const startVideo = () => {
    if (stopped) return;
    if (!video) {
      video = document.createElement('video');
      video.setAttribute('playsinline', '');
      video.setAttribute('webkit-playsinline', '');
      video.setAttribute('muted', '');
      video.setAttribute('aria-hidden', 'true');
      video.setAttribute('tabindex', '-1');
      video.muted = true;
      video.loop = true;
      video.src = AWAKE_MP4;
      video.className = 'awake-video';
      document.body.appendChild(video);
    }
    const p = video.play();
    if (p && p.catch) p.catch(() => undefined);
  };

  const request = () => {
    if (stopped || document.visibilityState !== 'visible') return;
    if (hasApi && nav.wakeLock) {
      nav.wakeLock.request('screen').then(
        (s) => {
          if (stopped) {
            s.release().catch(() => undefined);
            return;
          }
          sentinel = s;
          s.addEventListener('release', () => {
            if (sentinel === s) sentinel = null;
          });
        },
        () => startVideo(),
      );
    } else {
      startVideo();
    }
  };

  // Playback and wake locks may need a user gesture: retry on each of the first taps.
  const onGesture = () => request();
  const onVisible = () => {
    if (document.visibilityState === 'visible') request();
  };
  document.addEventListener('visibilitychange', onVisible);
  document.addEventListener('pointerdown', onGesture, { passive: true });
  document.addEventListener('touchend', onGesture, { passive: true });
  request();

  return () => {
    stopped = true;
    document.removeEventListener('visibilitychange', onVisible);
    document.removeEventListener('pointerdown', onGesture);
    document.removeEventListener('touchend', onGesture);
    if (sentinel) sentinel.release().catch(() => undefined);
    if (video) {
      video.pause();
      video.remove();
    }
  };
}

/** Vibrate if the device can (Android; iOS Safari has no vibration). */
export function buzz(pattern: number | number[]): void {
  try {
    if (typeof navigator.vibrate === 'function') navigator.vibrate(pattern);
  } catch {
    /* ignore */
  }
}
