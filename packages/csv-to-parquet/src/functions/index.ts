export * from "./batch";
export * from "./messages";
export * from "./startCrawler";
export * from "./startJob";
export * from "./callbacks";
export * from "./uploadsLedger";
export * from "./ledgerItem";
export * from "./parser";
