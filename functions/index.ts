export * from "./batch";
export * from "./s3Messages";
export * from "./startCrawler";
export * from "./startJob";
export * from "./callbacks";
export * from "./uploadsLedger";
