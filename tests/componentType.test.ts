/* Both components as members of one Pulumi package: the type tokens cross-language use needs, aliases from the
   former ones so that existing stacks replace nothing, and the AWS resources kept for TypeScript programs. */
import { expect } from "chai";
import { build, valueOf } from "../testkit/harness";
import { buildPipeline } from "../testkit/pipeline";
import { NotificationTopic } from "../packages/csv-to-parquet/src";
import { componentType, TypeScriptOnly } from "../packages/csv-to-parquet/src/components/componentType";

describe("component type tokens and TypeScript-only resources", () => {
    it("names both components in the package's index module", async () => {
        const { value: pipeline } = await buildPipeline("lake");
        const { value: topic } = await build((opts) => new NotificationTopic("alerts", {}, opts));
        expect(await valueOf(pipeline.urn)).to.contain("::csv-to-parquet:index:CsvToParquetPipeline::lake");
        expect(await valueOf(topic.urn)).to.contain("::csv-to-parquet:index:NotificationTopic::alerts");
    });

    it("aliases each from its former type, keeping the aliases it was given", () => {
        const given = { type: "some:other:Type" };
        const [type, options] = componentType("CsvToParquetPipeline", "pipeline", { aliases: [given], protect: true });
        expect(type).to.equal("csv-to-parquet:index:CsvToParquetPipeline");
        expect(options).to.deep.equal({
            protect: true,
            aliases: [given, { type: "csv-to-parquet:pipeline:CsvToParquetPipeline" }],
        });
        expect(componentType("NotificationTopic", "notifications", undefined)[1].aliases).to.deep.equal([
            { type: "csv-to-parquet:notifications:NotificationTopic" },
        ]);
    });

    it("keeps the AWS resources for TypeScript, and their names and ARNs as outputs", async () => {
        const { value: pipeline } = await buildPipeline("lake");
        expect(await valueOf(pipeline.resources.bucket.bucket)).to.equal(await valueOf(pipeline.bucketName));
        expect(await valueOf(pipeline.resources.key.arn)).to.equal(await valueOf(pipeline.keyArn));
        expect(await valueOf(pipeline.resources.uploadDeadLetterQueue.arn)).to.equal(
            await valueOf(pipeline.uploadDeadLetterQueueArn),
        );
        const { value: topic } = await build(
            (opts) => new NotificationTopic("alerts", { emails: ["a@example.com"] }, opts),
        );
        expect(await valueOf(topic.resources.topic.arn)).to.equal(await valueOf(topic.topicArn));
        expect(topic.resources.subscriptions).to.have.length(1);
        expect(Object.keys(pipeline)).to.not.include("resources");
    });

    it("refuses to hand out resources a component has not made", () => {
        expect(() => new TypeScriptOnly<object, number>().get({})).to.throw(/before it made them/);
    });
});
