/**
 * What the HTTP receivers share on top of the agent's HTTP server: request bodies decompressed
 * (gzip, zstd) within the decompressed-size limit and charged to the memory budget.
 */
package io.stacklens.receiver.http;
