/* One stub of the Glue client for all tests: it replaces `send` of every GlueClient, including the ones the
   serialized Lambda code creates, since they load the same @aws-sdk/client-glue module. */
import { mockClient } from "aws-sdk-client-mock";
import { GlueClient } from "@aws-sdk/client-glue";

export const glueMock = mockClient(GlueClient);
