/*
 * Typed message bodies: each SQS body is read once into a typed record, or into the reason it cannot be one, before
 * any handler looks at it. A parser is the JSON read plus a check of the shape the handler relies on; what it returns
 * is all the handler uses afterwards.
 */
import type { SQSEvent } from "aws-lambda";
export { deploymentOnlyModule } from "./byValue";

/** What a parser makes of a body: the typed record, or why the body is not one. */
export type ParseResult<T> = { success: true; data: T } | { success: false; error: string };

/** Reads a message body into `T`. */
export type BodyParser<T> = (body: string) => ParseResult<T>;

/** One SQS message, its body parsed. */
export interface ParsedMessage<T> {
    messageId: string;
    body: ParseResult<T>;
}

export const parsed = <T>(data: T): ParseResult<T> => ({ success: true, data });
export const unparsed = <T>(error: string): ParseResult<T> => ({ success: false, error });

/** A parser of JSON bodies: the text is read as JSON once, then `check` decides whether the value is a `T`. */
export function jsonBody<T>(check: (value: object) => ParseResult<T>): BodyParser<T> {
    return (body) => {
        let value: unknown;
        try {
            value = JSON.parse(body);
        } catch {
            return unparsed("body is not JSON");
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            return unparsed("body is not a JSON object");
        }
        return check(value);
    };
}

/** Every message of an SQS event, each body parsed exactly once. */
export function parseMessages<T>(event: SQSEvent, parser: BodyParser<T>): ParsedMessage<T>[] {
    return (event.Records ?? []).map(({ messageId, body }) => ({ messageId, body: parser(body) }));
}
