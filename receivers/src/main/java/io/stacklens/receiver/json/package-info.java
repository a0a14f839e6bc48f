/**
 * Mapping JSON objects to log records, shared by {@code http_json} and the Kafka receiver's {@code
 * json} encoding: which fields become the timestamp, severity, body and attributes, read in one
 * streaming pass within the request limits.
 */
package io.stacklens.receiver.json;
