/** The dashboard's number and time formats, in one place so every page reads the same. */
export const fmt = {
  /** 0.973 → "97.3%". */
  percent: (share: number | null): string => (share === null || !Number.isFinite(share) ? "–" : `${(share * 100).toFixed(1)}%`),
  /** 1234567 → "1,234,567". */
  count: (value: number | null): string => (value === null || !Number.isFinite(value) ? "–" : Math.round(value).toLocaleString("en-US")),
  /** 65000 → "1 min 5 s"; 1250 → "1.3 s"; 850 → "850 ms". */
  duration: (ms: number | null): string => {
    if (ms === null || !Number.isFinite(ms)) return "–";
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
    const seconds = Math.round(ms / 1000);
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
    return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  },
  /** Tokens per second with one decimal, or "–". */
  rate: (value: number | null): string => (value === null || !Number.isFinite(value) ? "–" : value.toFixed(1)),
  /** ISO timestamp → "2026-12-01 10:00:05 UTC" (the server renders; the viewer's zone is unknown). */
  time: (iso: string | null): string => (iso ? `${iso.slice(0, 19).replace("T", " ")} UTC` : "–"),
};
