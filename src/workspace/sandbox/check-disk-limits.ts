import type { CommandResult } from "../command-runner.js";
import { formatBytes } from "../create-workspace.js";
import { MAX_CHECKOUT_ENTRIES, measureCheckout } from "./measure-checkout.js";
import type { SandboxDiskLimits } from "./sandbox-disk-limits.js";

/** 128 + SIGXFSZ: how a shell reports a command the file size limit stopped. */
const FILE_SIZE_EXIT = 153;
const FILE_SIZE_OUTPUT = /File size limit exceeded|EFBIG|File too large/;

/**
 * After a sandboxed command: did it hit the file size limit, and does the checkout now take
 * more than its limit? Either makes the command count as failed (`limitExceeded`), with a note
 * at the end of its output saying which limit and what to do.
 */
export async function checkDiskLimits(params: {
  result: CommandResult;
  checkout: string;
  limits: SandboxDiskLimits;
  /** Entries counted before the checkout counts as over (default `MAX_CHECKOUT_ENTRIES`). */
  maxEntries?: number;
}): Promise<CommandResult> {
  const { result, limits } = params;
  const notes: string[] = [];
  if (result.exitCode === FILE_SIZE_EXIT || result.signal === "SIGXFSZ" || FILE_SIZE_OUTPUT.test(result.output)) {
    notes.push(
      `sandbox: a file reached the ${limits.fileMb} MB file size limit and the write was stopped; ` +
        "tests may not write files that large (in the checkout, /tmp or $HOME)",
    );
  }
  const maxEntries = params.maxEntries ?? MAX_CHECKOUT_ENTRIES;
  const size = await measureCheckout({ dir: params.checkout, stopAboveBytes: limits.checkoutMb * 1024 * 1024, maxEntries });
  if (size.over && size.bytes <= limits.checkoutMb * 1024 * 1024) {
    notes.push(
      `sandbox: the checkout now holds more than ${maxEntries} files and folders, so this run counts as failed; ` +
        "the command's own files count too: make the tests write fewer files, or clean up after themselves",
    );
  } else if (size.over) {
    notes.push(
      `sandbox: the checkout now takes more than its ${limits.checkoutMb} MB limit (${formatBytes(size.bytes)} counted, .git excluded), ` +
        "so this run counts as failed; the command's own files count too: make the tests write less, or clean up after themselves",
    );
  }
  if (notes.length === 0) return result;
  const output = `${result.output}${result.output ? "\n" : ""}${notes.map((note) => `[${note}]`).join("\n")}`;
  return { ...result, output, limitExceeded: [result.limitExceeded, ...notes].filter(Boolean).join("; ") };
}
