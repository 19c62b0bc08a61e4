export * from "./csvToParquetPipeline";
export * from "./notificationTopic";
export * from "./eventPatterns";
export * from "./prefixes";
export * from "./policies";
