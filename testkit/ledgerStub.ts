/* A ledger for handler tests and simulations that are not about the ledger: a DynamoDB client whose every request
   succeeds (aws-sdk-client-mock on this one instance, so other clients, such as moto's, are untouched). */
import { mockClient } from "aws-sdk-client-mock";
import { DynamoDBClient, UpdateItemCommand, UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import type { UploadsLedger } from "../packages/csv-to-parquet/src/functions";

export function acceptingLedger(tableName = "uploads"): UploadsLedger & { writes: () => UpdateItemCommandInput[] } {
    const dynamodb = new DynamoDBClient({ region: "us-east-1" });
    const mock = mockClient(dynamodb);
    mock.on(UpdateItemCommand).resolves({});
    return { dynamodb, tableName, writes: () => mock.commandCalls(UpdateItemCommand).map((c) => c.args[0].input) };
}
