import { expect } from "chai";
import { ACCOUNT, build, Inputs, REGION, Resources } from "./harness";
import { CsvToParquetPipeline } from "../components";
import { fixture, Json } from "./events";

const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`;

/** What EventBridge delivers for an input transformer: paths looked up in the event, placeholders replaced. */
function render(transformer: Inputs, event: { [key: string]: Json }): string {
    let text: string = transformer.inputTemplate;
    for (const [variable, jsonPath] of Object.entries(transformer.inputPaths as Record<string, string>)) {
        const value = jsonPath.replace(/^\$\./, "").split(".").reduce<Json>((node, key) => (node as { [key: string]: Json })[key], event);
        text = text.split(`<${variable}>`).join(String(value));
    }
    return JSON.parse(text);
}

describe("alerts", () => {
    let r: Resources;
    before(async () => {
        r = (await build((opts) => new CsvToParquetPipeline("ops", {
            notificationTopicArn: TOPIC, crawlerName: "ops-crawler", jobName: "ops-job",
        }, opts))).resources;
    });
    const names = { crawlerName: "ops-crawler", jobName: "ops-job" };

    it("emails a readable line for each job outcome: job, state, run id, Glue's message, output location", () => {
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget", "ops-job-finished").inputs;
        expect(target.arn).to.equal(TOPIC);
        const bucket = r.one("aws:s3/bucket:Bucket", "ops-data").state.bucket;
        const failed = render(target.inputTransformer, fixture("glue-job-failed", names));
        expect(failed).to.equal(
            "Pipeline ops: Glue job ops-job run jr_ca2144d747b45ad412d3c66a1b6934b6b27aa252be9a21a95c54dfaa224a1925 ended FAILED " +
            `at 2026-11-21T10:09:06Z. Glue says: SystemExit: 1. Parquet output: s3://${bucket}/parquet_data/`);
        expect(render(target.inputTransformer, fixture("glue-job-succeeded", names))).to.contain("ended SUCCEEDED").and.contain("Job run succeeded");
    });

    it("emails the crawler's error and log link when a crawl fails", () => {
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget", "ops-crawl-failed").inputs;
        const text = render(target.inputTransformer, fixture("glue-crawler-failed", names));
        expect(text).to.contain("Glue crawler ops-crawler Failed").and.contain("Internal Service Exception")
            .and.contain("logEventViewer:group=/aws-glue/crawlers");
    });

    it("alarms to the topic when a dead-letter queue holds a message", () => {
        for (const role of ["start-crawler", "start-job"]) {
            const alarm = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", `ops-${role}-dlq-not-empty`).inputs;
            expect(alarm).to.deep.include({
                namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", statistic: "Maximum",
                comparisonOperator: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching",
                alarmActions: [TOPIC], dimensions: { QueueName: r.one("aws:sqs/queue:Queue", `ops-${role}-dlq`).state.name },
            });
        }
    });

    it("alarms to the topic on any error or throttle of either function", () => {
        for (const role of ["start-crawler", "start-job"]) {
            const functionName = r.one("aws:lambda/function:Function", `ops-${role}-fn`).state.name;
            for (const metric of ["Errors", "Throttles"]) {
                const alarm = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", `ops-${role}-${metric.toLowerCase()}`).inputs;
                expect(alarm).to.deep.include({
                    namespace: "AWS/Lambda", metricName: metric, statistic: "Sum", threshold: 0,
                    alarmActions: [TOPIC], dimensions: { FunctionName: functionName },
                });
            }
        }
        expect(r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).to.have.length(6);
    });
});

describe("dashboard", () => {
    it("charts queue and dead-letter depth, function errors, throttles and duration, and Glue tasks of this pipeline", async () => {
        const r = (await build((opts) => new CsvToParquetPipeline("dash", {
            notificationTopicArn: TOPIC, crawlerName: "dash-crawler", jobName: "dash-job",
        }, opts))).resources;
        const body = r.json("aws:cloudwatch/dashboard:Dashboard", "dash-dashboard", "dashboardBody");
        const metricsOf = (title: string): Json[][] => {
            const widget = body.widgets.find((w: Inputs) => w.properties.title.startsWith(title));
            expect(widget, title).to.not.equal(undefined);
            return widget.properties.metrics;
        };
        const queue = (suffix: string) => r.one("aws:sqs/queue:Queue", suffix).state.name;
        const fn = (suffix: string) => r.one("aws:lambda/function:Function", suffix).state.name;
        const flat = (title: string) => metricsOf(title).map((m) => m.filter((x) => typeof x === "string").join(" "));
        expect(flat("Messages waiting").join("\n")).to.contain(queue("dash-start-crawler-queue")).and.contain(queue("dash-start-job-queue"))
            .and.contain("ApproximateNumberOfMessagesVisible");
        expect(flat("Dead-letter").join("\n")).to.contain(queue("dash-start-crawler-dlq")).and.contain(queue("dash-start-job-dlq"));
        const errors = flat("Function errors").join("\n");
        for (const metric of ["Errors", "Throttles"]) {
            expect(errors).to.contain(`AWS/Lambda ${metric} FunctionName ${fn("dash-start-crawler-fn")}`)
                .and.contain(`AWS/Lambda ${metric} FunctionName ${fn("dash-start-job-fn")}`);
        }
        expect(flat("Function duration").join("\n")).to.contain("Duration");
        expect(flat("Glue job").join("\n")).to.contain("glue.driver.aggregate.numFailedTasks").and.contain("dash-job");
        expect(body.widgets.every((w: Inputs) => w.properties.region === REGION)).to.equal(true);
    });
});
