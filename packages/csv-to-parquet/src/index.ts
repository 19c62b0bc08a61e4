/*
 * The package's public entry: the two components, their arguments, the closed sets and defaults of those arguments,
 * and the validator the component applies (a stack's config can apply it too, to name its own keys in errors). The
 * uploads ledger's item shape is here for operator tools that read the ledger.
 */
export * from "./components/csvToParquetPipeline";
export * from "./components/pipelineArgs";
export * from "./components/notificationTopic";
export { BucketEncryption } from "./components/dataBucket";
export { ExecutionClass, WorkerType } from "./components/glueJobOptions";
export { PIPELINE_DEFAULTS } from "./components/defaults";
export { PipelineArgError, PipelineSettings, resolvePipelineSettings } from "./components/pipelineSettings";
export { LEDGER, placeholders } from "./functions/ledgerItem";
