import { expect } from "chai";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import * as fs from "fs";
import * as path from "path";
import {
    CrawlerRunningException, ConcurrentRunsExceededException, EntityNotFoundException, GlueServiceException,
    StartCrawlerCommand, StartJobRunCommand,
} from "@aws-sdk/client-glue";
import { build, Resources } from "./harness";
import { CsvToParquetPipeline } from "../components";
import { fixture, s3Notification, sqsEvent } from "./events";
import { glueMock } from "./glueMock";

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

describe("deployed Lambda code (serialized closures)", () => {
    let startCrawler: Handler;
    let startJob: Handler;
    const context = {} as Context;
    const quiet = { info: console.info, warn: console.warn, error: console.error };

    before(async () => {
        const { resources } = await build((opts) => new CsvToParquetPipeline("deployed", {
            notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts", crawlerName: "deployed-crawler", jobName: "deployed-job",
        }, opts));
        startCrawler = await loadDeployed(resources, "deployed-start-crawler-fn");
        startJob = await loadDeployed(resources, "deployed-start-job-fn");
        console.info = console.warn = console.error = () => undefined;
    });
    after(() => Object.assign(console, quiet));
    beforeEach(() => glueMock.reset());

    it("start-crawler: one StartCrawler for a batch of uploads", async () => {
        glueMock.on(StartCrawlerCommand).resolves({});
        const response = await startCrawler(sqsEvent(s3Notification("csv_data/a/1.csv"), s3Notification("csv_data/b/my+file.csv")), context);
        expect(response).to.deep.equal({ batchItemFailures: [] });
        expect(glueMock.commandCalls(StartCrawlerCommand).map((c) => c.args[0].input)).to.deep.equal([{ Name: "deployed-crawler" }]);
    });

    it("start-crawler: a busy crawler or throttling sends the uploads back; the test event is consumed", async () => {
        glueMock.on(StartCrawlerCommand).rejects(new CrawlerRunningException({ message: "running", ...meta }));
        const event = sqsEvent(fixture("s3-test-event"), s3Notification("csv_data/a/1.csv"));
        expect((await startCrawler(event, context)).batchItemFailures).to.deep.equal([{ itemIdentifier: event.Records[1].messageId }]);
        glueMock.on(StartCrawlerCommand).rejects(new GlueServiceException({ name: "ThrottlingException", $fault: "client", message: "Rate exceeded", ...meta }));
        expect((await startCrawler(event, context)).batchItemFailures).to.deep.equal([{ itemIdentifier: event.Records[1].messageId }]);
    });

    it("start-crawler: an unknown crawler fails the invocation", async () => {
        glueMock.on(StartCrawlerCommand).rejects(new EntityNotFoundException({ message: "no such crawler", ...meta }));
        let thrown: unknown;
        await startCrawler(sqsEvent(s3Notification("csv_data/a/1.csv")), context).catch((err) => { thrown = err; });
        expect((thrown as Error).name).to.equal("EntityNotFoundException");
    });

    it("start-job: starts the job on this crawler's success, sends it back while a run is in progress", async () => {
        const event = sqsEvent(fixture("glue-crawler-succeeded", { crawlerName: "deployed-crawler" }));
        glueMock.on(StartJobRunCommand).resolves({ JobRunId: "jr_1" });
        expect(await startJob(event, context)).to.deep.equal({ batchItemFailures: [] });
        expect(glueMock.commandCalls(StartJobRunCommand).map((c) => c.args[0].input)).to.deep.equal([{ JobName: "deployed-job" }]);
        glueMock.on(StartJobRunCommand).rejects(new ConcurrentRunsExceededException({ message: "busy", ...meta }));
        expect((await startJob(event, context)).batchItemFailures).to.have.length(1);
    });
});
