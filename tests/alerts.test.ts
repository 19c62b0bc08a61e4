import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ACCOUNT, Inputs, REGION, Resources, TOPIC } from "../testkit/harness";
import { buildPipeline } from "../testkit/pipeline";
import { fixture, Json, matchesPattern } from "../testkit/events";

/**
 * What EventBridge delivers for an input transformer ("Transforming target input"): each path looked up in the
 * event and put in place of its placeholder as it is, not escaped; <aws.events.event.json> is the whole event as
 * JSON. The result must parse as JSON, or EventBridge cannot deliver it.
 */
function render<T = string>(transformer: Inputs, event: { [key: string]: Json }): T {
    let text: string = transformer.inputTemplate;
    for (const [variable, jsonPath] of Object.entries(transformer.inputPaths as Record<string, string>)) {
        const value = jsonPath
            .replace(/^\$\./, "")
            .split(".")
            .reduce<Json>((node, key) => (node as { [key: string]: Json })[key], event);
        text = text.split(`<${variable}>`).join(String(value));
    }
    return JSON.parse(text.split("<aws.events.event.json>").join(JSON.stringify(event)));
}

interface Email {
    summary: string;
    event: { detail: { [key: string]: Json } };
}

/** A Glue message with a quote, a backslash and line breaks, as a failing job may report it. */
const AWKWARD = 'An error occurred while calling o98.csv: Path "s3://b/x\\y.csv" does not exist\nat line 2\r\n';

describe("alerts", () => {
    let r: Resources;
    before(async () => {
        r = (await buildPipeline("ops")).resources;
    });
    const names = { crawlerName: "ops-crawler", jobName: "ops-job" };

    it("emails a summary of each job outcome (job, state, run id, output location) with Glue's event", () => {
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget", "ops-job-finished").inputs;
        expect(target.arn).to.equal(TOPIC);
        const bucket = r.one("aws:s3/bucket:Bucket", "ops-data").state.bucket;
        const failed = render<Email>(target.inputTransformer, fixture("glue-job-failed", names));
        expect(failed.summary).to.equal(
            "Pipeline ops: Glue job ops-job run jr_ca2144d747b45ad412d3c66a1b6934b6b27aa252be9a21a95c54dfaa224a1925 ended FAILED " +
                `at 2026-11-21T10:09:06Z. Glue's message is event.detail.message below. Parquet output: s3://${bucket}/parquet_data/`,
        );
        expect(failed.event.detail.message).to.equal("SystemExit: 1");
        const succeeded = render<Email>(target.inputTransformer, fixture("glue-job-succeeded", names));
        expect(succeeded.summary).to.contain("ended SUCCEEDED");
        expect(succeeded.event.detail.message).to.contain("Job run succeeded");
    });

    it("delivers the job email when Glue's message holds quotes, backslashes and line breaks", () => {
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget", "ops-job-finished").inputs;
        const event = fixture("glue-job-failed", names);
        (event.detail as { [key: string]: Json }).message = AWKWARD;
        const email = render<Email>(target.inputTransformer, event);
        expect(email.event.detail.message).to.equal(AWKWARD);
        expect(email.summary).to.contain("ended FAILED");
        // The template this replaces put the message inside a quoted string: the same event made invalid JSON.
        const old = { inputPaths: { message: "$.detail.message" }, inputTemplate: '"Glue says: <message>."' };
        expect(() => render(old, event)).to.throw(SyntaxError);
    });

    it("emails the crawler's state with its error and log link when a crawl fails, whatever the error says", () => {
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget", "ops-crawl-failed").inputs;
        const email = render<Email>(target.inputTransformer, fixture("glue-crawler-failed", names));
        expect(email.summary).to.contain("Glue crawler ops-crawler Failed");
        expect(email.event.detail.errorMessage).to.contain("Internal Service Exception");
        expect(email.event.detail.cloudWatchLogLink).to.contain("logEventViewer:group=/aws-glue/crawlers");
        const event = fixture("glue-crawler-failed", names);
        (event.detail as { [key: string]: Json }).errorMessage = AWKWARD;
        expect(render<Email>(target.inputTransformer, event).event.detail.errorMessage).to.equal(AWKWARD);
    });

    it("emails a recovery only when an alarm goes from ALARM back to OK, not after a deploy", () => {
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        for (const alarm of alarms) {
            expect(alarm.inputs.okActions, alarm.name).to.equal(undefined);
        }
        const pattern = r.json("aws:cloudwatch/eventRule:EventRule", "ops-alarm-recovered", "eventPattern");
        expect(pattern.resources).to.have.members(alarms.map((a) => a.state.arn));
        const [alarm] = alarms;
        const event = (previous: string, now: string) => {
            const e = fixture("cloudwatch-alarm-state-change");
            e.resources = [alarm.state.arn];
            const detail = e.detail as { [key: string]: { [key: string]: Json } };
            detail.alarmName = alarm.state.name as unknown as { [key: string]: Json };
            detail.previousState.value = previous;
            detail.state.value = now;
            return e;
        };
        expect(matchesPattern(pattern, event("ALARM", "OK"))).to.equal(true);
        expect(matchesPattern(pattern, event("INSUFFICIENT_DATA", "OK"))).to.equal(false);
        expect(matchesPattern(pattern, event("OK", "ALARM"))).to.equal(false);
        const other = event("ALARM", "OK");
        other.resources = [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:someone-elses`];
        expect(matchesPattern(pattern, other)).to.equal(false);
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget", "ops-alarm-recovered").inputs;
        expect(target.arn).to.equal(TOPIC);
        expect(render(target.inputTransformer, event("ALARM", "OK"))).to.equal(
            `Pipeline ops: alarm ${alarm.state.name} is OK again at 2026-11-21T11:04:40Z.`,
        );
    });

    it("alarms to the topic when a dead-letter queue holds a message", () => {
        for (const [role, dlq] of [
            ["start-crawler", "start-crawler-dlq"],
            ["start-job", "start-job-dlq"],
            ["crawler-events", "crawler-events-dlq"],
        ]) {
            const alarm = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", `ops-${role}-dlq-not-empty`).inputs;
            expect(alarm).to.deep.include({
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                statistic: "Maximum",
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0,
                treatMissingData: "notBreaching",
                alarmActions: [TOPIC],
                dimensions: { QueueName: r.one("aws:sqs/queue:Queue", `ops-${dlq}`).state.name },
            });
        }
    });

    it("alarms to the topic on any error or throttle of either function", () => {
        for (const role of ["start-crawler", "start-job"]) {
            const functionName = r.one("aws:lambda/function:Function", `ops-${role}-fn`).state.name;
            for (const metric of ["Errors", "Throttles"]) {
                const alarm = r.one(
                    "aws:cloudwatch/metricAlarm:MetricAlarm",
                    `ops-${role}-${metric.toLowerCase()}`,
                ).inputs;
                expect(alarm).to.deep.include({
                    namespace: "AWS/Lambda",
                    metricName: metric,
                    statistic: "Sum",
                    threshold: 0,
                    alarmActions: [TOPIC],
                    dimensions: { FunctionName: functionName },
                });
            }
        }
        expect(r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).to.have.length(9); // three dead-letter queues, two for the ledger
    });

    it("alarms to the topic on any throttled read or write of the uploads ledger, its to-do index's writes included", () => {
        const table = r.one("aws:dynamodb/table:Table", "ops-uploads").state.name;
        const alarm = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", "ops-ledger-throttled").inputs;
        expect(alarm).to.deep.include({
            comparisonOperator: "GreaterThanThreshold",
            threshold: 0,
            alarmActions: [TOPIC],
            treatMissingData: "notBreaching",
        });
        expect(alarm.period).to.equal(undefined);
        const queries = alarm.metricQueries
            .filter((q: Inputs) => q.metric)
            .map((q: Inputs) => [q.metric.metricName, q.metric.dimensions]);
        expect(queries).to.deep.equal([
            ["ReadThrottleEvents", { TableName: table }],
            ["WriteThrottleEvents", { TableName: table }],
            ["WriteThrottleEvents", { TableName: table, GlobalSecondaryIndexName: "todo" }],
        ]);
        expect(alarm.metricQueries.find((q: Inputs) => q.returnData)).to.deep.include({
            expression: "reads + writes + todo",
        });
    });

    it("alarms when the job reports an upload pending for over three job timeouts, and stays so between runs", () => {
        const alarm = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", "ops-uploads-waiting").inputs;
        const job = r.one("aws:glue/job:Job", "ops-job").inputs;
        expect(alarm).to.deep.include({
            namespace: "CsvToParquet",
            metricName: "OldestPendingUploadAgeSeconds",
            statistic: "Maximum",
            dimensions: { JobName: job.name },
            threshold: 3 * job.timeout * 60,
            comparisonOperator: "GreaterThanThreshold",
            alarmActions: [TOPIC],
            treatMissingData: "missing",
        });
        const script = fs.readFileSync(path.join(__dirname, "..", "etl", "glue_job.py"), "utf8");
        expect(script).to.contain('METRICS_NAMESPACE = "CsvToParquet"').and.contain('"OldestPendingUploadAgeSeconds"');
    });
});

describe("dashboard", () => {
    it("charts queue and dead-letter depth, function errors, throttles and duration, and Glue tasks of this pipeline", async () => {
        const r = (await buildPipeline("dash")).resources;
        const body = r.json("aws:cloudwatch/dashboard:Dashboard", "dash-dashboard", "dashboardBody");
        const metricsOf = (title: string): Json[][] => {
            const widget = body.widgets.find((w: Inputs) => w.properties.title.startsWith(title));
            expect(widget, title).to.not.equal(undefined);
            return widget.properties.metrics;
        };
        const queue = (suffix: string) => r.one("aws:sqs/queue:Queue", suffix).state.name;
        const fn = (suffix: string) => r.one("aws:lambda/function:Function", suffix).state.name;
        const flat = (title: string) => metricsOf(title).map((m) => m.filter((x) => typeof x === "string").join(" "));
        expect(flat("Messages waiting").join("\n"))
            .to.contain(queue("dash-start-crawler-queue"))
            .and.contain(queue("dash-start-job-queue"))
            .and.contain("ApproximateNumberOfMessagesVisible");
        expect(flat("Dead-letter").join("\n"))
            .to.contain(queue("dash-start-crawler-dlq"))
            .and.contain(queue("dash-start-job-dlq"))
            .and.contain(queue("dash-crawler-events-dlq"));
        expect(flat("Messages waiting").join("\n")).to.contain(queue("dash-crawler-events-queue"));
        const errors = flat("Function errors").join("\n");
        for (const metric of ["Errors", "Throttles"]) {
            expect(errors)
                .to.contain(`AWS/Lambda ${metric} FunctionName ${fn("dash-start-crawler-fn")}`)
                .and.contain(`AWS/Lambda ${metric} FunctionName ${fn("dash-start-job-fn")}`);
        }
        expect(flat("Function duration").join("\n")).to.contain("Duration");
        expect(flat("Glue job").join("\n")).to.contain("glue.driver.aggregate.numFailedTasks").and.contain("dash-job");
        expect(flat("Uploads still pending").join("\n"))
            .to.contain("CsvToParquet OldestPendingUploadAgeSeconds JobName dash-job")
            .and.contain("CsvToParquet PendingUploads JobName dash-job");
        const table = r.one("aws:dynamodb/table:Table", "dash-uploads").state.name;
        expect(flat("Uploads ledger").join("\n"))
            .to.contain(`AWS/DynamoDB WriteThrottleEvents TableName ${table}`)
            .and.contain(`AWS/DynamoDB ReadThrottleEvents TableName ${table}`);
        expect(body.widgets.every((w: Inputs) => w.properties.region === REGION)).to.equal(true);
    });
});
