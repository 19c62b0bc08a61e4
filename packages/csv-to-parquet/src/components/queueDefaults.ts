/* How the queue-fed functions' queues are drained and retried. */

/** How the two queues are drained; the burst simulation (simulation/) models these same values. */
export const QUEUE_DEFAULTS = {
    /** Visibility timeout: how long a returned message waits before its next delivery, in seconds. */
    retryIntervalSeconds: 180,
    /** Deliveries of an upload message before it is dead-lettered (20 x 180 s: an hour of crawling). */
    crawlerMaxReceives: 20,
    uploadBatchSize: 100,
    crawlCompletedBatchSize: 10,
    crawlCompletedBatchWindowSeconds: 5,
    /** Concurrent invocations each event source mapping may run. */
    maximumConcurrency: 2,
} as const;

/** Deliveries of a crawl-completed message: enough to wait out one whole job run, plus a few for throttling. */
export function jobMaxReceives(jobTimeoutMinutes: number, retryIntervalSeconds: number): number {
    return Math.min(1000, Math.ceil((jobTimeoutMinutes * 60) / retryIntervalSeconds) + 3);
}
