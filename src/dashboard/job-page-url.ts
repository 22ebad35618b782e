/**
 * The dashboard page of a job at the public address, or null when LOCAL_AGENT_PUBLIC_URL is not
 * set. It is known before the job runs (pull request bodies and check runs carry it) and shows
 * the job's latest run once there is one.
 */
export function jobPageUrl(publicUrl: string | null, jobId: number): string | null {
  return publicUrl === null ? null : `${publicUrl}/local-agent/jobs/${jobId}`;
}
