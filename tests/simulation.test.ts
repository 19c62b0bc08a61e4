import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import type { SQSEvent } from "aws-lambda";
import { CrawlerRunningException, GlueClient, StartCrawlerCommand } from "@aws-sdk/client-glue";
import {
    classifyS3Notification,
    parseMessages,
    processBatch,
    s3NotificationParser,
} from "../packages/csv-to-parquet/src/functions";
import { QUEUE_DEFAULTS } from "../packages/csv-to-parquet/src/components/queueDefaults";
import { CRAWLER, plainHandlers, RAW_PREFIX, Report, runDirect, runQueued, Scenario } from "../simulation/designs";
import { Clock, EventSourceMapping, SimQueue } from "../simulation/engine";
import { SimGlue } from "../simulation/glue";
import { SCENARIOS, table, uploads } from "../simulation/scenarios";
import {
    FLAT_FOLDER_DESIGN,
    LAKE_SIZES,
    lakeGrowthRuns,
    lakeGrowthTable,
    LEDGER_DESIGN,
    LISTING_DESIGN,
    RunWork,
    work,
} from "../simulation/lakeGrowth";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The same queues, but an upload is done as soon as StartCrawler is accepted (no GetCrawler check). */
const withoutCrawlCheck = (glue: Pick<GlueClient, "send">, sim: SimGlue) => ({
    ...plainHandlers(glue, sim),
    startCrawler: (event: SQSEvent) =>
        processBatch(parseMessages(event, s3NotificationParser), {
            classify: (notification) => classifyS3Notification(notification, RAW_PREFIX),
            start: async () => {
                await glue.send(new StartCrawlerCommand({ Name: CRAWLER }));
                return undefined;
            },
            busyError: "CrawlerRunningException",
            done: { when: "once started" },
            target: `crawler ${CRAWLER}`,
            log: silent,
        }),
});

describe("burst simulation", () => {
    const reports = new Map<string, Report[]>();
    const row = (scenario: string, design: string) =>
        (reports.get(scenario) ?? []).find((r) => r.design.startsWith(design)) as Report;

    before(async () => {
        for (const scenario of SCENARIOS) {
            reports.set(scenario.name, [
                await runQueued(scenario, plainHandlers),
                await runQueued(scenario, withoutCrawlCheck, { design: "queued, no GetCrawler check" }),
                await runDirect(scenario, false),
                await runDirect(scenario, true),
            ]);
        }
        console.log(`\n${table([...reports.values()].flat())}\n`);
    });

    it("the queued design processes every upload, dead-letters nothing and crawls once per busy period", () => {
        for (const scenario of SCENARIOS) {
            const r = row(scenario.name, "queued (this project)");
            expect(r.uploads, scenario.name).to.equal(scenario.uploads.length);
            expect(r.lost, scenario.name).to.equal(0);
            expect(r.deadLettered, scenario.name).to.equal(0);
            expect(r.startCrawlerCalls, scenario.name).to.be.at.most(r.crawls + 2);
            expect(r.jobRuns, scenario.name).to.be.at.most(r.crawls);
        }
        // 1,000 uploads in 10 minutes: at most one crawl per 2-minute crawl period (plus the first and the last).
        const burst = row("1,000 uploads over 10 min", "queued (this project)");
        expect(burst.crawls).to.be.within(2, 7);
        expect(burst.startCrawlerCalls).to.be.below(burst.uploads / 100);
        expect(burst.maxReceives).to.be.at.most(4);
    });

    it("docs/simulation.md quotes the table as the model prints it", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "simulation.md"), "utf8");
        expect(doc).to.contain(table([...reports.values()].flat()));
    });

    it("every file is read by a job run that started after a crawl catalogued it", async () => {
        const result = await runQueued(SCENARIOS[0], plainHandlers);
        for (const f of result.glue.files) {
            expect(f.cataloguedAt, f.key).to.be.at.least(f.landedAt);
            expect(f.readAt, f.key).to.be.at.least(f.cataloguedAt as number);
            expect(f.processedAt, f.key).to.be.above(f.readAt as number);
        }
    });

    it("the direct design loses uploads that land during a crawl; Lambda's retries only cover crawls under 3 minutes", () => {
        for (const scenario of SCENARIOS) {
            expect(row(scenario.name, "direct, busy errors logged").lost, scenario.name).to.be.above(0);
        }
        expect(row("50 uploads land during a crawl", "direct, busy errors logged").lost).to.equal(50);
        expect(row("80 uploads, first crawl fails", "direct, busy errors logged").lost).to.equal(80);
        expect(row("50 uploads land during a 10-min crawl", "direct, 2 async retries").lost).to.equal(50);
        expect(row("1,000 uploads over 10 min", "direct, 2 async retries").startCrawlerCalls).to.be.above(2000);
    });

    it("without the GetCrawler check a failed crawl would lose the uploads it was started for", () => {
        expect(row("80 uploads, first crawl fails", "queued, no GetCrawler check").lost).to.equal(80);
        expect(row("80 uploads, first crawl fails", "queued (this project)").lost).to.equal(0);
    });

    it("a crawler that always fails: bounded crawls, every upload dead-lettered, and the alarm emails", async () => {
        const scenario: Scenario = {
            name: "crawler always fails",
            uploads: uploads(30, 0, 10, 7),
            timings: {
                crawlSeconds: 120,
                listingSeconds: 30,
                jobSeconds: 180,
                failingCrawls: Array.from({ length: 100 }, (_, i) => i + 1),
            },
        };
        const r = await runQueued(scenario, plainHandlers);
        expect(r.lost).to.equal(30);
        expect(r.deadLettered).to.equal(30);
        expect(r.uploadQueue.deadLetters.every((m) => m.receives === QUEUE_DEFAULTS.crawlerMaxReceives)).to.equal(true);
        expect(r.crawls).to.be.at.most(QUEUE_DEFAULTS.crawlerMaxReceives);
        expect(r.jobRuns).to.equal(0);
        expect(r.emails).to.equal(r.failedCrawls + 1); // one email per failed crawl, and the DLQ alarm
    });
});

describe("simulation model", () => {
    it("SQS: a message that always fails is received maxReceiveCount times, then dead-lettered", async () => {
        const clock = new Clock();
        const queue = new SimQueue("q", clock, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
        const seen: number[] = [];
        const mapping = new EventSourceMapping(
            clock,
            queue,
            async (event) => {
                seen.push(clock.now);
                return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
            },
            { batchSize: 10, batchWindowSeconds: 5, maximumConcurrency: 1 },
        );
        queue.send("x");
        await clock.run(3600);
        expect(seen).to.deep.equal([5, 40, 75]);
        expect(queue.deadLetters.map((m) => m.receives)).to.deep.equal([3]);
        expect(mapping.invocations).to.equal(3);
    });

    it("SQS: messages gather for the batching window, a full batch goes at once, a thrown error returns the batch", async () => {
        const clock = new Clock();
        const queue = new SimQueue("q", clock, { visibilityTimeoutSeconds: 100, maxReceiveCount: 5 });
        const batches: [number, number][] = [];
        let fail = true;
        new EventSourceMapping(
            clock,
            queue,
            async (event) => {
                batches.push([clock.now, event.Records.length]);
                if (fail) {
                    fail = false;
                    throw new Error("boom");
                }
                return { batchItemFailures: [] };
            },
            { batchSize: 4, batchWindowSeconds: 20, maximumConcurrency: 1 },
        );
        for (const at of [0, 1, 2]) clock.at(at, () => queue.send(`m${at}`));
        for (const at of [200, 200, 200, 200]) clock.at(at, () => queue.send("n"));
        await clock.run(3600);
        // The failed batch is visible again at 120 and gathers for another window.
        expect(batches).to.deep.equal([
            [20, 3],
            [140, 3],
            [200, 4],
        ]);
        expect(queue.messages.size).to.equal(0);
    });

    it("Glue: the crawler is busy while it runs and catalogues only what it listed; the job reads each file once", async () => {
        const clock = new Clock();
        const glue = new SimGlue(clock, "c", "j", { crawlSeconds: 100, listingSeconds: 10, jobSeconds: 50 });
        glue.upload("csv_data/a/1.csv");
        glue.startCrawler({ Name: "c" });
        expect(() => glue.startCrawler({ Name: "c" })).to.throw(CrawlerRunningException);
        expect(glue.getCrawler({ Name: "c" }).Crawler?.State).to.equal("RUNNING");
        clock.at(20, () => glue.upload("csv_data/a/2.csv"));
        await clock.run(100);
        expect(glue.files.map((f) => f.cataloguedAt)).to.deep.equal([100, undefined]);
        expect(glue.getCrawler({ Name: "c" }).Crawler?.LastCrawl).to.deep.equal({
            Status: "SUCCEEDED",
            StartTime: clock.date(0),
        });
        glue.startJobRun({ JobName: "j" });
        await clock.run(1000);
        glue.startJobRun({ JobName: "j" });
        expect(glue.files.map((f) => f.readAt)).to.deep.equal([100, undefined]);
        expect(glue.jobRuns).to.equal(2);
    });
});

describe("lake growth: one run's work as the lake grows, for the same small upload", () => {
    const runs = lakeGrowthRuns();
    const of = (design: string) =>
        LAKE_SIZES.map((n) => work(runs.find((r) => r.design === design && r.existing === n) as RunWork));
    before(() => console.log(`\n${lakeGrowthTable(runs)}\n`));

    it("with the uploads ledger and the S3 event crawl, a run into a 10⁶-object lake costs within 1.1× of one into a 10² lake", () => {
        const [small, , large] = of(LEDGER_DESIGN);
        expect(large / small).to.be.at.most(1.1);
    });

    it("listing the lake and re-crawling it grows with the lake: over 1,000× from 10² to 10⁶ objects", () => {
        const [small, , large] = of(LISTING_DESIGN);
        expect(large / small).to.be.above(1000);
    });

    it("an upload into a flat dataset folder makes the crawl list that folder: the job's share stays flat", () => {
        const flat = of(FLAT_FOLDER_DESIGN);
        expect(flat[2]).to.be.above(flat[0] * 10);
        expect(runs.filter((r) => r.design === FLAT_FOLDER_DESIGN).map((r) => r.ledgerEntries)).to.deep.equal([
            40, 40, 40,
        ]);
    });

    it("docs/simulation.md quotes the table as the model prints it", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "simulation.md"), "utf8");
        expect(doc).to.contain(lakeGrowthTable(runs));
    });
});
