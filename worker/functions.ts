// The Inngest functions the worker (WhatsApp side) serves. Capability folders add theirs here;
// test/shared/inngest-catalogue.test.ts checks every one against the event catalogue.
import type { InngestFunction } from "inngest";

export const functions: InngestFunction.Any[] = [];
