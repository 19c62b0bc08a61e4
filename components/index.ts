export * from "./csvToParquetPipeline";
export * from "./pipelineArgs";
export * from "./notificationTopic";
export * from "./eventPatterns";
export * from "./prefixes";
export * from "./iam";
