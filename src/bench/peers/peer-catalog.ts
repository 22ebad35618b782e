import { z } from "zod";

/** The harnesses users would pick instead of ours, pinned so a rerun installs the same code. */
export const PEER_NAMES = ["mini-swe-agent", "aider"] as const;
export type PeerName = (typeof PEER_NAMES)[number];

/** One peer's install recipe. */
export const PeerPackageSchema = z.object({
  /** The name on the command line (`--peer aider`). */
  name: z.enum(PEER_NAMES),
  /** PyPI distribution. */
  pypi: z.string(),
  /** Exact version installed: the comparison names it, and a new release must not change it silently. */
  version: z.string(),
  /** Console script in the virtual environment's bin/. */
  bin: z.string(),
});
export type PeerPackage = z.infer<typeof PeerPackageSchema>;

export const PEER_PACKAGES: Readonly<Record<PeerName, PeerPackage>> = {
  "mini-swe-agent": { name: "mini-swe-agent", pypi: "mini-swe-agent", version: "2.4.6", bin: "mini" },
  aider: { name: "aider", pypi: "aider-chat", version: "0.86.2", bin: "aider" },
};

/** `name` as a peer, or null. */
export function findPeer(name: string): PeerPackage | null {
  return (PEER_NAMES as readonly string[]).includes(name) ? PEER_PACKAGES[name as PeerName] : null;
}
