/* One CsvToParquetPipeline under Pulumi mocks, as the component tests build it: the test topic, and every other
   argument as given (the crawler, job and databases then take the names the component derives from `name`). */
import { build, Resources, TOPIC } from "./harness";
import { CsvToParquetPipeline, CsvToParquetPipelineArgs } from "../packages/csv-to-parquet/src";

export function buildPipeline(
    name: string,
    args: Partial<CsvToParquetPipelineArgs> = {},
): Promise<{ value: CsvToParquetPipeline; resources: Resources }> {
    return build((opts) => new CsvToParquetPipeline(name, { notificationTopicArn: TOPIC, ...args }, opts));
}
