/** Redis names shared by the webhook receiver and the workers (one place, so both sides agree). */
export function redisNames(prefix = "local-agent") {
  return {
    /** The BullMQ queue of whole agent sessions. */
    queue: "sessions",
    /** BullMQ's key prefix. */
    prefix,
    /** target (`owner/name#n`) → id of its newest job. */
    target: (key: string) => `${prefix}:target:${key}`,
    /** Held by the job running for a target (`holdTargetLock`): one session per issue or PR at a time. */
    running: (key: string) => `${prefix}:running:${key}`,
    /** Set when a job is cancelled, so a worker that picks it up later (after a stall) drops it too. */
    cancelled: (jobId: string) => `${prefix}:cancelled:${jobId}`,
    /** How many times a worker really started the session (waits for a busy target or a down host do not count). */
    starts: (jobId: string) => `${prefix}:starts:${jobId}`,
    /** Hash: model host URL → its status JSON (`ModelHostStatus`), written by the host's worker. */
    hosts: `${prefix}:model-hosts`,
    /** Pub/sub channel: a cancelled job's id, heard by every worker (the one running it aborts it). */
    cancelChannel: `${prefix}:cancel`,
  };
}
