/* One CsvToParquetPipeline under Pulumi mocks, as the component tests build it: the test topic, and the crawler and
   job named after the component unless the arguments say otherwise. */
import { build, Resources, TOPIC } from "./harness";
import { CsvToParquetPipeline, CsvToParquetPipelineArgs } from "../components";

export function buildPipeline(
    name: string,
    args: Partial<CsvToParquetPipelineArgs> = {},
): Promise<{ value: CsvToParquetPipeline; resources: Resources }> {
    return build(
        (opts) =>
            new CsvToParquetPipeline(
                name,
                { notificationTopicArn: TOPIC, crawlerName: `${name}-crawler`, jobName: `${name}-job`, ...args },
                opts,
            ),
    );
}
