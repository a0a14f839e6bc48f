/**
 * The {@code http_json} receiver: JSON objects, arrays or NDJSON over HTTP, mapped to log records,
 * validated one by one, with per-record errors in the answer (docs/receivers/http_json.md).
 */
package io.stacklens.receiver.httpjson;
