/*
 * A discrete-event model of the AWS pieces between an upload and a Glue run: a simulated clock, SQS queues
 * (visibility timeout, receive counts, redrive to a dead-letter queue) and Lambda's SQS event source mapping
 * (batch size, batching window, maximum concurrency, partial batch responses). Time is in seconds.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

type Action = () => void | Promise<void>;
interface Scheduled {
    at: number;
    seq: number;
    action: Action;
}

/** The simulated clock: actions run in time order (ties in the order they were scheduled). */
export class Clock {
    now = 0;
    private heap: Scheduled[] = [];
    private seq = 0;

    /** Epoch time of simulated second 0. */
    constructor(readonly epochMs = Date.parse("2026-11-21T10:00:00.000Z")) {}

    at(time: number, action: Action): void {
        this.heap.push({ at: Math.max(time, this.now), seq: this.seq++, action });
        let i = this.heap.length - 1;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (!this.before(this.heap[i], this.heap[parent])) break;
            [this.heap[i], this.heap[parent]] = [this.heap[parent], this.heap[i]];
            i = parent;
        }
    }

    after(delay: number, action: Action): void {
        this.at(this.now + delay, action);
    }

    /** The simulated time as a Date (what AWS would stamp on an event). */
    date(time = this.now): Date {
        return new Date(this.epochMs + Math.round(time * 1000));
    }

    /** Runs every scheduled action up to `until`; returns how many ran. */
    async run(until: number): Promise<number> {
        let ran = 0;
        while (this.heap.length > 0 && this.heap[0].at <= until) {
            const next = this.pop();
            this.now = next.at;
            await next.action();
            ran += 1;
        }
        return ran;
    }

    private pop(): Scheduled {
        const top = this.heap[0];
        const last = this.heap.pop() as Scheduled;
        if (this.heap.length > 0) {
            this.heap[0] = last;
            let i = 0;
            for (;;) {
                const l = 2 * i + 1;
                const r = l + 1;
                let m = i;
                if (l < this.heap.length && this.before(this.heap[l], this.heap[m])) m = l;
                if (r < this.heap.length && this.before(this.heap[r], this.heap[m])) m = r;
                if (m === i) break;
                [this.heap[i], this.heap[m]] = [this.heap[m], this.heap[i]];
                i = m;
            }
        }
        return top;
    }

    private before(a: Scheduled, b: Scheduled): boolean {
        return a.at < b.at || (a.at === b.at && a.seq < b.seq);
    }
}

export interface QueueSettings {
    visibilityTimeoutSeconds: number;
    /** SQS moves a message to the dead-letter queue when a receive would exceed this count. */
    maxReceiveCount: number;
}

export interface SimMessage {
    id: string;
    body: string;
    sentAt: number;
    visibleAt: number;
    receives: number;
}

/** A standard SQS queue with a redrive policy. */
export class SimQueue {
    readonly messages = new Map<string, SimMessage>();
    readonly deadLetters: SimMessage[] = [];
    /** Highest receive count any message reached. */
    maxReceives = 0;
    /** Called whenever a message may have become visible (sent, or its visibility timeout ran out). */
    onVisible: () => void = () => undefined;
    private next = 0;

    constructor(
        readonly name: string,
        private readonly clock: Clock,
        readonly settings: QueueSettings,
    ) {}

    send(body: string): void {
        this.next += 1;
        const id = `${this.name}-${String(this.next).padStart(6, "0")}`;
        this.messages.set(id, { id, body, sentAt: this.clock.now, visibleAt: this.clock.now, receives: 0 });
        this.onVisible();
    }

    visibleCount(): number {
        let count = 0;
        for (const m of this.messages.values()) if (m.visibleAt <= this.clock.now) count += 1;
        return count;
    }

    /** Receives up to `max` visible messages, dead-lettering those already received maxReceiveCount times. */
    receive(max: number): SQSRecord[] {
        const records: SQSRecord[] = [];
        for (const m of this.messages.values()) {
            if (records.length >= max) break;
            if (m.visibleAt > this.clock.now) continue;
            if (m.receives >= this.settings.maxReceiveCount) {
                this.messages.delete(m.id);
                this.deadLetters.push(m);
                continue;
            }
            m.receives += 1;
            this.maxReceives = Math.max(this.maxReceives, m.receives);
            m.visibleAt = this.clock.now + this.settings.visibilityTimeoutSeconds;
            this.clock.at(m.visibleAt, () => this.onVisible());
            records.push(this.record(m));
        }
        return records;
    }

    delete(id: string): void {
        this.messages.delete(id);
    }

    private record(m: SimMessage): SQSRecord {
        return {
            messageId: m.id,
            receiptHandle: `${m.id}-${m.receives}`,
            body: m.body,
            attributes: {
                ApproximateReceiveCount: String(m.receives),
                SentTimestamp: String(this.clock.date(m.sentAt).getTime()),
                SenderId: "AIDAIENQZJOLO23YVJ4VO",
                ApproximateFirstReceiveTimestamp: String(this.clock.date(m.sentAt).getTime()),
            },
            messageAttributes: {},
            md5OfBody: "",
            eventSource: "aws:sqs",
            eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${this.name}`,
            awsRegion: "us-east-1",
        };
    }
}

export interface MappingSettings {
    batchSize: number;
    batchWindowSeconds: number;
    maximumConcurrency: number;
}

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * Lambda's SQS event source mapping with ReportBatchItemFailures: once a message is visible it gathers for up to
 * the batching window (less if a full batch is waiting), then runs up to `maximumConcurrency` batches at once.
 * Messages the handler reports as failed, and every message of a failed invocation, stay in the queue and come
 * back after the visibility timeout.
 */
export class EventSourceMapping {
    invocations = 0;
    errors = 0;
    /** The scheduled poll that is current (an earlier one is cancelled when a full batch makes it poll now). */
    private scheduled?: { token: number; at: number };
    private tokens = 0;

    constructor(
        private readonly clock: Clock,
        private readonly queue: SimQueue,
        private readonly handler: SqsHandler,
        private readonly settings: MappingSettings,
    ) {
        queue.onVisible = () => this.wake();
    }

    private wake(): void {
        const visible = this.queue.visibleCount();
        if (visible === 0) return;
        const full = visible >= this.settings.batchSize;
        if (this.scheduled && (!full || this.scheduled.at === this.clock.now)) return;
        const token = ++this.tokens;
        const at = this.clock.now + (full ? 0 : this.settings.batchWindowSeconds);
        this.scheduled = { token, at };
        this.clock.at(at, () => (this.scheduled?.token === token ? this.poll() : undefined));
    }

    private async poll(): Promise<void> {
        this.scheduled = undefined;
        const batches: SQSRecord[][] = [];
        for (let i = 0; i < this.settings.maximumConcurrency; i++) {
            const records = this.queue.receive(this.settings.batchSize);
            if (records.length === 0) break;
            batches.push(records);
        }
        await Promise.all(batches.map((records) => this.invoke(records)));
        this.wake();
    }

    private async invoke(records: SQSRecord[]): Promise<void> {
        this.invocations += 1;
        try {
            const response = await this.handler({ Records: records });
            const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
            for (const r of records) if (!failed.has(r.messageId)) this.queue.delete(r.messageId);
        } catch {
            this.errors += 1;
        }
    }
}
