/**
 * Finds the window of file lines most similar to what the model thought was there, so a failed
 * edit can show "the closest lines are 10-14" instead of a bare "not found". Returns null when
 * nothing is even loosely similar (a ratio below 0.5 helps no one).
 */
export function findClosestLines(
  fileLines: readonly string[],
  wantedLines: readonly string[],
): { start: number; end: number; ratio: number } | null {
  const wanted = wantedLines.map((line) => line.trim()).filter((line) => line !== "");
  if (wanted.length === 0 || fileLines.length === 0) return null;
  const size = Math.min(wantedLines.length, fileLines.length);
  const target = wanted.join("\n");
  const wantedSet = new Set(wanted);
  // Cheap pre-filter by shared lines, then an edit-distance ratio on the best few windows.
  const candidates: { start: number; overlap: number }[] = [];
  for (let i = 0; i + size <= fileLines.length; i++) {
    let overlap = 0;
    for (let j = 0; j < size; j++) {
      const line = (fileLines[i + j] ?? "").trim();
      if (line !== "" && (wantedSet.has(line) || wanted.some((w) => w.length > 8 && (line.includes(w) || w.includes(line))))) overlap++;
    }
    candidates.push({ start: i, overlap });
  }
  candidates.sort((a, b) => b.overlap - a.overlap || a.start - b.start);
  let best: { start: number; end: number; ratio: number } | null = null;
  for (const { start } of candidates.slice(0, 12)) {
    const window = fileLines
      .slice(start, start + size)
      .map((line) => line.trim())
      .filter((line) => line !== "")
      .join("\n");
    const ratio = similarity(window, target);
    if (!best || ratio > best.ratio) best = { start: start + 1, end: start + size, ratio };
  }
  return best && best.ratio >= 0.5 ? best : null;
}

/** 1 - normalized Levenshtein distance, on strings clipped to keep it cheap. */
export function similarity(a: string, b: string): number {
  const x = a.slice(0, 1500);
  const y = b.slice(0, 1500);
  if (x === y) return 1;
  if (x.length === 0 || y.length === 0) return 0;
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return 1 - (previous[y.length] ?? 0) / Math.max(x.length, y.length);
}
