import "./harness";
import { build } from "./harness";
import { CsvToParquetPipeline } from "../components";
import * as fs from "fs";
describe("smoke", () => {
    it("builds", async () => {
        const { resources } = await build((opts) => new CsvToParquetPipeline("smoke", { notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" }, opts));
        const fn = resources.ofType("aws:lambda/function:Function")[0];
        const text = await (await fn.inputs.code.assets)["__index.js"].text;
        fs.writeFileSync("/tmp/idx.js", text);
    });
});
