import { readdirSync, readFileSync } from "node:fs";

/**
 * Polls the process tree under `rootPid` (the outer bwrap: everything in the sandbox descends
 * from it, orphans included, because the sandbox's PID 1 reaps them) and calls `onExceeded` once
 * when it holds more tasks than `maxTasks` or more private resident memory than `maxAnonBytes`.
 *
 * This is the backstop behind the per-process rlimits: RLIMIT_NPROC does not apply to a
 * sandbox started by host root (the kernel exempts uid 0), and RLIMIT_DATA bounds each process,
 * not their sum. Polling is coarse (a fast fork bomb overshoots by what it creates in one
 * interval) but it ends the whole sandbox, which the rlimits cannot.
 */
export function watchProcessTree(params: {
  rootPid: number;
  /** The limit as reported to the user. */
  maxTasks: number;
  /** Tasks tolerated above `maxTasks` before stopping (processes of the sandbox machinery itself). */
  taskSlack?: number;
  maxAnonBytes: number;
  intervalMs: number;
  onExceeded: (note: string) => void;
  /** The procfs mount to read; injectable for tests. */
  procRoot?: string;
}): () => void {
  const proc = params.procRoot ?? "/proc";
  let stopped = false;
  const check = () => {
    if (stopped) return;
    const ceiling = params.maxTasks + (params.taskSlack ?? 0);
    const usage = measureTree(proc, params.rootPid, ceiling);
    let note: string | null = null;
    if (usage.tasks > ceiling) {
      note = `sandbox stopped: more than ${params.maxTasks} processes/threads (the limit)`;
    } else if (usage.anonBytes > params.maxAnonBytes) {
      note = `sandbox stopped: its processes used ${Math.round(usage.anonBytes / 1048576)} MB of memory, over the ${Math.round(params.maxAnonBytes / 1048576)} MB limit`;
    }
    if (note) {
      stop();
      params.onExceeded(note);
    }
  };
  const timer = setInterval(check, params.intervalMs);
  timer.unref();
  function stop() {
    stopped = true;
    clearInterval(timer);
  }
  return stop;
}

/** Tasks and private resident memory of a process tree; stops counting past `maxTasks`. */
function measureTree(proc: string, rootPid: number, maxTasks: number): { tasks: number; anonBytes: number } {
  let tasks = 0;
  let anonBytes = 0;
  const queue = [rootPid];
  const seen = new Set<number>();
  while (queue.length > 0 && tasks <= maxTasks) {
    const pid = queue.shift();
    if (pid === undefined || seen.has(pid)) continue;
    seen.add(pid);
    let status: string;
    let threads: string[];
    try {
      status = readFileSync(`${proc}/${pid}/status`, "utf8");
      threads = readdirSync(`${proc}/${pid}/task`);
    } catch {
      // The process ended while we looked.
      continue;
    }
    tasks += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 1);
    anonBytes += Number(/^RssAnon:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    // Children are listed per thread: a worker thread's spawn belongs to that thread.
    for (const tid of threads) {
      let children: string;
      try {
        children = readFileSync(`${proc}/${pid}/task/${tid}/children`, "utf8");
      } catch {
        continue;
      }
      for (const child of children.split(" ")) if (child) queue.push(Number(child));
    }
  }
  return { tasks, anonBytes };
}
