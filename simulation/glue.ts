/*
 * A model of the Glue crawler and job as the pipeline sees them. The crawler is busy while it runs and catalogues
 * only the objects that were in S3 when it listed the prefix; the job allows one run at a time and, through its
 * bookmarks, processes the catalogued files present when the run started. Both answer the same SDK commands,
 * with the SDK's own exception classes, as the real service.
 */
import {
    ConcurrentRunsExceededException,
    CrawlerRunningException,
    EntityNotFoundException,
    GetCrawlerCommand,
    GetCrawlerCommandOutput,
    GlueClient,
    StartCrawlerCommand,
    StartCrawlerCommandOutput,
    StartJobRunCommand,
    StartJobRunCommandOutput,
} from "@aws-sdk/client-glue";
import type { Clock } from "./engine";

export interface GlueTimings {
    /** How long a crawl runs, in seconds. */
    crawlSeconds: number;
    /** When, after its start, a crawl lists the prefix: objects written later are not in this crawl. */
    listingSeconds: number;
    /** How long a job run takes, in seconds. */
    jobSeconds: number;
    /** Which crawls fail (1 is the first crawl). */
    failingCrawls?: number[];
}

export interface SimFile {
    key: string;
    landedAt: number;
    cataloguedAt?: number;
    /** Start of the job run that read it. */
    readAt?: number;
    processedAt?: number;
}

/** A Glue state change as EventBridge delivers it. */
export interface GlueEvent {
    "detail-type": "Glue Crawler State Change" | "Glue Job State Change";
    detail: { crawlerName?: string; jobName?: string; state: string; jobRunId?: string };
    time: Date;
}

const meta = { $metadata: { httpStatusCode: 400 } };

export class SimGlue {
    readonly files: SimFile[] = [];
    readonly calls: Record<string, number> = { GetCrawler: 0, StartCrawler: 0, StartJobRun: 0 };
    crawls = 0;
    failedCrawls = 0;
    jobRuns = 0;
    /** EventBridge: every state change the crawler and the job emit. */
    onEvent: (event: GlueEvent) => void | Promise<void> = () => undefined;
    private crawlerRunning = false;
    private lastCrawl?: { status: "SUCCEEDED" | "FAILED"; startedAt: number };
    private jobRunning = false;

    constructor(
        private readonly clock: Clock,
        readonly crawlerName: string,
        readonly jobName: string,
        private readonly timings: GlueTimings,
    ) {}

    /** An object written to the raw prefix now. */
    upload(key: string): void {
        this.files.push({ key, landedAt: this.clock.now });
    }

    getCrawler(input: { Name?: string }): GetCrawlerCommandOutput {
        this.calls.GetCrawler += 1;
        this.checkCrawler(input.Name);
        const last = this.lastCrawl;
        return {
            $metadata: {},
            Crawler: {
                Name: this.crawlerName,
                State: this.crawlerRunning ? "RUNNING" : "READY",
                LastCrawl: last && { Status: last.status, StartTime: this.clock.date(last.startedAt) },
            },
        };
    }

    startCrawler(input: { Name?: string }): StartCrawlerCommandOutput {
        this.calls.StartCrawler += 1;
        this.checkCrawler(input.Name);
        if (this.crawlerRunning) {
            throw new CrawlerRunningException({
                message: `Crawler with name ${this.crawlerName} has already started`,
                ...meta,
            });
        }
        this.crawlerRunning = true;
        this.crawls += 1;
        const startedAt = this.clock.now;
        const fails = (this.timings.failingCrawls ?? []).includes(this.crawls);
        let listed: SimFile[] = [];
        this.clock.after(this.timings.listingSeconds, () => {
            listed = this.files.filter((f) => f.landedAt <= this.clock.now);
        });
        this.clock.after(this.timings.crawlSeconds, () => {
            this.crawlerRunning = false;
            if (fails) {
                this.failedCrawls += 1;
                this.lastCrawl = { status: "FAILED", startedAt };
            } else {
                for (const f of listed) f.cataloguedAt ??= this.clock.now;
                this.lastCrawl = { status: "SUCCEEDED", startedAt };
            }
            return this.onEvent({
                "detail-type": "Glue Crawler State Change",
                detail: { crawlerName: this.crawlerName, state: fails ? "Failed" : "Succeeded" },
                time: this.clock.date(),
            });
        });
        return { $metadata: {} };
    }

    startJobRun(input: { JobName?: string }): StartJobRunCommandOutput {
        this.calls.StartJobRun += 1;
        if (input.JobName !== this.jobName) {
            throw new EntityNotFoundException({ message: `Job ${input.JobName} not found`, ...meta });
        }
        if (this.jobRunning) {
            throw new ConcurrentRunsExceededException({
                message: `Concurrent runs exceeded for ${this.jobName}`,
                ...meta,
            });
        }
        this.jobRunning = true;
        this.jobRuns += 1;
        const jobRunId = `jr_${String(this.jobRuns).padStart(4, "0")}`;
        const startedAt = this.clock.now;
        // Bookmarks: the run reads every catalogued file no earlier run has read.
        const batch = this.files.filter((f) => f.cataloguedAt !== undefined && f.readAt === undefined);
        for (const f of batch) f.readAt = startedAt;
        this.clock.after(this.timings.jobSeconds, () => {
            this.jobRunning = false;
            for (const f of batch) f.processedAt = this.clock.now;
            return this.onEvent({
                "detail-type": "Glue Job State Change",
                detail: { jobName: this.jobName, state: "SUCCEEDED", jobRunId },
                time: this.clock.date(),
            });
        });
        return { $metadata: {}, JobRunId: jobRunId };
    }

    /** A stand-in for GlueClient that sends each command to this model. */
    client(): Pick<GlueClient, "send"> {
        const send = async (command: unknown) => {
            if (command instanceof GetCrawlerCommand) return this.getCrawler(command.input);
            if (command instanceof StartCrawlerCommand) return this.startCrawler(command.input);
            if (command instanceof StartJobRunCommand) return this.startJobRun(command.input);
            throw new Error(`the model does not answer ${(command as object).constructor.name}`);
        };
        return { send } as unknown as Pick<GlueClient, "send">;
    }

    private checkCrawler(name: string | undefined): void {
        if (name !== this.crawlerName) {
            throw new EntityNotFoundException({ message: `Crawler entry with name ${name} does not exist`, ...meta });
        }
    }
}
