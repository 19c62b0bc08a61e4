import { expect } from "chai";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import * as fs from "fs";
import * as path from "path";
import {
    CrawlerRunningException,
    ConcurrentRunsExceededException,
    EntityNotFoundException,
    GetCrawlerCommand,
    GlueServiceException,
    StartCrawlerCommand,
    StartJobRunCommand,
} from "@aws-sdk/client-glue";
import { build, Inputs, Resources } from "../testkit/harness";
import { CsvToParquetPipeline } from "../packages/csv-to-parquet/src";
import { fixture, s3Notification, sqsEvent } from "../testkit/events";
import { glueMock } from "./glueMock";
import { plainHandlers, runQueued, Scenario } from "../simulation/designs";
import { SimGlue } from "../simulation/glue";
import { SCENARIOS, uploads } from "../simulation/scenarios";
import { QUEUE_DEFAULTS } from "../packages/csv-to-parquet/src/components/queueDefaults";
import { GetItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { createTableOnMoto, MOTO_CREDENTIALS, motoDynamoDb, motoEndpoint, resetMoto } from "./motoServer";

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
const OUT_DIR = path.join(__dirname, ".serialized");
const meta = { $metadata: {} };

/**
 * Writes a function's deployed `__index.js` under the project tree (so `require` resolves node_modules as
 * Lambda's runtime resolves its bundled SDK), sets its environment and loads its handler.
 */
async function loadDeployed(resources: Resources, name: string): Promise<Handler> {
    const fn = resources.one("aws:lambda/function:Function", name).inputs;
    const text: string = await (await fn.code.assets)["__index.js"].text;
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const file = path.join(OUT_DIR, `${name}.js`);
    fs.writeFileSync(file, text);
    Object.assign(process.env, fn.environment.variables);
    delete require.cache[require.resolve(file)];
    return require(file).handler;
}

/** The environment Lambda gives a function, with DynamoDB answered by moto's server on loopback. */
const LAMBDA_ENV = ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_DYNAMODB"];

describe("deployed Lambda code (serialized closures)", function () {
    this.timeout(10 * 60_000); // moto's server may have to be installed first
    let startCrawler: Handler;
    let startJob: Handler;
    let table: Inputs;
    const context = {} as Context;
    const quiet = { info: console.info, warn: console.warn, error: console.error };
    const saved = Object.fromEntries(LAMBDA_ENV.map((name) => [name, process.env[name]]));
    const ledgerKeys = async () =>
        ((await (await motoDynamoDb()).send(new ScanCommand({ TableName: process.env.UPLOADS_TABLE }))).Items ?? [])
            .map((item) => item.key.S)
            .sort();

    before(async () => {
        Object.assign(process.env, {
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
            AWS_ENDPOINT_URL_DYNAMODB: await motoEndpoint(),
        });
        const { resources } = await build(
            (opts) =>
                new CsvToParquetPipeline(
                    "deployed",
                    {
                        notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
                        crawlerName: "deployed-crawler",
                        jobName: "deployed-job",
                    },
                    opts,
                ),
        );
        table = resources.one("aws:dynamodb/table:Table", "deployed-uploads").inputs;
        startCrawler = await loadDeployed(resources, "deployed-start-crawler-fn");
        startJob = await loadDeployed(resources, "deployed-start-job-fn");
        console.info = console.warn = console.error = () => undefined;
    });
    after(() => {
        Object.assign(console, quiet);
        for (const [name, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[name];
            else process.env[name] = value;
        }
    });
    beforeEach(async () => {
        glueMock.reset();
        await resetMoto();
        await createTableOnMoto(await motoDynamoDb(), process.env.UPLOADS_TABLE as string, table);
    });

    it("start-crawler: records each upload in the ledger table its environment names", async () => {
        ready();
        glueMock.on(StartCrawlerCommand).resolves({});
        await startCrawler(
            sqsEvent(s3Notification("csv_data/a/1.csv"), s3Notification("csv_data/b/my+file.csv")),
            context,
        );
        expect(await ledgerKeys()).to.deep.equal(["csv_data/a/1.csv", "csv_data/b/my file.csv"]);
        const item = await (
            await motoDynamoDb()
        ).send(new GetItemCommand({ TableName: process.env.UPLOADS_TABLE, Key: { key: { S: "csv_data/a/1.csv" } } }));
        expect(item.Item?.status).to.deep.equal({ S: "pending" });
    });

    const ready = () =>
        glueMock.on(GetCrawlerCommand).resolves({ Crawler: { Name: "deployed-crawler", State: "READY" } });

    it("start-crawler: one StartCrawler for a batch of uploads, kept until a crawl covers them", async () => {
        ready();
        glueMock.on(StartCrawlerCommand).resolves({});
        const event = sqsEvent(s3Notification("csv_data/a/1.csv"), s3Notification("csv_data/b/my+file.csv"));
        const response = await startCrawler(event, context);
        expect(response.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal(
            event.Records.map((r) => r.messageId),
        );
        expect(glueMock.commandCalls(StartCrawlerCommand).map((c) => c.args[0].input)).to.deep.equal([
            { Name: "deployed-crawler" },
        ]);
        glueMock.on(GetCrawlerCommand).resolves({
            Crawler: {
                State: "READY",
                LastCrawl: { Status: "SUCCEEDED", StartTime: new Date("2026-11-21T10:00:01Z") },
            },
        });
        expect(await startCrawler(event, context)).to.deep.equal({ batchItemFailures: [] });
        expect(glueMock.commandCalls(StartCrawlerCommand)).to.have.length(1);
    });

    it("start-crawler: a running crawler or throttling sends the uploads back; the test event is consumed", async () => {
        glueMock.on(GetCrawlerCommand).resolves({ Crawler: { State: "RUNNING" } });
        const event = sqsEvent(fixture("s3-test-event"), s3Notification("csv_data/a/1.csv"));
        expect((await startCrawler(event, context)).batchItemFailures).to.deep.equal([
            { itemIdentifier: event.Records[1].messageId },
        ]);
        expect(glueMock.commandCalls(StartCrawlerCommand)).to.have.length(0);
        ready();
        glueMock.on(StartCrawlerCommand).rejects(new CrawlerRunningException({ message: "running", ...meta }));
        expect((await startCrawler(event, context)).batchItemFailures).to.deep.equal([
            { itemIdentifier: event.Records[1].messageId },
        ]);
        glueMock.on(StartCrawlerCommand).rejects(
            new GlueServiceException({
                name: "ThrottlingException",
                $fault: "client",
                message: "Rate exceeded",
                ...meta,
            }),
        );
        expect((await startCrawler(event, context)).batchItemFailures).to.deep.equal([
            { itemIdentifier: event.Records[1].messageId },
        ]);
    });

    it("start-crawler: an unknown crawler fails the invocation", async () => {
        glueMock.on(GetCrawlerCommand).rejects(new EntityNotFoundException({ message: "no such crawler", ...meta }));
        let thrown: unknown;
        await startCrawler(sqsEvent(s3Notification("csv_data/a/1.csv")), context).catch((err) => {
            thrown = err;
        });
        expect((thrown as Error).name).to.equal("EntityNotFoundException");
    });

    it("start-job: starts the job on this crawler's success, sends it back while a run is in progress", async () => {
        const event = sqsEvent(fixture("glue-crawler-succeeded", { crawlerName: "deployed-crawler" }));
        glueMock.on(StartJobRunCommand).resolves({ JobRunId: "jr_1" });
        expect(await startJob(event, context)).to.deep.equal({ batchItemFailures: [] });
        expect(glueMock.commandCalls(StartJobRunCommand).map((c) => c.args[0].input)).to.deep.equal([
            { JobName: "deployed-job" },
        ]);
        glueMock.on(StartJobRunCommand).rejects(new ConcurrentRunsExceededException({ message: "busy", ...meta }));
        expect((await startJob(event, context)).batchItemFailures).to.have.length(1);
    });

    describe("driven through the burst simulation", () => {
        /** The deployed handlers, with every GlueClient they create answered by the model. */
        const deployed = (_glue: unknown, sim: SimGlue) => {
            glueMock.on(GetCrawlerCommand).callsFake((input) => sim.getCrawler(input));
            glueMock.on(StartCrawlerCommand).callsFake((input) => sim.startCrawler(input));
            glueMock.on(StartJobRunCommand).callsFake((input) => sim.startJobRun(input));
            return {
                startCrawler: (event: SQSEvent) => startCrawler(event, context),
                startJob: (event: SQSEvent) => startJob(event, context),
            };
        };
        const names = { crawlerName: "deployed-crawler", jobName: "deployed-job" };

        it("gives the same figures as the plain handlers for uploads landing during a crawl", async () => {
            const scenario = SCENARIOS.find((s) => s.name === "50 uploads land during a crawl") as Scenario;
            const figures = ({ glue, uploadQueue, ...report }: Awaited<ReturnType<typeof runQueued>>) => ({
                ...report,
                files: glue.files.length,
                left: uploadQueue.messages.size,
            });
            const viaDeployed = figures(await runQueued(scenario, deployed, names));
            const viaPlain = figures(await runQueued(scenario, plainHandlers, names));
            expect(viaDeployed.lost).to.equal(0);
            expect(viaDeployed.crawls).to.be.above(1);
            expect(await ledgerKeys()).to.have.length(viaDeployed.files, "every upload is in the ledger");
            expect(viaDeployed).to.deep.equal(viaPlain);
        });

        it("a malformed body reaches the DLQ after the configured receives and never holds up the uploads", async () => {
            const scenario: Scenario = {
                name: "malformed",
                uploads: uploads(30, 0, 10, 8),
                malformed: [
                    { at: 1, body: "not json" },
                    { at: 2, body: JSON.stringify({ Records: [{ eventSource: "aws:sqs" }] }) },
                ],
                timings: { crawlSeconds: 120, listingSeconds: 30, jobSeconds: 180 },
            };
            const r = await runQueued(scenario, deployed, names);
            expect(r.lost).to.equal(0);
            expect(r.uploadQueue.deadLetters.map((m) => [m.body.slice(0, 8), m.receives])).to.deep.equal([
                ["not json", QUEUE_DEFAULTS.crawlerMaxReceives],
                ['{"Record', QUEUE_DEFAULTS.crawlerMaxReceives],
            ]);
            expect(r.crawls).to.equal(1);
            const processed = r.glue.files.map((f) => f.processedAt as number);
            expect(Math.max(...processed)).to.be.below(15 * 60); // done long before the bad messages are dead-lettered
        });

        it("5xx and throttling answers are retried on a later delivery until the uploads are processed", async () => {
            const scenario: Scenario = {
                name: "flaky Glue",
                uploads: uploads(30, 0, 10, 9),
                timings: { crawlSeconds: 120, listingSeconds: 30, jobSeconds: 180 },
            };
            const r = await runQueued(
                scenario,
                (glue, sim) => {
                    const handlers = deployed(glue, sim);
                    const err = (name: string, status: number) =>
                        new GlueServiceException({
                            name,
                            $fault: status >= 500 ? "server" : "client",
                            message: name,
                            $metadata: { httpStatusCode: status },
                        });
                    glueMock
                        .on(GetCrawlerCommand)
                        .rejectsOnce(err("InternalServiceException", 500))
                        .callsFake((input) => sim.getCrawler(input));
                    glueMock
                        .on(StartCrawlerCommand)
                        .rejectsOnce(err("ThrottlingException", 400))
                        .callsFake((input) => sim.startCrawler(input));
                    glueMock
                        .on(StartJobRunCommand)
                        .rejectsOnce(err("ServiceUnavailableException", 503))
                        .callsFake((input) => sim.startJobRun(input));
                    return handlers;
                },
                names,
            );
            expect(r.lost).to.equal(0);
            expect(r.deadLettered).to.equal(0);
            expect(glueMock.commandCalls(GetCrawlerCommand).length).to.be.above(2);
            expect(r.startJobRunCalls).to.equal(r.jobRuns); // the rejected call never reached the model
            expect(glueMock.commandCalls(StartJobRunCommand)).to.have.length(r.jobRuns + 1);
        });
    });
});
