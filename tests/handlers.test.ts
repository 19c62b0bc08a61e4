import { expect } from "chai";
import {
    CrawlerRunningException,
    ConcurrentRunsExceededException,
    EntityNotFoundException,
    GlueClient,
    GlueServiceException,
    GetCrawlerCommand,
    StartCrawlerCommand,
    StartJobRunCommand,
} from "@aws-sdk/client-glue";
import { decodeS3Key, Logger, startCrawlerForBatch, startJobForBatch } from "../packages/csv-to-parquet/src/functions";
import { fixture, Json, s3Notification, sqsEvent } from "../testkit/events";
import { glueMock } from "./glueMock";
import { acceptingLedger } from "../testkit/ledgerStub";

const glue = new GlueClient({ region: "us-east-1" });

/** Collects log lines instead of printing them. */
function recorder(): Logger & { lines: string[] } {
    const lines: string[] = [];
    const push =
        (level: string) =>
        (message: string, ...details: unknown[]) =>
            lines.push(`${level} ${message} ${JSON.stringify(details)}`);
    return { lines, info: push("INFO"), warn: push("WARN"), error: push("ERROR") };
}

const meta = { $metadata: {} };

/** How many times each of `bodies` is given to JSON.parse while `run` runs. */
async function parsesOf(bodies: string[], run: () => Promise<unknown>): Promise<number[]> {
    const original = JSON.parse;
    const counts = bodies.map(() => 0);
    JSON.parse = (text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
        const at = bodies.indexOf(text);
        if (at >= 0) counts[at] += 1;
        return original(text, reviver);
    };
    try {
        await run();
    } finally {
        JSON.parse = original;
    }
    return counts;
}

describe("start-crawler handler", () => {
    const deps = () => ({
        glue,
        crawlerName: "raw-crawler",
        rawPrefix: "csv_data/",
        ledger: acceptingLedger(),
        log: recorder(),
    });
    /** GetCrawler's answer: the crawler's state and its last finished crawl. */
    const crawler = (
        State: "READY" | "RUNNING" | "STOPPING",
        last?: { Status: "SUCCEEDED" | "FAILED" | "CANCELLED"; StartTime: string },
    ) =>
        glueMock.on(GetCrawlerCommand).resolves({
            Crawler: {
                Name: "raw-crawler",
                State,
                LastCrawl: last && { ...last, StartTime: new Date(last.StartTime) },
            },
        });
    const ids = (event: ReturnType<typeof sqsEvent>) => event.Records.map((r) => r.messageId);
    const failures = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
        response.batchItemFailures.map((f) => f.itemIdentifier);
    // The sample upload is written at 10:00:00; a crawl that starts later covers it.
    const UPLOADED = "2026-11-21T10:00:00.000Z";
    beforeEach(() => glueMock.reset());

    it("starts the crawler once for a batch of several uploads and keeps them until a crawl covers them", async () => {
        crawler("READY", { Status: "SUCCEEDED", StartTime: "2026-11-21T09:00:00Z" });
        glueMock.on(StartCrawlerCommand).resolves({});
        const event = sqsEvent(
            s3Notification("csv_data/a/1.csv"),
            s3Notification("csv_data/a/2.csv"),
            s3Notification("csv_data/b/3.csv"),
        );
        expect(failures(await startCrawlerForBatch(event, deps()))).to.deep.equal(ids(event));
        expect(glueMock.commandCalls(StartCrawlerCommand)).to.have.length(1);
        expect(glueMock.commandCalls(StartCrawlerCommand)[0].args[0].input).to.deep.equal({ Name: "raw-crawler" });
        expect(glueMock.commandCalls(GetCrawlerCommand)[0].args[0].input).to.deep.equal({ Name: "raw-crawler" });

        // Delivered again after that crawl succeeded: done, nothing started.
        glueMock.resetHistory();
        crawler("READY", { Status: "SUCCEEDED", StartTime: "2026-11-21T10:01:00Z" });
        expect(failures(await startCrawlerForBatch(event, deps()))).to.deep.equal([]);
        expect(glueMock.commandCalls(StartCrawlerCommand)).to.have.length(0);
    });

    it("parses each message body once, for the ledger and the crawl logic alike", async () => {
        crawler("READY", { Status: "SUCCEEDED", StartTime: "2026-11-21T09:00:00Z" });
        glueMock.on(StartCrawlerCommand).resolves({});
        const event = sqsEvent(s3Notification("csv_data/a/1.csv"), s3Notification("csv_data/b/2.csv"), "{");
        const ledger = acceptingLedger();
        const bodies = event.Records.map((r) => r.body);
        expect(await parsesOf(bodies, () => startCrawlerForBatch(event, { ...deps(), ledger }))).to.deep.equal([
            1, 1, 1,
        ]);
        expect(ledger.writes().map((w) => w.Key?.key?.S)).to.deep.equal(["csv_data/a/1.csv", "csv_data/b/2.csv"]);
    });

    it("crawls for .csv in any letter case and lets other objects under the raw prefix go", async () => {
        crawler("READY", { Status: "SUCCEEDED", StartTime: "2026-11-21T09:00:00Z" });
        glueMock.on(StartCrawlerCommand).resolves({});
        const csv = sqsEvent(s3Notification("csv_data/a/Report.Csv"), s3Notification("csv_data/a/b.CSV"));
        expect(failures(await startCrawlerForBatch(csv, deps()))).to.deep.equal(ids(csv));
        expect(glueMock.commandCalls(StartCrawlerCommand)).to.have.length(1);
        glueMock.resetHistory();
        const other = sqsEvent(s3Notification("csv_data/a/notes.txt"), s3Notification("csv_data/a/csv"));
        expect(failures(await startCrawlerForBatch(other, deps()))).to.deep.equal([]);
        expect(glueMock.commandCalls(StartCrawlerCommand)).to.have.length(0);
    });

    it("lets go only the uploads written before the last successful crawl started", async () => {
        crawler("READY", { Status: "SUCCEEDED", StartTime: "2026-11-21T10:00:30Z" });
        glueMock.on(StartCrawlerCommand).resolves({});
        const event = sqsEvent(
            s3Notification("csv_data/a/1.csv", UPLOADED),
            s3Notification("csv_data/a/2.csv", "2026-11-21T10:00:31.000Z"),
        );
        expect(failures(await startCrawlerForBatch(event, deps()))).to.deep.equal([event.Records[1].messageId]);
        expect(glueMock.commandCalls(StartCrawlerCommand)).to.have.length(1);
    });

    it("starts a crawl again when the last one failed or was cancelled after the uploads", async () => {
        for (const Status of ["FAILED", "CANCELLED"] as const) {
            glueMock.reset();
            crawler("READY", { Status, StartTime: "2026-11-21T10:05:00Z" });
            glueMock.on(StartCrawlerCommand).resolves({});
            const event = sqsEvent(s3Notification("csv_data/a/1.csv"));
            expect(failures(await startCrawlerForBatch(event, deps()))).to.deep.equal(ids(event));
            expect(glueMock.commandCalls(StartCrawlerCommand), Status).to.have.length(1);
        }
    });

    it("returns every upload as failed without calling StartCrawler while a crawl runs or stops", async () => {
        for (const state of ["RUNNING", "STOPPING"] as const) {
            glueMock.reset();
            crawler(state, { Status: "SUCCEEDED", StartTime: "2026-11-21T09:00:00Z" });
            const event = sqsEvent(s3Notification("csv_data/a/1.csv"), s3Notification("csv_data/a/2.csv"));
            expect(failures(await startCrawlerForBatch(event, deps()))).to.deep.equal(ids(event));
            expect(glueMock.commandCalls(StartCrawlerCommand), state).to.have.length(0);
        }
    });

    it("returns the uploads as failed when another invocation started the crawler first", async () => {
        crawler("READY");
        glueMock
            .on(StartCrawlerCommand)
            .rejects(
                new CrawlerRunningException({ message: "Crawler with name raw-crawler has already started", ...meta }),
            );
        const event = sqsEvent(s3Notification("csv_data/a/1.csv"), s3Notification("csv_data/a/2.csv"));
        expect(failures(await startCrawlerForBatch(event, deps()))).to.deep.equal(ids(event));
    });

    it("consumes the s3:TestEvent without calling Glue", async () => {
        const response = await startCrawlerForBatch(sqsEvent(fixture("s3-test-event")), deps());
        expect(response.batchItemFailures).to.deep.equal([]);
        expect(glueMock.calls()).to.have.length(0);
    });

    it("decodes keys that arrive URL-encoded (+ for space, %2B for plus)", async () => {
        expect(decodeS3Key("csv_data/my+data/q1+%2B+q2.csv")).to.equal("csv_data/my data/q1 + q2.csv");
        expect(decodeS3Key("csv_data/caf%C3%A9/%C3%BCber.csv")).to.equal("csv_data/café/über.csv");
        crawler("READY");
        glueMock.on(StartCrawlerCommand).resolves({});
        const log = recorder();
        await startCrawlerForBatch(sqsEvent(s3Notification("csv_data/my+data/q1+%2B+q2.csv")), { ...deps(), log });
        expect(log.lines.join("\n")).to.contain("csv_data/my data/q1 + q2.csv");
        expect(glueMock.commandCalls(StartCrawlerCommand)).to.have.length(1);
    });

    it("fails only a malformed message and still starts the crawler for the rest", async () => {
        crawler("READY");
        glueMock.on(StartCrawlerCommand).resolves({});
        const noTime = s3Notification("csv_data/a/0.csv");
        delete (noTime.Records as { [key: string]: Json }[])[0].eventTime;
        const event = sqsEvent(
            "not json",
            {
                Records: [
                    {
                        eventSource: "aws:s3",
                        eventName: "ObjectRemoved:Delete",
                        s3: { object: { key: "csv_data/x.csv" } },
                    },
                ],
            },
            noTime,
            s3Notification("csv_data/a/1.csv"),
        );
        const log = recorder();
        const response = await startCrawlerForBatch(event, { ...deps(), log });
        expect(failures(response)).to.deep.equal(ids(event));
        expect(glueMock.commandCalls(StartCrawlerCommand)).to.have.length(1);
        expect(log.lines.join("\n")).to.contain("csv_data/a/0.csv has no valid eventTime");
        expect(log.lines.join("\n")).to.match(/INFO Started crawler raw-crawler .*"messages":1/);
    });

    it("ignores an object outside the raw prefix", async () => {
        const response = await startCrawlerForBatch(sqsEvent(s3Notification("parquet_data/a/part-0.csv")), deps());
        expect(response.batchItemFailures).to.deep.equal([]);
        expect(glueMock.calls()).to.have.length(0);
    });

    it("sends the batch back on throttling and 5xx answers, from GetCrawler or StartCrawler", async () => {
        const event = sqsEvent(s3Notification("csv_data/a/1.csv"));
        glueMock.on(GetCrawlerCommand).rejects(
            new GlueServiceException({
                name: "ThrottlingException",
                $fault: "client",
                message: "Rate exceeded",
                $metadata: { httpStatusCode: 400 },
            }),
        );
        expect(failures(await startCrawlerForBatch(event, deps()))).to.deep.equal(ids(event));
        crawler("READY");
        glueMock.on(StartCrawlerCommand).rejects(
            new GlueServiceException({
                name: "InternalError",
                $fault: "server",
                message: "boom",
                $metadata: { httpStatusCode: 503 },
            }),
        );
        expect(failures(await startCrawlerForBatch(event, deps()))).to.deep.equal(ids(event));
        expect(glueMock.commandCalls(StartCrawlerCommand)).to.have.length(1);
    });

    it("fails the invocation when the crawler does not exist", async () => {
        glueMock
            .on(GetCrawlerCommand)
            .rejects(
                new EntityNotFoundException({ message: "Crawler entry with name raw-crawler does not exist", ...meta }),
            );
        const log = recorder();
        let thrown: unknown;
        await startCrawlerForBatch(sqsEvent(s3Notification("csv_data/a/1.csv")), { ...deps(), log }).catch((err) => {
            thrown = err;
        });
        expect(thrown).to.be.instanceOf(EntityNotFoundException);
        expect(log.lines.join("\n")).to.match(/ERROR Cannot start crawler raw-crawler.*EntityNotFoundException/);
    });
});

describe("start-job handler", () => {
    const deps = () => ({ glue, jobName: "to-parquet", crawlerName: "raw-crawler", log: recorder() });
    const succeeded = () => fixture("glue-crawler-succeeded", { crawlerName: "raw-crawler" });
    beforeEach(() => glueMock.reset());

    it("starts one job run for a batch of successful crawls", async () => {
        glueMock.on(StartJobRunCommand).resolves({ JobRunId: "jr_1" });
        const log = recorder();
        const response = await startJobForBatch(sqsEvent(succeeded(), succeeded()), { ...deps(), log });
        expect(response.batchItemFailures).to.deep.equal([]);
        expect(glueMock.commandCalls(StartJobRunCommand)).to.have.length(1);
        expect(glueMock.commandCalls(StartJobRunCommand)[0].args[0].input).to.deep.equal({ JobName: "to-parquet" });
        expect(log.lines.join("\n")).to.contain("jr_1");
    });

    it("parses each message body once", async () => {
        glueMock.on(StartJobRunCommand).resolves({ JobRunId: "jr_1" });
        const event = sqsEvent(succeeded(), fixture("glue-crawler-failed", { crawlerName: "raw-crawler" }), "[]");
        const bodies = event.Records.map((r) => r.body);
        expect(await parsesOf(bodies, () => startJobForBatch(event, deps()))).to.deep.equal([1, 1, 1]);
    });

    it("returns the batch as failed while a run is in progress (max concurrency 1)", async () => {
        glueMock
            .on(StartJobRunCommand)
            .rejects(
                new ConcurrentRunsExceededException({ message: "Concurrent runs exceeded for to-parquet", ...meta }),
            );
        const event = sqsEvent(succeeded());
        const response = await startJobForBatch(event, deps());
        expect(response.batchItemFailures).to.deep.equal([{ itemIdentifier: event.Records[0].messageId }]);
    });

    it("skips other crawlers and other states, rejects what is not a crawler event", async () => {
        const other = fixture("glue-crawler-succeeded", { crawlerName: "someone-elses-crawler" });
        const failed = fixture("glue-crawler-failed", { crawlerName: "raw-crawler" });
        const event = sqsEvent(other, failed, fixture("glue-job-succeeded"), "{");
        const response = await startJobForBatch(event, deps());
        expect(glueMock.commandCalls(StartJobRunCommand)).to.have.length(0);
        expect(response.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal([
            event.Records[2].messageId,
            event.Records[3].messageId,
        ]);
    });

    it("fails the invocation when the job does not exist", async () => {
        glueMock
            .on(StartJobRunCommand)
            .rejects(new EntityNotFoundException({ message: "Job to-parquet not found", ...meta }));
        let thrown: unknown;
        await startJobForBatch(sqsEvent(succeeded()), deps()).catch((err) => {
            thrown = err;
        });
        expect(thrown).to.be.instanceOf(EntityNotFoundException);
    });
});
