// Inline SVG icons (no icon fonts, no external files).

const PATHS: Record<string, string> = {
  plus: 'M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z',
  minus: 'M5 11h14v2H5z',
  undo: 'M7.4 8H14a6 6 0 0 1 0 12H8v-2h6a4 4 0 0 0 0-8H7.4l3.3 3.3-1.4 1.4L3.6 9l5.7-5.7 1.4 1.4z',
  flag: 'M5 3h2v1h11l-2 5 2 5H7v7H5zm2 3v6h8.1l-1.2-3 1.2-3z',
  note: 'M6 3h9l4 4v14H6zm2 2v14h9V8h-3V5zm1 6h7v2H9zm0 4h7v2H9z',
  sun: 'M11 2h2v3h-2zm0 17h2v3h-2zM2 11h3v2H2zm17 0h3v2h-3zM12 7a5 5 0 1 1 0 10 5 5 0 0 1 0-10zM4.9 3.5l2.1 2.1-1.4 1.4-2.1-2.1zm12.7 12.7 2.1 2.1-1.4 1.4-2.1-2.1zM3.5 19.1l2.1-2.1 1.4 1.4-2.1 2.1zM16.2 6.4l2.1-2.1 1.4 1.4-2.1 2.1z',
  moon: 'M14.5 3a8 8 0 1 0 6.5 12.6A7 7 0 0 1 14.5 3z',
  close: 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z',
  back: 'M10 5l1.4 1.4L6.8 11H20v2H6.8l4.6 4.6L10 19l-7-7z',
  edit: 'M4 17.2V20h2.8l8.6-8.6-2.8-2.8zM17.7 9.1a1 1 0 0 0 0-1.4l-1.4-1.4a1 1 0 0 0-1.4 0l-1.1 1.1 2.8 2.8z',
  dice: 'M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm0 2v14h14V5zm2.5 1.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm9 0a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zM12 10.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm-4.5 4a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm9 0a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z',
  download: 'M11 3h2v9.2l3.3-3.3 1.4 1.4L12 16l-5.7-5.7 1.4-1.4 3.3 3.3zM4 18h16v2H4z',
  whistle: 'M9 6a6 6 0 1 0 5.3 8.8L21 12V8h-8.3A6 6 0 0 0 9 6zm0 2a4 4 0 1 1 0 8 4 4 0 0 1 0-8zm0 2.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zM5 2h2v3H5z',
};

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 24 }: { name: IconName; size?: number }) {
  return (
    <svg class="icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="currentColor" />
    </svg>
  );
}
