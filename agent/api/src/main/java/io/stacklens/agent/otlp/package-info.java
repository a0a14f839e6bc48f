/**
 * OTLP encodings shared by receivers and exporters: the protobuf logs decoder that builds our model
 * straight from the wire, the wire scanner that checks traces and metrics against the limits before
 * protobuf-java parses them, OTLP/JSON in both directions, the record rules every receiver applies,
 * and the gRPC marshallers that hand raw request bytes to the receivers.
 */
package io.stacklens.agent.otlp;
